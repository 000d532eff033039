#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Compare wiretrail flow events with tshark's view of a capture.

    check_flows.py --pcap F --events E [--proto tcp,udp] [--filter-port 80[,443]]

E holds JSON lines (EVE-like); only "event_type": "flow" lines are compared. For every TCP/UDP
conversation of the capture there must be exactly one flow event (matched by protocol and the
unordered pair of endpoints) and none other, with the same packets and frame bytes per direction:
toserver = packets sent by the event's src_ip:src_port, toclient = the other way.

tshark's reference numbers: per-packet fields (`tshark -T fields`, exact frame lengths) aggregated
here, cross-checked against `tshark -q -z conv,tcp -z conv,udp` (frames always; bytes whenever
tshark prints them in plain bytes: 4.0 switches to "kB" at 10000 bytes and more).

Also checked: every line of E is valid JSON; every flow event has timestamp, flow_id (unique) and
community_id, and for TCP/UDP the community_id is Community ID v1 of the event's 5-tuple (seed 0
unless --community-id-seed); the event's src endpoint is the conversation's initiator (sender of
the first SYN without ACK, else of the first packet).

Exit status: 0 all match ("N flows match tshark"), 1 differences (a table of them is printed),
2 usage or tool errors.
"""
import argparse
import base64
import collections
import datetime
import hashlib
import ipaddress
import json
import re
import shutil
import struct
import subprocess
import sys

PROTO_NUM = {"tcp": 6, "udp": 17}
FLOW_FIELDS = ("pkts_toserver", "pkts_toclient", "bytes_toserver", "bytes_toclient", "state",
               "reason")
EVENT_FIELDS = ("src_ip", "src_port", "dest_ip", "dest_port", "proto", "flow")


def die(msg):
    print("check_flows: " + msg, file=sys.stderr)
    sys.exit(2)


def canon_ip(s):
    return str(ipaddress.ip_address(s.strip()))


def ep_str(ep):
    ip, port = ep
    return ("[%s]:%d" if ":" in ip else "%s:%d") % (ip, port)


def conv_key(proto, a, b):
    """Protocol plus the unordered endpoint pair, lower endpoint first."""
    ka = (ipaddress.ip_address(a[0]).packed, a[1])
    kb = (ipaddress.ip_address(b[0]).packed, b[1])
    return (proto,) + ((a, b) if (len(ka[0]), ka) <= (len(kb[0]), kb) else (b, a))


class Conv:
    def __init__(self, key):
        self.key = key
        self.pkts = collections.Counter()   # sender endpoint -> packets
        self.bytes = collections.Counter()  # sender endpoint -> frame bytes
        self.first = None                   # sender of the first packet
        self.syn = None                     # sender of the first pure SYN
        self.frames = []
        self.t_first = self.t_last = None   # epoch seconds (float) of the first/last frame


def run_tshark(args):
    try:
        p = subprocess.run(["tshark"] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, check=False)
    except OSError as e:
        die("cannot run tshark: %s" % e)
    if p.returncode != 0:
        die("tshark %s failed (%d): %s" % (" ".join(args), p.returncode, p.stderr.strip()))
    return p.stdout


def tshark_convs(pcap, protos):
    """Conversations from per-packet fields: exact frame bytes, no units to parse."""
    fields = ["frame.number", "frame.len", "frame.time_epoch", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst",
              "tcp.srcport", "tcp.dstport", "tcp.flags.syn", "tcp.flags.ack",
              "udp.srcport", "udp.dstport"]
    filt = "(%s) and not icmp and not icmpv6" % " or ".join(sorted(protos))
    args = ["-r", pcap, "-n", "-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE",
            "-Y", filt, "-T", "fields", "-E", "separator=\t", "-E", "occurrence=f"]
    for f in fields:
        args += ["-e", f]
    convs = {}
    for line in run_tshark(args).splitlines():
        if not line.strip():
            continue
        v = dict(zip(fields, line.split("\t")))
        src = v.get("ip.src") or v.get("ipv6.src")
        dst = v.get("ip.dst") or v.get("ipv6.dst")
        if v.get("tcp.srcport") and "tcp" in protos:
            proto, sp, dp = "tcp", v["tcp.srcport"], v["tcp.dstport"]
        elif v.get("udp.srcport") and "udp" in protos:
            proto, sp, dp = "udp", v["udp.srcport"], v["udp.dstport"]
        else:
            continue
        if not src or not dst or not sp or not dp:
            continue
        s, d = (canon_ip(src), int(sp)), (canon_ip(dst), int(dp))
        key = conv_key(proto, s, d)
        c = convs.get(key)
        if c is None:
            c = convs[key] = Conv(key)
            c.first = s
        c.pkts[s] += 1
        c.bytes[s] += int(v["frame.len"])
        c.frames.append(int(v["frame.number"]))
        t = float(v["frame.time_epoch"])
        c.t_first = t if c.t_first is None else min(c.t_first, t)
        c.t_last = t if c.t_last is None else max(c.t_last, t)
        if proto == "tcp" and c.syn is None and v.get("tcp.flags.syn") in ("1", "True") \
                and v.get("tcp.flags.ack") in ("0", "False"):
            c.syn = s
    return convs


ROW_RE = re.compile(
    r"^(?P<a>\S+)\s+<->\s+(?P<b>\S+)\s+"
    r"(?P<f_ba>[\d,]+)\s+(?P<b_ba>[\d,.]+\s*\S*bytes|[\d,.]+\s*[kKMGT]i?B)\s+"
    r"(?P<f_ab>[\d,]+)\s+(?P<b_ab>[\d,.]+\s*\S*bytes|[\d,.]+\s*[kKMGT]i?B)\s+"
    r"(?P<f_t>[\d,]+)\s+")


def split_ep(s):
    """'1.2.3.4:80' or '2001:db8::1:80' (tshark prints v6 without brackets) -> (ip, port)."""
    s = s.strip()
    if s.startswith("["):
        ip, _, port = s[1:].partition("]:")
    else:
        ip, _, port = s.rpartition(":")
    return canon_ip(ip), int(port)


def parse_bytes(s):
    """Exact byte count when tshark printed plain bytes, else None ('12 kB')."""
    m = re.fullmatch(r"([\d,]+)\s*bytes", s.strip())
    return int(m.group(1).replace(",", "")) if m else None


def tshark_conv_tables(pcap, protos):
    """Rows of `tshark -z conv,tcp -z conv,udp`: list of (proto, a, b, f_ab, b_ab, f_ba, b_ba).
    Columns: '<-' is B to A, '->' is A to B."""
    args = ["-r", pcap, "-n", "-q", "-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE"]
    for p in sorted(protos):
        args += ["-z", "conv," + p]
    rows, proto = [], None
    for line in run_tshark(args).splitlines():
        hdr = re.match(r"^(TCP|UDP) Conversations", line)
        if hdr:
            proto = hdr.group(1).lower()
            continue
        m = ROW_RE.match(line)
        if not m or proto is None:
            continue
        n = lambda k: int(m.group(k).replace(",", ""))
        rows.append((proto, split_ep(m.group("a")), split_ep(m.group("b")),
                     n("f_ab"), parse_bytes(m.group("b_ab")),
                     n("f_ba"), parse_bytes(m.group("b_ba"))))
    return rows


def cross_check(convs, rows, protos):
    """The field aggregation must agree with tshark's own conversation tables."""
    errs = []
    seen = collections.Counter()
    for proto, a, b, f_ab, b_ab, f_ba, b_ba in rows:
        key = conv_key(proto, a, b)
        seen[key] += 1
        c = convs.get(key)
        if c is None:
            errs.append("conv table row %s %s <-> %s not found in per-packet fields"
                        % (proto, ep_str(a), ep_str(b)))
            continue
        for what, got, want in (("frames %s->%s" % (ep_str(a), ep_str(b)), f_ab, c.pkts[a]),
                                ("frames %s->%s" % (ep_str(b), ep_str(a)), f_ba, c.pkts[b]),
                                ("bytes %s->%s" % (ep_str(a), ep_str(b)), b_ab, c.bytes[a]),
                                ("bytes %s->%s" % (ep_str(b), ep_str(a)), b_ba, c.bytes[b])):
            if got is not None and got != want:
                errs.append("%s %s: conv table %d, fields %d" % (proto, what, got, want))
    for key, n in seen.items():
        if n > 1:
            errs.append("%s %s <-> %s: %d conversations on one 5-tuple (port reuse); a flow "
                        "table keyed by 5-tuple cannot be compared" % (key[0], ep_str(key[1]),
                                                                       ep_str(key[2]), n))
    for key in convs:
        if key not in seen:
            errs.append("%s %s <-> %s: in per-packet fields but not in tshark's conv table"
                        % (key[0], ep_str(key[1]), ep_str(key[2])))
    return errs


def parse_eve_time(s):
    """'2026-12-03T16:51:23.030321+0000' -> epoch seconds (float), or None."""
    m = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?([+-]\d\d):?(\d\d)", str(s))
    if not m:
        return None
    base = datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S")
    off = int(m.group(3)) * 3600 + (1 if m.group(3)[0] != "-" else -1) * int(m.group(4)) * 60
    return (base - datetime.datetime(1970, 1, 1)).total_seconds() - off + \
        float(m.group(2) or 0)


def community_id(seed, src, sport, dst, dport, proto):
    s, d = ipaddress.ip_address(src).packed, ipaddress.ip_address(dst).packed
    if (s, sport) > (d, dport):
        s, d, sport, dport = d, s, dport, sport
    data = struct.pack("!H", seed) + s + d + struct.pack("!BBHH", proto, 0, sport, dport)
    return "1:" + base64.b64encode(hashlib.sha1(data).digest()).decode()


def load_events(path, protos, ports, cid_seed):
    """-> (flows by key, problems, number of flow events, non-selected flow events)."""
    problems, flows, flow_ids = [], {}, {}
    total = skipped = 0
    try:
        f = open(path, encoding="utf-8")
    except OSError as e:
        die("cannot read events: %s" % e)
    with f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            where = "%s:%d" % (path, lineno)
            try:
                ev = json.loads(line)
            except ValueError as e:
                problems.append("%s: invalid JSON (%s): %.120s" % (where, e, line.strip()))
                continue
            if not isinstance(ev, dict):
                problems.append("%s: not a JSON object" % where)
                continue
            if ev.get("event_type") != "flow":
                continue
            total += 1
            proto = str(ev.get("proto", "")).lower()
            need = ("timestamp", "flow_id", "community_id") + EVENT_FIELDS
            if proto in ("icmp", "ipv6-icmp", "icmpv6"):   # EVE: icmp_type/code, no ports
                need = tuple(k for k in need if k not in ("src_port", "dest_port"))
            missing = [k for k in need if k not in ev]
            fl = ev.get("flow")
            if isinstance(fl, dict):
                missing += ["flow." + k for k in FLOW_FIELDS if k not in fl]
            if missing:
                problems.append("%s: flow event without %s" % (where, ", ".join(missing)))
                continue
            if ev["flow_id"] in flow_ids:
                problems.append("%s: flow_id %s already used at line %d"
                                % (where, ev["flow_id"], flow_ids[ev["flow_id"]]))
            flow_ids[ev["flow_id"]] = lineno
            if proto not in PROTO_NUM:
                skipped += 1
                continue
            try:
                src = (canon_ip(ev["src_ip"]), int(ev["src_port"]))
                dst = (canon_ip(ev["dest_ip"]), int(ev["dest_port"]))
            except (ValueError, TypeError) as e:
                problems.append("%s: bad endpoint (%s)" % (where, e))
                continue
            if cid_seed is not None:
                want = community_id(cid_seed, src[0], src[1], dst[0], dst[1], PROTO_NUM[proto])
                if ev["community_id"] != want:
                    problems.append("%s: community_id %s, expected %s for %s %s -> %s"
                                    % (where, ev["community_id"], want, proto, ep_str(src),
                                       ep_str(dst)))
            if proto not in protos or (ports and src[1] not in ports and dst[1] not in ports):
                skipped += 1
                continue
            key = conv_key(proto, src, dst)
            ev["_line"], ev["_src"] = lineno, src
            flows.setdefault(key, []).append(ev)
    return flows, problems, total, skipped


def eve_time(t):
    us = int(round(t * 1e6))
    return datetime.datetime.fromtimestamp(us // 1000000, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S") + \
        ".%06d+0000" % (us % 1000000)


def emit_events(convs, seed):
    for i, (key, c) in enumerate(sorted(convs.items(), key=lambda kv: kv[1].frames[0]), 1):
        proto, ea, eb = key
        cli = c.syn or c.first
        srv = eb if cli == ea else ea
        print(json.dumps({
            "timestamp": "1970-01-01T00:00:00.000000+0000", "flow_id": i,
            "event_type": "flow", "src_ip": cli[0], "src_port": cli[1], "dest_ip": srv[0],
            "dest_port": srv[1], "proto": proto.upper(),
            "community_id": community_id(seed, cli[0], cli[1], srv[0], srv[1], PROTO_NUM[proto]),
            "flow": {"pkts_toserver": c.pkts[cli], "pkts_toclient": c.pkts[srv],
                     "start": eve_time(c.t_first), "end": eve_time(c.t_last),
                     "bytes_toserver": c.bytes[cli], "bytes_toclient": c.bytes[srv],
                     "state": "closed" if proto == "tcp" else "none", "reason": "shutdown"}}))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pcap", required=True)
    ap.add_argument("--events", required=True, help="JSON lines (EVE file or kcat output)")
    ap.add_argument("--proto", default="tcp,udp", help="protocols compared (default tcp,udp)")
    ap.add_argument("--filter-port", action="append", default=[],
                    help="only conversations/flows with this port on either side "
                         "(comma list, repeatable)")
    ap.add_argument("--community-id-seed", type=int, default=0)
    ap.add_argument("--no-community-id-check", action="store_true")
    ap.add_argument("--no-initiator-check", action="store_true",
                    help="do not require src_ip:src_port to be the conversation's initiator")
    ap.add_argument("--check-times", action="store_true",
                    help="also require flow.start/flow.end = time of the conversation's first/"
                         "last frame (capture time; within --time-tolerance)")
    ap.add_argument("--time-tolerance", type=float, default=0.000002, metavar="SECONDS")
    ap.add_argument("--allow-empty", action="store_true",
                    help="zero conversations and zero flows is a success")
    ap.add_argument("--label", default="", help="prefix of the summary line")
    ap.add_argument("--emit-events", action="store_true",
                    help="self-test aid: print the flow events tshark's numbers imply, as JSON "
                         "lines, instead of comparing (--events is then ignored)")
    a = ap.parse_args() if "--emit-events" not in sys.argv[1:] else None
    if a is None:
        sys.argv += ["--events", "-"]
        a = ap.parse_args()

    protos = {p.strip().lower() for p in a.proto.split(",") if p.strip()}
    if not protos or protos - set(PROTO_NUM):
        die("--proto: choose among %s" % ",".join(PROTO_NUM))
    try:
        ports = {int(p) for v in a.filter_port for p in v.split(",") if p.strip()}
    except ValueError:
        die("--filter-port: numbers please")
    if shutil.which("tshark") is None:
        die("tshark not found")

    convs = tshark_convs(a.pcap, protos)
    internal = cross_check(convs, tshark_conv_tables(a.pcap, protos), protos)
    if internal:
        print("check_flows: tshark's conversation table disagrees with its packet fields:")
        for e in internal:
            print("  " + e)
        sys.exit(2)
    if ports:
        convs = {k: c for k, c in convs.items() if k[1][1] in ports or k[2][1] in ports}
    if a.emit_events:
        emit_events(convs, a.community_id_seed)
        return 0

    seed = None if a.no_community_id_check else a.community_id_seed
    flows, problems, n_flow_events, n_skipped = load_events(a.events, protos, ports, seed)

    diffs = []  # (proto, A, B, what, tshark, events)
    ok = 0
    for key in sorted(set(convs) | set(flows), key=lambda k: (k[0], ep_str(k[1]), ep_str(k[2]))):
        proto, ea, eb = key
        c, evs = convs.get(key), flows.get(key, [])
        row = lambda what, t, e: diffs.append((proto, ep_str(ea), ep_str(eb), what, str(t),
                                               str(e)))
        if c is None:
            for ev in evs:
                row("flow not in pcap", "-", "line %d %s" % (ev["_line"], ev["flow"]["reason"]))
            continue
        if not evs:
            row("no flow event", "%d pkts" % sum(c.pkts.values()), "-")
            continue
        if len(evs) > 1:
            row("flow events", 1, "%d (lines %s)" % (len(evs), ",".join(str(e["_line"])
                                                                         for e in evs)))
            continue
        ev = evs[0]
        fl, cli = ev["flow"], ev["_src"]
        srv = eb if cli == ea else ea
        before = len(diffs)
        for what, want, got in (
                ("pkts_toserver", c.pkts[cli], fl["pkts_toserver"]),
                ("pkts_toclient", c.pkts[srv], fl["pkts_toclient"]),
                ("bytes_toserver", c.bytes[cli], fl["bytes_toserver"]),
                ("bytes_toclient", c.bytes[srv], fl["bytes_toclient"])):
            if want != got:
                row("%s (client %s)" % (what, ep_str(cli)), want, got)
        if a.check_times:
            for what, want in (("flow.start", c.t_first), ("flow.end", c.t_last)):
                raw = fl.get(what.split(".")[1])
                got = parse_eve_time(raw)
                if got is None or abs(got - want) > a.time_tolerance:
                    row(what, eve_time(want), raw)
        init = c.syn or c.first
        if not a.no_initiator_check and init != cli:
            row("client (src_ip:src_port)", ep_str(init), ep_str(cli))
        if len(diffs) == before:
            ok += 1

    for p in problems:
        print("check_flows: " + p)
    if diffs:
        hdr = ("proto", "endpoint A", "endpoint B", "what", "tshark", "events")
        w = [max(len(str(r[i])) for r in diffs + [hdr]) for i in range(len(hdr))]
        print("check_flows: %d difference(s) between %s and %s:" % (len(diffs), a.pcap,
                                                                     a.events))
        for r in [hdr] + diffs:
            print("  " + "  ".join(str(x).ljust(w[i]) for i, x in enumerate(r)).rstrip())
    empty = not convs and not flows
    if empty and not a.allow_empty:
        print("check_flows: nothing to compare (no %s conversation%s in %s, no flow event)"
              % ("/".join(sorted(protos)), " with port " + ",".join(map(str, sorted(ports)))
                 if ports else "", a.pcap))
    if diffs or problems or (empty and not a.allow_empty):
        print("%sFAIL: %d of %d conversations match, %d difference(s), %d event problem(s)"
              % (a.label, ok, len(convs), len(diffs), len(problems)))
        sys.exit(1)
    extra = " (%d other flow events not compared)" % n_skipped if n_skipped else ""
    print("%s%d flows match tshark%s" % (a.label, ok, extra))
    return 0


if __name__ == "__main__":
    sys.exit(main())
