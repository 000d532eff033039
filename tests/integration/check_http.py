#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Compare wiretrail http events with tshark's view of a capture.

    check_http.py --pcap F --events E [--secrets S] [--expect-cases] [--http-port P[,P]]

E holds JSON lines (EVE file or kcat output); lines with "event_type": "http" are compared, every
line is searched for secrets. Reference: tshark's HTTP dissector (`-Y "http.request or
http.response" -T json`, every TCP port that received a SYN decoded as HTTP, plus --http-port),
one transaction per request, paired in order with the final responses of its connection (1xx
other than 101 are interim and skipped; tshark's own http.request_in is not used: it pairs
pipelined requests wrongly).

Checks (exit 1 and a table of differences when one fails):
  - one http event per request seen by tshark, none other; events matched to requests by the
    connection's 4-tuple (src = client) and order within it (tx_id when every event of the
    connection has one, else file order);
  - per transaction: http_method, url (path + query; query values masked by the daemon as
    `?a=***` are accepted, see --url-mode), hostname (the Host header, with or without its port),
    protocol, status (absent or null when tshark saw no response); http_user_agent,
    http_content_type, request_length and length (body bytes after de-chunking; 0 after HEAD,
    204, 304) when the event has them;
  - trace context: a request carrying W3C traceparent, B3 (single or X-B3-TraceId) or
    uber-trace-id has that trace id as trace.id (event["trace"]["id"], also accepted:
    event["http"]["trace"]["id"]); requests of one trace seen on several connections (the hops of
    a proxied call: client -> A -> B) all carry the same trace.id;
  - credentials: a Bearer JWT request has expired_at_request = (exp < request time) (any key
    `expired_at_request` in the event: jwt.*, http.jwt.*, credentials...); a Basic request has a
    credential with scheme "basic" and the username from the header (any object with a `scheme`
    key and `username` or `user`);
  - with --secrets FILE (one secret a line): none of them, nor their base64 / base64url forms
    (padded or not), nor a JWT's signature part, appears anywhere in E (raw text, and with JSON
    `\\/` escapes undone); --leak-check FILE... does only this search, in any files;
  - with --expect-cases: the capture itself must contain a proxied call seen on >= 2 connections
    with one traceparent, an expired JWT, and a Basic request (guards a regenerated capture).

Exit status: 0 all match ("N http transactions match tshark"), 1 differences, 2 usage or tool
errors. --emit-events prints the http events the capture implies; --self-test checks that they
pass and that damaged copies of them fail (no daemon needed).
"""
import argparse
import base64
import binascii
import collections
import ipaddress
import json
import pickle
import re
import shutil
import subprocess
import sys

MASK_RE = re.compile(r"^(\*+|x+|X+|REDACTED|redacted|<redacted>|\[redacted\]|\[masked\]|<masked>)$")
HEX = re.compile(r"^[0-9a-fA-F]+$")


def die(msg):
    print("check_http: " + msg, file=sys.stderr)
    sys.exit(2)


def canon_ip(s):
    return str(ipaddress.ip_address(str(s).strip()))


def ep_str(ep):
    ip, port = ep
    return ("[%s]:%d" if ":" in ip else "%s:%d") % (ip, port)


def run_tshark(args):
    try:
        p = subprocess.run(["tshark"] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, check=False)
    except OSError as e:
        die("cannot run tshark: %s" % e)
    if p.returncode != 0:
        die("tshark %s failed (%d): %s" % (" ".join(args), p.returncode, p.stderr.strip()[:500]))
    return p.stdout


def as_list(v):
    if v is None:
        return []
    return v if isinstance(v, list) else [v]


def first(v):
    v = as_list(v)
    return v[0] if v else None


# ------------------------------------------------------------------------------------------ tshark
class Req:
    def __init__(self):
        self.frame = self.idx = self.time = None
        self.client = self.server = None
        self.method = self.uri = self.version = self.host = None
        self.headers = []          # (lower-case name, value)
        self.status = None         # final response code (int) or None
        self.resp_ctype = None
        self.interim = []          # 1xx codes seen before the final response
        self.req_len = None        # body bytes (de-chunked) of the request
        self.resp_len = None       # body bytes (de-chunked) of the final response

    def hdr(self, name):
        return [v for n, v in self.headers if n == name]


def parse_headers(lines):
    out = []
    for ln in as_list(lines):
        name, sep, val = str(ln).partition(":")
        if sep:
            out.append((name.strip().lower(), val.strip()))
    return out


def start_line(pdu, key):
    """The request/response line subtree: the dict value holding `key`."""
    for v in pdu.values():
        if isinstance(v, dict) and key in v:
            return v
    return None


def body_len(pdu):
    """Body bytes of one HTTP message: Content-Length, else the length of the de-chunked body
    tshark reassembled (http.file_data, text), else 0; None when that text is not plain ASCII
    (tshark escapes binary: the length is unknown)."""
    cl = pdu.get("http.content_length_header")
    if isinstance(cl, str) and cl.strip().isdigit():
        return int(cl)
    fd = pdu.get("http.file_data")
    if isinstance(fd, str):
        return len(fd) if fd.isascii() and "\\x" not in fd else None
    return 0


def tshark_http(pcap, extra_ports):
    """-> (connections: {(client, server): [Req, ...] in order}, problems)."""
    syn = run_tshark(["-r", pcap, "-n", "-Y", "tcp.flags.syn==1 && tcp.flags.ack==0", "-T",
                      "fields", "-e", "tcp.dstport"])
    ports = {int(p) for p in syn.split() if p.strip().isdigit()} | set(extra_ports)
    args = ["-r", pcap, "-n"]
    for p in sorted(ports):
        args += ["-d", "tcp.port==%d,http" % p]
    args += ["-Y", "http.request or http.response", "-T", "json", "--no-duplicate-keys",
             "-J", "frame ip ipv6 tcp http"]
    out = run_tshark(args)
    try:
        pkts = json.loads(out) if out.strip() else []
    except ValueError as e:
        die("cannot parse tshark's JSON: %s" % e)
    conns = collections.OrderedDict()
    resps = collections.defaultdict(list)   # (client, server) -> [(code, ctype)]
    problems = []
    for p in pkts:
        L = p.get("_source", {}).get("layers", {})
        fr, tcp = L.get("frame", {}), L.get("tcp", {})
        ipl = L.get("ip") or L.get("ipv6") or {}
        src = first(ipl.get("ip.src") or ipl.get("ipv6.src"))
        dst = first(ipl.get("ip.dst") or ipl.get("ipv6.dst"))
        if isinstance(ipl, list) or src is None or "tcp.srcport" not in tcp:
            problems.append("frame %s: no single IP/TCP layer" % fr.get("frame.number"))
            continue
        s, d = (canon_ip(src), int(tcp["tcp.srcport"])), (canon_ip(dst), int(tcp["tcp.dstport"]))
        for i, pdu in enumerate(as_list(L.get("http"))):
            if not isinstance(pdu, dict):
                continue
            if pdu.get("http.request") == "1":
                sl = start_line(pdu, "http.request.method")
                if sl is None:
                    continue
                r = Req()
                r.frame, r.idx, r.time = int(fr["frame.number"]), i, float(fr["frame.time_epoch"])
                r.client, r.server = s, d
                r.method, r.uri = sl.get("http.request.method"), sl.get("http.request.uri")
                r.version = sl.get("http.request.version")
                r.headers = parse_headers(pdu.get("http.request.line"))
                h = r.hdr("host")
                r.host = h[0] if h else None
                r.req_len = body_len(pdu)
                conns.setdefault((s, d), []).append(r)
            elif pdu.get("http.response") == "1":
                sl = start_line(pdu, "http.response.code")
                if sl is None:
                    continue
                ct = [v for n, v in parse_headers(pdu.get("http.response.line"))
                      if n == "content-type"]
                resps[(d, s)].append((int(sl["http.response.code"]), ct[0] if ct else None,
                                      body_len(pdu)))
    for key, rs in resps.items():
        reqs = conns.get(key, [])
        finals = []
        for code, ct, blen in rs:
            if 100 <= code < 200 and code != 101:
                n = len(finals)
                if n < len(reqs):
                    reqs[n].interim.append(code)
                continue
            finals.append((code, ct, blen))
        if len(finals) > len(reqs):
            problems.append("%s -> %s: %d final responses for %d requests (tshark)"
                            % (ep_str(key[0]), ep_str(key[1]), len(finals), len(reqs)))
        for r, (code, ct, blen) in zip(reqs, finals):
            r.status, r.resp_ctype = code, ct
            # no body after HEAD, 204, 304 whatever Content-Length says (tshark knows it too)
            r.resp_len = 0 if r.method == "HEAD" or code in (204, 304) else blen
    return conns, problems


# --------------------------------------------------------------------------- trace ids, credentials
def expected_trace(r):
    """(header, trace id lower-case hex) the request carries, or (None, None)."""
    for v in r.hdr("traceparent"):
        m = re.fullmatch(r"([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})", v.strip())
        if m and m.group(2) != "0" * 32:
            return "traceparent", m.group(2)
    for v in r.hdr("b3"):
        tid = v.strip().split("-")[0].lower()
        if len(tid) in (16, 32) and HEX.match(tid):
            return "b3", tid
    for v in r.hdr("x-b3-traceid"):
        tid = v.strip().lower()
        if len(tid) in (16, 32) and HEX.match(tid):
            return "x-b3-traceid", tid
    for v in r.hdr("uber-trace-id"):
        tid = v.strip().split(":")[0].lower()
        if 1 <= len(tid) <= 32 and HEX.match(tid):
            return "uber-trace-id", tid
    return None, None


def same_trace_id(want, got):
    if not isinstance(got, str):
        return False
    g = got.strip().lower()
    return g == want or (g.lstrip("0") == want.lstrip("0") and len(g) in (16, 32)
                         and HEX.match(g) is not None)


def b64url_json(part):
    try:
        return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None


def expected_creds(r):
    """[(kind, detail)]: ('jwt', expired: bool), ('basic', username)."""
    out = []
    for v in r.hdr("authorization"):
        scheme, _, cred = v.strip().partition(" ")
        cred = cred.strip()
        if scheme.lower() == "bearer" and cred.count(".") == 2:
            hdr, payload = (b64url_json(x) for x in cred.split(".")[:2])
            if isinstance(hdr, dict) and isinstance(payload, dict) and \
                    isinstance(payload.get("exp"), (int, float)):
                out.append(("jwt", payload["exp"] < r.time))
        elif scheme.lower() == "basic":
            try:
                user = base64.b64decode(cred, validate=True).decode().partition(":")[0]
            except (ValueError, binascii.Error, UnicodeDecodeError):
                continue
            out.append(("basic", user))
    return out


def find_key(obj, key, path=""):
    """Every (path, value) of `key` anywhere in obj."""
    found = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            p = path + "." + k if path else k
            if k == key:
                found.append((p, v))
            found += find_key(v, key, p)
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            found += find_key(v, key, "%s[%d]" % (path, i))
    return found


def find_dicts_with(obj, key, path=""):
    found = []
    if isinstance(obj, dict):
        if key in obj:
            found.append((path or ".", obj))
        for k, v in obj.items():
            found += find_dicts_with(v, key, path + "." + k if path else k)
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            found += find_dicts_with(v, key, "%s[%d]" % (path, i))
    return found


def event_trace_id(ev):
    for path in (("trace", "id"), ("http", "trace", "id")):
        o = ev
        for k in path:
            o = o.get(k) if isinstance(o, dict) else None
        if o is not None:
            return ".".join(path), o
    if "trace.id" in ev:
        return "trace.id", ev["trace.id"]
    return None, None


# ------------------------------------------------------------------------------------------- urls
def mask_url(uri):
    path, q, query = uri.partition("?")
    if not q:
        return uri
    parts = []
    for p in query.split("&"):
        k, eq, _ = p.partition("=")
        parts.append(k + "=***" if eq else p)
    return path + "?" + "&".join(parts)


def url_verdict(want, got, mode):
    """-> (ok, kind) kind = 'raw' | 'masked' | None."""
    if not isinstance(got, str):
        return False, None
    if mode in ("auto", "raw") and got == want:
        return True, "raw"
    wp, wq, wquery = want.partition("?")
    gp, gq, gquery = got.partition("?")
    if mode == "path":
        return gp == wp, "path"
    if mode == "raw" or gp != wp or bool(wq) != bool(gq):
        return False, None
    wparts, gparts = wquery.split("&"), gquery.split("&")
    if len(wparts) != len(gparts):
        return False, None
    for w, g in zip(wparts, gparts):
        wk, weq, wv = w.partition("=")
        gk, geq, gv = g.partition("=")
        if wk != gk or weq != geq:
            return False, None
        if weq and not (MASK_RE.match(gv) or (wv == "" and gv == "")):
            return False, None
    return True, "masked"


# ---------------------------------------------------------------------------------------- secrets
def secret_forms(s):
    forms = {s: "raw"}
    b = s.encode()
    for name, enc in (("base64", base64.b64encode(b).decode()),
                      ("base64url", base64.urlsafe_b64encode(b).decode())):
        forms.setdefault(enc, name)
        forms.setdefault(enc.rstrip("="), name + " unpadded")
    parts = s.split(".")
    if len(parts) == 3 and all(parts) and len(parts[2]) >= 16:
        forms.setdefault(parts[2], "JWT signature")
    return {f: k for f, k in forms.items() if len(f) >= 8}


def check_secrets(path, secrets_path):
    try:
        secrets = [ln.strip() for ln in open(secrets_path, encoding="utf-8") if ln.strip()]
        text = open(path, encoding="utf-8", errors="replace").read()
    except OSError as e:
        die("cannot read: %s" % e)
    variants = (text, text.replace("\\/", "/"))
    leaks = []
    for s in secrets:
        for form, kind in secret_forms(s).items():
            for t in variants:
                pos = t.find(form)
                if pos >= 0:
                    line = t.count("\n", 0, pos) + 1
                    shown = s[:6] + "..." if len(s) > 10 else s[:2] + "..."
                    leaks.append("secret %s (%s form) found in %s line %d"
                                 % (shown, kind, path, line))
                    break
    return len(secrets), leaks


# ----------------------------------------------------------------------------------------- events
def load_events(path):
    problems, evs, n_lines = [], [], 0
    try:
        f = open(path, encoding="utf-8", errors="replace")
    except OSError as e:
        die("cannot read events: %s" % e)
    flows = {}
    with f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            n_lines += 1
            where = "%s:%d" % (path, lineno)
            try:
                ev = json.loads(line)
            except ValueError as e:
                problems.append("%s: invalid JSON (%s): %.120s" % (where, e, line.strip()))
                continue
            if not isinstance(ev, dict):
                problems.append("%s: not a JSON object" % where)
                continue
            if ev.get("event_type") == "flow":
                try:
                    k = frozenset([(canon_ip(ev["src_ip"]), int(ev["src_port"])),
                                   (canon_ip(ev["dest_ip"]), int(ev["dest_port"]))])
                    flows[k] = ev
                except (KeyError, ValueError, TypeError):
                    pass
                continue
            if ev.get("event_type") != "http":
                continue
            missing = [k for k in ("timestamp", "src_ip", "src_port", "dest_ip", "dest_port",
                                   "http") if k not in ev]
            if not missing and not isinstance(ev["http"], dict):
                missing = ["http (an object)"]
            if missing:
                problems.append("%s: http event without %s" % (where, ", ".join(missing)))
                continue
            try:
                ev["_src"] = (canon_ip(ev["src_ip"]), int(ev["src_port"]))
                ev["_dst"] = (canon_ip(ev["dest_ip"]), int(ev["dest_port"]))
            except (ValueError, TypeError) as e:
                problems.append("%s: bad endpoint (%s)" % (where, e))
                continue
            ev["_line"] = lineno
            evs.append(ev)
    return evs, flows, problems


# ------------------------------------------------------------------------------------------- emit
def ref_events(conns):
    """The http events the capture implies (query values masked, trace.id, credentials)."""
    out, n = [], 0
    for (cli, srv), reqs in conns.items():
        for i, r in enumerate(reqs):
            n += 1
            h = {"url": mask_url(r.uri), "http_method": r.method, "protocol": r.version}
            if r.host:
                h["hostname"] = re.sub(r":\d+$", "", r.host)
            if r.status is not None:
                h["status"] = r.status
            ua = r.hdr("user-agent")
            if ua:
                h["http_user_agent"] = ua[0]
            if r.resp_ctype:
                h["http_content_type"] = r.resp_ctype
            if r.req_len is not None:
                h["request_length"] = r.req_len
            if r.resp_len is not None:
                h["length"] = r.resp_len
            ev = {"timestamp": "1970-01-01T00:00:00.000000+0000", "flow_id": 1000 + n,
                  "event_type": "http", "src_ip": cli[0], "src_port": cli[1],
                  "dest_ip": srv[0], "dest_port": srv[1], "proto": "TCP", "app_proto": "http",
                  "tx_id": i, "http": h}
            _, tid = expected_trace(r)
            if tid:
                ev["trace"] = {"id": tid}
            creds = []
            for kind, detail in expected_creds(r):
                if kind == "jwt":
                    creds.append({"scheme": "bearer", "jwt": {"expired_at_request": detail}})
                else:
                    creds.append({"scheme": "basic", "username": detail})
            if creds:
                ev["credentials"] = creds
            ev["_req"] = r
            out.append(ev)
    return out


def self_test(a, conns):
    """Reference events must pass, every kind of damage must fail (exit 1)."""
    import os
    import tempfile
    ref = ref_events(conns)
    if not ref:
        die("self-test: no HTTP request in %s" % a.pcap)
    tmp = tempfile.mkdtemp(prefix="wt-http-selftest.")
    fails = 0
    secrets = []
    if a.secrets:
        secrets = [ln.strip() for ln in open(a.secrets, encoding="utf-8") if ln.strip()]

    def pick(pred):
        for ev in ref:
            if pred(ev):
                return ev
        return None

    def dump(evs, name):
        path = os.path.join(tmp, name + ".json")
        with open(path, "w") as f:
            for e in evs:
                f.write((e if isinstance(e, str) else
                         json.dumps({k: v for k, v in e.items() if k != "_req"})) + "\n")
        return path

    cache = os.path.join(tmp, "tshark.pickle")
    with open(cache, "wb") as f:
        pickle.dump(conns, f)

    def expect(want, what, evs, *extra, needle=None):
        """Run the check on evs: exit status `want`, and `needle` in its output when it fails."""
        nonlocal fails
        path = dump(evs, "case%02d" % len(results))
        args = [sys.executable, os.path.abspath(__file__), "--pcap", a.pcap, "--events", path,
                "--tshark-cache", cache]
        args += [x for p in a.http_port for x in ("--http-port", p)]
        if a.secrets:
            args += ["--secrets", a.secrets]
        p = subprocess.run(args + list(extra), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, check=False)
        results.append(what)
        if p.returncode == want and needle and needle not in p.stdout:
            fails += 1
            print("FAIL: %s: exit %d, but %r is not in the output:" % (what, want, needle))
            print("    " + p.stdout.strip().replace("\n", "\n    "))
        elif p.returncode == want:
            print("PASS: %s (exit %d)" % (what, p.returncode))
        else:
            fails += 1
            print("FAIL: %s: exit %d, expected %d" % (what, p.returncode, want))
            print("    " + p.stdout.strip().replace("\n", "\n    "))
        return p.stdout

    def copy():
        return [json.loads(json.dumps({k: v for k, v in e.items() if k != "_req"})) for e in ref]

    def mutate(fn):
        evs = copy()
        fn(evs)
        return evs

    def idx(pred):
        for i, ev in enumerate(ref):
            if pred(ev):
                return i
        return None

    results = []
    out = expect(0, "reference events (query values masked) match", copy(), "--expect-cases")
    if "%d http transactions match tshark" % len(ref) not in out:
        fails += 1
        print("FAIL: summary line: " + out.strip().splitlines()[-1])
    raw = mutate(lambda evs: [e["http"].__setitem__("url", r["_req"].uri)
                              for e, r in zip(evs, ref)])
    expect(0, "raw urls match (--url-mode auto)", raw)
    expect(1, "raw urls with --url-mode masked", raw, "--url-mode", "masked", needle='url (masked)')
    # other accepted shapes: trace id under http, jwt under http, port in hostname, file order
    def alt(evs):
        for e, r in zip(evs, ref):
            if "trace" in e:
                e["http"]["trace"] = e.pop("trace")
            for c in e.pop("credentials", []):
                if "jwt" in c:
                    e["http"]["jwt"] = c["jwt"]
                else:
                    e["http"]["credentials"] = c
            if r["_req"].host:
                e["http"]["hostname"] = r["_req"].host
            del e["tx_id"]
    expect(0, "accepted variants: http.trace.id, http.jwt, Host with port, no tx_id", mutate(alt))
    expect(0, "events shuffled, tx_id kept", mutate(lambda evs: evs.reverse()))
    others = ['{"event_type":"flow","src_ip":"127.0.0.1","src_port":1,"dest_ip":"127.0.0.1",'
              '"dest_port":2,"flow_id":1}', '{"event_type":"stats","stats":{"packets":1}}']
    expect(0, "other event types ignored", others + copy())

    expect(1, "no events", [], needle='missing http event')
    expect(1, "invalid JSON line", ['{"event_type": "http", trunc'] + copy(), needle='invalid JSON')
    expect(1, "one event missing", mutate(lambda evs: evs.pop(len(evs) // 2)), needle='missing http event')
    expect(1, "one event duplicated", mutate(lambda evs: evs.append(dict(evs[0]))), needle='http event')
    i_unans = idx(lambda e: e["_req"].status is None)
    i_multi = idx(lambda e: e["tx_id"] == 1)
    i_q = idx(lambda e: "?" in e["_req"].uri)
    if i_unans is None or i_multi is None or i_q is None:
        die("self-test: the capture needs an unanswered request, keep-alive and a query string")
    expect(1, "status wrong", mutate(lambda evs: evs[0]["http"].__setitem__("status", 502)), needle="status")
    expect(1, "status as a string, wrong", mutate(lambda evs: evs[0]["http"].__setitem__(
        "status", "201")), needle="status")
    expect(1, "status missing on an answered request",
           mutate(lambda evs: evs[0]["http"].pop("status")), needle="status")
    expect(1, "status on the unanswered request",
           mutate(lambda evs: evs[i_unans]["http"].__setitem__("status", 200)),
           needle="status (no response)")
    expect(1, "http_method wrong", mutate(lambda evs: evs[1]["http"].__setitem__(
        "http_method", "PUT")), needle="http_method")
    expect(1, "protocol wrong", mutate(lambda evs: evs[1]["http"].__setitem__(
        "protocol", "HTTP/1.0" if ref[1]["http"]["protocol"] != "HTTP/1.0" else "HTTP/1.1")),
           needle="protocol")
    expect(1, "url path wrong", mutate(lambda evs: evs[2]["http"].__setitem__(
        "url", "/x" + evs[2]["http"]["url"])), needle="url (auto)")
    expect(1, "url query parameter renamed", mutate(lambda evs: evs[i_q]["http"].__setitem__(
        "url", evs[i_q]["http"]["url"].replace("?", "?z", 1))), needle="url (auto)")
    expect(1, "url query dropped", mutate(lambda evs: evs[i_q]["http"].__setitem__(
        "url", evs[i_q]["http"]["url"].split("?")[0])), needle="url (auto)")
    expect(1, "hostname wrong", mutate(lambda evs: evs[0]["http"].__setitem__(
        "hostname", "evil.example")), needle="hostname")
    i_len = idx(lambda e: e["http"].get("length", 0) > 0)
    expect(1, "response length off by one", mutate(lambda evs: evs[i_len]["http"].__setitem__(
        "length", evs[i_len]["http"]["length"] + 1)), needle="length (body bytes)")
    i_chunked = idx(lambda e: "chunked" in e["_req"].hdr("transfer-encoding"))
    if i_chunked is not None:
        expect(1, "chunked request length counted with chunk framing",
               mutate(lambda evs: evs[i_chunked]["http"].__setitem__(
                   "request_length", evs[i_chunked]["http"]["request_length"] + 5)),
               needle="request_length (body bytes)")
    expect(1, "http_user_agent wrong", mutate(lambda evs: evs[0]["http"].__setitem__(
        "http_user_agent", "curl/0")), needle="http_user_agent")

    def swap(evs):
        e = evs[0]
        e["src_ip"], e["dest_ip"], e["src_port"], e["dest_port"] = \
            e["dest_ip"], e["src_ip"], e["dest_port"], e["src_port"]
    expect(1, "client and server swapped", mutate(swap), needle='src (client)')

    def tx_swap(evs):
        j = i_multi
        evs[j]["tx_id"], evs[j - 1]["tx_id"] = evs[j - 1]["tx_id"], evs[j]["tx_id"]
    expect(1, "tx_id order swapped within a connection", mutate(tx_swap), needle='url (auto)')
    expect(1, "event on a connection without requests", mutate(
        lambda evs: evs.append(dict(evs[0], src_port=1, tx_id=0))),
        needle="connection without requests")

    # trace context: the second hop of a chain gets another trace id / none
    chains = collections.defaultdict(list)
    for i, e in enumerate(ref):
        if "trace" in e:
            chains[e["trace"]["id"]].append(i)
    chain = next((v for v in chains.values()
                  if len({(ref[i]["src_ip"], ref[i]["src_port"]) for i in v}) > 1), None)
    if chain is None:
        die("self-test: the capture needs a proxied call (one trace id on 2 connections)")
    hop2 = chain[-1]
    expect(1, "second hop of a proxied call with another trace.id", mutate(
        lambda evs: evs[hop2]["trace"].__setitem__("id", "0" * 31 + "1")),
        needle="same trace.id on every hop")
    expect(1, "trace.id missing", mutate(lambda evs: evs[hop2].pop("trace")),
           needle="trace.id (traceparent)")
    expect(1, "trace.id of a B3 request wrong", mutate(lambda evs: [
        e["trace"].__setitem__("id", "ab" * 16) for e, r in zip(evs, ref)
        if expected_trace(r["_req"])[0] in ("b3", "x-b3-traceid")]), needle="trace.id (")

    # credentials
    def jwt_set(val, expired):
        def fn(evs):
            for e, r in zip(evs, ref):
                if ("jwt", expired) in expected_creds(r["_req"]):
                    for c in e["credentials"]:
                        if "jwt" in c:
                            if val is None:
                                del c["jwt"]
                            else:
                                c["jwt"]["expired_at_request"] = val
        return fn
    expect(1, "expired JWT reported not expired", mutate(jwt_set(False, True)),
           needle="jwt expired_at_request")
    expect(1, "expired JWT as the string \"true\"", mutate(jwt_set("true", True)),
           needle="jwt expired_at_request")
    expect(1, "JWT without expired_at_request", mutate(jwt_set(None, True)),
           needle="jwt expired_at_request")
    if any(("jwt", False) in expected_creds(r["_req"]) for r in ref):
        expect(1, "valid JWT reported expired", mutate(jwt_set(True, False)),
               needle="jwt expired_at_request")

    def basic_set(field, val):
        def fn(evs):
            for e in evs:
                for c in e.get("credentials", []):
                    if c.get("scheme") == "basic":
                        c[field] = val
        return fn
    expect(1, "Basic username wrong", mutate(basic_set("username", "svc-other")),
           needle="credentials basic")
    expect(1, "Basic scheme reported as bearer", mutate(basic_set("scheme", "bearer")),
           needle="credentials basic")

    # secrets: each one, raw and as base64, planted in an event must be found
    for k, sec in enumerate(secrets):
        forms = [("raw", sec), ("base64", base64.b64encode(sec.encode()).decode())]
        if k == 0:
            forms.append(("JSON \\/ escaped base64", base64.b64encode(
                sec.encode()).decode().replace("/", "\\/")))
        for kind, val in forms:
            tgt = k % len(ref)
            def plant(evs, val=val, tgt=tgt):
                evs[tgt]["http"]["x_debug"] = "hdr=" + val
            expect(1, "secret %d (%s) leaked" % (k + 1, kind), mutate(plant), needle="LEAK")
    if secrets:
        expect(1, "secret leaked in a flow event",
               copy() + [json.dumps({"event_type": "flow", "note": secrets[-1]})], needle="LEAK")

    for f in os.listdir(tmp):
        os.unlink(os.path.join(tmp, f))
    os.rmdir(tmp)
    if fails:
        print("FAIL: check_http.py self-test (%d of %d cases failed)" % (fails, len(results)))
        return 1
    print("PASS: check_http.py self-test (%d cases)" % len(results))
    return 0


# ------------------------------------------------------------------------------------------- main
def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pcap")
    ap.add_argument("--events", help="JSON lines (EVE file or kcat output)")
    ap.add_argument("--secrets", help="file of secrets, one a line, that must not appear in E")
    ap.add_argument("--http-port", action="append", default=[],
                    help="also decode this TCP port as HTTP (comma list, repeatable); every port "
                         "that received a SYN is decoded as HTTP anyway")
    ap.add_argument("--url-mode", choices=("auto", "raw", "masked", "path"), default="auto",
                    help="url comparison: auto (raw or query values masked, the default), raw, "
                         "masked (every query value masked), path (path only)")
    ap.add_argument("--expect-cases", action="store_true",
                    help="the capture must hold a proxied traceparent chain, an expired JWT and "
                         "a Basic request")
    ap.add_argument("--label", default="", help="prefix of the summary line")
    ap.add_argument("--verbose", "-v", action="store_true", help="print every transaction")
    ap.add_argument("--emit-events", action="store_true",
                    help="self-test aid: print the http events the capture implies and exit")
    ap.add_argument("--self-test", action="store_true",
                    help="build the events the capture implies, check that they pass and that "
                         "damaged copies fail (with --secrets: planted secrets are found)")
    ap.add_argument("--leak-check", nargs="+", metavar="FILE",
                    help="only search FILEs (any text) for the --secrets and exit (no tshark)")
    ap.add_argument("--tshark-cache", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.leak_check:
        if not a.secrets:
            ap.error("--leak-check needs --secrets")
        bad = 0
        for f in a.leak_check:
            n, leaks = check_secrets(f, a.secrets)
            for x in leaks:
                print("check_http: LEAK: " + x)
            bad += len(leaks)
        if bad:
            print("%sFAIL: %d secret form(s) found in %s" % (a.label, bad, " ".join(a.leak_check)))
            return 1
        print("%sno secret of %s (%d, with base64 forms) in %d file(s)"
              % (a.label, a.secrets, n, len(a.leak_check)))
        return 0
    if not a.pcap:
        ap.error("--pcap is required")
    if not a.emit_events and not a.self_test and not a.events:
        ap.error("--events is required")
    try:
        extra = {int(p) for v in a.http_port for p in v.split(",") if p.strip()}
    except ValueError:
        die("--http-port: numbers please")
    if shutil.which("tshark") is None:
        die("tshark not found")

    if a.tshark_cache:   # self-test runs: tshark's view of the pcap, computed once
        with open(a.tshark_cache, "rb") as f:
            conns, tool_problems = pickle.load(f), []
    else:
        conns, tool_problems = tshark_http(a.pcap, extra)
    if tool_problems:
        print("check_http: tshark's HTTP view is inconsistent:")
        for p in tool_problems:
            print("  " + p)
        sys.exit(2)
    if a.emit_events:
        for ev in ref_events(conns):
            ev.pop("_req")
            print(json.dumps(ev))
        return 0
    if a.self_test:
        return self_test(a, conns)
    n_req = sum(len(v) for v in conns.values())

    evs, flow_evs, problems = load_events(a.events)
    diffs = []   # (connection, #, what, tshark, event)
    notes = []

    # events per connection, matched by the unordered endpoint pair
    by_conn = collections.defaultdict(list)
    for ev in evs:
        by_conn[frozenset([ev["_src"], ev["_dst"]])].append(ev)
    matched = {}   # id(Req) -> event
    ok = 0
    url_kinds = collections.Counter()
    soft_missing = collections.Counter()
    conn_keys = {frozenset(k): k for k in conns}
    for fk in sorted(set(conn_keys) | set(by_conn), key=lambda k: sorted(ep_str(e) for e in k)):
        key = conn_keys.get(fk)
        cev = by_conn.get(fk, [])
        if key is None:
            for ev in cev:
                diffs.append(("%s -> %s" % (ep_str(ev["_src"]), ep_str(ev["_dst"])), "-",
                              "http event for a connection without requests", "-",
                              "line %d %s %s" % (ev["_line"], ev["http"].get("http_method"),
                                                 ev["http"].get("url"))))
            continue
        reqs = conns[key]
        cname = "%s -> %s" % (ep_str(key[0]), ep_str(key[1]))
        if cev and all(isinstance(e.get("tx_id"), int) for e in cev):
            cev = sorted(cev, key=lambda e: e["tx_id"])
            ids = [e["tx_id"] for e in cev]
            if len(set(ids)) != len(ids):
                diffs.append((cname, "-", "tx_id repeated", "distinct", ids))
        if len(cev) != len(reqs):
            diffs.append((cname, "-", "http events", len(reqs), len(cev)))
        for ev in cev[len(reqs):]:
            diffs.append((cname, "-", "http event without a request", "-",
                          "line %d %s %s" % (ev["_line"], ev["http"].get("http_method"),
                                             ev["http"].get("url"))))
        for i, r in enumerate(reqs):
            ev = cev[i] if i < len(cev) else None
            tag = "%d (frame %d)" % (i, r.frame)
            if ev is None:
                diffs.append((cname, tag, "missing http event", "%s %s" % (r.method, r.uri), "-"))
                continue
            matched[id(r)] = ev
            h = ev["http"]
            before = len(diffs)
            d = lambda what, t, e: diffs.append((cname, tag, what, str(t), str(e)))
            if ev["_src"] != r.client:
                d("src (client)", ep_str(r.client), ep_str(ev["_src"]))
            if h.get("http_method") != r.method:
                d("http_method", r.method, h.get("http_method"))
            good, kind = url_verdict(r.uri, h.get("url"), a.url_mode)
            if good:
                url_kinds[kind] += 1
            else:
                d("url (%s)" % a.url_mode, r.uri if a.url_mode != "masked" else mask_url(r.uri),
                  h.get("url"))
            host = h.get("hostname")
            if r.host is None:
                if host not in (None, ""):
                    d("hostname (no Host header)", "-", host)
            else:
                ok_host = isinstance(host, str) and host.lower() in (
                    r.host.lower(), re.sub(r":\d+$", "", r.host).lower())
                if not ok_host:
                    d("hostname", r.host, host)
            if h.get("protocol") != r.version:
                d("protocol", r.version, h.get("protocol"))
            st = h.get("status")
            if r.status is None:
                if st is not None:
                    d("status (no response)", "absent", st)
            else:
                try:
                    st_ok = st is not None and int(st) == r.status
                except (ValueError, TypeError):
                    st_ok = False
                if not st_ok:
                    d("status", r.status, st)
            ua = r.hdr("user-agent")
            if "http_user_agent" in h:
                if ua and h["http_user_agent"] != ua[0]:
                    d("http_user_agent", ua[0], h["http_user_agent"])
            elif ua:
                soft_missing["http_user_agent"] += 1
            if "http_content_type" in h:
                got = str(h["http_content_type"]).split(";")[0].strip().lower()
                want = {str(c).split(";")[0].strip().lower() for c in
                        [r.resp_ctype] + r.hdr("content-type") if c}
                if want and got not in want:
                    d("http_content_type", " or ".join(sorted(want)), h["http_content_type"])
            elif r.resp_ctype:
                soft_missing["http_content_type"] += 1
            for field, want in (("request_length", r.req_len),
                                ("length", r.resp_len if r.status is not None else None)):
                if want is None:
                    continue
                if field not in h:
                    soft_missing[field] += 1
                elif h[field] != want:
                    d(field + " (body bytes)", want, h[field])
            if a.verbose:
                tp, tid = expected_trace(r)
                print("  %-44s %-14s %-6s %-48s %-5s %s" % (cname, tag, r.method, r.uri,
                                                           r.status, tid or ""))
            if len(diffs) == before:
                ok += 1

    # ---- trace context
    chains = collections.defaultdict(list)     # trace id -> [(req, event)]
    n_trace = 0
    trace_path = collections.Counter()
    for key, reqs in conns.items():
        cname = "%s -> %s" % (ep_str(key[0]), ep_str(key[1]))
        for i, r in enumerate(reqs):
            hname, tid = expected_trace(r)
            if tid is None:
                continue
            n_trace += 1
            chains[tid].append((r, matched.get(id(r))))
            ev = matched.get(id(r))
            if ev is None:
                continue
            path, got = event_trace_id(ev)
            if path:
                trace_path[path] += 1
            if not same_trace_id(tid, got):
                diffs.append((cname, "%d (frame %d)" % (i, r.frame), "trace.id (%s)" % hname,
                              tid, got if path else "absent"))
    n_chains = 0
    for tid, members in chains.items():
        if len({(r.client, r.server) for r, _ in members}) < 2:
            continue
        n_chains += 1
        got = {str(event_trace_id(ev)[1]) for _, ev in members if ev is not None}
        if len(got) > 1:
            diffs.append(("trace %s" % tid, "%d hops" % len(members),
                          "same trace.id on every hop", tid, " / ".join(sorted(got))))
        if a.verbose:
            print("  chain %s: %s" % (tid, ", ".join("%s->%s" % (ep_str(r.client),
                                                                   ep_str(r.server))
                                                      for r, _ in members)))

    # ---- credentials
    n_jwt = collections.Counter()
    n_basic = 0
    cred_paths = collections.Counter()
    for key, reqs in conns.items():
        cname = "%s -> %s" % (ep_str(key[0]), ep_str(key[1]))
        for i, r in enumerate(reqs):
            tag = "%d (frame %d)" % (i, r.frame)
            for kind, detail in expected_creds(r):
                ev = matched.get(id(r))
                if kind == "jwt":
                    n_jwt["expired" if detail else "valid"] += 1
                elif kind == "basic":
                    n_basic += 1
                if ev is None:
                    continue
                if kind == "jwt":
                    found = find_key(ev, "expired_at_request")
                    for p, _ in found:
                        cred_paths[p] += 1
                    if not found or any(v is not detail for _, v in found):
                        diffs.append((cname, tag, "jwt expired_at_request", detail,
                                      ", ".join("%s=%s" % (p, json.dumps(v)) for p, v in found)
                                      or "absent"))
                else:
                    cands = find_dicts_with(ev, "scheme")
                    hit = [p for p, o in cands if str(o.get("scheme", "")).lower() == "basic"
                           and detail in (o.get("username"), o.get("user"))]
                    for p in hit:
                        cred_paths[p + ".scheme"] += 1
                    if not hit:
                        diffs.append((cname, tag, "credentials basic username", detail,
                                      "; ".join("%s=%s" % (p, json.dumps(o)) for p, o in cands)
                                      or "absent"))

    if a.expect_cases:
        for what, n in (("proxied call seen on >= 2 connections with one trace id", n_chains),
                        ("request with an expired JWT", n_jwt["expired"]),
                        ("request with Basic auth", n_basic)):
            if n == 0:
                problems.append("the capture has no %s (--expect-cases)" % what)

    # ---- secrets
    n_secrets, leaks = (0, [])
    if a.secrets:
        n_secrets, leaks = check_secrets(a.events, a.secrets)
        problems += ["LEAK: " + x for x in leaks]

    # ---- flow correlation (noted only)
    for ev in evs:
        fl = flow_evs.get(frozenset([ev["_src"], ev["_dst"]]))
        if fl is not None:
            for k in ("flow_id", "community_id"):
                if k in ev and ev[k] != fl.get(k):
                    notes.append("http event line %d: %s %s, its flow event has %s"
                                 % (ev["_line"], k, ev[k], fl.get(k)))

    # ---- report
    for p in problems:
        print("check_http: " + p)
    info = ["%d requests in %d connections" % (n_req, len(conns)),
            "%d with a trace header (%d chains over >= 2 connections)" % (n_trace, n_chains),
            "JWT %d expired / %d valid" % (n_jwt["expired"], n_jwt["valid"]),
            "Basic %d" % n_basic]
    print("check_http: tshark: " + ", ".join(info))
    if evs:
        print("check_http: events: %d http; url forms %s; trace id at %s; credential fields at %s"
              % (len(evs), dict(url_kinds) or "-", dict(trace_path) or "-",
                 dict(cred_paths) or "-"))
    for k, n in soft_missing.items():
        print("check_http: note: %d events without %s (tshark has it)" % (n, k))
    for n in notes[:10]:
        print("check_http: note: " + n)
    if len(notes) > 10:
        print("check_http: note: ... %d more" % (len(notes) - 10))
    if diffs:
        hdr = ("connection", "#", "what", "tshark", "event")
        rows = [tuple(str(x) for x in r) for r in diffs]
        w = [min(60, max(len(r[i]) for r in rows + [hdr])) for i in range(len(hdr))]
        print("check_http: %d difference(s) between %s and %s:" % (len(diffs), a.pcap, a.events))
        for r in [hdr] + rows:
            print("  " + "  ".join(str(x).ljust(w[i]) for i, x in enumerate(r)).rstrip())
    if a.secrets and not leaks:
        print("check_http: no secret of %s (%d, with base64 forms) in %s"
              % (a.secrets, n_secrets, a.events))
    empty = n_req == 0
    if empty:
        print("check_http: nothing to compare (no HTTP request in %s)" % a.pcap)
    if diffs or problems or empty:
        print("%sFAIL: %d of %d http transactions match, %d difference(s), %d problem(s)"
              % (a.label, ok, n_req, len(diffs), len(problems)))
        sys.exit(1)
    print("%s%d http transactions match tshark" % (a.label, ok))
    return 0


if __name__ == "__main__":
    sys.exit(main())
