/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 and IPv6 (with extension headers). The IP length fields, not the frame, bound everything
 * above l3: Ethernet padding of short frames is never payload. Fragments stop here, counted.
 */
#include <string.h>

#include "decode_priv.h"

#define IPV4_MF      0x2000
#define IPV4_OFFMASK 0x1fff

#define IPV6_NH_HOPOPTS  0
#define IPV6_NH_ROUTING  43
#define IPV6_NH_FRAGMENT 44
#define IPV6_NH_AH       51
#define IPV6_NH_DSTOPTS  60
#define IPV6_FRAG_HLEN   8
#define IPV6_FRAG_MASK   0xfff9 /* 13-bit offset and the M flag; an atomic fragment is neither */

int
wt__decode_ipv4(struct wt_decode_lcore *dl, const struct wt_decode_cur *c, uint32_t off,
		struct wt_pkt *out)
{
	const uint8_t *ip = c->data + off;
	uint32_t hlen, tlen;
	int r;

	r = wt__decode_need(c, off, WT_DECODE_IPV4_HLEN, c->len, WT_DECODE_DROP_TRUNC_IPV4);
	if (WT_UNLIKELY(r != WT_DECODE_OK))
		return r;
	if (WT_UNLIKELY((ip[0] >> 4) != 4))
		return WT_DECODE_DROP_BAD_IPV4_VER;
	hlen = (uint32_t)(ip[0] & 0x0f) * 4;
	if (WT_UNLIKELY(hlen < WT_DECODE_IPV4_HLEN))
		return WT_DECODE_DROP_BAD_IPV4_HLEN;
	r = wt__decode_need(c, off, hlen, c->len, WT_DECODE_DROP_TRUNC_IPV4);
	if (WT_UNLIKELY(r != WT_DECODE_OK))
		return r;
	tlen = wt__rd16(ip + 2);
	if (WT_UNLIKELY(tlen < hlen || off + tlen > c->len))
		return WT_DECODE_DROP_BAD_IPV4_TLEN;

	memcpy(out->src_ip, ip + 12, 4);
	memcpy(out->dst_ip, ip + 16, 4);
	out->ip_ttl = ip[8];
	out->proto = ip[9];
	if (hlen > WT_DECODE_IPV4_HLEN)
		out->flags |= WT_PKT_F_IPOPT;
	dl->ipv4++;

	if (WT_UNLIKELY(wt__rd16(ip + 6) & (IPV4_MF | IPV4_OFFMASK))) {
		/* Fragment: l4_off/payload describe the fragment's data; no ports. */
		out->l4_off = (uint16_t)(off + hlen);
		out->payload_off = out->l4_off;
		out->payload_len = (uint16_t)(tlen - hlen);
		return WT_DECODE_DROP_IPV4_FRAG;
	}
	return wt__decode_l4(dl, c, off + hlen, off + tlen, 0, out);
}

int
wt__decode_ipv6(struct wt_decode_lcore *dl, const struct wt_decode_cur *c, uint32_t off,
		struct wt_pkt *out)
{
	const uint8_t *ip = c->data + off;
	uint32_t end, hl;
	unsigned int n;
	uint8_t nh;
	int r;

	r = wt__decode_need(c, off, WT_DECODE_IPV6_HLEN, c->len, WT_DECODE_DROP_TRUNC_IPV6);
	if (WT_UNLIKELY(r != WT_DECODE_OK))
		return r;
	if (WT_UNLIKELY((ip[0] >> 4) != 6))
		return WT_DECODE_DROP_BAD_IPV6_VER;
	/* Jumbograms (payload length 0, RFC 2675) are not supported: their l4 looks truncated. */
	end = off + WT_DECODE_IPV6_HLEN + wt__rd16(ip + 4);
	if (WT_UNLIKELY(end > c->len))
		return WT_DECODE_DROP_BAD_IPV6_PLEN;

	memcpy(out->src_ip, ip + 8, 16);
	memcpy(out->dst_ip, ip + 24, 16);
	out->ip_ttl = ip[7];
	out->flags |= WT_PKT_F_IPV6;
	dl->ipv6++;

	nh = ip[6];
	off += WT_DECODE_IPV6_HLEN;
	for (n = 0;; n++) {
		const uint8_t *h = c->data + off;

		if (nh != IPV6_NH_HOPOPTS && nh != IPV6_NH_ROUTING && nh != IPV6_NH_DSTOPTS &&
		    nh != IPV6_NH_FRAGMENT && nh != IPV6_NH_AH)
			break;
		if (WT_UNLIKELY(n == WT_DECODE_MAX_IPV6_EXT))
			return WT_DECODE_DROP_TOO_MANY_IPV6_EXT;
		out->flags |= WT_PKT_F_IPV6EXT;
		if (nh == IPV6_NH_FRAGMENT) {
			r = wt__decode_need(c, off, IPV6_FRAG_HLEN, end, WT_DECODE_DROP_TRUNC_IPV6_EXT);
			if (WT_UNLIKELY(r != WT_DECODE_OK))
				return r;
			nh = h[0];
			off += IPV6_FRAG_HLEN;
			if (wt__rd16(h + 2) & IPV6_FRAG_MASK) {
				out->proto = nh;
				out->l4_off = (uint16_t)off;
				out->payload_off = (uint16_t)off;
				out->payload_len = (uint16_t)(end - off);
				return WT_DECODE_DROP_IPV6_FRAG;
			}
			continue;
		}
		r = wt__decode_need(c, off, 2, end, WT_DECODE_DROP_TRUNC_IPV6_EXT);
		if (WT_UNLIKELY(r != WT_DECODE_OK))
			return r;
		/* AH counts its length in 4-byte words minus 2, the others in 8-byte words minus 1. */
		hl = nh == IPV6_NH_AH ? ((uint32_t)h[1] + 2) * 4 : ((uint32_t)h[1] + 1) * 8;
		r = wt__decode_need(c, off, hl, end, WT_DECODE_DROP_TRUNC_IPV6_EXT);
		if (WT_UNLIKELY(r != WT_DECODE_OK))
			return r;
		nh = h[0];
		off += hl;
	}
	out->proto = nh;
	return wt__decode_l4(dl, c, off, end, 1, out);
}
