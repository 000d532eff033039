/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tests for lib/decode: every valid frame kind field by field, every truncation point of each
 * (into exact-size heap buffers so ASan sees any over-read), every shrunken IP length, malformed
 * headers one drop reason at a time, the symmetric hash, the mbuf burst path (with chained
 * mbufs) and every packet of the nDPI captures checked against tshark's counts.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netinet/in.h>

#include <CUnit/CUnit.h>
#include <pcap/pcap.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "wt_decode.h"

int wt_test_decode(void);

/* CU_ASSERT (evaluating @p cond once) plus a line naming the case, for failures inside loops. */
#define CHECK(cond, ...) do { \
	int ok_ = !!(cond); \
	if (!ok_) { \
		fprintf(stderr, "\n  %s:%d: ", __func__, __LINE__); \
		fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); \
	} \
	CU_assertImplementation(ok_, __LINE__, #cond, __FILE__, "", CU_FALSE); \
} while (0)

/* ---- frame builder: writes the bytes and records what the decoder should report ---------- */

struct fb {
	uint8_t b[2048];
	uint32_t n;
	uint32_t ip_len_at;   /* offset of the ipv4 total length / ipv6 payload length field */
	uint32_t udp_off;     /* 0 when no udp header */
	uint32_t ip_hlen;     /* ipv4 header length incl. options, 40 for ipv6 */
	uint32_t ip_end;      /* end of the ip datagram (before padding) */
	int ntags;
	int verdict;          /* expected verdict of the whole frame */
	struct wt_pkt exp;    /* expected metadata */
};

static const uint8_t ip4_a[4] = { 192, 0, 2, 1 };
static const uint8_t ip4_b[4] = { 198, 51, 100, 7 };
static const uint8_t ip6_a[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
static const uint8_t ip6_b[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xbe, 0xef };

static void
put8(struct fb *f, uint8_t v)
{
	f->b[f->n++] = v;
}

static void
put16(struct fb *f, uint16_t v)
{
	put8(f, (uint8_t)(v >> 8));
	put8(f, (uint8_t)v);
}

static void
put32(struct fb *f, uint32_t v)
{
	put16(f, (uint16_t)(v >> 16));
	put16(f, (uint16_t)v);
}

static void
putn(struct fb *f, const void *p, uint32_t n)
{
	if (n == 0)
		return;
	memcpy(f->b + f->n, p, n);
	f->n += n;
}

static void
fb_init(struct fb *f, uint16_t type)
{
	static const uint8_t macs[12] = { 0, 0x1b, 0x21, 1, 2, 3, 0, 0x1b, 0x21, 4, 5, 6 };

	memset(f, 0, sizeof(*f));
	f->exp.tcp_wscale = 0xff;
	putn(f, macs, sizeof(macs));
	put16(f, type);
	f->exp.l3_off = (uint16_t)f->n;
}

/* A tag whose TPID was the previous ethertype; @p next is what follows it. */
static void
fb_vlan(struct fb *f, uint16_t vid, uint16_t next)
{
	put16(f, (uint16_t)(0xa000 | vid)); /* PCP 5, DEI 0 */
	put16(f, next);
	if (f->ntags < 2) /* a third tag is only built to be rejected */
		f->exp.vlan[f->ntags] = vid;
	f->ntags++;
	f->exp.flags |= WT_PKT_F_VLAN | (f->ntags == 2 ? WT_PKT_F_QINQ : 0);
	f->exp.l3_off = (uint16_t)f->n;
}

static void
fb_ipv4(struct fb *f, uint8_t proto, uint32_t optlen, uint16_t frag)
{
	f->ip_hlen = 20 + optlen;
	put8(f, (uint8_t)(0x40 | f->ip_hlen / 4));
	put8(f, 0);
	f->ip_len_at = f->n;
	put16(f, 0); /* fixed by fb_end() */
	put16(f, 0x1234);
	put16(f, frag);
	put8(f, 64);
	put8(f, proto);
	put16(f, 0); /* checksum: not verified */
	putn(f, ip4_a, 4);
	putn(f, ip4_b, 4);
	for (uint32_t i = 0; i < optlen; i++) /* router alert, then NOPs */
		put8(f, i < 4 ? (uint8_t[]){ 0x94, 4, 0, 0 }[i] : 1);
	memcpy(f->exp.src_ip, ip4_a, 4);
	memcpy(f->exp.dst_ip, ip4_b, 4);
	f->exp.ip_ttl = 64;
	f->exp.proto = proto;
	if (optlen)
		f->exp.flags |= WT_PKT_F_IPOPT;
}

static void
fb_ipv6(struct fb *f, uint8_t nh, uint8_t proto)
{
	f->ip_hlen = 40;
	put32(f, 0x60012345); /* version 6, tc 0, flow label */
	f->ip_len_at = f->n;
	put16(f, 0);
	put8(f, nh);
	put8(f, 58);
	putn(f, ip6_a, 16);
	putn(f, ip6_b, 16);
	memcpy(f->exp.src_ip, ip6_a, 16);
	memcpy(f->exp.dst_ip, ip6_b, 16);
	f->exp.ip_ttl = 58;
	f->exp.proto = proto;
	f->exp.flags |= WT_PKT_F_IPV6;
}

/* Extension header (hop-by-hop 0, routing 43, dstopts 60 in 8-byte units; AH 51 in 4-byte). */
static void
fb_v6ext(struct fb *f, uint8_t type, uint8_t nh, uint8_t lenfield)
{
	uint32_t len = type == 51 ? ((uint32_t)lenfield + 2) * 4 : ((uint32_t)lenfield + 1) * 8;

	put8(f, nh);
	put8(f, lenfield);
	for (uint32_t i = 2; i < len; i++)
		put8(f, type == 51 ? 0xa5 : (i == 2 ? 1 : 0)); /* PadN-ish filler */
	f->exp.flags |= WT_PKT_F_IPV6EXT;
}

static void
fb_v6frag(struct fb *f, uint8_t nh, uint16_t offset8, int more)
{
	put8(f, nh);
	put8(f, 0);
	put16(f, (uint16_t)(offset8 << 3 | (more ? 1 : 0)));
	put32(f, 0xcafef00d);
	f->exp.flags |= WT_PKT_F_IPV6EXT;
}

static void
fb_tcp(struct fb *f, uint16_t sp, uint16_t dp, uint8_t flags, const uint8_t *opt, uint32_t optlen)
{
	f->exp.l4_off = (uint16_t)f->n;
	put16(f, sp);
	put16(f, dp);
	put32(f, 0x01020304);
	put32(f, 0xa0b0c0d0);
	put8(f, (uint8_t)(((20 + optlen) / 4) << 4));
	put8(f, flags);
	put16(f, 29200);
	put16(f, 0);
	put16(f, 0);
	putn(f, opt, optlen);
	f->exp.sport = sp;
	f->exp.dport = dp;
	f->exp.tcp_seq = 0x01020304;
	f->exp.tcp_ack = 0xa0b0c0d0;
	f->exp.tcp_flags = flags;
	f->exp.tcp_win = 29200;
	f->exp.flags |= WT_PKT_F_L4;
	f->exp.payload_off = (uint16_t)f->n;
}

static void
fb_udp(struct fb *f, uint16_t sp, uint16_t dp)
{
	f->exp.l4_off = (uint16_t)f->n;
	f->udp_off = f->n;
	put16(f, sp);
	put16(f, dp);
	put16(f, 0); /* fixed by fb_end() */
	put16(f, 0);
	f->exp.sport = sp;
	f->exp.dport = dp;
	f->exp.flags |= WT_PKT_F_L4;
	f->exp.payload_off = (uint16_t)f->n;
}

static void
fb_icmp(struct fb *f, uint8_t type, uint8_t code)
{
	f->exp.l4_off = (uint16_t)f->n;
	put8(f, type);
	put8(f, code);
	put16(f, 0);
	put32(f, 0x00420001); /* echo id, seq */
	f->exp.sport = type;
	f->exp.dport = code;
	f->exp.flags |= WT_PKT_F_L4;
	f->exp.payload_off = (uint16_t)f->n;
}

/* Protocol without ports: l4 starts (and payload too) here. */
static void
fb_other(struct fb *f)
{
	f->exp.l4_off = (uint16_t)f->n;
	f->exp.payload_off = (uint16_t)f->n;
}

static void
fb_payload(struct fb *f, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		put8(f, (uint8_t)('a' + i % 26));
}

/* Fix length fields, record the datagram end, then pad the frame to @p min_frame bytes. */
static void
fb_end(struct fb *f, uint32_t min_frame)
{
	uint32_t l3 = f->exp.l3_off;
	uint32_t iplen = f->n - l3 - ((f->exp.flags & WT_PKT_F_IPV6) ? 40 : 0);

	f->b[f->ip_len_at] = (uint8_t)(iplen >> 8);
	f->b[f->ip_len_at + 1] = (uint8_t)iplen;
	if (f->udp_off) {
		f->b[f->udp_off + 4] = (uint8_t)((f->n - f->udp_off) >> 8);
		f->b[f->udp_off + 5] = (uint8_t)(f->n - f->udp_off);
	}
	f->ip_end = f->n;
	f->exp.payload_len = (uint16_t)(f->n - f->exp.payload_off);
	while (f->n < min_frame)
		put8(f, 0);
	if (f->verdict == WT_DECODE_OK || f->verdict == WT_DECODE_DROP_IPV4_FRAG ||
	    f->verdict == WT_DECODE_DROP_IPV6_FRAG)
		f->exp.hash = wt_decode_hash(&f->exp);
}

/* ---- the valid frames ----------------------------------------------------------------------- */

static const uint8_t syn_opts[20] = {
	2, 4, 0x05, 0xb4,             /* mss 1460 */
	4, 2,                         /* sack permitted */
	8, 10, 0, 0, 0, 1, 0, 0, 0, 0, /* timestamps */
	1,                            /* nop */
	3, 3, 7,                      /* window scale 7 */
};

static void
case_tcp_syn(struct fb *f)
{
	fb_init(f, 0x0800);
	fb_ipv4(f, IPPROTO_TCP, 0, 0x4000 /* DF: not a fragment */);
	fb_tcp(f, 49152, 443, WT_TCP_SYN, syn_opts, sizeof(syn_opts));
	f->exp.tcp_mss = 1460;
	f->exp.tcp_wscale = 7;
	fb_end(f, 60);
}

static void
case_tcp_data(struct fb *f)
{
	static const uint8_t ts[12] = { 1, 1, 8, 10, 0, 0, 0, 9, 0, 0, 0, 8 };

	fb_init(f, 0x0800);
	fb_ipv4(f, IPPROTO_TCP, 0, 0);
	fb_tcp(f, 80, 51000, WT_TCP_PSH | WT_TCP_ACK, ts, sizeof(ts));
	fb_payload(f, 300);
	fb_end(f, 60);
}

/* 40-byte datagram in a 60-byte frame: 6 bytes of Ethernet padding that are not payload. */
static void
case_tcp_ack_padded(struct fb *f)
{
	fb_init(f, 0x0800);
	fb_ipv4(f, IPPROTO_TCP, 0, 0);
	fb_tcp(f, 51000, 80, WT_TCP_ACK, NULL, 0);
	fb_end(f, 60);
}

static void
case_udp(struct fb *f)
{
	fb_init(f, 0x0800);
	fb_ipv4(f, IPPROTO_UDP, 0, 0);
	fb_udp(f, 5353, 53);
	fb_payload(f, 50);
	fb_end(f, 60);
}

static void
case_udp_padded(struct fb *f)
{
	fb_init(f, 0x0800);
	fb_ipv4(f, IPPROTO_UDP, 0, 0);
	fb_udp(f, 40000, 123);
	fb_payload(f, 4);
	fb_end(f, 60);
}

static void
case_icmp(struct fb *f)
{
	fb_init(f, 0x0800);
	fb_ipv4(f, IPPROTO_ICMP, 0, 0);
	fb_icmp(f, 8, 0);
	fb_payload(f, 56);
	fb_end(f, 60);
}

static void
case_vlan_tcp(struct fb *f)
{
	fb_init(f, 0x8100);
	fb_vlan(f, 100, 0x0800);
	fb_ipv4(f, IPPROTO_TCP, 0, 0);
	fb_tcp(f, 1234, 22, WT_TCP_ACK | WT_TCP_PSH, NULL, 0);
	fb_payload(f, 48);
	fb_end(f, 64);
}

static void
case_qinq_udp(struct fb *f)
{
	fb_init(f, 0x88a8);
	fb_vlan(f, 200, 0x8100);
	fb_vlan(f, 300, 0x0800);
	fb_ipv4(f, IPPROTO_UDP, 0, 0);
	fb_udp(f, 2152, 2152);
	fb_payload(f, 20);
	fb_end(f, 68);
}

static void
case_qinq9100_v6_tcp(struct fb *f)
{
	fb_init(f, 0x9100);
	fb_vlan(f, 4094, 0x8100);
	fb_vlan(f, 1, 0x86dd);
	fb_ipv6(f, IPPROTO_TCP, IPPROTO_TCP);
	fb_tcp(f, 443, 60000, WT_TCP_ACK | WT_TCP_FIN, NULL, 0);
	fb_payload(f, 10);
	fb_end(f, 68);
}

static void
case_ipv4_opts_tcp(struct fb *f)
{
	fb_init(f, 0x0800);
	fb_ipv4(f, IPPROTO_TCP, 12, 0);
	fb_tcp(f, 3306, 41000, WT_TCP_ACK, NULL, 0);
	fb_payload(f, 17);
	fb_end(f, 60);
}

static void
case_ipv6_ext_tcp(struct fb *f)
{
	fb_init(f, 0x86dd);
	fb_ipv6(f, 0, IPPROTO_TCP);
	fb_v6ext(f, 0, 60, 0);              /* hop-by-hop, 8 bytes */
	fb_v6ext(f, 60, 43, 1);             /* destination options, 16 bytes */
	fb_v6ext(f, 43, 44, 2);             /* routing, 24 bytes */
	fb_v6frag(f, 51, 0, 0);             /* atomic fragment: not a fragment (RFC 6946) */
	fb_v6ext(f, 51, IPPROTO_TCP, 4);    /* AH, 24 bytes */
	fb_tcp(f, 8080, 50123, WT_TCP_ACK, syn_opts, 4); /* mss only */
	f->exp.tcp_mss = 1460;
	fb_payload(f, 33);
	fb_end(f, 60);
}

static void
case_ipv6_icmpv6(struct fb *f)
{
	fb_init(f, 0x86dd);
	fb_ipv6(f, IPPROTO_ICMPV6, IPPROTO_ICMPV6);
	fb_icmp(f, 128, 0);
	fb_payload(f, 32);
	fb_end(f, 60);
}

static void
case_ipv6_udp_8ext(struct fb *f)
{
	fb_init(f, 0x86dd);
	fb_ipv6(f, 60, IPPROTO_UDP);
	for (int i = 0; i < 7; i++)
		fb_v6ext(f, 60, 60, 0);
	fb_v6ext(f, 60, IPPROTO_UDP, 0);
	fb_udp(f, 546, 547);
	fb_payload(f, 12);
	fb_end(f, 60);
}

static void
case_ipv6_nonext(struct fb *f)
{
	fb_init(f, 0x86dd);
	fb_ipv6(f, 59, 59);
	fb_other(f);
	fb_end(f, 60);
}

static void
case_ipv4_gre(struct fb *f)
{
	fb_init(f, 0x0800);
	fb_ipv4(f, 47, 0, 0);
	fb_other(f);
	fb_payload(f, 24);
	fb_end(f, 60);
}

/* First fragment of a UDP datagram: addresses but no ports. */
static void
case_ipv4_frag_first(struct fb *f)
{
	fb_init(f, 0x0800);
	fb_ipv4(f, IPPROTO_UDP, 0, 0x2000);
	fb_other(f);
	fb_payload(f, 64);
	f->verdict = WT_DECODE_DROP_IPV4_FRAG;
	fb_end(f, 60);
}

static void
case_ipv4_frag_last(struct fb *f)
{
	fb_init(f, 0x0800);
	fb_ipv4(f, IPPROTO_UDP, 4, 185);
	fb_other(f);
	fb_payload(f, 20);
	f->verdict = WT_DECODE_DROP_IPV4_FRAG;
	fb_end(f, 60);
}

static void
case_ipv6_frag(struct fb *f)
{
	fb_init(f, 0x86dd);
	fb_ipv6(f, 0, IPPROTO_UDP);
	fb_v6ext(f, 0, 44, 0);
	fb_v6frag(f, IPPROTO_UDP, 0, 1);
	fb_other(f);
	fb_payload(f, 40);
	f->verdict = WT_DECODE_DROP_IPV6_FRAG;
	fb_end(f, 60);
}

static void
case_ipv6_frag_later(struct fb *f)
{
	fb_init(f, 0x86dd);
	fb_ipv6(f, 44, IPPROTO_TCP);
	fb_v6frag(f, IPPROTO_TCP, 100, 0);
	fb_other(f);
	fb_payload(f, 16);
	f->verdict = WT_DECODE_DROP_IPV6_FRAG;
	fb_end(f, 60);
}

static const struct {
	const char *name;
	void (*build)(struct fb *f);
} cases[] = {
#define C(n) { #n, case_##n }
	C(tcp_syn), C(tcp_data), C(tcp_ack_padded), C(udp), C(udp_padded), C(icmp), C(vlan_tcp),
	C(qinq_udp), C(qinq9100_v6_tcp), C(ipv4_opts_tcp), C(ipv6_ext_tcp), C(ipv6_icmpv6),
	C(ipv6_udp_8ext), C(ipv6_nonext), C(ipv4_gre), C(ipv4_frag_first), C(ipv4_frag_last),
	C(ipv6_frag), C(ipv6_frag_later),
#undef C
};
#define NCASES ((int)WT_ARRAY_SIZE(cases))

static void
check_pkt(const char *name, uint32_t len, const struct wt_pkt *got, const struct wt_pkt *exp)
{
	CHECK(memcmp(got->src_ip, exp->src_ip, 16) == 0, "%s/%u src_ip", name, len);
	CHECK(memcmp(got->dst_ip, exp->dst_ip, 16) == 0, "%s/%u dst_ip", name, len);
	CHECK(got->sport == exp->sport, "%s/%u sport %u != %u", name, len, got->sport, exp->sport);
	CHECK(got->dport == exp->dport, "%s/%u dport %u != %u", name, len, got->dport, exp->dport);
	CHECK(got->proto == exp->proto, "%s/%u proto %u != %u", name, len, got->proto, exp->proto);
	CHECK(got->flags == exp->flags, "%s/%u flags %#x != %#x", name, len, got->flags, exp->flags);
	CHECK(got->tcp_flags == exp->tcp_flags, "%s/%u tcp_flags", name, len);
	CHECK(got->ip_ttl == exp->ip_ttl, "%s/%u ttl", name, len);
	CHECK(got->vlan[0] == exp->vlan[0] && got->vlan[1] == exp->vlan[1], "%s/%u vlan", name, len);
	CHECK(got->l3_off == exp->l3_off, "%s/%u l3_off %u != %u", name, len, got->l3_off,
	      exp->l3_off);
	CHECK(got->l4_off == exp->l4_off, "%s/%u l4_off %u != %u", name, len, got->l4_off,
	      exp->l4_off);
	CHECK(got->payload_off == exp->payload_off, "%s/%u payload_off %u != %u", name, len,
	      got->payload_off, exp->payload_off);
	CHECK(got->payload_len == exp->payload_len, "%s/%u payload_len %u != %u", name, len,
	      got->payload_len, exp->payload_len);
	CHECK(got->tcp_seq == exp->tcp_seq && got->tcp_ack == exp->tcp_ack, "%s/%u seq/ack", name,
	      len);
	CHECK(got->tcp_win == exp->tcp_win, "%s/%u win", name, len);
	CHECK(got->tcp_wscale == exp->tcp_wscale, "%s/%u wscale", name, len);
	CHECK(got->tcp_mss == exp->tcp_mss, "%s/%u mss", name, len);
	CHECK(got->hash == exp->hash, "%s/%u hash", name, len);
	CHECK(memcmp(got, exp, sizeof(*got)) == 0, "%s/%u whole struct", name, len);
}

/* Decode a copy in a heap buffer of exactly @p len bytes: ASan reports any read past it. */
static int
decode_exact(struct wt_decode_lcore *dl, const uint8_t *src, uint32_t len, struct wt_pkt *out)
{
	uint8_t *buf = malloc(len);
	int r;

	CU_ASSERT_FATAL(buf != NULL || len == 0);
	if (len)
		memcpy(buf, src, len);
	r = wt_decode_pkt(dl, buf, len, out);
	free(buf);
	return r;
}

static void
test_valid_frames(void)
{
	struct wt_decode_lcore dl;
	struct wt_pkt p;
	struct fb f;
	uint64_t ok = 0, frag4 = 0, frag6 = 0;

	memset(&dl, 0, sizeof(dl));
	for (int i = 0; i < NCASES; i++) {
		cases[i].build(&f);
		int r = decode_exact(&dl, f.b, f.n, &p);

		CHECK(r == f.verdict, "%s: verdict %d (%s) != %d", cases[i].name, r,
		      wt_decode_drop_names[r], f.verdict);
		check_pkt(cases[i].name, f.n, &p, &f.exp);
		CHECK(p.hash == wt_decode_hash(&p), "%s: stored hash", cases[i].name);
		ok += r == WT_DECODE_OK;
		frag4 += r == WT_DECODE_DROP_IPV4_FRAG;
		frag6 += r == WT_DECODE_DROP_IPV6_FRAG;
	}
	CU_ASSERT_EQUAL(dl.pkts, (uint64_t)NCASES);
	CU_ASSERT_EQUAL(dl.ok, ok);
	CU_ASSERT_EQUAL(dl.drops[WT_DECODE_DROP_IPV4_FRAG], frag4);
	CU_ASSERT_EQUAL(dl.drops[WT_DECODE_DROP_IPV6_FRAG], frag6);
	/* Per-layer counters: see the list of cases above. */
	CU_ASSERT_EQUAL(dl.tcp, 7);
	CU_ASSERT_EQUAL(dl.udp, 4);
	CU_ASSERT_EQUAL(dl.icmp, 2);
	CU_ASSERT_EQUAL(dl.other_l4, 2);
	CU_ASSERT_EQUAL(dl.vlan, 3);
	CU_ASSERT_EQUAL(dl.ipv4, 12);
	CU_ASSERT_EQUAL(dl.ipv6, 7);
	CU_ASSERT_EQUAL(dl.ok, dl.tcp + dl.udp + dl.icmp + dl.other_l4);
}

/* Expected verdict of a valid frame cut to @p len bytes (its IP length still says more). */
static int
trunc_verdict(const struct fb *f, uint32_t len)
{
	uint32_t l3 = f->exp.l3_off;

	if (len < 14)
		return WT_DECODE_DROP_TRUNC_ETH;
	if (len < l3)
		return WT_DECODE_DROP_TRUNC_VLAN;
	if (f->exp.flags & WT_PKT_F_IPV6)
		return len < l3 + 40 ? WT_DECODE_DROP_TRUNC_IPV6 : WT_DECODE_DROP_BAD_IPV6_PLEN;
	return len < l3 + f->ip_hlen ? WT_DECODE_DROP_TRUNC_IPV4 : WT_DECODE_DROP_BAD_IPV4_TLEN;
}

/*
 * Every truncation point: cutting into the datagram always drops (the IP length no longer fits
 * the frame), cutting only Ethernet padding decodes exactly as the whole frame.
 */
static void
test_truncation(void)
{
	struct wt_decode_lcore dl;
	struct wt_pkt p;
	struct fb f;
	uint64_t n = 0;

	memset(&dl, 0, sizeof(dl));
	for (int i = 0; i < NCASES; i++) {
		cases[i].build(&f);
		for (uint32_t len = 0; len < f.n; len++) {
			int r = decode_exact(&dl, f.b, len, &p);

			n++;
			if (len >= f.ip_end) {
				CHECK(r == f.verdict, "%s/%u: padding cut gave %s", cases[i].name, len,
				      wt_decode_drop_names[r]);
				check_pkt(cases[i].name, len, &p, &f.exp);
				continue;
			}
			int want = trunc_verdict(&f, len);

			CHECK(r == want, "%s/%u: %s != %s", cases[i].name, len, wt_decode_drop_names[r],
			      wt_decode_drop_names[want]);
		}
	}
	CU_ASSERT_EQUAL(dl.pkts, n);
	uint64_t sum = dl.ok;

	for (int r = 1; r < WT_DECODE_DROP__MAX; r++)
		sum += dl.drops[r];
	CU_ASSERT_EQUAL(sum, n);
	CU_ASSERT(dl.drops[WT_DECODE_DROP_TRUNC_ETH] > 0 && dl.drops[WT_DECODE_DROP_TRUNC_VLAN] > 0);
	CU_ASSERT_EQUAL(dl.drops[WT_DECODE_DROP_MULTISEG], 0);
}

/* Expected verdict when the IP length field (and the frame) shrinks to end at @p end. */
static int
shrink_verdict(const struct fb *f, uint32_t end)
{
	const struct wt_pkt *e = &f->exp;
	int v6 = !!(e->flags & WT_PKT_F_IPV6);
	uint32_t hl = e->payload_off - e->l4_off;

	if (end < e->l4_off)
		return v6 ? WT_DECODE_DROP_TRUNC_IPV6_EXT : WT_DECODE_DROP_BAD_IPV4_TLEN;
	if (f->verdict != WT_DECODE_OK)
		return f->verdict; /* fragments: data after the headers only */
	if (!(e->flags & WT_PKT_F_L4))
		return WT_DECODE_OK;
	switch (e->proto) {
	case IPPROTO_TCP:
		if (end - e->l4_off < 20)
			return WT_DECODE_DROP_TRUNC_TCP;
		return end - e->l4_off < hl ? WT_DECODE_DROP_BAD_TCP_HLEN : WT_DECODE_OK;
	case IPPROTO_UDP:
		return end - e->l4_off < 8 ? WT_DECODE_DROP_TRUNC_UDP : WT_DECODE_DROP_BAD_UDP_LEN;
	default:
		return end - e->l4_off < 8 ? WT_DECODE_DROP_TRUNC_ICMP : WT_DECODE_OK;
	}
}

/*
 * Consistent IP lengths but fewer bytes: the frame ends where the (shrunken) IP length says.
 * Cutting a header drops with that layer's reason; cutting only payload decodes OK with a
 * smaller payload_len (UDP then disagrees with its own length field: BAD_UDP_LEN).
 */
static void
test_ip_length_shrink(void)
{
	struct wt_decode_lcore dl;
	struct wt_pkt p;
	struct fb f, g;

	memset(&dl, 0, sizeof(dl));
	for (int i = 0; i < NCASES; i++) {
		cases[i].build(&f);
		uint32_t l3 = f.exp.l3_off;
		int v6 = !!(f.exp.flags & WT_PKT_F_IPV6);

		for (uint32_t end = l3 + f.ip_hlen; end < f.ip_end; end++) {
			uint32_t iplen = end - l3 - (v6 ? 40 : 0);

			g = f;
			g.b[g.ip_len_at] = (uint8_t)(iplen >> 8);
			g.b[g.ip_len_at + 1] = (uint8_t)iplen;
			int r = decode_exact(&dl, g.b, end, &p);
			int want = shrink_verdict(&f, end);

			CHECK(r == want, "%s/end %u: %s != %s", cases[i].name, end,
			      wt_decode_drop_names[r], wt_decode_drop_names[want]);
			if (r == WT_DECODE_OK || r == f.verdict) {
				CHECK(p.payload_off == f.exp.payload_off, "%s/%u payload_off",
				      cases[i].name, end);
				CHECK(p.payload_off + p.payload_len == end, "%s/%u payload_len %u",
				      cases[i].name, end, p.payload_len);
			}
		}
	}
}

/* ---- malformed headers, one reason each ------------------------------------------------------ */

static int
decode_fb(struct wt_decode_lcore *dl, const struct fb *f, struct wt_pkt *p)
{
	return decode_exact(dl, f->b, f->n, p);
}

static void
test_malformed(void)
{
	struct wt_decode_lcore dl;
	struct wt_pkt p;
	struct fb f, g;
	uint32_t l3, l4;

	memset(&dl, 0, sizeof(dl));

	/* Three tags. */
	fb_init(&f, 0x88a8);
	fb_vlan(&f, 1, 0x8100);
	fb_vlan(&f, 2, 0x8100);
	fb_vlan(&f, 3, 0x0800);
	fb_ipv4(&f, IPPROTO_UDP, 0, 0);
	fb_udp(&f, 1, 2);
	fb_end(&f, 60);
	CU_ASSERT_EQUAL(decode_fb(&dl, &f, &p), WT_DECODE_DROP_TOO_MANY_VLANS);

	/* ARP, and an 802.3 length field. */
	fb_init(&f, 0x0806);
	fb_payload(&f, 28);
	CU_ASSERT_EQUAL(decode_fb(&dl, &f, &p), WT_DECODE_DROP_NOT_IP);
	f.b[12] = 0x00;
	f.b[13] = 0x40;
	CU_ASSERT_EQUAL(decode_fb(&dl, &f, &p), WT_DECODE_DROP_NOT_IP);

	/* IPv4 header fields. */
	case_tcp_data(&f);
	l3 = f.exp.l3_off;
	g = f;
	g.b[l3] = 0x65;
	CU_ASSERT_EQUAL(decode_fb(&dl, &g, &p), WT_DECODE_DROP_BAD_IPV4_VER);
	g = f;
	g.b[l3] = 0x44;
	CU_ASSERT_EQUAL(decode_fb(&dl, &g, &p), WT_DECODE_DROP_BAD_IPV4_HLEN);
	g = f;
	g.b[l3] = 0x4f; /* 60-byte header: present, but the total length is still fine */
	CU_ASSERT_EQUAL(decode_fb(&dl, &g, &p), WT_DECODE_DROP_BAD_TCP_OPT);
	g = f;
	g.b[l3 + 2] = 0;
	g.b[l3 + 3] = 19;
	CU_ASSERT_EQUAL(decode_fb(&dl, &g, &p), WT_DECODE_DROP_BAD_IPV4_TLEN);
	g = f;
	g.b[l3 + 2] = 0xff;
	CU_ASSERT_EQUAL(decode_fb(&dl, &g, &p), WT_DECODE_DROP_BAD_IPV4_TLEN);
	/* A header-length claim beyond a short frame is a truncated header. */
	g = f;
	g.b[l3] = 0x4f;
	CU_ASSERT_EQUAL(decode_exact(&dl, g.b, l3 + 40, &p), WT_DECODE_DROP_TRUNC_IPV4);

	/* TCP data offset. */
	l4 = f.exp.l4_off;
	g = f;
	g.b[l4 + 12] = 0x40;
	CU_ASSERT_EQUAL(decode_fb(&dl, &g, &p), WT_DECODE_DROP_BAD_TCP_HLEN);
	g = f;
	g.b[l4 + 12] = 0xf0; /* 60 bytes: fits the 332-byte segment, options become garbage */
	CU_ASSERT_EQUAL(decode_fb(&dl, &g, &p), WT_DECODE_DROP_BAD_TCP_OPT);
	case_tcp_ack_padded(&f);
	g = f;
	g.b[f.exp.l4_off + 12] = 0x60; /* 24 > 20 bytes left in the datagram (padding follows) */
	CU_ASSERT_EQUAL(decode_fb(&dl, &g, &p), WT_DECODE_DROP_BAD_TCP_HLEN);

	/* TCP options: each malformed length. Base: 8 option bytes after a 20-byte header. */
	{
		static const uint8_t bad[][8] = {
			{ 2, 0, 1, 1, 1, 1, 1, 1 },       /* length 0 */
			{ 2, 1, 1, 1, 1, 1, 1, 1 },       /* length 1 */
			{ 1, 1, 1, 1, 1, 1, 8, 10 },      /* runs past the header */
			{ 1, 1, 1, 1, 1, 1, 1, 5 },       /* kind without its length byte */
			{ 2, 3, 5, 1, 1, 1, 1, 1 },       /* mss with length 3 */
			{ 3, 4, 7, 0, 1, 1, 1, 1 },       /* window scale with length 4 */
			{ 1, 1, 2, 6, 5, 0xb4, 1, 1 },    /* mss with length 6 */
		};
		static const uint8_t good[][8] = {
			{ 3, 3, 14, 0, 0xff, 0xff, 0xff, 0xff }, /* EOL: garbage after it ignored */
			{ 1, 1, 1, 1, 1, 1, 1, 1 },
			{ 30, 8, 1, 2, 3, 4, 5, 6 },             /* unknown kind, exact fit */
		};

		for (unsigned int i = 0; i < WT_ARRAY_SIZE(bad); i++) {
			fb_init(&f, 0x0800);
			fb_ipv4(&f, IPPROTO_TCP, 0, 0);
			fb_tcp(&f, 1, 2, WT_TCP_SYN, bad[i], 8);
			fb_end(&f, 60);
			CHECK(decode_fb(&dl, &f, &p) == WT_DECODE_DROP_BAD_TCP_OPT, "bad opt %u", i);
		}
		for (unsigned int i = 0; i < WT_ARRAY_SIZE(good); i++) {
			fb_init(&f, 0x0800);
			fb_ipv4(&f, IPPROTO_TCP, 0, 0);
			fb_tcp(&f, 1, 2, WT_TCP_SYN, good[i], 8);
			fb_end(&f, 60);
			CHECK(decode_fb(&dl, &f, &p) == WT_DECODE_OK, "good opt %u", i);
			CHECK(p.tcp_wscale == (i == 0 ? 14 : 0xff), "wscale %u", i);
			CU_ASSERT_EQUAL(p.tcp_mss, 0);
		}
	}

	/* UDP length. */
	case_udp(&f);
	l4 = f.exp.l4_off;
	g = f;
	g.b[l4 + 4] = 0;
	g.b[l4 + 5] = 7;
	CU_ASSERT_EQUAL(decode_fb(&dl, &g, &p), WT_DECODE_DROP_BAD_UDP_LEN);
	g.b[l4 + 5] = 59; /* datagram has 58 */
	CU_ASSERT_EQUAL(decode_fb(&dl, &g, &p), WT_DECODE_DROP_BAD_UDP_LEN);
	g.b[l4 + 5] = 20; /* shorter than the datagram: the udp length bounds the payload */
	CU_ASSERT_EQUAL(decode_fb(&dl, &g, &p), WT_DECODE_OK);
	CU_ASSERT_EQUAL(p.payload_len, 12);

	/* IPv6. */
	case_ipv6_icmpv6(&f);
	l3 = f.exp.l3_off;
	g = f;
	g.b[l3] = 0x40;
	CU_ASSERT_EQUAL(decode_fb(&dl, &g, &p), WT_DECODE_DROP_BAD_IPV6_VER);
	g = f;
	g.b[l3 + 4] = 0x01;
	CU_ASSERT_EQUAL(decode_fb(&dl, &g, &p), WT_DECODE_DROP_BAD_IPV6_PLEN);
	g = f; /* jumbogram-style payload length 0 */
	g.b[l3 + 4] = 0;
	g.b[l3 + 5] = 0;
	CU_ASSERT_EQUAL(decode_fb(&dl, &g, &p), WT_DECODE_DROP_TRUNC_ICMP);
	/* ICMP header shorter than 8 bytes. */
	g = f;
	g.b[l3 + 5] = 7;
	CU_ASSERT_EQUAL(decode_exact(&dl, g.b, l3 + 47, &p), WT_DECODE_DROP_TRUNC_ICMP);

	/* Nine extension headers: one more than the bound. */
	fb_init(&f, 0x86dd);
	fb_ipv6(&f, 60, IPPROTO_UDP);
	for (int i = 0; i < 8; i++)
		fb_v6ext(&f, 60, 60, 0);
	fb_v6ext(&f, 60, IPPROTO_UDP, 0);
	fb_udp(&f, 1, 2);
	fb_end(&f, 60);
	CU_ASSERT_EQUAL(decode_fb(&dl, &f, &p), WT_DECODE_DROP_TOO_MANY_IPV6_EXT);
	/* An extension header whose length runs past the payload length. */
	case_ipv6_ext_tcp(&f);
	g = f;
	g.b[f.exp.l3_off + 40 + 1] = 200;
	CU_ASSERT_EQUAL(decode_fb(&dl, &g, &p), WT_DECODE_DROP_TRUNC_IPV6_EXT);

	/* ICMPv6 in IPv4 and ICMP in IPv6 are not icmp: accepted as other l4, no ports. */
	case_icmp(&f);
	f.b[f.exp.l3_off + 9] = IPPROTO_ICMPV6;
	CU_ASSERT_EQUAL(decode_fb(&dl, &f, &p), WT_DECODE_OK);
	CU_ASSERT(p.sport == 0 && p.dport == 0 && !(p.flags & WT_PKT_F_L4));
	CU_ASSERT_EQUAL(p.proto, IPPROTO_ICMPV6);

	/* Oversized length argument: clamped to 65535, never read beyond what the frame says. */
	case_udp(&f);
	CU_ASSERT_EQUAL(wt_decode_pkt(&dl, f.b, 70000, &p), WT_DECODE_OK);
	CU_ASSERT_EQUAL(p.payload_len, 50);

	/* Every reason above was counted exactly where it was returned. */
	CU_ASSERT_EQUAL(dl.drops[WT_DECODE_DROP_TOO_MANY_VLANS], 1);
	CU_ASSERT_EQUAL(dl.drops[WT_DECODE_DROP_NOT_IP], 2);
	CU_ASSERT_EQUAL(dl.drops[WT_DECODE_DROP_BAD_IPV4_VER], 1);
	CU_ASSERT_EQUAL(dl.drops[WT_DECODE_DROP_BAD_IPV4_HLEN], 1);
	CU_ASSERT_EQUAL(dl.drops[WT_DECODE_DROP_BAD_IPV4_TLEN], 2);
	CU_ASSERT_EQUAL(dl.drops[WT_DECODE_DROP_TRUNC_IPV4], 1);
	CU_ASSERT_EQUAL(dl.drops[WT_DECODE_DROP_BAD_TCP_HLEN], 2);
	CU_ASSERT_EQUAL(dl.drops[WT_DECODE_DROP_BAD_TCP_OPT], 9);
	CU_ASSERT_EQUAL(dl.drops[WT_DECODE_DROP_BAD_UDP_LEN], 2);
	CU_ASSERT_EQUAL(dl.drops[WT_DECODE_DROP_BAD_IPV6_VER], 1);
	CU_ASSERT_EQUAL(dl.drops[WT_DECODE_DROP_BAD_IPV6_PLEN], 1);
	CU_ASSERT_EQUAL(dl.drops[WT_DECODE_DROP_TRUNC_ICMP], 2);
	CU_ASSERT_EQUAL(dl.drops[WT_DECODE_DROP_TOO_MANY_IPV6_EXT], 1);
	CU_ASSERT_EQUAL(dl.drops[WT_DECODE_DROP_TRUNC_IPV6_EXT], 1);
}

/* ---- hash ------------------------------------------------------------------------------------- */

static void
swap_dir(struct wt_pkt *p)
{
	uint8_t t[16];
	uint16_t tp = p->sport;

	memcpy(t, p->src_ip, 16);
	memcpy(p->src_ip, p->dst_ip, 16);
	memcpy(p->dst_ip, t, 16);
	p->sport = p->dport;
	p->dport = tp;
}

static void
test_hash(void)
{
	enum { NB = 64, NF = 1 << 16 };
	static uint32_t bucket[NB];
	struct wt_pkt a, b;
	struct fb f;
	double chi = 0, e = (double)NF / NB;

	/* Both directions of every frame kind. */
	for (int i = 0; i < NCASES; i++) {
		cases[i].build(&f);
		a = f.exp;
		b = a;
		swap_dir(&b);
		CHECK(wt_decode_hash(&a) == wt_decode_hash(&b), "%s: asymmetric", cases[i].name);
	}
	/* Same addresses, ports swapped only: still symmetric; different from other tuples. */
	memset(&a, 0, sizeof(a));
	memcpy(a.src_ip, ip4_a, 4);
	memcpy(a.dst_ip, ip4_a, 4);
	a.proto = IPPROTO_TCP;
	a.sport = 1000;
	a.dport = 2000;
	b = a;
	swap_dir(&b);
	CU_ASSERT_EQUAL(wt_decode_hash(&a), wt_decode_hash(&b));
	b.dport = 2001;
	CU_ASSERT_NOT_EQUAL(wt_decode_hash(&a), wt_decode_hash(&b));
	b = a;
	b.proto = IPPROTO_UDP;
	CU_ASSERT_NOT_EQUAL(wt_decode_hash(&a), wt_decode_hash(&b));
	/* ICMP echo request and reply (type 8 / 0) of one exchange land together. */
	case_icmp(&f);
	a = f.exp;
	b = a;
	swap_dir(&b);
	b.dport = 0; /* echo reply */
	CU_ASSERT_EQUAL(wt_decode_hash(&a), wt_decode_hash(&b));

	/* Distribution over 64 workers: clients 10.0.x.y:port -> one server, chi-square. */
	memset(bucket, 0, sizeof(bucket));
	memset(&a, 0, sizeof(a));
	a.proto = IPPROTO_TCP;
	memcpy(a.dst_ip, ip4_b, 4);
	a.dport = 443;
	for (uint32_t i = 0; i < NF; i++) {
		a.src_ip[0] = 10;
		a.src_ip[2] = (uint8_t)(i >> 10);
		a.src_ip[3] = (uint8_t)(i >> 2);
		a.sport = (uint16_t)(32768 + (i & 3) * 7);
		bucket[wt_decode_hash(&a) % NB]++;
	}
	for (int i = 0; i < NB; i++)
		chi += (bucket[i] - e) * (bucket[i] - e) / e;
	/* 63 degrees of freedom: p = 0.001 at about 103. */
	CHECK(chi < 103.0, "chi-square %.1f over %d buckets", chi, NB);
}

static void
test_names(void)
{
	CU_ASSERT_STRING_EQUAL(wt_decode_drop_names[WT_DECODE_OK], "ok");
	CU_ASSERT_STRING_EQUAL(wt_decode_drop_names[WT_DECODE_DROP_TRUNC_ETH], "trunc_eth");
	CU_ASSERT_STRING_EQUAL(wt_decode_drop_names[WT_DECODE_DROP_TOO_MANY_IPV6_EXT],
			       "too_many_ipv6_ext");
	CU_ASSERT_STRING_EQUAL(wt_decode_drop_names[WT_DECODE_DROP_MULTISEG], "multiseg");
	CU_ASSERT_STRING_EQUAL(wt_decode_drop_descs[WT_DECODE_DROP_TRUNC_ETH],
			       "truncated ethernet header");
	for (int i = 0; i < WT_DECODE_DROP__MAX; i++) {
		const char *n = wt_decode_drop_names[i];

		CU_ASSERT_PTR_NOT_NULL_FATAL(n);
		CU_ASSERT_PTR_NOT_NULL(wt_decode_drop_descs[i]);
		CU_ASSERT(n[0] != '\0');
		for (const char *c = n; *c; c++)
			CU_ASSERT((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_');
		for (int j = 0; j < i; j++)
			CU_ASSERT(strcmp(n, wt_decode_drop_names[j]) != 0);
	}
}

/* ---- mbuf burst -------------------------------------------------------------------------------- */

static struct rte_mempool *pool;

static int
burst_init(void)
{
	char name[RTE_MEMPOOL_NAMESIZE];

	snprintf(name, sizeof(name), "wt_tdec_%d", (int)getpid());
	pool = rte_pktmbuf_pool_create(name, 1023, 0, sizeof(struct wt_pkt),
				       RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	return pool == NULL ? -1 : 0;
}

static int
burst_fini(void)
{
	rte_mempool_free(pool);
	pool = NULL;
	return 0;
}

static struct rte_mbuf *
mbuf_from(const uint8_t *b, uint32_t n)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	char *d;

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	d = rte_pktmbuf_append(m, (uint16_t)n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	memcpy(d, b, n);
	return m;
}

static void
test_burst(void)
{
	struct rte_mbuf *m[NCASES + 3];
	uint8_t verdict[NCASES + 3];
	struct wt_decode_lcore dl, ref;
	struct wt_pkt p;
	struct fb f;
	uint16_t n = 0, nok = 0;

	memset(&dl, 0, sizeof(dl));
	memset(&ref, 0, sizeof(ref));
	for (int i = 0; i < NCASES; i++) {
		cases[i].build(&f);
		m[n++] = mbuf_from(f.b, f.n);
	}
	m[n++] = mbuf_from(f.b, 13);        /* truncated ethernet */
	m[n++] = mbuf_from(f.b, f.n - 1);   /* truncated ipv6 datagram */
	case_vlan_tcp(&f);
	m[n++] = mbuf_from(f.b, 16);        /* truncated tag */
	CU_ASSERT_EQUAL(rte_pktmbuf_priv_size(pool), sizeof(struct wt_pkt));

	uint16_t got = wt_decode_burst(&dl, m, verdict, n);

	for (uint16_t i = 0; i < n; i++) {
		int r = wt_decode_pkt(&ref, rte_pktmbuf_mtod(m[i], const uint8_t *),
				      m[i]->data_len, &p);

		CHECK(verdict[i] == r, "burst pkt %u: %d != %d", i, verdict[i], r);
		CHECK(memcmp(wt_pkt_of(m[i]), &p, sizeof(p)) == 0, "burst pkt %u metadata", i);
		nok += r == WT_DECODE_OK;
	}
	CU_ASSERT_EQUAL(got, nok);
	CU_ASSERT_EQUAL(verdict[NCASES], WT_DECODE_DROP_TRUNC_ETH);
	CU_ASSERT_EQUAL(verdict[NCASES + 1], WT_DECODE_DROP_BAD_IPV6_PLEN);
	CU_ASSERT_EQUAL(verdict[NCASES + 2], WT_DECODE_DROP_TRUNC_VLAN);
	CU_ASSERT(memcmp(&dl, &ref, sizeof(dl)) == 0);
	/* NULL verdict array and empty burst are accepted. */
	CU_ASSERT_EQUAL(wt_decode_burst(&dl, m, NULL, n), nok);
	CU_ASSERT_EQUAL(wt_decode_burst(&dl, m, NULL, 0), 0);
	rte_pktmbuf_free_bulk(m, n);
}

/*
 * Chained mbufs: split each frame at every point. Headers reaching into the second segment are
 * MULTISEG; with all headers in the first, the frame decodes as a whole (payload_len counts the
 * payload in every segment, since the IP length bounds it against pkt_len).
 */
static void
test_burst_multiseg(void)
{
	struct wt_decode_lcore dl;
	struct rte_mbuf *m;
	uint8_t verdict;
	struct fb f;

	memset(&dl, 0, sizeof(dl));
	for (int i = 0; i < NCASES; i++) {
		cases[i].build(&f);
		for (uint32_t k = 1; k < f.n; k++) {
			struct rte_mbuf *tail = mbuf_from(f.b + k, f.n - k);

			m = mbuf_from(f.b, k);
			CU_ASSERT_FATAL(rte_pktmbuf_chain(m, tail) == 0);
			wt_decode_burst(&dl, &m, &verdict, 1);
			if (k < f.exp.payload_off) {
				CHECK(verdict == WT_DECODE_DROP_MULTISEG, "%s split %u: %s",
				      cases[i].name, k, wt_decode_drop_names[verdict]);
			} else {
				CHECK(verdict == f.verdict, "%s split %u: %s", cases[i].name, k,
				      wt_decode_drop_names[verdict]);
				check_pkt(cases[i].name, k, wt_pkt_of(m), &f.exp);
			}
			rte_pktmbuf_free(m);
		}
	}
	CU_ASSERT(dl.drops[WT_DECODE_DROP_MULTISEG] > 0);
}

/* ---- real captures ---------------------------------------------------------------------------- */

/*
 * Expected per-file counts, from tshark 4.0 (Debian 12) on /work/shared/pcaps/ndpi:
 *   tcp   = tshark -r F -Y 'tcp && !gtp' | wc -l   (equals `-Y tcp` except tls_invalid_reads,
 *           whose 3 GTP-U frames carry an inner TCP that we, not tunnelling, see as UDP)
 *   tcpb  = sum of tcp.len over those frames (payload bytes, Ethernet padding excluded)
 *   udp   = tshark -r F -Y udp | wc -l;  udpb = sum of (first udp.length - 8)
 *   vlan  = tshark -r F -Y vlan | wc -l
 *   bad   = frames we drop: tls_invalid_reads frame 2 claims an IPv4 total length of 4148 in a
 *           66-byte frame (tshark: "IPv4 total length exceeds packet length", yet it dissects
 *           the TCP header and counts it); we drop it as bad_ipv4_tlen, so tcp is 12 - 3 - 1.
 * http2.pcapng is Linux cooked capture (not Ethernet): decoded only for crashes.
 */
static const struct {
	const char *file;
	uint32_t pkts, tcp, tcpb, udp, udpb, vlan, bad;
} caps[] = {
	{ "amqp.pcap", 160, 160, 12954, 0, 0, 0, 0 },
	{ "http-lines-split.pcap", 14, 14, 1699, 0, 0, 0, 0 },
	{ "http-manipulated.pcap", 40, 40, 42831, 0, 0, 0, 0 },
	{ "http.pcapng", 10, 10, 602, 0, 0, 0, 0 },
	{ "http_auth.pcap", 33, 33, 18376, 0, 0, 0, 0 },
	{ "http_ipv6.pcap", 193, 128, 38744, 65, 12449, 0, 0 },
	{ "http_starting_with_reply.pcapng", 18, 18, 8301, 0, 0, 0, 0 },
	{ "http_ua_splitted_in_two_pkts.pcapng", 115, 115, 68704, 0, 0, 0, 0 },
	{ "ja3_lots_of_cipher_suites.pcap", 11, 11, 4396, 0, 0, 11, 0 },
	{ "kafka.pcapng", 41, 41, 4345, 0, 0, 0, 0 },
	{ "mqtt.pcap", 9, 9, 875, 0, 0, 1, 0 },
	{ "ssl-cert-name-mismatch.pcap", 21, 21, 4010, 0, 0, 0, 0 },
	{ "tls-esni-fuzzed.pcap", 3, 3, 2148, 0, 0, 0, 0 },
	{ "tls_1.3_unidirectional_client.pcapng", 9, 9, 886, 0, 0, 0, 0 },
	{ "tls_2_reasms.pcapng", 14, 14, 5975, 0, 0, 0, 0 },
	{ "tls_alert.pcap", 18, 18, 361, 0, 0, 0, 0 },
	{ "tls_invalid_reads.pcap", 12, 8, 1441, 3, 410, 3, 1 },
	{ "tls_long_cert.pcap", 182, 182, 105569, 0, 0, 0, 0 },
	{ "tls_missing_ch_frag.pcap", 14, 14, 9150, 0, 0, 0, 0 },
	{ "tls_multiple_synack_different_seq.pcapng", 10, 10, 5944, 0, 0, 0, 0 },
	{ "websocket.pcap", 5, 5, 171, 0, 0, 0, 0 },
};

static const char *
pcap_dir(void)
{
	static const char *const dirs[] = { "shared/pcaps/ndpi", "../shared/pcaps/ndpi",
					    "/work/shared/pcaps/ndpi" };
	const char *env = getenv("WT_PCAP_DIR");
	DIR *d;

	if (env != NULL)
		return env;
	for (unsigned int i = 0; i < WT_ARRAY_SIZE(dirs); i++) {
		d = opendir(dirs[i]);
		if (d != NULL) {
			closedir(d);
			return dirs[i];
		}
	}
	return NULL;
}

struct cap_count {
	uint32_t pkts, ok, tcp, tcpb, udp, udpb, vlan;
	int dlt;
};

static int
read_capture(const char *path, struct cap_count *cc)
{
	char err[PCAP_ERRBUF_SIZE];
	struct wt_decode_lcore dl;
	struct pcap_pkthdr *h;
	const u_char *data;
	struct wt_pkt p, q;
	pcap_t *pc;

	memset(cc, 0, sizeof(*cc));
	memset(&dl, 0, sizeof(dl));
	pc = pcap_open_offline(path, err);
	if (pc == NULL) {
		fprintf(stderr, "\n  %s: %s\n", path, err);
		return -1;
	}
	cc->dlt = pcap_datalink(pc);
	while (pcap_next_ex(pc, &h, &data) == 1) {
		int r = decode_exact(&dl, data, h->caplen, &p);

		cc->pkts++;
		if (r != WT_DECODE_OK)
			continue;
		cc->ok++;
		CHECK(p.payload_off + p.payload_len <= h->caplen, "%s pkt %u payload", path, cc->pkts);
		CHECK(p.l3_off < p.l4_off && p.l4_off <= p.payload_off, "%s pkt %u offsets", path,
		      cc->pkts);
		q = p;
		swap_dir(&q);
		CHECK(wt_decode_hash(&q) == p.hash, "%s pkt %u hash", path, cc->pkts);
		cc->vlan += !!(p.flags & WT_PKT_F_VLAN);
		if (p.proto == IPPROTO_TCP) {
			cc->tcp++;
			cc->tcpb += p.payload_len;
		} else if (p.proto == IPPROTO_UDP) {
			cc->udp++;
			cc->udpb += p.payload_len;
		}
	}
	pcap_close(pc);
	CHECK(dl.pkts == cc->pkts && dl.ok == cc->ok && dl.tcp == cc->tcp, "%s counters", path);
	return 0;
}

static void
test_captures(void)
{
	const char *dir = pcap_dir();
	struct cap_count cc;
	struct dirent *de;
	char path[1024];
	unsigned int files = 0, checked = 0;
	DIR *d;

	if (dir == NULL) {
		fprintf(stderr, "\n  SKIP: no capture directory (set WT_PCAP_DIR)\n");
		return;
	}
	d = opendir(dir);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		CHECK(read_capture(path, &cc) == 0, "%s unreadable", path);
		files++;
		for (unsigned int i = 0; i < WT_ARRAY_SIZE(caps); i++) {
			if (strcmp(caps[i].file, de->d_name) != 0)
				continue;
			CHECK(cc.dlt == DLT_EN10MB, "%s: not ethernet", path);
			CHECK(cc.pkts == caps[i].pkts, "%s: pkts %u != %u", path, cc.pkts, caps[i].pkts);
			CHECK(cc.tcp == caps[i].tcp, "%s: tcp %u != %u", path, cc.tcp, caps[i].tcp);
			CHECK(cc.tcpb == caps[i].tcpb, "%s: tcp bytes %u != %u", path, cc.tcpb,
			      caps[i].tcpb);
			CHECK(cc.udp == caps[i].udp, "%s: udp %u != %u", path, cc.udp, caps[i].udp);
			CHECK(cc.udpb == caps[i].udpb, "%s: udp bytes %u != %u", path, cc.udpb,
			      caps[i].udpb);
			CHECK(cc.vlan == caps[i].vlan, "%s: vlan %u != %u", path, cc.vlan, caps[i].vlan);
			CHECK(cc.pkts - cc.ok == caps[i].bad, "%s: %u of %u decoded", path, cc.ok,
			      cc.pkts);
			checked++;
		}
	}
	closedir(d);
	CU_ASSERT(files >= WT_ARRAY_SIZE(caps));
	CHECK(checked == WT_ARRAY_SIZE(caps), "%u of %zu expected captures found", checked,
	      WT_ARRAY_SIZE(caps));
}

int
wt_test_decode(void)
{
	CU_pSuite s = CU_add_suite("decode", burst_init, burst_fini);

	if (s == NULL)
		return -1;
	if (CU_add_test(s, "valid frames, every field", test_valid_frames) == NULL ||
	    CU_add_test(s, "every truncation point", test_truncation) == NULL ||
	    CU_add_test(s, "every shrunken ip length", test_ip_length_shrink) == NULL ||
	    CU_add_test(s, "malformed headers", test_malformed) == NULL ||
	    CU_add_test(s, "symmetric hash", test_hash) == NULL ||
	    CU_add_test(s, "drop names", test_names) == NULL ||
	    CU_add_test(s, "mbuf burst", test_burst) == NULL ||
	    CU_add_test(s, "chained mbufs", test_burst_multiseg) == NULL ||
	    CU_add_test(s, "ndpi captures vs tshark", test_captures) == NULL)
		return -1;
	return 0;
}
