#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Records the real sessions whose shapes bench/gen/wt_gen.c reproduces, one small capture per
# protocol on the loopback interface (bench/gen/shapes/*.pcap, committed):
#
#   http.pcap   curl -> nginx, HTTP/1.1 keep-alive: 4 JSON API calls on one connection with
#               traceparent + Authorization: Bearer headers (GET, POST with a JSON body)
#   h2c.pcap    gRPC over h2c: grpcio client -> grpcio server (bench/gen/grpc_shape.py): 5 unary
#               calls with traceparent/authorization metadata, one client stream of 10 messages
#   tls.pcap    openssl s_client -> s_server, TLS 1.3 handshake then 256 KiB of bulk data
#   mqtt.pcap   mosquitto_pub -> mosquitto: CONNECT, 20 PUBLISH (QoS 0 and QoS 1), DISCONNECT
#
# Needs root (tcpdump on lo), nginx, curl, openssl, tcpdump, tshark; mosquitto and
# mosquitto-clients for mqtt.pcap, python3-grpcio for h2c.pcap (each skipped with a note when
# missing).
# Usage: bench/gen/record-shapes.sh [OUTDIR]      (default: bench/gen/shapes)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/shapes}
mkdir -p "$out"
for t in nginx curl openssl tcpdump tshark; do
	command -v "$t" >/dev/null || { echo "record-shapes: $t not found" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "record-shapes: must run as root (tcpdump on lo)" >&2; exit 1; }

work=$(mktemp -d /tmp/wt-shapes.XXXXXX)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null && { wait "$p" 2>/dev/null || true; }
	done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# capture NAME FILTER CMD...: tcpdump on lo around one command
capture() {
	local name=$1 filter=$2
	shift 2
	tcpdump -i lo -s 0 -U -w "$out/$name.pcap" "$filter" 2>"$work/tcpdump-$name.log" &
	local tp=$!
	pids+=("$tp")
	sleep 1
	"$@" || echo "record-shapes: $name: '$*' failed (rc $?)" >&2
	sleep 1
	kill -INT "$tp"
	wait "$tp" || true
	echo "record-shapes: $out/$name.pcap: $(tshark -r "$out/$name.pcap" 2>/dev/null | wc -l) packets"
}

# ---------------------------------------------------------------- nginx: JSON API + h2c
mkdir -p "$work/nginx/logs" "$work/nginx/tmp"
head -c 600 /dev/urandom | base64 -w0 >"$work/blob.txt"
cat >"$work/nginx/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
pid logs/nginx.pid;
error_log logs/error.log warn;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path tmp/body;
    proxy_temp_path tmp/proxy;
    fastcgi_temp_path tmp/fastcgi;
    uwsgi_temp_path tmp/uwsgi;
    scgi_temp_path tmp/scgi;
    default_type application/json;
    keepalive_timeout 30s;
    server_tokens off;
    server {
        listen 127.0.0.2:8080;
        location = /v1/orders { return 200 '{"orders":[{"id":"ord-1040","total":12.5,"currency":"EUR"},{"id":"ord-1041","total":99.0,"currency":"EUR"}],"next":"c2Vjb25k"}\n'; }
        location = /v1/telemetry { return 201 '{"accepted":true,"id":"tm-88213"}\n'; }
        location = /v1/blob { alias $work/blob.txt; }
    }
}
EOF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" &
pids+=($!)
sleep 1

tok="eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJpbnZlbnRvcnktc3ZjIiwiYXVkIjoib3JkZXJzLWFwaSJ9.c2lnbmF0dXJlLWR1bW15LW5vdC1hLXJlYWwtdG9rZW4"
http_calls() {
	curl -s -o /dev/null --interface 127.0.0.10 --local-port 40000-40100 \
		-H "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" \
		-H "Authorization: Bearer $tok" -H "Accept: application/json" \
		-A "inventory-svc/2.3.1" \
		http://127.0.0.2:8080/v1/orders \
		--next -s -o /dev/null -H "Authorization: Bearer $tok" \
		-H "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-b7ad6b7169203331-01" \
		-H "Content-Type: application/json" -A "inventory-svc/2.3.1" \
		-d '{"device":"pump-17","ts":1733240000,"metrics":{"temp_c":41.5,"rpm":1480,"vib":0.021}}' \
		http://127.0.0.2:8080/v1/telemetry \
		--next -s -o /dev/null -H "Authorization: Bearer $tok" -A "inventory-svc/2.3.1" \
		-H "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-0af7651916cd43dd-01" \
		http://127.0.0.2:8080/v1/blob \
		--next -s -o /dev/null -H "Authorization: Bearer $tok" -A "inventory-svc/2.3.1" \
		-H "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-3e4b1f0e9a7d2c11-01" \
		http://127.0.0.2:8080/v1/orders
}
capture http "tcp port 8080" http_calls

if /usr/bin/python3 -c "import grpc" 2>/dev/null; then
	/usr/bin/python3 "$here/grpc_shape.py" server 127.0.0.3:50051 &
	pids+=($!)
	sleep 2
	capture h2c "tcp port 50051" /usr/bin/python3 "$here/grpc_shape.py" client 127.0.0.3:50051 "$tok"
else
	echo "record-shapes: python3-grpcio not installed, h2c.pcap not recorded" >&2
fi

# ---------------------------------------------------------------- TLS 1.3 + bulk
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
	-subj "/CN=telemetry.internal" -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
head -c 262144 /dev/urandom >"$work/bulk.bin"
openssl s_server -quiet -accept 127.0.0.4:8443 -tls1_3 -cert "$work/cert.pem" \
	-key "$work/key.pem" -naccept 1 >/dev/null 2>&1 &
pids+=($!)
sleep 1
tls_session() {
	openssl s_client -quiet -connect 127.0.0.4:8443 -servername telemetry.internal -tls1_3 \
		-ign_eof <"$work/bulk.bin" >/dev/null 2>&1 &
	local cp=$!
	sleep 2
	kill "$cp" 2>/dev/null || true
	wait "$cp" 2>/dev/null || true
}
capture tls "tcp port 8443" tls_session

# ---------------------------------------------------------------- MQTT
if command -v mosquitto >/dev/null && command -v mosquitto_pub >/dev/null; then
	printf 'listener 1883 127.0.0.5\nallow_anonymous true\npersistence false\n' >"$work/mosq.conf"
	mosquitto -c "$work/mosq.conf" >/dev/null 2>&1 &
	pids+=($!)
	sleep 1
	mqtt_session() {
		local i
		for i in $(seq 1 10); do
			echo "{\"dev\":\"meter-0042\",\"seq\":$i,\"kwh\":$((1200 + i)).25,\"v\":231.4}"
		done >"$work/mqtt-lines.txt"
		mosquitto_pub -h 127.0.0.5 -p 1883 -i meter-0042 -q 0 -t plant/3/meter/0042/reading \
			-l <"$work/mqtt-lines.txt"
		mosquitto_pub -h 127.0.0.5 -p 1883 -i meter-0043 -q 1 -t plant/3/meter/0043/reading \
			-l <"$work/mqtt-lines.txt"
	}
	capture mqtt "tcp port 1883" mqtt_session
else
	echo "record-shapes: mosquitto not installed, mqtt.pcap not recorded" >&2
fi
