/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Packet decoder: Ethernet, 802.1Q / QinQ, IPv4 (options, fragments counted), IPv6 (extension
 * headers), TCP (options), UDP, ICMP / ICMPv6. Bounded: never reads past the given length,
 * every malformed or truncated packet is counted under one drop reason.
 */
#ifndef WT_DECODE_H
#define WT_DECODE_H

#include <stdint.h>

#include <rte_mbuf.h>

#include "wt_common.h"

/* Drop reasons (X-macro): enum WT_DECODE_DROP_<SYM>, names, descriptions. */
#define foreach_wt_decode_drop \
	_(TRUNC_ETH, "truncated ethernet header") \
	_(TRUNC_VLAN, "truncated 802.1q tag") \
	_(TOO_MANY_VLANS, "more than two vlan tags") \
	_(NOT_IP, "ethertype is neither ipv4 nor ipv6") \
	_(TRUNC_IPV4, "truncated ipv4 header") \
	_(BAD_IPV4_VER, "ipv4 version field is not 4") \
	_(BAD_IPV4_HLEN, "ipv4 header length below 20") \
	_(BAD_IPV4_TLEN, "ipv4 total length below header length or above frame") \
	_(IPV4_FRAG, "ipv4 fragment (counted, not reassembled)") \
	_(TRUNC_IPV6, "truncated ipv6 header") \
	_(BAD_IPV6_VER, "ipv6 version field is not 6") \
	_(BAD_IPV6_PLEN, "ipv6 payload length above frame") \
	_(TRUNC_IPV6_EXT, "truncated ipv6 extension header") \
	_(IPV6_FRAG, "ipv6 fragment (counted, not reassembled)") \
	_(TOO_MANY_IPV6_EXT, "more than 8 ipv6 extension headers") \
	_(TRUNC_TCP, "truncated tcp header") \
	_(BAD_TCP_HLEN, "tcp data offset below 20 or beyond segment") \
	_(BAD_TCP_OPT, "malformed tcp option") \
	_(TRUNC_UDP, "truncated udp header") \
	_(BAD_UDP_LEN, "udp length below 8 or above datagram") \
	_(TRUNC_ICMP, "truncated icmp header") \
	_(MULTISEG, "headers span more than the first mbuf segment")

enum wt_decode_drop {
	WT_DECODE_OK = 0,
#define _(sym, desc) WT_DECODE_DROP_##sym,
	foreach_wt_decode_drop
#undef _
	WT_DECODE_DROP__MAX
};

/** Lower-case short names ("trunc_eth") and descriptions, indexed by enum wt_decode_drop. */
extern const char *const wt_decode_drop_names[WT_DECODE_DROP__MAX];
extern const char *const wt_decode_drop_descs[WT_DECODE_DROP__MAX];

/* wt_pkt.flags */
#define WT_PKT_F_IPV6     0x01
#define WT_PKT_F_VLAN     0x02 /* at least one 802.1Q tag */
#define WT_PKT_F_QINQ     0x04 /* two tags */
#define WT_PKT_F_IPOPT    0x08 /* ipv4 options present */
#define WT_PKT_F_IPV6EXT  0x10 /* ipv6 extension headers present */
#define WT_PKT_F_L4       0x20 /* l4 header decoded (ports valid for tcp/udp) */

/* TCP flag bits as on the wire (wt_pkt.tcp_flags). */
#define WT_TCP_FIN 0x01
#define WT_TCP_SYN 0x02
#define WT_TCP_RST 0x04
#define WT_TCP_PSH 0x08
#define WT_TCP_ACK 0x10
#define WT_TCP_URG 0x20
#define WT_TCP_ECE 0x40
#define WT_TCP_CWR 0x80

/**
 * Decoded packet metadata. Lives in the mbuf private area (see wt_pkt_of()), filled by
 * wt_decode_pkt(). Addresses are in network byte order; IPv4 uses the first 4 bytes of the
 * 16-byte arrays, the other 12 are zero. Ports, seq and ack are host byte order.
 */
struct wt_pkt {
	uint8_t src_ip[16];
	uint8_t dst_ip[16];
	uint16_t sport;          /* tcp/udp; icmp: type */
	uint16_t dport;          /* tcp/udp; icmp: code */
	uint8_t proto;           /* IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP, IPPROTO_ICMPV6, other */
	uint8_t flags;           /* WT_PKT_F_* */
	uint8_t tcp_flags;       /* WT_TCP_* */
	uint8_t ip_ttl;
	uint16_t vlan[2];        /* outer, inner tag (VID only) */
	uint16_t l3_off;         /* offsets from the start of the frame */
	uint16_t l4_off;
	uint16_t payload_off;
	uint16_t payload_len;    /* l4 payload bytes present in the frame (bounded by ip length) */
	uint32_t tcp_seq;
	uint32_t tcp_ack;
	uint16_t tcp_win;
	uint8_t tcp_wscale;      /* window scale option, 0xff if absent */
	uint8_t pad0;
	uint16_t tcp_mss;        /* mss option, 0 if absent */
	uint16_t pad1;
	uint32_t hash;           /* symmetric flow hash (same for both directions), see wt_decode_hash() */
};
_Static_assert(sizeof(struct wt_pkt) % 8 == 0, "wt_pkt must fit RTE_MBUF_PRIV_ALIGN");

/** Per-lcore decoder state: the drop counters. */
struct wt_decode_lcore {
	uint64_t pkts;                          /* packets given to the decoder */
	uint64_t ok;                            /* fully decoded */
	uint64_t ipv4, ipv6, tcp, udp, icmp, other_l4, vlan;
	uint64_t drops[WT_DECODE_DROP__MAX];    /* drops[0] unused */
};

/**
 * Decode one frame of @p len bytes at @p data into @p out.
 * Fragments (ipv4 MF/offset, ipv6 fragment header) are counted under IPV4_FRAG / IPV6_FRAG and
 * return that reason, but @p out still holds the addresses so a caller may account them.
 * @return WT_DECODE_OK, or the enum wt_decode_drop reason (also counted in @p dl).
 */
int wt_decode_pkt(struct wt_decode_lcore *dl, const uint8_t *data, uint32_t len, struct wt_pkt *out);

/**
 * Symmetric 32-bit hash of the 5-tuple in @p p: equal for both directions of a flow.
 * Used by the RX lcore to spread packets to workers and stored in p->hash by wt_decode_pkt().
 */
uint32_t wt_decode_hash(const struct wt_pkt *p);

/**
 * Decode a burst of mbufs (first segment only; headers crossing into a second segment count as
 * MULTISEG), storing metadata in each mbuf's private area. Returns the number decoded OK; @p verdict
 * (may be NULL) receives a per-packet verdict (WT_DECODE_OK or a drop reason).
 */
uint16_t wt_decode_burst(struct wt_decode_lcore *dl, struct rte_mbuf **pkts, uint8_t *verdict,
			 uint16_t n);

/** Metadata stored in the mbuf private area (mempools are created with this priv size). */
static inline struct wt_pkt *
wt_pkt_of(struct rte_mbuf *m)
{
	return (struct wt_pkt *)rte_mbuf_to_priv(m);
}

#endif /* WT_DECODE_H */
