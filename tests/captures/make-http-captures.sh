#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Regenerates tests/captures/http-m2m.pcap and tests/captures/http-m2m.secrets: real HTTP/1.x
# machine-to-machine traffic on the loopback interface, each 127.0.0.x address one "service":
#
#   127.0.0.2:8080   api-gateway   (nginx A): /api/ proxied to billing-api over an HTTP/1.1
#                                   keep-alive upstream (proxy_bind 127.0.0.2); /healthz; else 404
#   127.0.0.3:8081   billing-api   (nginx B): JSON 200/201/204/404/500, static catalog files with
#                                   ETag (304 on If-None-Match, HEAD), Set-Cookie; /api/v1/reports/
#                                   proxied to reports-svc (keep-alive upstream, proxy_bind 127.0.0.3)
#   127.0.0.4:8082   reports-svc   (python3 http.server, HTTP/1.1): chunked NDJSON stream; a request
#                                   it never answers
#   127.0.0.10..13   clients       (curl --interface; python3 raw sockets for pipelining, a request
#                                   split mid-line across segments, an aborted unanswered request)
#
# Request headers (traceparent, b3, Authorization, Cookie, x-api-key...) flow through the proxies
# unchanged (nginx forwards client headers), so the hops client -> A -> B (-> C) of one call carry
# the same W3C trace-id. Credentials: an EXPIRED HS256 JWT, a valid one, Basic auth
# (svc-billing), an x-api-key, session cookies. Every secret on the wire is written, one a line, to
# http-m2m.secrets (order: expired JWT, Basic password, base64(user:password), API key, then the
# valid JWT and the cookie values), so tests can check that none leaks into events.
#
# Every curl process binds its own range of local ports and the python3 clients bind fixed ports;
# the proxies' upstream connections use kernel ports. The script fails when a TCP 5-tuple appears
# twice in the capture, when a frame exceeds 2048 bytes (one default DPDK mbuf), or when the file
# is 300 KB or more.
#
# Needs root (tcpdump on lo), nginx (nginx-light is enough), curl, python3, tcpdump, tshark.
# Usage: tests/captures/make-http-captures.sh [OUTPUT.pcap]   (secrets: OUTPUT with .secrets)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/http-m2m.pcap}
secrets_out=${out%.pcap}.secrets

for t in nginx curl python3 tcpdump tshark; do
	command -v "$t" >/dev/null || { echo "make-http-captures: $t not found" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "make-http-captures: must run as root (tcpdump on lo)" >&2; exit 1; }

work=$(mktemp -d /tmp/wt-http-captures.XXXXXX)
pids=()          # background processes we started: killed (by pid) at exit
tcpdump_pid=''
cleanup() {
	local p
	set +e
	for p in "${pids[@]}" "$tcpdump_pid"; do
		[ -n "$p" ] || continue
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- secrets and payloads
# JWTs: real HS256 tokens (header.payload.signature, base64url), signed with a key that never
# leaves this script. The expired one expired an hour before the capture.
python3 - "$work" <<'EOF'
import base64, hashlib, hmac, json, os, sys, time
work = sys.argv[1]
key = os.urandom(32)
def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()
def jwt(claims, kid):
    h = b64u(json.dumps({"alg": "HS256", "typ": "JWT", "kid": kid}, separators=(",", ":")).encode())
    p = b64u(json.dumps(claims, separators=(",", ":")).encode())
    sig = hmac.new(key, (h + "." + p).encode(), hashlib.sha256).digest()
    return h + "." + p + "." + b64u(sig)
now = int(time.time())
expired = jwt({"iss": "https://auth.corp.example/realms/services", "sub": "svc-reporting",
               "aud": "billing-api", "iat": now - 7200, "nbf": now - 7200, "exp": now - 3600,
               "scope": "invoices:read"}, "svc-2024-07")
valid = jwt({"iss": "https://auth.corp.example/realms/services", "sub": "svc-checkout",
             "aud": "billing-api", "iat": now - 60, "nbf": now - 60, "exp": now + 3600,
             "scope": "invoices:write payments:write"}, "svc-2024-07")
open(work + "/jwt-expired", "w").write(expired)
open(work + "/jwt-valid", "w").write(valid)
EOF
jwt_expired=$(cat "$work/jwt-expired")
jwt_valid=$(cat "$work/jwt-valid")
basic_user=svc-billing
basic_pw=S3cr3t-Basic-Pw
basic_b64=$(printf '%s:%s' "$basic_user" "$basic_pw" | base64 -w0)
api_key=wtk_live_7Qm2Xv9LcR4sN8pZ1yHe5TbK
session_cookie=sess_Hq7vL2mX9pR4tW8kZ3nB6cY1
set_cookie=sess_Ua5rF8jD2gK7wQ4xN9mP3vS6
printf '%s\n' "$jwt_expired" "$basic_pw" "$basic_b64" "$api_key" "$jwt_valid" \
	"$session_cookie" "$set_cookie" >"$work/secrets"

# Static catalog served by billing-api (nginx adds ETag / Last-Modified).
mkdir -p "$work/static"
cat >"$work/static/plans.json" <<'EOF'
{"plans":[{"id":"basic","price":9.0,"currency":"EUR"},{"id":"pro","price":29.0,"currency":"EUR"},{"id":"enterprise","price":null,"contact":"sales"}]}
EOF
cat >"$work/static/regions.json" <<'EOF'
{"regions":["eu-west-1","eu-central-1","us-east-1"],"default":"eu-west-1"}
EOF
touch -d '2026-01-15 10:00:00 UTC' "$work/static/plans.json" "$work/static/regions.json"
etag=$(printf '"%x-%x"' "$(stat -c %Y "$work/static/plans.json")" "$(stat -c %s "$work/static/plans.json")")

# Bodies to upload: a batch of usage records (chunked, one chunk from a file) and a stream.
python3 - "$work/usage-batch.ndjson" <<'EOF'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(12):
        f.write(json.dumps({"account": "acc-%04d" % (3100 + i), "metric": "api_calls",
                            "value": 1000 + 37 * i, "period": "2026-11"}) + "\n")
EOF

# ---------------------------------------------------------------- nginx A (gateway) and B (billing)
nginx_common='
daemon off;
master_process off;
worker_processes 1;
pid logs/nginx.pid;
error_log logs/error.log warn;
events { worker_connections 64; }
'
nginx_http_common='
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
'
for n in a b; do mkdir -p "$work/nginx-$n/logs" "$work/nginx-$n/tmp"; done
cat >"$work/nginx-a/nginx.conf" <<EOF
$nginx_common
http {
$nginx_http_common
    # billing-api behind the gateway: HTTP/1.1 keep-alive upstream connections from 127.0.0.2,
    # closed after 3 s idle (before the capture ends)
    upstream billing_api {
        server 127.0.0.3:8081;
        keepalive 4;
        keepalive_timeout 3s;
    }
    server {
        listen 127.0.0.2:8080;
        server_name api-gateway;
        location = /healthz { return 200 '{"status":"ok","service":"api-gateway"}\n'; }
        location /api/ {
            proxy_pass http://billing_api;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host billing-api;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_bind 127.0.0.2;
        }
        location / { return 404 '{"error":"not found","service":"api-gateway"}\n'; }
    }
}
EOF
cat >"$work/nginx-b/nginx.conf" <<EOF
$nginx_common
http {
$nginx_http_common
    upstream reports_svc {
        server 127.0.0.4:8082;
        keepalive 2;
        keepalive_timeout 3s;
    }
    server {
        listen 127.0.0.3:8081;
        server_name billing-api;
        location = /healthz { return 200 '{"status":"ok","service":"billing-api"}\n'; }
        location = /api/v1/invoices {
            if (\$request_method = POST) { return 201 '{"id":"inv-1042","status":"issued"}\n'; }
            return 200 '{"invoices":[{"id":"inv-1001","total":120.5,"status":"open"},{"id":"inv-1002","total":80.0,"status":"paid"}],"next":null}\n';
        }
        location ~ "^/api/v1/invoices/inv-1[0-9]{3}\$" {
            return 200 '{"id":"inv-1001","customer":"c-311","lines":[{"sku":"plan-pro","qty":1,"amount":29.0}],"currency":"EUR"}\n';
        }
        location = /api/v1/payments { return 201 '{"payment":"pay-9001","status":"authorized"}\n'; }
        location = /api/v1/sessions {
            add_header Set-Cookie "session=$set_cookie; Path=/; HttpOnly; SameSite=Strict";
            return 201 '{"session":"created","ttl":900}\n';
        }
        location = /api/v1/sessions/current { return 204; }
        location = /api/v1/uploads { return 201 '{"upload":"upl-55","status":"stored"}\n'; }
        location = /api/v1/ledger/rebuild { return 500 '{"error":"internal","detail":"ledger locked"}\n'; }
        location /api/v1/catalog/ { alias $work/static/; }
        location /api/v1/reports/ {
            proxy_pass http://reports_svc;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host reports-svc;
            proxy_bind 127.0.0.3;
        }
        location / { return 404 '{"error":"no such resource","service":"billing-api"}\n'; }
    }
}
EOF

# ---------------------------------------------------------------- C: reports-svc (python3)
cat >"$work/reports_svc.py" <<'EOF'
import json, sys, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"          # keep-alive; chunked responses
    server_version = "reports-svc/0.3"
    sys_version = ""
    def log_message(self, *a):
        pass
    def do_GET(self):
        if self.path.startswith("/api/v1/reports/daily"):
            self.send_response(200)
            self.send_header("Content-Type", "application/x-ndjson")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for i in range(5):       # one chunk per row, one segment each
                row = (json.dumps({"day": "2026-11-%02d" % (i + 1), "region": "eu-west-1",
                                   "invoices": 40 + i, "revenue": 1234.5 + 10 * i}) + "\n").encode()
                self.wfile.write(b"%x\r\n%s\r\n" % (len(row), row))
                time.sleep(0.03)
            self.wfile.write(b"0\r\n\r\n")
        elif self.path.startswith("/api/v1/reports/slow"):
            time.sleep(60)           # never answers within the capture (the client aborts)
        else:
            body = b'{"error":"no such report"}\n'
            self.send_response(404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

ThreadingHTTPServer.daemon_threads = True
srv = ThreadingHTTPServer(("127.0.0.4", 8082), H)
print("ready", flush=True)
srv.serve_forever()
EOF

nginx -p "$work/nginx-a" -c "$work/nginx-a/nginx.conf" >"$work/nginx-a/stdout" 2>&1 &
pids+=($!)
nginx -p "$work/nginx-b" -c "$work/nginx-b/nginx.conf" >"$work/nginx-b/stdout" 2>&1 &
pids+=($!)
python3 "$work/reports_svc.py" >"$work/reports_svc.out" 2>&1 &
pids+=($!)

wait_tcp() { # host port
	local i
	for i in $(seq 1 50); do
		if (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; then return 0; fi
		sleep 0.1
	done
	echo "make-http-captures: nothing listens on $1:$2" >&2
	cat "$work"/nginx-*/stdout "$work"/nginx-*/logs/error.log "$work/reports_svc.out" >&2 2>/dev/null || true
	exit 1
}
# Probe before the capture starts, so the probes are not in it.
wait_tcp 127.0.0.2 8080
wait_tcp 127.0.0.3 8081
wait_tcp 127.0.0.4 8082

# ---------------------------------------------------------------- capture
# Only the services' traffic: other processes may use loopback (127.0.0.1) at the same time.
filter='tcp and (host 127.0.0.2 or host 127.0.0.3 or host 127.0.0.4) and (port 8080 or port 8081 or port 8082)'
tmp_pcap="$work/capture.pcap"
tcpdump -i lo --immediate-mode -U -s 0 -w "$tmp_pcap" "$filter" 2>"$work/tcpdump.err" &
tcpdump_pid=$!
for i in $(seq 1 50); do
	grep -q 'listening on' "$work/tcpdump.err" 2>/dev/null && break
	sleep 0.1
done
grep -q 'listening on' "$work/tcpdump.err" || { cat "$work/tcpdump.err" >&2; exit 1; }
sleep 0.5

# K SRC REQUEST-ARGS [:: REQUEST-ARGS]...: one curl process, one request per `::`-separated group,
# all on one keep-alive connection (curl --next keeps the connection cache). Each curl process
# gets its own 10 local ports: no 5-tuple is ever reused in the capture.
next_port=41000
K() {
	local src=$1 a; shift
	local common=(-sS -o /dev/null --max-time 5 --interface "$src"
		--local-port "$next_port-$((next_port + 9))" -H "User-Agent: wt-svc-client/2.1")
	local args=("${common[@]}")
	for a in "$@"; do
		if [ "$a" = :: ]; then args+=(--next "${common[@]}"); else args+=("$a"); fi
	done
	curl "${args[@]}" >/dev/null || true
	next_port=$((next_port + 10))
	sleep 0.05
}
GW=http://127.0.0.2:8080
BILL=http://127.0.0.3:8081
REP=http://127.0.0.4:8082
tp() { # N: W3C traceparent of trace N (a distinct trace-id per call; sampled)
	printf 'traceparent: 00-4bf92f3577b34da6a3ce929d0e0e%04x-00f067aa0ba9%04x-01' "$1" "$1"
}
json='Content-Type: application/json'

# 127.0.0.10 (web-frontend) -> gateway -> billing-api: keep-alive, one trace per call
K 127.0.0.10 -H "$(tp 1)" -H 'X-Request-ID: req-a0001' "$GW/api/v1/invoices?status=open&limit=2" \
	:: -H "$(tp 2)" "$GW/api/v1/invoices/inv-1001" \
	:: -H "$(tp 3)" -H 'tracestate: vendor1=opaque-7f3a,vendor2=x9' "$GW/api/v1/catalog/plans.json" \
	:: -H "$(tp 4)" -I "$GW/api/v1/catalog/regions.json"
K 127.0.0.10 -H "$(tp 5)" -H "If-None-Match: $etag" "$GW/api/v1/catalog/plans.json" \
	:: -H "$(tp 6)" "$GW/api/v1/ledger/rebuild" \
	:: -H "$(tp 7)" "$GW/api/v1/invoices/unknown-42"
K 127.0.0.10 -H "$(tp 8)" -H "$json" \
	--data '{"invoice":"inv-1001","amount":120.5,"currency":"EUR","method":"sepa"}' "$GW/api/v1/payments"
K 127.0.0.10 -H "$(tp 9)" -H "$json" --data '{"client":"web-frontend","scope":"billing"}' "$GW/api/v1/sessions" \
	:: -H "$(tp 10)" -H "Cookie: session=$set_cookie; theme=dark" -X DELETE "$GW/api/v1/sessions/current"
K 127.0.0.10 -H "$(tp 11)" "$GW/api/v1/reports/daily?region=eu-west-1&days=5"    # A -> B -> C, chunked
K 127.0.0.10 "$GW/healthz" :: "$GW/favicon.ico"                               # answered by A itself
# chunked uploads: a file in one chunk (Expect: 100-continue: the gateway answers 100 first), then
# a stream of 3 chunks from a pipe; the gateway de-chunks both (the A -> B hop has Content-Length)
K 127.0.0.10 -H "$(tp 12)" -H 'Transfer-Encoding: chunked' -H 'Expect: 100-continue' \
	-H 'Content-Type: application/x-ndjson' \
	--data-binary "@$work/usage-batch.ndjson" "$GW/api/v1/uploads"
K 127.0.0.10 -H "$(tp 13)" -H 'Content-Type: application/x-ndjson' -H 'Expect:' \
	-X POST -T - "$GW/api/v1/uploads" < <(for i in 1 2 3; do
		printf '{"account":"acc-%04d","metric":"storage_gb","value":%d}\n' $((3200 + i)) $((i * 17))
		sleep 0.05
	done)

# 127.0.0.11 (billing-worker): credentials, some through the gateway, some straight to billing-api
K 127.0.0.11 -H "$(tp 14)" -H "Authorization: Bearer $jwt_expired" -H 'X-Request-ID: req-b0001' \
	"$GW/api/v1/invoices?customer=c-311&status=open"                         # expired JWT, 2 hops
K 127.0.0.11 -u "$basic_user:$basic_pw" \
	-H 'b3: 80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90' \
	"$BILL/api/v1/invoices/inv-1002"                                         # Basic, B3 single
K 127.0.0.11 -H "Authorization: Bearer $jwt_valid" -H "$json" -H 'X-Request-ID: req-b0002' \
	--data '{"customer":"c-311","lines":[{"sku":"plan-pro","qty":1}]}' "$BILL/api/v1/invoices"
K 127.0.0.11 -H "x-api-key: $api_key" -H 'X-Request-ID: req-b0003' "$BILL/api/v1/invoices?status=paid" \
	:: -H "x-api-key: $api_key" -H 'X-Request-ID: req-b0004' "$BILL/api/v1/invoices/inv-1003"
K 127.0.0.11 -H "Cookie: session=$session_cookie; theme=dark; lang=en" \
	-H 'X-B3-TraceId: 463ac35c9f6413ad48485a3953bb6124' -H 'X-B3-SpanId: a2fb4a1d1a96d312' \
	-H 'X-B3-ParentSpanId: 0020000000000001' -H 'X-B3-Sampled: 1' "$BILL/api/v1/invoices/inv-1004"
K 127.0.0.11 --http1.0 -H 'X-Request-ID: req-b0005' "$BILL/api/v1/catalog/regions.json"   # HTTP/1.0
K 127.0.0.11 -H 'Connection: close' -H 'X-Request-ID: req-b0006' "$BILL/healthz"

# 127.0.0.12 (analytics) -> reports-svc directly: python's own chunking
K 127.0.0.12 -H 'b3: 5b8efff798038103d269b633813fc60c-eee19b7ec3c1b174-1' "$REP/api/v1/reports/daily" \
	:: "$REP/api/v1/reports/missing"

# 127.0.0.13 (python3 raw sockets): pipelining, a request split mid-line, an unanswered request
python3 - <<'PYEOF'
import socket, struct, time
def conn(port, dst):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.bind(("127.0.0.13", port))
    s.connect(dst)
    s.settimeout(2)
    return s
def drain(s, secs=0.3):
    end = time.time() + secs
    while time.time() < end:
        try:
            s.settimeout(max(0.01, end - time.time()))
            if not s.recv(65536):
                return
        except socket.timeout:
            return
ua = b"User-Agent: wt-batch/0.9\r\n"
# pipelining: two requests in one segment, then their two responses
s = conn(41900, ("127.0.0.3", 8081))
s.sendall(b"GET /api/v1/invoices/inv-1005 HTTP/1.1\r\nHost: billing-api\r\n" + ua +
          b"X-Request-ID: req-c0001\r\n\r\n"
          b"GET /api/v1/invoices/inv-1006 HTTP/1.1\r\nHost: billing-api\r\n" + ua +
          b"X-Request-ID: req-c0002\r\n\r\n")
drain(s)
# one request split across three segments, mid-line and mid-header
for part in (b"GET /api/v1/inv", b"oices?status=paid&limit=5 HTTP/1.1\r\nHost: bil",
             b"ling-api\r\n" + ua + b"X-Request-ID: req-c0003\r\n\r\n"):
    s.sendall(part)
    time.sleep(0.05)
drain(s)
s.close()
# a request that never gets an answer: the client gives up and aborts (RST)
s = conn(41910, ("127.0.0.4", 8082))
s.sendall(b"GET /api/v1/reports/slow?window=30d HTTP/1.1\r\nHost: reports-svc\r\n" + ua +
          b"X-Request-ID: req-c0004\r\n\r\n")
time.sleep(0.3)
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
s.close()
PYEOF

# Idle upstream keep-alive connections (A -> B, B -> C) close after 3 s, client connections after
# the clients are done; then stop the capture cleanly (--immediate-mode: see make-captures.sh).
sleep 4
kill -INT "$tcpdump_pid"
wait "$tcpdump_pid" || true
tcpdump_pid=''

# ---------------------------------------------------------------- sanity checks
ts() { tshark -r "$tmp_pcap" -d tcp.port==8081,http -d tcp.port==8082,http "$@" 2>/dev/null; }
streams=$(ts -T fields -e tcp.stream -Y tcp | sort -un | wc -l)
tuples=$(ts -T fields -e ip.src -e tcp.srcport -e ip.dst -e tcp.dstport -Y tcp |
	awk '{ a = $1 ":" $2; b = $3 ":" $4; print (a < b ? a " " b : b " " a) }' | sort -u | wc -l)
if [ "$streams" != "$tuples" ]; then
	echo "make-http-captures: a TCP 5-tuple was reused ($streams streams, $tuples tuples); run again" >&2
	exit 1
fi
maxlen=$(ts -T fields -e frame.len | sort -n | tail -n 1)
if [ "$maxlen" -gt 2048 ]; then
	echo "make-http-captures: a frame of $maxlen bytes (> 2048)" >&2
	exit 1
fi
size=$(stat -c %s "$tmp_pcap")
if [ "$size" -ge 307200 ]; then
	echo "make-http-captures: capture too large ($size bytes)" >&2
	exit 1
fi
# (a frame may hold several requests: pipelining)
nreq=$(ts -Y http.request -T fields -E occurrence=a -E aggregator=' ' -e http.request.method | wc -w)
nresp=$(ts -Y http.response -T fields -E occurrence=a -E aggregator=' ' -e http.response.code | wc -w)
# every secret must be on the wire (else the leak test would prove nothing); the Basic password is
# there only inside base64(user:password)
while IFS= read -r s; do
	[ "$s" = "$basic_pw" ] && continue
	if ! grep -qaF -- "$s" "$tmp_pcap"; then
		echo "make-http-captures: secret '$s' is not in the capture" >&2
		exit 1
	fi
done <"$work/secrets"
cp "$tmp_pcap" "$out"
cp "$work/secrets" "$secrets_out"
chmod 0644 "$out" "$secrets_out"
echo "make-http-captures: wrote $out ($size bytes, $(ts | wc -l) packets, $streams TCP connections," \
	"$nreq HTTP requests, $nresp responses, largest frame $maxlen bytes) and $secrets_out"
