/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The TCP life of one generated flow, one packet per call: three-way handshake (MSS, SACK,
 * timestamps, window scale, as Linux sends them), the application messages cut into MSS-sized
 * segments with correct sequence and acknowledgement numbers, delayed ACKs (every second
 * segment of a long message, before a sender speaks twice), then FIN both ways (or a client
 * RST for a few flows). Frames are Ethernet/IPv4/TCP with valid checksums, written to a pcap.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

enum { PH_SYN, PH_SYNACK, PH_ACK3, PH_DATA, PH_FIN_C, PH_FIN_S, PH_LAST, PH_RST, PH_DONE };

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10

static const uint8_t mac_client_side[6] = { 0x02, 0x42, 0x0a, 0x10, 0x00, 0x01 };
static const uint8_t mac_server_side[6] = { 0x02, 0x42, 0x0a, 0xc8, 0x00, 0x01 };

void
gen_flow_init(struct gen_ctx *g, struct gen_flow *f, uint64_t serial, unsigned int proto)
{
	uint64_t h = gen_hash(g->o->seed, serial);
	uint32_t ci = (uint32_t)(serial & 0xffff);

	memset(f, 0, sizeof(*f));
	f->serial = serial;
	f->proto = (uint8_t)proto;
	/* client (address, port) is a bijection of serial: every flow of the capture has its own
	 * 5-tuple (for fewer than 65536 * 28000 flows) */
	f->cip = 0x0a100000u | ((ci * 40503u + (uint32_t)g->o->seed) & 0xffffu);
	f->cport = (uint16_t)(32768 + ((serial >> 16) + gen_hash(g->o->seed, ci)) % 28000);
	f->sip = 0x0ac80000u | (uint32_t)proto << 8 | (1 + (uint32_t)(h >> 40) % 32);
	f->sport = gen_proto_port(proto);
	if (g->o->size_mix == GEN_MIX_BULK ||
	    (g->o->size_mix == GEN_MIX_MIXED && (h & 0xff) < 52))
		f->flags |= GF_BULK;
	if (proto == GEN_MQTT && (h & 0x100))
		f->flags |= GF_QOS1;
	if (((h >> 16) & 0xff) < 5)
		f->flags |= GF_RST;
	f->seq[0] = (uint32_t)gen_hash(h, 1);
	f->seq[1] = (uint32_t)gen_hash(h, 2);
	f->ipid[0] = (uint16_t)gen_hash(h, 3);
	f->ipid[1] = (uint16_t)gen_hash(h, 4);
	f->tsbase[0] = (uint32_t)gen_hash(h, 5);
	f->tsbase[1] = (uint32_t)gen_hash(h, 6);
	f->n_msgs = gen_msg_count(g, f);
	f->phase = PH_SYN;
	g->st.flows++;
	g->st.proto_flows[proto]++;
}

static void
flow_start_msg(struct gen_ctx *g, struct gen_flow *f, uint32_t idx, uint32_t off)
{
	struct gen_msg m;

	gen_msg_describe(g, f, idx, &m);
	f->cur = idx;
	f->off = off;
	f->cur_len = m.len;
	f->cur_dir = m.dir;
	f->segs = (uint16_t)(off / g->o->mss);
}

/* Steady state: start the flow at a random point of its life (the capture begins midstream). */
void
gen_flow_fast_forward(struct gen_ctx *g, struct gen_flow *f, uint64_t h)
{
	uint64_t r = h % ((uint64_t)f->n_msgs + 2);
	uint32_t segs;

	if (r == 0)
		return;                 /* just starting: keeps its handshake */
	g->st.flows_midstream++;
	if (r == (uint64_t)f->n_msgs + 1) {
		f->phase = PH_FIN_C;
		return;
	}
	flow_start_msg(g, f, (uint32_t)(r - 1), 0);
	segs = (f->cur_len + g->o->mss - 1) / g->o->mss;
	flow_start_msg(g, f, (uint32_t)(r - 1), (uint32_t)(gen_hash(h, 7) % segs) * g->o->mss);
	f->phase = PH_DATA;
}

static uint16_t
csum_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static uint32_t
csum_add(uint32_t s, const uint8_t *p, uint32_t n)
{
	for (; n > 1; n -= 2, p += 2)
		s += (uint32_t)p[0] << 8 | p[1];
	if (n)
		s += (uint32_t)p[0] << 8;
	return s;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void
put32le(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static int
wflush(struct gen_ctx *g)
{
	if (g->wlen && fwrite(g->wbuf, 1, g->wlen, g->out) != g->wlen)
		return -EIO;
	g->wlen = 0;
	return 0;
}

int
gen_pcap_open(struct gen_ctx *g, const char *path)
{
	uint8_t h[24];

	g->out = fopen(path, "wb");
	if (g->out == NULL)
		return -errno;
	g->wcap = 4u << 20;
	g->wbuf = malloc(g->wcap);
	if (g->wbuf == NULL)
		return -ENOMEM;
	put32le(h, 0xa1b2c3d4u);        /* microsecond timestamps */
	h[4] = 2; h[5] = 0; h[6] = 4; h[7] = 0;
	memset(h + 8, 0, 8);
	put32le(h + 16, 65535);
	put32le(h + 20, 1);             /* LINKTYPE_ETHERNET */
	memcpy(g->wbuf, h, sizeof(h));
	g->wlen = sizeof(h);
	return 0;
}

int
gen_pcap_close(struct gen_ctx *g)
{
	int rc = wflush(g);

	if (fclose(g->out) != 0 && rc == 0)
		rc = -errno;
	free(g->wbuf);
	g->wbuf = NULL;
	return rc;
}

/*
 * Build and write one frame of @p f from direction @p dir with TCP @p flags; @p m and @p len
 * select the payload (message bytes [f->off, f->off + len)).
 */
static void
emit(struct gen_ctx *g, struct gen_flow *f, int dir, uint8_t flags, const struct gen_msg *m,
     uint32_t len)
{
	uint8_t *fr;
	uint32_t optlen = (flags & TH_SYN) ? 20 : (flags & TH_RST) ? 0 : 12;
	uint32_t tcplen = 20 + optlen, iplen = 20 + tcplen + len, flen = 14 + iplen;
	uint32_t caplen = flen < 60 ? 60 : flen;
	uint32_t src = dir == DIR_C2S ? f->cip : f->sip, dst = dir == DIR_C2S ? f->sip : f->cip;
	uint32_t now_ms = (uint32_t)(g->now_ns / 1000000u);
	uint8_t *ip, *tcp, *opt;
	uint32_t s;

	if (g->wlen + 16 + caplen > g->wcap && wflush(g) != 0) {
		fprintf(stderr, "wt_gen: write failed\n");
		exit(1);
	}
	fr = g->wbuf + g->wlen + 16;
	put32le(g->wbuf + g->wlen, (uint32_t)(g->now_ns / 1000000000u));
	put32le(g->wbuf + g->wlen + 4, (uint32_t)(g->now_ns % 1000000000u / 1000u));
	put32le(g->wbuf + g->wlen + 8, caplen);
	put32le(g->wbuf + g->wlen + 12, caplen);

	memcpy(fr, dir == DIR_C2S ? mac_server_side : mac_client_side, 6);
	memcpy(fr + 6, dir == DIR_C2S ? mac_client_side : mac_server_side, 6);
	fr[12] = 0x08;
	fr[13] = 0x00;
	ip = fr + 14;
	ip[0] = 0x45;
	ip[1] = 0;
	put16(ip + 2, (uint16_t)iplen);
	put16(ip + 4, f->ipid[dir]++);
	put16(ip + 6, 0x4000);          /* DF */
	ip[8] = dir == DIR_C2S ? 63 : 62;
	ip[9] = 6;
	put16(ip + 10, 0);
	put32(ip + 12, src);
	put32(ip + 16, dst);
	put16(ip + 10, csum_fold(csum_add(0, ip, 20)));

	tcp = ip + 20;
	put16(tcp, dir == DIR_C2S ? f->cport : f->sport);
	put16(tcp + 2, dir == DIR_C2S ? f->sport : f->cport);
	put32(tcp + 4, f->seq[dir]);
	put32(tcp + 8, (flags & TH_ACK) ? f->seq[!dir] : 0);
	tcp[12] = (uint8_t)((tcplen / 4) << 4);
	tcp[13] = flags;
	put16(tcp + 14, (flags & TH_SYN) ? (dir == DIR_C2S ? 64240 : 65160) : 502);
	put16(tcp + 16, 0);
	put16(tcp + 18, 0);
	opt = tcp + 20;
	if (flags & TH_SYN) {
		static const uint8_t syn_opt[20] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 0,
						     0, 0, 0, 0, 1, 3, 3, 7 };

		memcpy(opt, syn_opt, sizeof(syn_opt));
		put32(opt + 8, f->tsbase[dir] + now_ms);
		put32(opt + 12, dir == DIR_C2S ? 0 : f->tsbase[!dir] + now_ms);
	} else if (optlen) {
		opt[0] = 1;
		opt[1] = 1;
		opt[2] = 8;
		opt[3] = 10;
		put32(opt + 4, f->tsbase[dir] + now_ms);
		put32(opt + 8, f->tsbase[!dir] + now_ms);
	}
	if (len)
		gen_msg_bytes(g, f, m, f->off, len, tcp + tcplen);
	/* pseudo header + segment */
	{
		uint8_t ph[12];

		put32(ph, src);
		put32(ph + 4, dst);
		ph[8] = 0;
		ph[9] = 6;
		put16(ph + 10, (uint16_t)(tcplen + len));
		s = csum_add(0, ph, sizeof(ph));
		s = csum_add(s, tcp, tcplen + len);
		put16(tcp + 16, csum_fold(s));
	}
	if (caplen > flen)
		memset(fr + flen, 0, caplen - flen);

	f->seq[dir] += len + ((flags & (TH_SYN | TH_FIN)) ? 1 : 0);
	g->wlen += 16 + caplen;
	if (g->st.packets == 0)
		g->st.first_ns = g->now_ns;
	g->st.last_ns = g->now_ns;
	g->now_ns += g->step_ns;
	g->st.packets++;
	g->st.wire_bytes += caplen;
	g->st.payload_bytes += len;
	g->st.proto_pkts[f->proto]++;
	g->st.proto_bytes[f->proto] += caplen;
	g->st.size_hist[caplen <= 64 ? 0 : caplen <= 128 ? 1 : caplen <= 256 ? 2 :
			caplen <= 512 ? 3 : caplen <= 1024 ? 4 : 5]++;
	if (flags & TH_SYN)
		g->st.syn++;
	if (flags & TH_FIN)
		g->st.fin++;
	if (flags & TH_RST)
		g->st.rst++;
}

static int
kind_cleartext_msg(const struct gen_msg *m)
{
	return m->kind == K_HTTP_REQ || m->kind == K_HTTP_RESP || m->kind == K_GRPC_REQ ||
	       m->kind == K_GRPC_RESP || m->kind == K_MQTT_PUBLISH;
}

static void
flow_data(struct gen_ctx *g, struct gen_flow *f, int *more)
{
	struct gen_msg m;
	uint32_t seg;
	int dir;

	if (f->pending_ack) {
		dir = f->pending_ack - 1;
		f->pending_ack = 0;
		emit(g, f, dir, TH_ACK, NULL, 0);
		g->st.pure_ack++;
		return;
	}
	gen_msg_describe(g, f, f->cur, &m);
	if (f->off == 0 || f->segs == 0) {
		g->st.msgs++;
		if (kind_cleartext_msg(&m))
			g->st.cleartext_msgs++;
		if (m.hit)
			g->st.hit_msgs++;
	}
	seg = WT_GEN_MIN(g->o->mss, m.len - f->off);
	emit(g, f, m.dir, (uint8_t)(TH_ACK | (f->off + seg == m.len ? TH_PSH : 0)), &m, seg);
	f->off += seg;
	f->segs++;
	if (f->off < m.len) {
		if (f->segs % 2 == 0)
			f->pending_ack = (uint8_t)(1 + !m.dir);   /* the receiver's delayed ACK */
		else
			*more = 1;
		return;
	}
	if (f->cur + 1 == f->n_msgs) {
		f->phase = (f->flags & GF_RST) ? PH_RST : PH_FIN_C;
		return;
	}
	flow_start_msg(g, f, f->cur + 1, 0);
	if (f->cur_dir == m.dir || (m.dir == DIR_S2C && (m.seed & 0x10000)))
		f->pending_ack = (uint8_t)(1 + !m.dir);
}

int
gen_flow_step(struct gen_ctx *g, struct gen_flow *f, int *more)
{
	*more = 0;
	switch (f->phase) {
	case PH_SYN:
		emit(g, f, DIR_C2S, TH_SYN, NULL, 0);
		f->phase = PH_SYNACK;
		break;
	case PH_SYNACK:
		emit(g, f, DIR_S2C, TH_SYN | TH_ACK, NULL, 0);
		f->phase = PH_ACK3;
		break;
	case PH_ACK3:
		emit(g, f, DIR_C2S, TH_ACK, NULL, 0);
		flow_start_msg(g, f, 0, 0);
		f->phase = PH_DATA;
		break;
	case PH_DATA:
		flow_data(g, f, more);
		break;
	case PH_FIN_C:
		emit(g, f, DIR_C2S, TH_FIN | TH_ACK, NULL, 0);
		f->phase = PH_FIN_S;
		break;
	case PH_FIN_S:
		emit(g, f, DIR_S2C, TH_FIN | TH_ACK, NULL, 0);
		f->phase = PH_LAST;
		break;
	case PH_LAST:
		emit(g, f, DIR_C2S, TH_ACK, NULL, 0);
		f->phase = PH_DONE;
		break;
	case PH_RST:
		emit(g, f, DIR_C2S, TH_RST | TH_ACK, NULL, 0);
		f->phase = PH_DONE;
		break;
	default:
		break;
	}
	if (f->phase == PH_DONE) {
		g->st.flows_done++;
		return 1;
	}
	return 0;
}
