#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Offline integration test: the real daemon on a capture, events read back from its embedded
# Kafka cluster and from its file output, both compared with tshark.
#
#   tests/integration/run_offline.sh WIRETRAIL CONFIG PCAP      (cwd = project root)
#
# 1. WIRETRAIL -c CONFIG -r PCAP --set outputs.file.enabled=true --set outputs.file.path=OUT/eve.json
#    --keep-alive, in the background (stdout -> OUT/stdout.txt, stderr -> OUT/stderr.txt)
# 2. wait (60 s at most) for `keep-alive:` (capture processed, every event delivered)
# 3. kcat: topic wiretrail.flow from the beginning to its end -> OUT/kafka-flow.json
# 4. SIGINT, wait (30 s at most); exit status must be 0, `== wiretrail summary ==` printed
# 5. check_flows.py on the kafka events and on OUT/eve.json: one flow per TCP/UDP conversation of
#    PCAP, same packets and frame bytes per direction; as many flow events in kafka as in the file
#    (same flow_ids); summary events.flow = that number, drops = 0, packets = frames of PCAP;
#    flow start/end = capture times. WT_EXPECT_WORKERS=N: flows must come from >= N workers.
# OUT is a mktemp dir, removed at exit unless KEEP=1. Exit 0 only when every check passed.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

if [ $# -ne 3 ]; then
	echo "usage: $0 WIRETRAIL CONFIG PCAP" >&2
	exit 2
fi
exe=$1 conf=$2 pcap=$3
wt_init "${WT_TEST_NAME:-offline}"
[ -r "$conf" ] || { fail "cannot read $conf"; wt_result; }
wt_offline_run "$pcap" "$exe" -c "$conf" -r "$pcap"
wt_result
