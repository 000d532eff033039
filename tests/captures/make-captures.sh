#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Regenerates tests/captures/m2m-loopback.pcap: real machine-to-machine traffic captured on the
# loopback interface, each 127.0.0.x address playing one "service":
#
#   127.0.0.2:8080   orders-api     (nginx)
#   127.0.0.3:8081   inventory-api  (nginx)
#   127.0.0.10..12   clients        (curl --interface)
#   127.0.0.2        also calls inventory-api as a client (service to service)
#   127.0.0.20:45353 <-> 127.0.0.21:9999 small UDP request/response exchange (python3 sockets)
#   127.0.0.10 -> 127.0.0.2  ICMP echo, 2 requests answered by the kernel (python3 raw socket, like
#                            ping -c 2 -I 127.0.0.10 127.0.0.2; no iputils needed)
#   127.0.0.11 -> 127.0.0.2:8089  refused connection (SYN, RST/ACK)
#   127.0.0.12 -> 127.0.0.3:8081  (python3) idle keep-alive connection the server closes after 1 s;
#                                 a connection the client aborts with RST (SO_LINGER 0)
#
# Every curl call binds its own range of local ports, so a (client, server) address pair never
# reuses an ephemeral port inside the capture (one 5-tuple = one connection). The script checks
# that with tshark at the end.
#
# Needs root (tcpdump on lo, raw ICMP socket), nginx (nginx-light is enough), curl, python3, tcpdump,
# tshark.
# Usage: tests/captures/make-captures.sh [OUTPUT.pcap]     (default: next to this script)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/m2m-loopback.pcap}

for t in nginx curl python3 tcpdump tshark; do
	command -v "$t" >/dev/null || { echo "make-captures: $t not found" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "make-captures: must run as root (tcpdump on lo)" >&2; exit 1; }

work=$(mktemp -d /tmp/wt-captures.XXXXXX)
nginx_pid='' tcpdump_pid='' udp_srv_pid=''
cleanup() {
	local p
	for p in "$udp_srv_pid" "$nginx_pid" "$tcpdump_pid"; do
		[ -n "$p" ] && kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- nginx: two JSON "services"
mkdir -p "$work/nginx/logs" "$work/nginx/tmp"
cat >"$work/nginx/nginx.conf" <<'EOF'
daemon off;
master_process off;
worker_processes 1;
pid logs/nginx.pid;
error_log logs/error.log warn;
events { worker_connections 64; }
http {
    access_log logs/access.log;
    client_body_temp_path tmp/body;
    proxy_temp_path tmp/proxy;
    fastcgi_temp_path tmp/fastcgi;
    uwsgi_temp_path tmp/uwsgi;
    scgi_temp_path tmp/scgi;
    default_type application/json;
    keepalive_timeout 30s;
    keepalive_requests 100;
    server_tokens off;

    # orders-api
    server {
        listen 127.0.0.2:8080;
        server_name orders-api;
        location = /healthz        { return 200 '{"status":"ok","service":"orders-api"}\n'; }
        location = /v1/orders      {
            if ($request_method = POST) { return 201 '{"id":"ord-1042","status":"created"}\n'; }
            return 200 '{"orders":[{"id":"ord-1040","total":12.5},{"id":"ord-1041","total":99.0}]}\n';
        }
        location ~ ^/v1/orders/ord-10[0-9][0-9]$ {
            return 200 '{"id":"ord-1041","items":[{"sku":"sku-7","qty":2}],"currency":"EUR"}\n';
        }
        location = /v1/orders/crash { return 500 '{"error":"internal","trace":"nil deref"}\n'; }
        location / { return 404 '{"error":"not found"}\n'; }
    }

    # inventory-api
    server {
        listen 127.0.0.3:8081;
        server_name inventory-api;
        location = /healthz       { return 200 '{"status":"ok","service":"inventory-api"}\n'; }
        location ~ ^/v2/stock/sku-[0-9]+$ { return 200 '{"sku":"sku-7","available":31,"warehouse":"ams-1"}\n'; }
        location = /v2/reserve    { return 200 '{"reservation":"rsv-77","ttl":300}\n'; }
        location = /v2/stock/sku-0 { return 500 '{"error":"db timeout"}\n'; }
        location /v2/slow/ {
            keepalive_timeout 1s;     # idle connections here are closed by the server
            return 200 '{"sku":"sku-3","available":0,"backorder":true}\n';
        }
        location / { return 404 '{"error":"no such resource"}\n'; }
    }
}
EOF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" >"$work/nginx/stdout" 2>&1 &
nginx_pid=$!

wait_tcp() { # host port
	local i
	for i in $(seq 1 50); do
		if (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; then return 0; fi
		sleep 0.1
	done
	echo "make-captures: nothing listens on $1:$2" >&2
	cat "$work/nginx/stdout" "$work/nginx/logs/error.log" >&2 2>/dev/null || true
	exit 1
}
# Probe before the capture starts, so the probes are not in it.
wait_tcp 127.0.0.2 8080
wait_tcp 127.0.0.3 8081

# ---------------------------------------------------------------- UDP responder (127.0.0.21:9999)
cat >"$work/udp_server.py" <<'EOF'
import json, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.21", 9999))
s.settimeout(20)
print("ready", flush=True)
n = int(sys.argv[1])
for _ in range(n):
    data, peer = s.recvfrom(2048)
    req = json.loads(data)
    s.sendto(json.dumps({"id": req["id"], "answer": "pong", "node": "cfg-cache-1"}).encode(), peer)
EOF
cat >"$work/udp_client.py" <<'EOF'
import json, socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.20", 45353))
s.settimeout(5)
for i in range(int(sys.argv[1])):
    s.sendto(json.dumps({"id": i, "query": "config/feature-flags", "from": "svc-a"}).encode(),
             ("127.0.0.21", 9999))
    s.recvfrom(2048)
    time.sleep(0.05)
EOF

# ---------------------------------------------------------------- capture
# Only the services' traffic: other processes may use loopback (127.0.0.1) at the same time.
filter='(tcp and (host 127.0.0.2 or host 127.0.0.3) and (port 8080 or port 8081 or port 8089))
 or (udp and host 127.0.0.20 and host 127.0.0.21)
 or (icmp and host 127.0.0.2 and host 127.0.0.10)'
tmp_pcap="$work/capture.pcap"
tcpdump -i lo --immediate-mode -U -s 0 -w "$tmp_pcap" "$filter" 2>"$work/tcpdump.err" &
tcpdump_pid=$!
for i in $(seq 1 50); do
	grep -q 'listening on' "$work/tcpdump.err" 2>/dev/null && break
	sleep 0.1
done
grep -q 'listening on' "$work/tcpdump.err" || { cat "$work/tcpdump.err" >&2; exit 1; }
sleep 0.5

# Each call gets its own local-port range: no 5-tuple is ever reused in the capture.
next_port=40000
C() { # client-address curl-args...
	local src=$1; shift
	curl -sS -o /dev/null --max-time 5 --interface "$src" \
		--local-port "$next_port-$((next_port + 9))" \
		-H "User-Agent: wt-svc-client/1.4" "$@" >/dev/null || true
	next_port=$((next_port + 10))
	sleep 0.05
}
O=http://127.0.0.2:8080
I=http://127.0.0.3:8081
tp() { echo "traceparent: 00-$1-$2-01"; }   # W3C trace context: trace-id, parent-id
auth='Authorization: Bearer dummy-token-not-a-secret.eyJzdWIiOiJ0ZXN0In0.c2ln'

# 127.0.0.10 (web-frontend): health check, keep-alive sequences, a POST with a JSON body
C 127.0.0.10 "$O/healthz"
C 127.0.0.10 -H "$(tp 4bf92f3577b34da6a3ce929d0e0e4736 00f067aa0ba902b7)" -H "$auth" \
	-H 'X-Request-ID: req-0001' "$O/v1/orders" "$O/v1/orders/ord-1041" "$O/v1/orders/ord-1040"
C 127.0.0.10 -H "$auth" -H 'X-Request-ID: req-0002' -H 'Content-Type: application/json' \
	-H "$(tp 5af92f3577b34da6a3ce929d0e0e4737 00f067aa0ba902b8)" \
	--data '{"customer":"c-311","items":[{"sku":"sku-7","qty":2}],"currency":"EUR"}' "$O/v1/orders"
C 127.0.0.10 -H "$auth" -H 'X-Request-ID: req-0003' "$O/v1/orders/crash"
C 127.0.0.10 -H 'X-Request-ID: req-0004' "$O/v1/unknown" "$O/healthz"
C 127.0.0.10 -H "$auth" -H 'Connection: close' "$O/v1/orders/ord-1040"

# 127.0.0.11 (batch-worker): inventory lookups, keep-alive, 404/500, a refused connection
C 127.0.0.11 -H "$auth" -H 'X-Request-ID: req-0101' "$I/v2/stock/sku-7" "$I/v2/stock/sku-8" "$I/v2/stock/sku-9"
C 127.0.0.11 -H "$auth" "$I/v2/stock/sku-0"
C 127.0.0.11 "$I/v2/nope"
C 127.0.0.11 -H "$auth" -H 'Content-Type: application/json' --data '{"sku":"sku-7","qty":2,"order":"ord-1042"}' "$I/v2/reserve"
C 127.0.0.11 "$I/healthz" "$I/healthz"
C 127.0.0.11 --connect-timeout 2 "http://127.0.0.2:8089/metrics" 2>/dev/null  # nothing listens: SYN, RST/ACK
C 127.0.0.11 -H 'X-Request-ID: req-0102' "$O/v1/orders" "$O/v1/orders/ord-1099"

# 127.0.0.12 (mobile-bff): mixed
C 127.0.0.12 -H "$(tp 6cf92f3577b34da6a3ce929d0e0e4738 00f067aa0ba902b9)" -H 'X-Request-ID: req-0201' \
	"$O/v1/orders/ord-1041" "$I/v2/stock/sku-7"     # two hosts: two connections from one curl
C 127.0.0.12 "$O/healthz"
C 127.0.0.12 "$I/healthz"
C 127.0.0.12 -H "$auth" -H 'X-Request-ID: req-0202' "$O/v1/orders" "$O/v1/orders/ord-1041" \
	"$O/v1/orders/crash" "$O/v1/orders/ord-1040"
C 127.0.0.12 -H 'X-Request-ID: req-0203' "$O/does/not/exist"

# 127.0.0.2 (orders-api itself) calls inventory-api: service-to-service
C 127.0.0.2 -H "$(tp 4bf92f3577b34da6a3ce929d0e0e4736 00f067aa0ba902c1)" -H 'X-Request-ID: req-0001' \
	"$I/v2/stock/sku-7"
C 127.0.0.2 -H 'Content-Type: application/json' --data '{"sku":"sku-7","qty":2,"order":"ord-1042"}' \
	"$I/v2/reserve"

# Raw HTTP clients (python3): an idle keep-alive connection closed by the server's keepalive
# timeout (server sends the first FIN), and a connection the client aborts with a RST.
python3 - <<'PYEOF'
import socket, struct
def conn(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.12", port))
    s.connect(("127.0.0.3", 8081))
    s.settimeout(5)
    return s
req = (b"GET /v2/stock/sku-%d HTTP/1.1\r\nHost: inventory-api\r\nUser-Agent: wt-svc-client/1.4\r\n"
       b"X-Request-ID: req-03%02d\r\n\r\n")
s = conn(40300)                       # idle: /v2/slow keeps keepalive_timeout 1s
s.sendall(b"GET /v2/slow/stock HTTP/1.1\r\nHost: inventory-api\r\nX-Request-ID: req-0301\r\n\r\n")
while s.recv(4096):                   # until the server closes
    pass
s.close()
s = conn(40310)                       # abort: RST after one response
s.sendall(req % (11, 2))
s.recv(4096)
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
s.close()
PYEOF

# UDP request/response, 4 rounds on one socket pair
python3 "$work/udp_server.py" 4 >"$work/udp_server.out" 2>&1 &
udp_srv_pid=$!
for i in $(seq 1 50); do grep -q ready "$work/udp_server.out" 2>/dev/null && break; sleep 0.1; done
python3 "$work/udp_client.py" 4
wait "$udp_srv_pid"; udp_srv_pid=''

# ICMP echo: like `ping -c 2 -I 127.0.0.10 127.0.0.2`, the kernel answers
python3 - <<'PYEOF'
import os, socket, struct, time
def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return ~s & 0xffff
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
s.bind(("127.0.0.10", 0))
s.settimeout(2)
ident = os.getpid() & 0xffff
for seq in (1, 2):
    payload = struct.pack("!d", time.time()) + bytes(range(0x10, 0x38))
    hdr = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
    pkt = struct.pack("!BBHHH", 8, 0, csum(hdr + payload), ident, seq) + payload
    s.sendto(pkt, ("127.0.0.2", 0))
    while True:   # a raw socket also sees our own request on loopback: wait for the reply
        data, _ = s.recvfrom(2048)
        icmp = data[(data[0] & 0x0f) * 4:]
        if icmp[0] == 0 and struct.unpack("!HH", icmp[4:8]) == (ident, seq):
            break
    time.sleep(0.2)
PYEOF

# Let the last FIN/ACKs of kept-alive connections happen, then stop the capture cleanly.
# (--immediate-mode above: without it, packets still in the kernel's current TPACKET_V3 block
# when SIGINT arrives are counted "received by filter" but never written.)
sleep 1
kill -INT "$tcpdump_pid"
wait "$tcpdump_pid" || true
tcpdump_pid=''
kill "$nginx_pid" 2>/dev/null; wait "$nginx_pid" 2>/dev/null || true
nginx_pid=''

# ---------------------------------------------------------------- sanity checks
streams=$(tshark -r "$tmp_pcap" -T fields -e tcp.stream -Y tcp 2>/dev/null | sort -un | wc -l)
tuples=$(tshark -r "$tmp_pcap" -T fields -e ip.src -e tcp.srcport -e ip.dst -e tcp.dstport -Y tcp 2>/dev/null |
	awk '{ a = $1 ":" $2; b = $3 ":" $4; print (a < b ? a " " b : b " " a) }' | sort -u | wc -l)
if [ "$streams" != "$tuples" ]; then
	echo "make-captures: a TCP 5-tuple was reused ($streams streams, $tuples tuples)" >&2
	exit 1
fi
size=$(stat -c %s "$tmp_pcap")
if [ "$size" -ge 204800 ]; then
	echo "make-captures: capture too large ($size bytes)" >&2
	exit 1
fi
cp "$tmp_pcap" "$out"
chmod 0644 "$out"
echo "make-captures: wrote $out ($size bytes, $(tshark -r "$out" 2>/dev/null | wc -l) packets, $streams TCP connections)"
