#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Queue-mode integration test: one port with 2 RX queues, each polled by its own worker (no RX
# lcore). The capture is split in two by a symmetric 5-tuple hash (split_by_flow.py, like
# symmetric RSS) and replayed as net_pcap0,rx_pcap=A,rx_pcap=B; the events must match tshark's
# view of the ORIGINAL capture, exactly as in run_offline.sh.
#
#   tests/integration/run_queues.sh WIRETRAIL PCAP      (cwd = project root)
#
# The config is config/demo.yaml with --set overrides: interface net_pcap0 with rx-queues: 2,
# rx-lcores: [], worker-lcores: [1, 2], exporter-lcores: [3]. OUT removed at exit unless KEEP=1.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

if [ $# -ne 2 ]; then
	echo "usage: $0 WIRETRAIL PCAP" >&2
	exit 2
fi
exe=$1 pcap=$2
prefix=wtq$$
wt_init queues
wt_at_exit "rm -rf '/var/run/dpdk/$prefix'"

if ! python3 "$WT_LIB_DIR/split_by_flow.py" "$pcap" "$OUT/q" 2 >"$OUT/split.txt"; then
	fail "split_by_flow.py failed"; wt_result
fi
read -r _ n0 < <(sed -n 1p "$OUT/split.txt")
read -r _ n1 < <(sed -n 2p "$OUT/split.txt")
if [ "${n0:-0}" -gt 0 ] && [ "${n1:-0}" -gt 0 ]; then
	pass "capture split by flow: $n0 + $n1 packets"
else
	fail "split left a queue empty ($n0 + $n1 packets)"
fi

# The demo config, with one port of two queues polled directly by two workers (no RX lcore).
eal="--no-huge --no-pci --no-shconf --file-prefix $prefix -m 1024 --log-level *:warning"
eal="$eal --lcores 0@(0-1),1@(0-1),2@(0-1),3@(0-1) --vdev net_pcap0,rx_pcap=$OUT/q0.pcap,rx_pcap=$OUT/q1.pcap"

WT_EXPECT_WORKERS=2
wt_offline_run "$pcap" "$exe" -c config/demo.yaml --set sensor.name=queues-test \
	--set "dpdk.eal-params=$eal" --set dpdk.interfaces=net_pcap0 \
	--set dpdk.interfaces.net_pcap0.rx-queues=2 --set threading.rx-lcores= \
	--set threading.worker-lcores=1,2 --set threading.exporter-lcores=3
wt_result
