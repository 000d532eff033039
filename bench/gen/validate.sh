#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Checks wt_gen's output with tshark: for each size mix, a cold-start capture (every flow from
# its SYN, so the dissectors see each session from the start) must decode as HTTP, HTTP/2 +
# gRPC, TLS and MQTT, with no malformed packet and no expert item at warning level or above
# other than the client resets wt_gen makes on purpose (~2% of flows end with RST).
#
# Steady-start captures (the bench default) begin midstream; there tshark lacks the CONNECT,
# the HTTP/2 preface or the start of a body for the flows already open, and says so: that is
# expected and not checked here.
#
# Usage: bench/gen/validate.sh [WT_GEN] [WORKDIR]   (default: build/bench/wt_gen, a temp dir)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
gen=${1:-$here/../../build/bench/wt_gen}
work=${2:-$(mktemp -d /tmp/wt-gen-validate.XXXXXX)}
command -v tshark >/dev/null || { echo "validate: tshark not found" >&2; exit 1; }
[ -x "$gen" ] || { echo "validate: $gen not built" >&2; exit 1; }
mkdir -p "$work"

fail=0
for mix in small mixed bulk; do
	pcap=$work/validate-$mix.pcap
	"$gen" -o "$pcap" --flows 200 --packets 60000 --size-mix "$mix" --hit-ratio 0.3 \
		--seed 11 --start cold --stats "$work/validate-$mix.json"
	ts() { tshark -r "$pcap" -d tcp.port==50051,http2 "$@" 2>/dev/null; }
	bad=$(ts -Y '_ws.malformed || (_ws.expert.severity >= 6291456 && !(tcp.flags.reset == 1))' |
	      wc -l)
	http=$(ts -Y 'http.request' | wc -l)
	h2=$(ts -Y 'http2.header.name == ":path"' | wc -l)
	grpc=$(ts -Y 'grpc' | wc -l)
	tls=$(ts -Y 'tls.handshake.type == 1' | wc -l)
	mqtt=$(ts -Y 'mqtt.msgtype == 3' | wc -l)
	echo "validate $mix: http requests $http, http2 :path headers $h2, grpc frames $grpc," \
	     "tls client hellos $tls, mqtt publishes $mqtt, malformed/warnings $bad"
	if [ "$bad" -ne 0 ] || [ "$http" -eq 0 ] || [ "$h2" -eq 0 ] || [ "$grpc" -eq 0 ] ||
	   [ "$tls" -eq 0 ] || [ "$mqtt" -eq 0 ]; then
		fail=1
		ts -Y '_ws.malformed || (_ws.expert.severity >= 6291456 && !(tcp.flags.reset == 1))' |
			head -5
	fi
done
[ "$fail" -eq 0 ] && echo "validate: OK ($work)"
exit "$fail"
