#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Audit trail end to end: `wiretrail keygen`, the daemon with audit.enabled on a real capture,
# then `wiretrail verify` on what reached the embedded Kafka cluster and on the file output
# (clean: exit 0), and on tampered copies of the file (modified, deleted, reordered, inserted,
# truncated, wrong public key: each exit 1 naming the kind).
# usage: run_audit.sh WIRETRAIL CONFIG PCAP      (cwd = project root)
set -u
. "$(dirname "$0")/lib.sh"
exe=$1 config=$2 pcap=$3
wt_init audit
for t in kcat python3; do
	command -v "$t" >/dev/null || { echo "SKIP: $t missing"; exit 77; }
done

"$exe" keygen "$OUT/keys" >/dev/null || { fail "keygen"; wt_result; }
"$exe" keygen "$OUT/other" >/dev/null || { fail "keygen (second key)"; wt_result; }
[ "$(stat -c %a "$OUT/keys/audit.key")" = 600 ] && pass "private key is 0600" || fail "key mode"

wt_start "$exe" -c "$config" -r "$pcap" --keep-alive \
	--set audit.enabled=true --set "audit.dir=$OUT/state" --set "audit.key=$OUT/keys/audit.key" \
	--set outputs.file.enabled=true --set "outputs.file.path=$OUT/eve.json"
wt_wait_line "keep-alive:" 60 || wt_result
addr=$(wt_bootstrap)
timeout 60 "$exe" verify --pub "$OUT/keys/audit.pub" --brokers "$addr" --timeout-ms 3000 \
	>"$OUT/verify-kafka.txt" 2>&1
rc=$?
[ "$rc" = 0 ] && pass "verify on Kafka: clean" || { fail "verify on Kafka: status $rc"; cat "$OUT/verify-kafka.txt"; }
wt_stop 30
[ "$WT_RC" = 0 ] && pass "wiretrail exited 0" || fail "wiretrail exit status $WT_RC"

"$exe" verify --pub "$OUT/keys/audit.pub" "$OUT/eve.json" >"$OUT/verify-file.txt" 2>&1 &&
	pass "verify on the file: clean" || { fail "verify on the file"; cat "$OUT/verify-file.txt"; }
n=$(grep -c '"event_type":"checkpoint"' "$OUT/eve.json")
[ "$n" -ge 1 ] && pass "$n signed checkpoint(s) in the chain" || fail "no checkpoint record"
events=$(grep -c '"audit":{' "$OUT/eve.json")
[ "$events" = "$(wc -l <"$OUT/eve.json")" ] && pass "every line ($events) is chained" ||
	fail "unchained lines in the file"

# Tampering: each copy must fail, naming what happened.
tamper() { # name expected-kind python-expression-on-lines
	python3 - "$OUT/eve.json" "$OUT/t-$1.json" "$3" <<'PY'
import sys
src, dst, expr = sys.argv[1], sys.argv[2], sys.argv[3]
lines = open(src).read().splitlines(True)
exec(expr)
open(dst, "w").writelines(lines)
PY
	if "$exe" verify --pub "${4:-$OUT/keys/audit.pub}" "$OUT/t-$1.json" >"$OUT/t-$1.txt" 2>&1; then
		fail "tampered ($1) verified clean"
	elif grep -qi "$2" "$OUT/t-$1.txt"; then
		pass "tampered ($1) detected as $2"
	else
		fail "tampered ($1) detected, but not as $2: $(head -n 3 "$OUT/t-$1.txt")"
	fi
}
tamper modified modified 'lines[3] = lines[3].replace("\"pkts_toserver\":", "\"pkts_toserver\":1", 1) if "pkts_toserver" in lines[3] else lines[3].replace("\"src_port\":", "\"src_port\":1", 1)'
tamper deleted deleted 'del lines[5]'
tamper reordered reorder 'lines[4], lines[6] = lines[6], lines[4]'
tamper inserted inserted 'lines.insert(7, lines[2].replace("\"seq\":", "\"seq\":9", 1))'
tamper truncated truncated 'del lines[-1]'
tamper wrongkey signature 'pass' "$OUT/other/audit.pub"

# Losses are named in the chain: an endless replay into one worker overflows the RX ring; the
# verifier must account for exactly the drops the summary reports.
eal="--no-huge --no-pci --no-shconf --file-prefix wtaudit$$ -m 1024 --lcores 0@(0-1),1@(0-1),2@(0-1),3@(0-1)"
eal="$eal --vdev net_pcap0,rx_pcap=$pcap,infinite_rx=1"
timeout 60 "$exe" -c "$config" --run-for 2 --set outputs.kafka.enabled=false \
	--set outputs.file.enabled=true --set "outputs.file.path=$OUT/loss.json" \
	--set audit.enabled=true --set "audit.dir=$OUT/state2" --set "audit.key=$OUT/keys/audit.key" \
	--set threading.idle-sleep-us=0 --set "dpdk.eal-params=$eal" >"$OUT/loss.txt" 2>&1 ||
	fail "endless replay run failed: $(tail -n 5 "$OUT/loss.txt")"
drops=$(sed -n 's/^drops: \([0-9]*\)$/\1/p' "$OUT/loss.txt")
"$exe" verify --pub "$OUT/keys/audit.pub" "$OUT/loss.json" >"$OUT/verify-loss.txt" 2>&1 &&
	pass "verify with losses: clean" || { fail "verify with losses"; tail -n 5 "$OUT/verify-loss.txt"; }
named=$(sed -n 's/.* gap records naming \([0-9]*\) losses.*/\1/p' "$OUT/verify-loss.txt" | head -n 1)
if [ -n "$drops" ] && [ "$drops" = "$named" ]; then
	pass "all $drops drops are named in gap records"
else
	fail "summary drops '$drops' but gap records name '$named'"
fi
wt_result
