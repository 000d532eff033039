#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Queue-mode integration test: one port with 2 RX queues, each polled by its own worker (no RX
# lcore). The capture is split in two by a symmetric 5-tuple hash (split_by_flow.py, like
# symmetric RSS) and replayed as net_pcap0,rx_pcap=A,rx_pcap=B; the events must match tshark's
# view of the ORIGINAL capture, exactly as in run_offline.sh.
#
#   tests/integration/run_queues.sh WIRETRAIL PCAP      (cwd = project root)
#
# The config (OUT/queues.yaml) is written here: interface net_pcap0 with rx-queues: 2,
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

cat >"$OUT/queues.yaml" <<EOF
# written by tests/integration/run_queues.sh
sensor:
  name: queues-test
dpdk:
  eal-params: ["--no-huge", "--no-pci", "--no-shconf", "--file-prefix", "$prefix", "-m", "1024",
               "--log-level", "*:warning",
               "--lcores", "0@(0-1),1@(0-1),2@(0-1),3@(0-1)",
               "--vdev", "net_pcap0,rx_pcap=$OUT/q0.pcap,rx_pcap=$OUT/q1.pcap"]
  interfaces:
    - interface: default
      rx-queues: 1
      rx-descriptors: 1024
      mempool-size: 8191
      mempool-cache-size: 256
    - interface: net_pcap0
      rx-queues: 2
threading:
  rx-lcores: []         # workers poll the queues themselves
  worker-lcores: [1, 2]
  exporter-lcores: [3]
  idle-sleep-us: 50
flow:
  max-flows: 65536
  memcap: 64mb
  timeouts:
    tcp-new: 30
    tcp-established: 300
    tcp-closed: 10
    udp: 30
    icmp: 30
    other: 30
    hard: 3600
events:
  pool-size: 16383
  ring-size: 4096
kafka:
  brokers: embedded
  embedded-brokers: 3
  topic-template: "wiretrail.{event_type}"
  librdkafka:
    linger.ms: 10
outputs:
  kafka:
    enabled: true
  file:
    enabled: false
    path: eve.json
EOF

WT_EXPECT_WORKERS=2
wt_offline_run "$pcap" "$exe" -c "$OUT/queues.yaml"
wt_result
