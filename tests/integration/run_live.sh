#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Live integration test: wiretrail captures a veth with DPDK's af_packet PMD while curl talks to
# nginx in a network namespace; its flow events must match tcpdump's capture of the same veth.
#
#   tests/integration/run_live.sh WIRETRAIL      (cwd = project root; root needed, else skip: 77)
#
#   host                                   netns wt-live-PID
#   wtlPIDh 198.18.0.1/30  <--- veth --->  wtlPIDn 198.18.0.2/30, nginx :80
#   (RFC 2544 benchmarking range: never routed anywhere)
#
# 1. namespace, veth pair, nginx in the namespace (own temp prefix and config)
# 2. wiretrail -c config/demo.yaml with --set overrides (vdev net_af_packet0,iface=wtlPIDh,
#    file output OUT/eve.json);
#    wait for `kafka bootstrap:` + 2 s
# 3. tcpdump -i wtlPIDh -w OUT/live.pcap, ready + 1 s; 10 connections from curl (3 keep-alive ones
#    with 3 requests, a POST, a 404); 2 s; tcpdump stopped (SIGINT)
# 4. SIGINT wiretrail: live flows flushed, exit status 0, summary printed
# 5. check_flows.py --pcap OUT/live.pcap --events OUT/eve.json --proto tcp --filter-port 80
# Everything (namespace, veths, processes, DPDK runtime dir) is removed at exit; OUT too unless
# KEEP=1. The whole test stays under 60 s.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

if [ $# -ne 1 ]; then
	echo "usage: $0 WIRETRAIL" >&2
	exit 2
fi
exe=$1
skip() { echo "SKIP: live: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (network namespace, veth, af_packet)"
for t in ip nginx curl tcpdump tshark python3 timeout; do
	command -v "$t" >/dev/null || skip "$t not found"
done

id=$$
ns=wt-live-$id
hveth=wtl${id}h        # IFNAMSIZ: at most 15 characters (pid <= 7 digits)
nveth=wtl${id}n
prefix=wtlive$id
host_ip=198.18.0.1 ns_ip=198.18.0.2

ip netns add "$ns" 2>/dev/null || skip "ip netns unavailable (cannot create a network namespace)"
wt_init live
wt_at_exit "ip netns del '$ns' 2>/dev/null"
wt_at_exit "ip link del '$hveth' 2>/dev/null"
wt_at_exit "rm -rf '/var/run/dpdk/$prefix'"
nginx_pid='' tcpdump_pid=''
wt_at_exit 'for p in $tcpdump_pid $nginx_pid; do kill $p 2>/dev/null; wait $p 2>/dev/null; done'
# (registered last, runs first: processes go before the namespace)

set -e
ip link add "$hveth" type veth peer name "$nveth"
ip link set "$nveth" netns "$ns"
ip addr add "$host_ip/30" dev "$hveth"
ip link set "$hveth" up
ip -n "$ns" addr add "$ns_ip/30" dev "$nveth"
ip -n "$ns" link set "$nveth" up
ip -n "$ns" link set lo up
set +e

# ---------------------------------------------------------------- nginx in the namespace
mkdir -p "$OUT/nginx/logs" "$OUT/nginx/tmp"
cat >"$OUT/nginx/nginx.conf" <<EOF
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
    server {
        listen $ns_ip:80;
        location = /         { return 200 '{"service":"live-test","status":"ok"}\n'; }
        location = /api/item { return 200 '{"id":7,"name":"widget","stock":12}\n'; }
        location = /api/order { return 201 '{"order":"o-1","status":"created"}\n'; }
        location / { return 404 '{"error":"not found"}\n'; }
    }
}
EOF
ip netns exec "$ns" nginx -p "$OUT/nginx" -c "$OUT/nginx/nginx.conf" >"$OUT/nginx/stdout" 2>&1 &
nginx_pid=$!
# Probe from inside the namespace, so the probe is not on the veth.
ok=0
for i in $(seq 1 50); do
	if ip netns exec "$ns" timeout 1 bash -c "exec 3<>/dev/tcp/$ns_ip/80" 2>/dev/null; then ok=1; break; fi
	sleep 0.1
done
[ "$ok" = 1 ] || { fail "nginx does not listen on $ns_ip:80"; cat "$OUT/nginx/stdout" "$OUT/nginx/logs/error.log" 2>/dev/null; wt_result; }
pass "nginx up in $ns on $ns_ip:80"

# ---------------------------------------------------------------- wiretrail
# The demo config, capturing live on the host end of the veth with net_af_packet.
eal="--no-huge --no-pci --no-shconf --file-prefix $prefix -m 1024 --log-level *:warning"
eal="$eal --lcores 0@(0-1),1@(0-1),2@(0-1),3@(0-1) --vdev net_af_packet0,iface=$hveth"
wt_start "$exe" -c config/demo.yaml --set sensor.name=live-test --set "dpdk.eal-params=$eal" \
	--set dpdk.interfaces=net_af_packet0 --set outputs.file.enabled=true \
	--set "outputs.file.path=$OUT/eve.json"
wt_wait_line 'kafka bootstrap: ' 30 || wt_result
pass "wiretrail started ($(grep -m1 '^kafka bootstrap:' "$OUT/stdout.txt"))"
sleep 2
kill -0 "$WT_PID" 2>/dev/null || { fail "wiretrail exited early"; wt_dump; wt_result; }

# ---------------------------------------------------------------- reference capture + traffic
tcpdump -i "$hveth" --immediate-mode -U -s 0 -w "$OUT/live.pcap" 2>"$OUT/tcpdump.err" &
tcpdump_pid=$!
for i in $(seq 1 50); do grep -q 'listening on' "$OUT/tcpdump.err" 2>/dev/null && break; sleep 0.1; done
grep -q 'listening on' "$OUT/tcpdump.err" || { fail "tcpdump did not start: $(cat "$OUT/tcpdump.err")"; wt_result; }
sleep 1

U=http://$ns_ip
port=41000
n_ok=0
c() { # curl args... (its own local-port range: no 5-tuple reuse)
	if curl -sS -o /dev/null --max-time 5 --local-port "$port-$((port + 9))" "$@" >/dev/null; then
		n_ok=$((n_ok + 1))
	fi
	port=$((port + 10))
}
c "$U/"
c -H 'X-Request-ID: live-1' "$U/api/item" "$U/api/item" "$U/"
c "$U/api/item"
c -H 'Content-Type: application/json' --data '{"item":7,"qty":1}' "$U/api/order"
c -H 'Authorization: Bearer dummy-live-token' "$U/" "$U/api/item" "$U/nope"
c "$U/nope"
c -H 'Connection: close' "$U/api/item"
c "$U/" "$U/" "$U/"
c "$U/api/item"
c "$U/"
if [ "$n_ok" = 10 ]; then pass "10 curl connections to $U"; else fail "only $n_ok of 10 curl calls succeeded"; fi
sleep 2
kill -INT "$tcpdump_pid"; wait "$tcpdump_pid" 2>/dev/null; tcpdump_pid=''

# ---------------------------------------------------------------- stop, check
wt_stop 20
if [ "$WT_RC" = 0 ]; then pass "exit status 0 after SIGINT"; else fail "exit status $WT_RC after SIGINT"; fi
if grep -q '^== wiretrail summary ==' "$OUT/stdout.txt"; then pass "summary printed"; else
	fail "no '== wiretrail summary ==' block on stdout"; fi
if [ -f "$OUT/eve.json" ]; then
	if "$WT_CHECK_FLOWS" --label "live: " --pcap "$OUT/live.pcap" --events "$OUT/eve.json" \
		--proto tcp --filter-port 80; then
		pass "port-80 flows match tcpdump's capture"
	else fail "port-80 flows differ from tcpdump's capture (above)"; fi
	n_file=$(wt_count_flows "$OUT/eve.json")
	n_sum=$(wt_summary 'events\.flow')
	if [ "$n_sum" = "$n_file" ]; then pass "summary events.flow: $n_sum = flow events in the file"; else
		fail "summary events.flow: '${n_sum:-none}', the file has $n_file"; fi
	n_shut=$(grep -c '"reason" *: *"shutdown"' "$OUT/eve.json")
	note "$n_file flow events in the file, $n_shut with reason shutdown"
else
	fail "no file output $OUT/eve.json"
fi
v=$(wt_summary drops)
if [ "$v" = 0 ]; then pass "summary drops: 0"; else fail "summary drops: '${v:-none}'"; fi
[ "$WT_FAILS" = 0 ] || wt_dump
wt_result
