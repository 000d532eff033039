#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Self-test of check_flows.py (no wiretrail needed): the flow events tshark's numbers imply must
# pass, and every kind of damage to them must fail with exit status 1.
#   tests/integration/test_check_flows.sh [PCAP]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
pcap=${1:-$here/../captures/m2m-loopback.pcap}
cf="$here/check_flows.py"
command -v tshark >/dev/null || { echo "SKIP: tshark not found"; exit 77; }

tmp=$(mktemp -d /tmp/wt-cf-selftest.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fails=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

"$cf" --pcap "$pcap" --events /dev/null --emit-events >"$tmp/ref.json" || { echo "FAIL: emit"; exit 1; }
n=$(wc -l <"$tmp/ref.json")
[ "$n" -gt 0 ] || { echo "FAIL: no conversations in $pcap"; exit 1; }
# Other event types and non-compared protocols are ignored.
{ echo '{"event_type":"stats","stats":{"packets":1}}'
  cat "$tmp/ref.json"
  echo '{"timestamp":"x","flow_id":999999,"event_type":"flow","src_ip":"127.0.0.10","dest_ip":"127.0.0.2","proto":"ICMP","icmp_type":8,"icmp_code":0,"community_id":"1:x","flow":{"pkts_toserver":2,"pkts_toclient":2,"bytes_toserver":180,"bytes_toclient":180,"state":"none","reason":"shutdown"}}'
} >"$tmp/good.json"

expect() { # want-rc description events-file [extra args]
	local want=$1 what=$2 ev=$3; shift 3
	"$cf" --pcap "$pcap" --events "$ev" "$@" >"$tmp/out" 2>&1
	local rc=$?
	if [ "$rc" = "$want" ]; then pass "$what (exit $rc)"; else
		fail "$what: exit $rc, expected $want"; sed 's/^/    /' "$tmp/out"; fi
}
mutate() { # python-expression-on-list-of-events file
	python3 - "$tmp/ref.json" "$1" >"$2" <<'EOF'
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
exec(sys.argv[2])
for e in evs:
    print(e if isinstance(e, str) else json.dumps(e))
EOF
}

expect 0 "reference events match" "$tmp/good.json"
grep -q "$n flows match tshark" "$tmp/out" && pass "summary line says $n flows" || fail "summary: $(cat "$tmp/out")"
expect 0 "tcp only" "$tmp/good.json" --proto tcp
expect 0 "port filter 8081" "$tmp/good.json" --proto tcp --filter-port 8081
expect 1 "empty events" /dev/null
expect 0 "empty with --allow-empty on an unused port" /dev/null --filter-port 1 --allow-empty
expect 1 "nothing to compare on an unused port" /dev/null --filter-port 1

mutate 'evs.pop(3)' "$tmp/m1.json";                        expect 1 "missing flow" "$tmp/m1.json"
mutate 'evs.append(dict(evs[0], flow_id=424242))' "$tmp/m2.json"; expect 1 "duplicate flow" "$tmp/m2.json"
mutate 'evs[0]["flow"]["pkts_toserver"] += 1' "$tmp/m3.json";     expect 1 "packet count off by one" "$tmp/m3.json"
mutate 'evs[1]["flow"]["bytes_toclient"] -= 14' "$tmp/m4.json";   expect 1 "bytes without ethernet header" "$tmp/m4.json"
mutate '
e = evs[2]
e["src_ip"], e["dest_ip"], e["src_port"], e["dest_port"] = e["dest_ip"], e["src_ip"], e["dest_port"], e["src_port"]
' "$tmp/m5.json";                                          expect 1 "client and server swapped" "$tmp/m5.json"
mutate '
e = evs[2]
e["src_ip"], e["dest_ip"], e["src_port"], e["dest_port"] = e["dest_ip"], e["src_ip"], e["dest_port"], e["src_port"]
f = e["flow"]
f["pkts_toserver"], f["pkts_toclient"] = f["pkts_toclient"], f["pkts_toserver"]
f["bytes_toserver"], f["bytes_toclient"] = f["bytes_toclient"], f["bytes_toserver"]
' "$tmp/m6.json";                                          expect 1 "server reported as client (counters consistent)" "$tmp/m6.json"
expect 0 "... accepted with --no-initiator-check and --no-community-id-check" "$tmp/m6.json" --no-initiator-check --no-community-id-check
mutate 'evs[0]["community_id"] = "1:AAAAAAAAAAAAAAAAAAAAAAAAAAA="' "$tmp/m7.json"; expect 1 "wrong community_id" "$tmp/m7.json"
mutate 'del evs[0]["flow_id"]' "$tmp/m8.json";              expect 1 "no flow_id" "$tmp/m8.json"
mutate 'del evs[0]["timestamp"]' "$tmp/m9.json";            expect 1 "no timestamp" "$tmp/m9.json"
mutate 'evs[1]["flow_id"] = evs[0]["flow_id"]' "$tmp/m10.json"; expect 1 "flow_id reused" "$tmp/m10.json"
mutate 'evs.insert(1, "{\"event_type\": \"flow\", truncated")' "$tmp/m11.json"; expect 1 "invalid JSON line" "$tmp/m11.json"
mutate 'evs.append(dict(evs[0], flow_id=5, src_port=1, community_id="1:Ct1Kje6z/hzU2m5ZJ+3Gu2MJ/hM="))' "$tmp/m12.json"
expect 1 "flow not in the capture" "$tmp/m12.json" --no-community-id-check
mutate 'del evs[0]["flow"]["reason"]' "$tmp/m13.json";      expect 1 "flow without reason" "$tmp/m13.json"
expect 0 "flow start/end = capture times (--check-times)" "$tmp/good.json" --check-times
mutate 'evs[4]["flow"]["start"] = evs[4]["flow"]["start"].replace(":", "-", 0)[:17] + "59.000000+0000"' "$tmp/m14.json"
expect 0 "... not checked without --check-times" "$tmp/m14.json"
expect 1 "... wrong flow.start with --check-times" "$tmp/m14.json" --check-times

[ "$fails" = 0 ] && { echo "PASS: check_flows.py self-test"; exit 0; }
echo "FAIL: check_flows.py self-test ($fails failures)"; exit 1
