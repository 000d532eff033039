#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# HTTP integration test: the real daemon on a capture of HTTP/1.x service-to-service traffic
# (tests/captures/http-m2m.pcap), its http and flow events read back from the embedded Kafka
# cluster and from the file output, compared with tshark.
#
#   tests/integration/run_http.sh WIRETRAIL CONFIG PCAP      (cwd = project root)
#
# Secrets: PCAP with .secrets instead of .pcap (one a line), when it exists.
# 0. check_http.py --self-test on PCAP (no daemon): its reference events pass, damaged ones fail
# 1. WIRETRAIL -c CONFIG -r PCAP --set outputs.file.enabled=true --set outputs.file.path=OUT/eve.json
#    --keep-alive, in the background; wait (60 s) for `kafka bootstrap:` then `keep-alive:`
# 2. kcat -L: the topics; read wiretrail.flow, wiretrail.http and every other topic from the
#    beginning to its end (OUT/kafka-TOPIC.json; OUT/kafka-flow.json = wiretrail.flow)
# 3. SIGINT, wait (30 s); the offline flow checks of run_offline.sh (lib.sh wt_offline_checks:
#    exit 0, summary, check_flows.py on kafka and file, counts, drops 0, packets, capture times)
# 4. check_http.py --expect-cases on the kafka http events and on the file: one http event per
#    tshark request, method/url/host/protocol/status, trace.id across proxy hops, JWT expiry,
#    Basic username, no secret; as many http events in kafka as in the file and in the summary
#    (events.http); no secret (nor its base64 forms) in any topic, the file, stdout or stderr.
# OUT is a mktemp dir, removed at exit unless KEEP=1. Exit 0 only when every check passed.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
WT_CHECK_HTTP="$WT_LIB_DIR/check_http.py"

if [ $# -ne 3 ]; then
	echo "usage: $0 WIRETRAIL CONFIG PCAP" >&2
	exit 2
fi
exe=$1 conf=$2 pcap=$3
secrets=${pcap%.pcap}.secrets
wt_init "${WT_TEST_NAME:-http}"
for t in kcat tshark python3 timeout; do
	command -v "$t" >/dev/null || { echo "SKIP: $WT_NAME: $t not found"; exit 77; }
done
[ -r "$conf" ] || { fail "cannot read $conf"; wt_result; }
[ -r "$pcap" ] || { fail "cannot read $pcap"; wt_result; }
[ -x "$exe" ] || { fail "$exe is not executable"; wt_result; }
sec_args=()
if [ -r "$secrets" ]; then sec_args=(--secrets "$secrets"); else
	note "no $secrets: secrets not searched"; fi

count_type() { # type file
	python3 - "$1" "$2" <<'EOF'
import json, sys
n = 0
for line in open(sys.argv[2], encoding="utf-8", errors="replace"):
    try:
        ev = json.loads(line)
    except ValueError:
        continue
    if isinstance(ev, dict) and ev.get("event_type") == sys.argv[1]:
        n += 1
print(n)
EOF
}

# ---- 0. the checker itself, on this capture
if "$WT_CHECK_HTTP" --pcap "$pcap" "${sec_args[@]}" --self-test >"$OUT/selftest.txt" 2>&1; then
	pass "check_http.py self-test: $(tail -n 1 "$OUT/selftest.txt" | sed "s/^PASS: check_http.py self-test //")"
else
	fail "check_http.py self-test:"
	grep -v '^PASS' "$OUT/selftest.txt" | head -n 40
fi

# ---- 1. run
wt_start "$exe" -c "$conf" -r "$pcap" --set outputs.file.enabled=true \
	--set "outputs.file.path=$OUT/eve.json" --keep-alive
wt_wait_line 'kafka bootstrap: ' 60 || wt_result
addr=$(wt_bootstrap)
if [ -z "$addr" ]; then
	fail "cannot parse the kafka bootstrap line: $(grep -m1 '^kafka bootstrap:' "$OUT/stdout.txt")"
	wt_result
fi
pass "kafka bootstrap $addr"
wt_wait_line 'keep-alive:' 60 || wt_result
pass "capture processed ($(grep -m1 '^keep-alive:' "$OUT/stdout.txt"))"

# ---- 2. every topic (listed before reading: reading a topic may create it)
topics=$(timeout 20 kcat -b "$addr" -L 2>"$OUT/kcat-L.err" |
	sed -n 's/^ *topic "\([^"]*\)".*/\1/p' | grep -v '^__' | sort -u)
note "topics: $(echo $topics)"
echo "$topics" | grep -qx wiretrail.http || fail "no topic wiretrail.http in the cluster"
for t in $(printf '%s\n' wiretrail.flow wiretrail.http $topics | sort -u); do
	wt_consume "$addr" "$t" "$OUT/kafka-$t.json" &&
		note "read $t ($(wc -l <"$OUT/kafka-$t.json") messages)"
done
cp "$OUT/kafka-wiretrail.flow.json" "$OUT/kafka-flow.json" 2>/dev/null || : >"$OUT/kafka-flow.json"
[ -f "$OUT/kafka-wiretrail.http.json" ] || : >"$OUT/kafka-wiretrail.http.json"

# ---- 3. stop, flow checks
wt_stop 30
wt_offline_checks "$pcap"

# ---- 4. http checks
if "$WT_CHECK_HTTP" --label "kafka: " --pcap "$pcap" --events "$OUT/kafka-wiretrail.http.json" \
	"${sec_args[@]}" --expect-cases; then
	pass "kafka topic wiretrail.http matches tshark"
else fail "kafka topic wiretrail.http differs from tshark (above)"; fi
if [ -f "$OUT/eve.json" ]; then
	if "$WT_CHECK_HTTP" --label "file: " --pcap "$pcap" --events "$OUT/eve.json" \
		"${sec_args[@]}" --expect-cases; then
		pass "file output http events match tshark"
	else fail "file output http events differ from tshark (above)"; fi
fi
n_kafka=$(count_type http "$OUT/kafka-wiretrail.http.json")
n_file=$( [ -f "$OUT/eve.json" ] && count_type http "$OUT/eve.json" || echo missing)
n_sum=$(wt_summary 'events\.http')
if [ "$n_kafka" = "$n_file" ]; then pass "$n_kafka http events in kafka and in the file"; else
	fail "http events: $n_kafka in kafka, $n_file in the file"; fi
if [ "$n_sum" = "$n_file" ]; then pass "summary events.http: $n_sum"; else
	fail "summary events.http: '${n_sum:-none}', the file has $n_file"; fi
if [ -f "$OUT/eve.json" ] && [ "$n_kafka" = "$n_file" ]; then
	if cmp -s <(grep '"event_type" *: *"http"' "$OUT/kafka-wiretrail.http.json" | sort) \
		  <(grep '"event_type" *: *"http"' "$OUT/eve.json" | sort); then
		pass "kafka and file http events are byte-identical"
	else note "kafka and file http events are not byte-identical"; fi
fi
if [ ${#sec_args[@]} -gt 0 ]; then
	files=("$OUT"/kafka-*.json "$OUT/stdout.txt" "$OUT/stderr.txt")
	[ -f "$OUT/eve.json" ] && files+=("$OUT/eve.json")
	if "$WT_CHECK_HTTP" "${sec_args[@]}" --leak-check "${files[@]}"; then
		pass "no secret in any topic, the file, stdout or stderr"
	else fail "secrets leaked (above)"; fi
fi
[ "$WT_FAILS" = 0 ] || wt_dump
wt_result
