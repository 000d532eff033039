/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Symmetric flow hash: the RX lcore spreads packets to workers with it, so both directions of a
 * flow must land on the same worker. CRC32-C (SSE4.2) over the endpoints in canonical order.
 */
#include <string.h>

#include <netinet/in.h>
#include <rte_hash_crc.h>

#include "wt_decode.h"

#define WT_DECODE_HASH_SEED 0x9e3779b9u

/* Fixed-size CRC steps on copied words: no unaligned loads (rte_hash_crc() does them). */
static inline uint32_t
crc_addr(const uint8_t *a, uint32_t alen, uint32_t h)
{
	uint64_t w[2];
	uint32_t v;

	if (alen == 4) {
		memcpy(&v, a, 4);
		return rte_hash_crc_4byte(v, h);
	}
	memcpy(w, a, 16);
	return rte_hash_crc_8byte(w[1], rte_hash_crc_8byte(w[0], h));
}

uint32_t
wt_decode_hash(const struct wt_pkt *p)
{
	const uint8_t *a = p->src_ip, *b = p->dst_ip;
	uint32_t alen = (p->flags & WT_PKT_F_IPV6) ? 16 : 4;
	uint16_t pa = p->sport, pb = p->dport;
	uint32_t h;
	int cmp;

	/* ICMP "ports" are type/code, which differ between request and reply: leave them out. */
	if (p->proto == IPPROTO_ICMP || p->proto == IPPROTO_ICMPV6)
		pa = pb = 0;
	cmp = memcmp(a, b, alen);
	if (cmp > 0 || (cmp == 0 && pa > pb)) {
		const uint8_t *t = a;
		uint16_t tp = pa;

		a = b;
		b = t;
		pa = pb;
		pb = tp;
	}
	h = crc_addr(a, alen, WT_DECODE_HASH_SEED ^ p->proto);
	h = crc_addr(b, alen, h);
	return rte_hash_crc_4byte((uint32_t)pa << 16 | pb, h);
}
