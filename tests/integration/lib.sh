# SPDX-License-Identifier: BSD-3-Clause
# Shared shell helpers of the integration tests (sourced, bash). Run with cwd = project root.
#
#   wt_init NAME                 OUT=mktemp dir (kept when KEEP=1), EXIT trap running wt_cleanup
#   wt_at_exit CMD...            run CMD at exit, before OUT is removed (last registered first)
#   wt_start WIRETRAIL ARGS...   start the daemon: stdout -> OUT/stdout.txt, stderr -> OUT/stderr.txt
#   wt_wait_line PREFIX SECS     wait for a stdout line starting with PREFIX (fails if it exits)
#   wt_bootstrap                 print the address of the `kafka bootstrap: ADDR ...` line
#   wt_consume ADDR TOPIC FILE   read TOPIC from the beginning to its end with kcat (bounded)
#   wt_stop SECS                 SIGINT, wait (bounded; SIGKILL past it), sets WT_RC
#   wt_summary KEY               value of `KEY: N` in the `== wiretrail summary ==` block
#   wt_count_flows FILE          number of "event_type": "flow" JSON lines in FILE
#   wt_offline_checks PCAP       the checks shared by the offline tests (see below)
#   wt_offline_run REF_PCAP WIRETRAIL ARGS...   a whole offline test: start with ARGS plus the file
#                                output and --keep-alive, read kafka, SIGINT, wt_offline_checks
#   pass MSG / fail MSG / wt_result   PASS/FAIL lines; wt_result exits 0 only when nothing failed

WT_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WT_CHECK_FLOWS="$WT_LIB_DIR/check_flows.py"
WT_NAME=integration
WT_PID=''
WT_RC=''
WT_FAILS=0
WT_EXIT_CMDS=()
OUT=''

pass() { echo "PASS: $WT_NAME: $*"; }
fail() { echo "FAIL: $WT_NAME: $*"; WT_FAILS=$((WT_FAILS + 1)); }
note() { echo "NOTE: $WT_NAME: $*"; }

wt_at_exit() { WT_EXIT_CMDS=("$*" "${WT_EXIT_CMDS[@]}"); }

wt_cleanup() {
	local rc=$? c i
	trap - EXIT INT TERM
	if [ -n "$WT_PID" ] && kill -0 "$WT_PID" 2>/dev/null; then
		kill -INT "$WT_PID" 2>/dev/null
		for i in $(seq 1 50); do kill -0 "$WT_PID" 2>/dev/null || break; sleep 0.2; done
		kill -KILL "$WT_PID" 2>/dev/null
		wait "$WT_PID" 2>/dev/null
	fi
	for c in "${WT_EXIT_CMDS[@]}"; do eval "$c" || true; done
	if [ -n "$OUT" ] && [ -d "$OUT" ]; then
		if [ "${KEEP:-0}" = 1 ]; then echo "$WT_NAME: output kept in $OUT"; else rm -rf "$OUT"; fi
	fi
	exit "$rc"
}

wt_init() {
	WT_NAME=$1
	OUT=$(mktemp -d "/tmp/wt-$WT_NAME.XXXXXX")
	trap wt_cleanup EXIT
	trap 'echo "$WT_NAME: interrupted"; exit 130' INT TERM
}

# Print what the daemon said, to explain a failure.
wt_dump() {
	local f
	for f in "$OUT/stdout.txt" "$OUT/stderr.txt"; do
		[ -s "$f" ] || continue
		echo "---- $(basename "$f") (last 40 lines)"
		tail -n 40 "$f"
	done
	echo "----"
}

wt_start() {
	local exe=$1; shift
	echo "$WT_NAME: $exe $*"
	"$exe" "$@" >"$OUT/stdout.txt" 2>"$OUT/stderr.txt" </dev/null &
	WT_PID=$!
}

wt_wait_line() { # prefix seconds
	local prefix=$1 secs=$2 t=0
	while [ "$t" -lt $((secs * 10)) ]; do
		grep -q "^$prefix" "$OUT/stdout.txt" 2>/dev/null && return 0
		if ! kill -0 "$WT_PID" 2>/dev/null; then
			wait "$WT_PID"; WT_RC=$?; WT_PID=''
			fail "wiretrail exited (status $WT_RC) before printing '$prefix'"
			wt_dump
			return 1
		fi
		sleep 0.1; t=$((t + 1))
	done
	fail "no '$prefix' line on stdout within ${secs}s"
	wt_dump
	return 1
}

wt_bootstrap() {
	sed -n 's/^kafka bootstrap: *\([^ ]*\).*/\1/p' "$OUT/stdout.txt" | head -n 1
}

wt_consume() { # addr topic file
	local rc
	timeout 30 kcat -b "$1" -C -t "$2" -o beginning -e -q >"$3" 2>"$3.err"
	rc=$?
	if [ "$rc" != 0 ]; then
		fail "kcat -b $1 -C -t $2 exited with status $rc: $(head -c 400 "$3.err")"
		return 1
	fi
	return 0
}

wt_stop() { # seconds
	local secs=${1:-30} t=0
	[ -n "$WT_PID" ] || return 1
	kill -INT "$WT_PID" 2>/dev/null
	while kill -0 "$WT_PID" 2>/dev/null && [ "$t" -lt $((secs * 10)) ]; do
		sleep 0.1; t=$((t + 1))
	done
	if kill -0 "$WT_PID" 2>/dev/null; then
		fail "wiretrail still running ${secs}s after SIGINT: killed"
		kill -KILL "$WT_PID" 2>/dev/null
	fi
	wait "$WT_PID"; WT_RC=$?; WT_PID=''
	return 0
}

wt_summary() { # key
	sed -n '/^== wiretrail summary ==/,$p' "$OUT/stdout.txt" |
		sed -n "s/^ *$1: *\([0-9][0-9]*\).*/\1/p" | head -n 1
}

wt_count_flows() {
	python3 - "$1" <<'EOF'
import json, sys
n = 0
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    try:
        ev = json.loads(line)
    except ValueError:
        continue
    if isinstance(ev, dict) and ev.get("event_type") == "flow":
        n += 1
print(n)
EOF
}

# flow_ids of FILE's flow events, sorted, one a line
wt_flow_ids() {
	python3 - "$1" <<'EOF'
import json, sys
ids = []
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    try:
        ev = json.loads(line)
    except ValueError:
        continue
    if isinstance(ev, dict) and ev.get("event_type") == "flow":
        ids.append(str(ev.get("flow_id")))
print("\n".join(sorted(ids)))
EOF
}

# Check the output of a finished offline run (OUT/kafka-flow.json read before SIGINT, OUT/eve.json,
# OUT/stdout.txt, WT_RC) against PCAP. Offline, flow.start/flow.end must be the capture's packet
# times (check_flows.py --check-times).
wt_offline_checks() {
	local pcap=$1 n_kafka n_file n_sum v frames
	if [ "$WT_RC" = 0 ]; then pass "exit status 0 after SIGINT"; else
		fail "exit status $WT_RC after SIGINT"; wt_dump; fi
	if grep -q '^== wiretrail summary ==' "$OUT/stdout.txt"; then pass "summary printed"; else
		fail "no '== wiretrail summary ==' block on stdout"; fi

	if "$WT_CHECK_FLOWS" --label "kafka: " --pcap "$pcap" --events "$OUT/kafka-flow.json" \
		--check-times; then
		pass "kafka topic wiretrail.flow matches tshark"
	else fail "kafka topic wiretrail.flow differs from tshark (above)"; fi
	if [ -f "$OUT/eve.json" ]; then
		if "$WT_CHECK_FLOWS" --label "file: " --pcap "$pcap" --events "$OUT/eve.json" \
		--check-times; then
			pass "file output matches tshark"
		else fail "file output differs from tshark (above)"; fi
	else
		fail "no file output $OUT/eve.json"
	fi

	n_kafka=$(wt_count_flows "$OUT/kafka-flow.json")
	n_file=$( [ -f "$OUT/eve.json" ] && wt_count_flows "$OUT/eve.json" || echo missing)
	n_sum=$(wt_summary 'events\.flow')
	if [ "$n_kafka" = "$n_file" ]; then pass "$n_kafka flow events in kafka and in the file"; else
		fail "flow events: $n_kafka in kafka, $n_file in the file"; fi
	if [ "$n_sum" = "$n_file" ]; then pass "summary events.flow: $n_sum"; else
		fail "summary events.flow: '${n_sum:-none}', the file has $n_file"; fi
	if [ -f "$OUT/eve.json" ] && [ "$n_kafka" = "$n_file" ]; then
		if cmp -s <(wt_flow_ids "$OUT/kafka-flow.json") <(wt_flow_ids "$OUT/eve.json"); then
			pass "same flow_ids in kafka and in the file"
		else fail "kafka and the file carry different flow_ids"; fi
		if cmp -s <(grep '"event_type" *: *"flow"' "$OUT/kafka-flow.json" | sort) \
			  <(grep '"event_type" *: *"flow"' "$OUT/eve.json" | sort); then
			pass "kafka and file flow events are byte-identical"
		else note "kafka and file flow events are not byte-identical (same flows)"; fi
	fi

	v=$(wt_summary drops)
	if [ "$v" = 0 ]; then pass "summary drops: 0"; else fail "summary drops: '${v:-none}'"; fi
	frames=$(tshark -r "$pcap" -T fields -e frame.number 2>/dev/null | wc -l)
	v=$(wt_summary packets)
	if [ "$v" = "$frames" ]; then pass "summary packets: $v = frames in the capture"; else
		fail "summary packets: '${v:-none}', the capture has $frames frames"; fi
	v=$(wt_summary flows)
	[ -n "$v" ] && note "summary flows: $v" || fail "summary has no 'flows:' line"
	wt_worker_spread "$OUT/eve.json"
}

# Which workers made the flows: flow_id carries the worker id in bits 45-50
# (lib/flow/flow_update.c). With WT_EXPECT_WORKERS=N, fewer than N distinct workers fails.
wt_worker_spread() {
	local spread n
	[ -f "$1" ] || return 0
	spread=$(python3 - "$1" <<'EOF'
import collections, json, sys
c = collections.Counter()
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    try:
        ev = json.loads(line)
    except ValueError:
        continue
    if isinstance(ev, dict) and ev.get("event_type") == "flow" and isinstance(ev.get("flow_id"), int):
        c[(ev["flow_id"] >> 45) & 0x3F] += 1
print(len(c), " ".join("worker%d=%d" % kv for kv in sorted(c.items())))
EOF
)
	n=${spread%% *}
	if [ -n "${WT_EXPECT_WORKERS:-}" ]; then
		if [ "${n:-0}" -ge "$WT_EXPECT_WORKERS" ]; then
			pass "flows from $n workers (${spread#* })"
		else fail "flows from ${n:-0} worker(s), expected $WT_EXPECT_WORKERS (${spread#* })"; fi
	else
		note "flows per worker: ${spread#* }"
	fi
}

wt_offline_run() { # ref-pcap exe args...
	local ref=$1 exe=$2 addr; shift 2
	for t in kcat tshark python3 timeout; do
		command -v "$t" >/dev/null || { echo "SKIP: $WT_NAME: $t not found"; exit 77; }
	done
	[ -x "$exe" ] || { fail "$exe is not executable"; return 1; }
	[ -r "$ref" ] || { fail "cannot read $ref"; return 1; }
	wt_start "$exe" "$@" --set outputs.file.enabled=true --set "outputs.file.path=$OUT/eve.json" \
		--keep-alive
	wt_wait_line 'kafka bootstrap: ' 60 || return 1
	addr=$(wt_bootstrap)
	if [ -z "$addr" ]; then
		fail "cannot parse the kafka bootstrap line: $(grep -m1 '^kafka bootstrap:' "$OUT/stdout.txt")"
		return 1
	fi
	pass "kafka bootstrap $addr"
	wt_wait_line 'keep-alive:' 60 || return 1
	pass "capture processed ($(grep -m1 '^keep-alive:' "$OUT/stdout.txt"))"
	wt_consume "$addr" wiretrail.flow "$OUT/kafka-flow.json" &&
		pass "read wiretrail.flow ($(wc -l <"$OUT/kafka-flow.json") messages)"
	wt_stop 30
	wt_offline_checks "$ref"
	[ "$WT_FAILS" = 0 ] || wt_dump
}

wt_result() {
	if [ "$WT_FAILS" = 0 ]; then echo "PASS: $WT_NAME"; exit 0; fi
	echo "FAIL: $WT_NAME ($WT_FAILS check(s) failed)"
	exit 1
}
