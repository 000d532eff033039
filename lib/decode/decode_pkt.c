/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Entry points of the decoder: Ethernet and 802.1Q/QinQ tags, the per-packet accounting, and the
 * mbuf burst loop the RX/worker lcores call. Stages below l2 live in decode_ip.c / decode_l4.c.
 */
#include <string.h>

#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "decode_priv.h"

#define ETH_P_IPV4   0x0800
#define ETH_P_IPV6   0x86dd
#define ETH_P_8021Q  0x8100
#define ETH_P_8021AD 0x88a8
#define ETH_P_QINQ1  0x9100 /* pre-802.1ad QinQ outer tag */

/*
 * Packets ahead of the current one whose data and metadata are prefetched in a burst.
 * Cost: ~22 ns/pkt for wt_decode_pkt() with the hash, warm cache, on the nDPI capture mix
 * (2-vCPU Xeon VM, -O2); the prefetch is there for the cold-cache mbufs of a real RX burst.
 */
#define WT_DECODE_PREFETCH 4

static inline int
is_vlan_tpid(uint16_t type)
{
	return type == ETH_P_8021Q || type == ETH_P_8021AD || type == ETH_P_QINQ1;
}

static inline int
decode_l2(struct wt_decode_lcore *dl, const struct wt_decode_cur *c, struct wt_pkt *out)
{
	uint32_t off = WT_DECODE_ETH_HLEN;
	unsigned int ntags = 0;
	uint16_t type;
	int r;

	r = wt__decode_need(c, 0, WT_DECODE_ETH_HLEN, c->len, WT_DECODE_DROP_TRUNC_ETH);
	if (WT_UNLIKELY(r != WT_DECODE_OK))
		return r;
	type = wt__rd16(c->data + 12);
	while (is_vlan_tpid(type)) {
		if (WT_UNLIKELY(ntags == WT_DECODE_MAX_VLANS))
			return WT_DECODE_DROP_TOO_MANY_VLANS;
		r = wt__decode_need(c, off, WT_DECODE_VLAN_HLEN, c->len, WT_DECODE_DROP_TRUNC_VLAN);
		if (WT_UNLIKELY(r != WT_DECODE_OK))
			return r;
		out->vlan[ntags++] = wt__rd16(c->data + off) & 0x0fff;
		type = wt__rd16(c->data + off + 2);
		off += WT_DECODE_VLAN_HLEN;
	}
	if (ntags != 0) {
		out->flags |= WT_PKT_F_VLAN | (ntags == 2 ? WT_PKT_F_QINQ : 0);
		dl->vlan++;
	}
	out->l3_off = (uint16_t)off;
	if (WT_LIKELY(type == ETH_P_IPV4))
		return wt__decode_ipv4(dl, c, off, out);
	if (type == ETH_P_IPV6)
		return wt__decode_ipv6(dl, c, off, out);
	return WT_DECODE_DROP_NOT_IP;
}

/*
 * Decode and account one frame. Counters: pkts always; ok or drops[reason] per verdict; vlan,
 * ipv4/ipv6 and tcp/udp/icmp/other_l4 as soon as that layer's header is valid (so a fragment
 * counts as ipv4 and IPV4_FRAG, and tcp counts exactly the packets decoded OK as tcp).
 */
static inline int
decode_one(struct wt_decode_lcore *dl, const struct wt_decode_cur *c, struct wt_pkt *out)
{
	int r;

	memset(out, 0, sizeof(*out));
	out->tcp_wscale = 0xff;
	dl->pkts++;
	r = decode_l2(dl, c, out);
	if (WT_LIKELY(r == WT_DECODE_OK)) {
		dl->ok++;
		out->hash = wt_decode_hash(out);
		return r;
	}
	dl->drops[r]++;
	/* Fragments keep addresses (ports 0) so the caller may still spread and account them. */
	if (r == WT_DECODE_DROP_IPV4_FRAG || r == WT_DECODE_DROP_IPV6_FRAG)
		out->hash = wt_decode_hash(out);
	return r;
}

int
wt_decode_pkt(struct wt_decode_lcore *dl, const uint8_t *data, uint32_t len, struct wt_pkt *out)
{
	struct wt_decode_cur c;

	c.data = data;
	c.len = WT_MIN(len, (uint32_t)UINT16_MAX);
	c.seg = c.len;
	return decode_one(dl, &c, out);
}

uint16_t
wt_decode_burst(struct wt_decode_lcore *dl, struct rte_mbuf **pkts, uint8_t *verdict, uint16_t n)
{
	struct wt_decode_cur c;
	uint16_t i, nok = 0;
	int r;

	for (i = 0; i < n && i < WT_DECODE_PREFETCH; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		if (i + WT_DECODE_PREFETCH < n) {
			struct rte_mbuf *next = pkts[i + WT_DECODE_PREFETCH];

			rte_prefetch0(rte_pktmbuf_mtod(next, void *));
			rte_prefetch0(wt_pkt_of(next));
		}
		c.data = rte_pktmbuf_mtod(m, const uint8_t *);
		c.len = WT_MIN(m->pkt_len, (uint32_t)UINT16_MAX);
		c.seg = WT_MIN((uint32_t)m->data_len, c.len);
		r = decode_one(dl, &c, wt_pkt_of(m));
		if (verdict != NULL)
			verdict[i] = (uint8_t)r;
		nok += r == WT_DECODE_OK;
	}
	return nok;
}
