/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Private to lib/decode: the bounded cursor every stage reads through, and the stage entry points
 * (l2 in decode_pkt.c, l3 in decode_ip.c, l4 in decode_l4.c).
 */
#ifndef WT_DECODE_PRIV_H
#define WT_DECODE_PRIV_H

#include <stdint.h>

#include "wt_decode.h"

#define WT_DECODE_ETH_HLEN     14
#define WT_DECODE_VLAN_HLEN    4
#define WT_DECODE_MAX_VLANS    2
#define WT_DECODE_IPV4_HLEN    20
#define WT_DECODE_IPV6_HLEN    40
#define WT_DECODE_MAX_IPV6_EXT 8
#define WT_DECODE_TCP_HLEN     20
#define WT_DECODE_UDP_HLEN     8
#define WT_DECODE_ICMP_HLEN    8  /* type, code, checksum and 4 type-specific bytes (v4 and v6) */

/*
 * One frame as the stages see it. @c seg bytes are readable at @c data (the first mbuf segment);
 * @c len is the whole frame (all segments) and bounds the length fields. Both are clamped to
 * 65535 so every offset fits the uint16_t fields of struct wt_pkt. For wt_decode_pkt() they are
 * equal, so MULTISEG cannot happen there.
 */
struct wt_decode_cur {
	const uint8_t *data;
	uint32_t seg;
	uint32_t len;
};

/*
 * Check that [off, off + n) lies inside the protocol's bound @p end (else @p reason) and inside
 * the readable segment (else MULTISEG). off, n and end are all <= 2 * 65535: no overflow.
 */
static inline int
wt__decode_need(const struct wt_decode_cur *c, uint32_t off, uint32_t n, uint32_t end, int reason)
{
	if (WT_UNLIKELY(off + n > end))
		return reason;
	if (WT_UNLIKELY(off + n > c->seg))
		return WT_DECODE_DROP_MULTISEG;
	return WT_DECODE_OK;
}

static inline uint16_t
wt__rd16(const uint8_t *p)
{
	return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}

static inline uint32_t
wt__rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Stage entry points: decode from @p off, fill @p out, return WT_DECODE_OK or a drop reason. */
int wt__decode_ipv4(struct wt_decode_lcore *dl, const struct wt_decode_cur *c, uint32_t off,
		    struct wt_pkt *out);
int wt__decode_ipv6(struct wt_decode_lcore *dl, const struct wt_decode_cur *c, uint32_t off,
		    struct wt_pkt *out);
/* @p end is the end of the ip datagram (ethernet padding excluded); out->proto is set. */
int wt__decode_l4(struct wt_decode_lcore *dl, const struct wt_decode_cur *c, uint32_t off,
		  uint32_t end, int v6, struct wt_pkt *out);

#endif /* WT_DECODE_PRIV_H */
