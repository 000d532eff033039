/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP (with the MSS and window-scale options the flow tracker needs), UDP, ICMP and ICMPv6.
 * Every read is bounded by the IP datagram end handed down from decode_ip.c.
 */
#include <netinet/in.h>

#include "decode_priv.h"

#define TCPOPT_EOL    0
#define TCPOPT_NOP    1
#define TCPOPT_MSS    2
#define TCPOPT_WSCALE 3
#define TCPOLEN_MSS    4
#define TCPOLEN_WSCALE 3

/* Walk @p n option bytes at @p o. Any length byte that is missing, < 2, past the header, or wrong
 * for MSS / window scale makes the whole segment BAD_TCP_OPT. Stops at EOL. */
static int
decode_tcp_opts(const uint8_t *o, uint32_t n, struct wt_pkt *out)
{
	uint32_t i = 0, l;

	while (i < n) {
		switch (o[i]) {
		case TCPOPT_EOL:
			return WT_DECODE_OK;
		case TCPOPT_NOP:
			i++;
			continue;
		default:
			break;
		}
		if (WT_UNLIKELY(i + 1 >= n))
			return WT_DECODE_DROP_BAD_TCP_OPT;
		l = o[i + 1];
		if (WT_UNLIKELY(l < 2 || i + l > n))
			return WT_DECODE_DROP_BAD_TCP_OPT;
		if (o[i] == TCPOPT_MSS) {
			if (WT_UNLIKELY(l != TCPOLEN_MSS))
				return WT_DECODE_DROP_BAD_TCP_OPT;
			out->tcp_mss = wt__rd16(o + i + 2);
		} else if (o[i] == TCPOPT_WSCALE) {
			if (WT_UNLIKELY(l != TCPOLEN_WSCALE))
				return WT_DECODE_DROP_BAD_TCP_OPT;
			out->tcp_wscale = o[i + 2]; /* raw; RFC 7323 caps the shift at 14 */
		}
		i += l;
	}
	return WT_DECODE_OK;
}

static inline int
decode_tcp(struct wt_decode_lcore *dl, const struct wt_decode_cur *c, uint32_t off, uint32_t end,
	   struct wt_pkt *out)
{
	const uint8_t *th = c->data + off;
	uint32_t hl;
	int r;

	r = wt__decode_need(c, off, WT_DECODE_TCP_HLEN, end, WT_DECODE_DROP_TRUNC_TCP);
	if (WT_UNLIKELY(r != WT_DECODE_OK))
		return r;
	hl = (uint32_t)(th[12] >> 4) * 4;
	if (WT_UNLIKELY(hl < WT_DECODE_TCP_HLEN || off + hl > end))
		return WT_DECODE_DROP_BAD_TCP_HLEN;
	r = wt__decode_need(c, off, hl, end, WT_DECODE_DROP_BAD_TCP_HLEN);
	if (WT_UNLIKELY(r != WT_DECODE_OK))
		return r;
	out->sport = wt__rd16(th);
	out->dport = wt__rd16(th + 2);
	out->tcp_seq = wt__rd32(th + 4);
	out->tcp_ack = wt__rd32(th + 8);
	out->tcp_flags = th[13];
	out->tcp_win = wt__rd16(th + 14);
	if (hl > WT_DECODE_TCP_HLEN) {
		r = decode_tcp_opts(th + WT_DECODE_TCP_HLEN, hl - WT_DECODE_TCP_HLEN, out);
		if (WT_UNLIKELY(r != WT_DECODE_OK))
			return r;
	}
	out->flags |= WT_PKT_F_L4;
	out->payload_off = (uint16_t)(off + hl);
	out->payload_len = (uint16_t)(end - off - hl);
	dl->tcp++;
	return WT_DECODE_OK;
}

static inline int
decode_udp(struct wt_decode_lcore *dl, const struct wt_decode_cur *c, uint32_t off, uint32_t end,
	   struct wt_pkt *out)
{
	const uint8_t *uh = c->data + off;
	uint32_t ulen;
	int r;

	r = wt__decode_need(c, off, WT_DECODE_UDP_HLEN, end, WT_DECODE_DROP_TRUNC_UDP);
	if (WT_UNLIKELY(r != WT_DECODE_OK))
		return r;
	ulen = wt__rd16(uh + 4);
	if (WT_UNLIKELY(ulen < WT_DECODE_UDP_HLEN || off + ulen > end))
		return WT_DECODE_DROP_BAD_UDP_LEN;
	out->sport = wt__rd16(uh);
	out->dport = wt__rd16(uh + 2);
	out->flags |= WT_PKT_F_L4;
	out->payload_off = (uint16_t)(off + WT_DECODE_UDP_HLEN);
	out->payload_len = (uint16_t)(ulen - WT_DECODE_UDP_HLEN);
	dl->udp++;
	return WT_DECODE_OK;
}

static inline int
decode_icmp(struct wt_decode_lcore *dl, const struct wt_decode_cur *c, uint32_t off, uint32_t end,
	    struct wt_pkt *out)
{
	const uint8_t *ih = c->data + off;
	int r;

	r = wt__decode_need(c, off, WT_DECODE_ICMP_HLEN, end, WT_DECODE_DROP_TRUNC_ICMP);
	if (WT_UNLIKELY(r != WT_DECODE_OK))
		return r;
	out->sport = ih[0]; /* type */
	out->dport = ih[1]; /* code */
	out->flags |= WT_PKT_F_L4;
	out->payload_off = (uint16_t)(off + WT_DECODE_ICMP_HLEN);
	out->payload_len = (uint16_t)(end - off - WT_DECODE_ICMP_HLEN);
	dl->icmp++;
	return WT_DECODE_OK;
}

int
wt__decode_l4(struct wt_decode_lcore *dl, const struct wt_decode_cur *c, uint32_t off,
	      uint32_t end, int v6, struct wt_pkt *out)
{
	out->l4_off = (uint16_t)off;
	switch (out->proto) {
	case IPPROTO_TCP:
		return decode_tcp(dl, c, off, end, out);
	case IPPROTO_UDP:
		return decode_udp(dl, c, off, end, out);
	case IPPROTO_ICMP:
		if (!v6)
			return decode_icmp(dl, c, off, end, out);
		break;
	case IPPROTO_ICMPV6:
		if (v6)
			return decode_icmp(dl, c, off, end, out);
		break;
	default:
		break;
	}
	/* Other protocols (GRE, ESP, SCTP, ICMP in the wrong IP version...): accepted, no ports. */
	out->payload_off = (uint16_t)off;
	out->payload_len = (uint16_t)(end - off);
	dl->other_l4++;
	return WT_DECODE_OK;
}
