#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Split a pcap into N pcaps by a symmetric hash of each packet's 5-tuple.

    split_by_flow.py PCAP OUT_PREFIX N      -> OUT_PREFIX0.pcap ... OUT_PREFIX<N-1>.pcap

Both directions of a flow land in the same file (the hash covers the protocol and the unordered
pair of endpoints), packet order and timestamps are kept, so each file is what one RX queue of a
NIC with symmetric RSS would see. Pure python (struct): classic pcap in either byte order, micro-
or nanosecond timestamps; link types Ethernet (with 802.1Q/802.1ad tags), Linux cooked (SLL),
raw IP. IPv4 (non-first fragments hash on addresses only), IPv6 (extension headers skipped);
ports for TCP, UDP, SCTP. Packets that are not IP go to file 0.
Prints one line per file: path and packet count.
"""
import struct
import sys
import zlib

ETH, RAW, SLL, RAW4, RAW6 = 1, 101, 113, 228, 229
PORT_PROTOS = (6, 17, 132)
V6_EXT = (0, 43, 60, 51)  # hop-by-hop, routing, destination options, AH (fragment: 44)


def l3_offset(linktype, pkt):
    """-> (offset of the IP header, ethertype) or None."""
    if linktype == ETH:
        off, et = 14, struct.unpack_from("!H", pkt, 12)[0] if len(pkt) >= 14 else None
        while et in (0x8100, 0x88A8, 0x9100) and len(pkt) >= off + 4:
            et = struct.unpack_from("!H", pkt, off + 2)[0]
            off += 4
        return (off, et) if et is not None else None
    if linktype == SLL and len(pkt) >= 16:
        return 16, struct.unpack_from("!H", pkt, 14)[0]
    if linktype in (RAW, RAW4, RAW6) and pkt:
        v = pkt[0] >> 4
        return 0, {4: 0x0800, 6: 0x86DD}.get(v)
    return None


def flow_key(linktype, pkt):
    """Symmetric key bytes, or None for non-IP."""
    l3 = l3_offset(linktype, pkt)
    if not l3:
        return None
    off, et = l3
    ports_ok = True
    if et == 0x0800 and len(pkt) >= off + 20:
        ihl = (pkt[off] & 0x0F) * 4
        proto = pkt[off + 9]
        frag = struct.unpack_from("!H", pkt, off + 6)[0]
        src, dst = pkt[off + 12:off + 16], pkt[off + 16:off + 20]
        l4 = off + ihl
        if frag & 0x3FFF:      # a fragment: only the addresses are in every fragment
            ports_ok = False
    elif et == 0x86DD and len(pkt) >= off + 40:
        proto = pkt[off + 6]
        src, dst = pkt[off + 8:off + 24], pkt[off + 24:off + 40]
        l4 = off + 40
        while proto in V6_EXT + (44,) and len(pkt) >= l4 + 8:
            if proto == 44:
                ports_ok = False
                proto = pkt[l4]
                break
            nxt = pkt[l4]
            l4 += (pkt[l4 + 1] + 2) * 4 if proto == 51 else (pkt[l4 + 1] + 1) * 8
            proto = nxt
    else:
        return None
    sp = dp = 0
    if ports_ok and proto in PORT_PROTOS and len(pkt) >= l4 + 4:
        sp, dp = struct.unpack_from("!HH", pkt, l4)
    a, b = src + struct.pack("!H", sp), dst + struct.pack("!H", dp)
    return bytes([proto]) + min(a, b) + max(a, b)


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: split_by_flow.py PCAP OUT_PREFIX N")
    path, prefix, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if n < 1:
        sys.exit("split_by_flow: N must be >= 1")
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        sys.exit("split_by_flow: %s: not a pcap file" % path)
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        sys.exit("split_by_flow: %s: not a classic pcap file (pcapng? convert with editcap -F pcap)"
                 % path)
    linktype = struct.unpack_from(e + "I", data, 20)[0] & 0x0FFFFFFF
    outs = [open("%s%d.pcap" % (prefix, i), "wb") for i in range(n)]
    counts = [0] * n
    for o in outs:
        o.write(data[:24])
    pos = 24
    while pos + 16 <= len(data):
        caplen = struct.unpack_from(e + "I", data, pos + 8)[0]
        end = pos + 16 + caplen
        if end > len(data):
            print("split_by_flow: %s: truncated last record ignored" % path, file=sys.stderr)
            break
        key = flow_key(linktype, data[pos + 16:end])
        i = zlib.crc32(key) % n if key is not None else 0
        outs[i].write(data[pos:end])
        counts[i] += 1
        pos = end
    for i, o in enumerate(outs):
        o.close()
        print("%s%d.pcap %d" % (prefix, i, counts[i]))


if __name__ == "__main__":
    main()
