#!/usr/bin/env python3
# Seeds for fuzz_http: every TCP stream of the given captures (tshark follow,tcp,raw) in the
# target's input format: a configuration byte, then per segment [dir][len lo][len hi][bytes].
# The server side is the one whose first bytes are "HTTP/" (or, failing that, node 1).
# usage: http_seeds.py OUTDIR CAPTURE...
import os
import subprocess
import sys


def streams(path):
    out = subprocess.run(["tshark", "-r", path, "-Y", "tcp.len > 0", "-T", "fields",
                          "-e", "tcp.stream"], capture_output=True, text=True).stdout
    return sorted({int(x) for x in out.split()})


def follow(path, stream):
    out = subprocess.run(["tshark", "-r", path, "-q", "-z", "follow,tcp,raw,%d" % stream],
                         capture_output=True, text=True).stdout
    segs = []
    for line in out.splitlines():
        h = line.strip()
        if len(h) > 1 and len(h) % 2 == 0 and all(c in "0123456789abcdef" for c in h):
            segs.append((1 if line.startswith("\t") else 0, bytes.fromhex(h)))
    return segs


def main():
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    n = 0
    for cap in sys.argv[2:]:
        for s in streams(cap):
            segs = follow(cap, s)
            if not segs:
                continue
            server = 1
            for node, data in segs:
                if data.startswith(b"HTTP/"):
                    server = node
                    break
            blob = bytearray([0])
            for node, data in segs:
                d = 1 if node == server else 0
                for i in range(0, len(data), 65535):
                    part = data[i:i + 65535]
                    blob += bytes([d, len(part) & 0xff, len(part) >> 8]) + part
            if len(blob) > 65536:
                blob = blob[:65536]
            name = "%s-%d" % (os.path.basename(cap).split(".")[0], s)
            with open(os.path.join(outdir, name), "wb") as f:
                f.write(blob)
            n += 1
    print("http_seeds: %d seeds" % n)


main()
