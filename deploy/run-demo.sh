#!/usr/bin/env bash
# README command (a): install dependencies, build, and run the main job on the embedded default:
# the bundled capture through DPDK's pcap PMD, events into the embedded Kafka cluster.
# Extra arguments go to wiretrail, e.g. --keep-alive to keep the cluster up until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/install-deps.sh
bash deploy/build.sh build
exec build/app/wiretrail -c config/demo.yaml "$@"
