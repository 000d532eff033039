/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP reassembly: in-order delivery, every permutation of split messages (split at every byte),
 * retransmissions, overlaps, gaps at every bound, midstream, sequence wrap, chained mbufs,
 * FIN/RST, release, slot exhaustion and every counter. Packets are built by hand as mbufs with a
 * struct wt_pkt in the private area (no decoder); every test ends with the mbuf pool full again.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <rte_errno.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "wt_stream.h"

int wt_test_stream(void);

#define SYN WT_TCP_SYN
#define ACK WT_TCP_ACK
#define FIN WT_TCP_FIN
#define RST WT_TCP_RST
#define PSH WT_TCP_PSH
#define TS 7000ull
#define HDR 54u                 /* fake Ethernet + IPv4 + TCP headers before the payload */
#define POOL_N 8191u
#define ROOM 4096u              /* mbuf data room (plus headroom) */
#define RECMAX (1u << 16)
#define MSG 3072u               /* the split-at-every-byte message */

static struct rte_mempool *pool;

/* What the L7 callbacks saw, per direction. */
static struct {
	uint8_t buf[2][RECMAX];
	uint32_t len[2];
	uint32_t chunks[2];
	uint32_t flags_or[2];
	uint32_t first_flags[2];
	uint32_t last_flags[2];
	uint32_t gap_chunks[2];
	uint32_t gap_at[2][16];     /* rec offset of each GAP chunk */
	uint32_t eof[2];
	uint32_t slot;
	uint32_t bad;               /* callback misuse: wrong slot, data after eof, overflow */
} rec;

/* Counters asserted with a non-zero value somewhere (checked by the last test). */
static uint8_t ctr_seen[WT_STREAM_CTR__MAX];

static void
rec_reset(void)
{
	memset(&rec, 0, sizeof(rec));
}

static void
on_deliver(void *arg, struct wt_flow *f, uint32_t slot, uint8_t dir, const uint8_t *data,
	   uint32_t len, uint32_t flags, uint64_t ts_ns)
{
	(void)arg;
	if (f->l7_slot != slot + 1 || dir > 1 || data == NULL || len == 0 || ts_ns != TS ||
	    rec.eof[dir] || rec.len[dir] + len > RECMAX) {
		rec.bad++;
		return;
	}
	rec.slot = slot;
	memcpy(rec.buf[dir] + rec.len[dir], data, len);
	if (rec.chunks[dir] == 0)
		rec.first_flags[dir] = flags;
	if ((flags & WT_STREAM_F_GAP) && rec.gap_chunks[dir] < 16)
		rec.gap_at[dir][rec.gap_chunks[dir]] = rec.len[dir];
	if (flags & WT_STREAM_F_GAP)
		rec.gap_chunks[dir]++;
	rec.len[dir] += len;
	rec.chunks[dir]++;
	rec.flags_or[dir] |= flags;
	rec.last_flags[dir] = flags;
}

static void
on_eof(void *arg, struct wt_flow *f, uint32_t slot, uint8_t dir, uint64_t ts_ns)
{
	(void)arg;
	if (f->l7_slot != slot + 1 || dir > 1 || ts_ns != TS)
		rec.bad++;
	else
		rec.eof[dir]++;
}

static const struct wt_stream_ops ops = { .deliver = on_deliver, .eof = on_eof };

static struct rte_mempool *
pool_get(void)
{
	static unsigned int seq;
	char name[32];

	if (pool == NULL) {
		snprintf(name, sizeof(name), "tstream%u", seq++);
		pool = rte_pktmbuf_pool_create(name, POOL_N, 0, sizeof(struct wt_pkt),
					       ROOM + RTE_PKTMBUF_HEADROOM, SOCKET_ID_ANY);
	}
	return pool;
}

static struct wt_stream_lcore *
mk_sl(const struct wt_stream_conf *c)
{
	struct wt_stream_conf d;
	struct wt_stream_lcore *sl;

	if (c == NULL) {
		wt_stream_conf_defaults(&d);
		d.max_streams = 64;
		c = &d;
	}
	CU_ASSERT_PTR_NOT_NULL_FATAL(pool_get());
	sl = wt_stream_lcore_create("tstream", c, SOCKET_ID_ANY, &ops, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sl);
	rec_reset();
	return sl;
}

static void
pool_full(void)
{
	CU_ASSERT_EQUAL(rte_mempool_avail_count(pool), POOL_N);
}

static struct wt_flow
mk_flow(void)
{
	struct wt_flow f;

	memset(&f, 0, sizeof(f));
	f.key.proto = 6;
	f.key.ipver = 4;
	f.in_use = 1;
	return f;
}

/* One mbuf of header bytes then @p first payload bytes, the rest chained @p seg bytes a piece. */
static struct rte_mbuf *
mk_pkt_seg(uint32_t seq, uint8_t flags, const uint8_t *data, uint32_t len, uint32_t first,
	   uint32_t seg)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool), *t = m;
	struct wt_pkt *p;
	uint8_t *w;
	uint32_t done;

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	first = first < len ? first : len;
	w = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(HDR + first));
	memset(w, 0xee, HDR);
	if (first > 0)
		memcpy(w + HDR, data, first);
	for (done = first; done < len; done += seg) {
		uint32_t n = len - done < seg ? len - done : seg;

		t = rte_pktmbuf_alloc(pool);
		CU_ASSERT_PTR_NOT_NULL_FATAL(t);
		memcpy(rte_pktmbuf_append(t, (uint16_t)n), data + done, n);
		CU_ASSERT_EQUAL_FATAL(rte_pktmbuf_chain(m, t), 0);
	}
	p = wt_pkt_of(m);
	memset(p, 0, sizeof(*p));
	p->proto = 6;
	p->flags = WT_PKT_F_L4;
	p->tcp_flags = flags;
	p->tcp_seq = seq;
	p->l3_off = 14;
	p->l4_off = 34;
	p->payload_off = HDR;
	p->payload_len = (uint16_t)len;
	return m;
}

/* Feed one packet (payload chained every @p seg bytes; 0: one mbuf), then drop our reference. */
static int
send_seg(struct wt_stream_lcore *sl, struct wt_flow *f, uint8_t dir, uint32_t seq, uint8_t flags,
	 const uint8_t *data, uint32_t len, uint32_t seg)
{
	struct rte_mbuf *m = mk_pkt_seg(seq, flags, data, len, seg ? seg : len, seg ? seg : 1);
	int rc = wt_stream_packet(sl, f, dir, m, wt_pkt_of(m), TS);

	rte_pktmbuf_free(m);
	return rc;
}

static int
send(struct wt_stream_lcore *sl, struct wt_flow *f, uint8_t dir, uint32_t seq, uint8_t flags,
     const uint8_t *data, uint32_t len)
{
	return send_seg(sl, f, dir, seq, flags, data, len, 0);
}

static uint64_t
ctr(const struct wt_stream_lcore *sl, enum wt_stream_counter c)
{
	struct wt_stream_stats st;

	wt_stream_stats_get(sl, &st);
	return st.c[c];
}

/* Assert a counter's exact value and remember that it was seen non-zero. */
#define CHK(sl, sym, v) do { \
	uint64_t v_ = (v); \
	CU_ASSERT_EQUAL(ctr(sl, WT_STREAM_CTR_##sym), v_); \
	if (v_ > 0 && ctr(sl, WT_STREAM_CTR_##sym) == v_) \
		ctr_seen[WT_STREAM_CTR_##sym] = 1; \
} while (0)

static uint64_t rnd_state;

static uint32_t
rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return (uint32_t)(rnd_state >> 11);
}

static uint8_t msg[MSG];

static void
msg_init(void)
{
	for (uint32_t i = 0; i < MSG; i++)
		msg[i] = (uint8_t)(i * 7 + (i >> 8) * 13 + 1);
}

static void
test_in_order(void)
{
	struct wt_stream_lcore *sl = mk_sl(NULL);
	struct wt_flow f = mk_flow();
	static const char req1[] = "GET / HTTP/1.1\r\n", req2[] = "Host: x\r\n\r\n";
	static const char rsp[] = "HTTP/1.1 200 OK\r\n\r\n", bye[] = "bye";
	struct wt_stream_stats st;

	CU_ASSERT_EQUAL(send(sl, &f, WT_DIR_TOSERVER, 1000, SYN, NULL, 0), 0);
	CU_ASSERT_EQUAL(f.l7_slot, 1);
	CHK(sl, ATTACHED, 1);
	send(sl, &f, WT_DIR_TOCLIENT, 5000, SYN | ACK, NULL, 0);
	send(sl, &f, WT_DIR_TOSERVER, 1001, ACK, NULL, 0);
	send(sl, &f, WT_DIR_TOSERVER, 1001, ACK | PSH, (const uint8_t *)req1, 16);
	send(sl, &f, WT_DIR_TOSERVER, 1017, ACK | PSH, (const uint8_t *)req2, 11);
	send(sl, &f, WT_DIR_TOCLIENT, 5001, ACK | PSH, (const uint8_t *)rsp, 19);
	CU_ASSERT_EQUAL(rec.len[0], 27);
	CU_ASSERT(memcmp(rec.buf[0], req1, 16) == 0 && memcmp(rec.buf[0] + 16, req2, 11) == 0);
	CU_ASSERT_EQUAL(rec.len[1], 19);
	CU_ASSERT(memcmp(rec.buf[1], rsp, 19) == 0);
	CU_ASSERT_EQUAL(rec.chunks[0], 2);
	CU_ASSERT_EQUAL(rec.first_flags[0], WT_STREAM_F_START);
	CU_ASSERT_EQUAL(rec.last_flags[0], 0);
	CU_ASSERT_EQUAL(rec.first_flags[1], WT_STREAM_F_START);
	CU_ASSERT_EQUAL(rec.slot, 0);
	CHK(sl, SEGMENTS, 3);
	CHK(sl, IN_ORDER, 3);
	CHK(sl, BYTES_DELIVERED, 46);
	CHK(sl, MIDSTREAM, 0);
	/* FIN: eof once, a retransmitted FIN changes nothing; FIN with data delivers then closes. */
	send(sl, &f, WT_DIR_TOSERVER, 1028, FIN | ACK, NULL, 0);
	CU_ASSERT_EQUAL(rec.eof[0], 1);
	send(sl, &f, WT_DIR_TOSERVER, 1028, FIN | ACK, NULL, 0);
	CU_ASSERT_EQUAL(rec.eof[0], 1);
	CU_ASSERT_EQUAL(rec.eof[1], 0);
	send(sl, &f, WT_DIR_TOCLIENT, 5020, FIN | ACK | PSH, (const uint8_t *)bye, 3);
	CU_ASSERT_EQUAL(rec.len[1], 22);
	CU_ASSERT_EQUAL(rec.eof[1], 1);
	CHK(sl, EOFS, 2);
	wt_stream_stats_get(sl, &st);
	CU_ASSERT_EQUAL(st.active, 1);
	wt_stream_release(sl, &f, TS);
	CU_ASSERT_EQUAL(f.l7_slot, 0);
	CU_ASSERT_EQUAL(rec.eof[0], 1);
	CU_ASSERT_EQUAL(rec.eof[1], 1);
	wt_stream_release(sl, &f, TS);      /* l7_slot 0: nothing */
	wt_stream_stats_get(sl, &st);
	CU_ASSERT_EQUAL(st.active, 0);
	CU_ASSERT_EQUAL(rec.bad, 0);
	wt_stream_lcore_free(sl);
	pool_full();
}

/*
 * One flow: SYN at @p isn, then msg[cuts[k] .. cuts[k+1]) for k in @p order, each chained every
 * @p seg bytes, then release. @return 0 when exactly msg[0 .. n) arrived in one piece, no gap.
 */
static int
run_order(struct wt_stream_lcore *sl, uint32_t n, const uint32_t *cuts, const uint32_t *order,
	  uint32_t nseg, uint32_t isn, uint32_t seg)
{
	struct wt_flow f = mk_flow();
	int bad;

	rec_reset();
	send(sl, &f, WT_DIR_TOSERVER, isn, SYN, NULL, 0);
	for (uint32_t k = 0; k < nseg; k++) {
		uint32_t a = cuts[order[k]], b = cuts[order[k] + 1];

		send_seg(sl, &f, WT_DIR_TOSERVER, isn + 1 + a, ACK, msg + a, b - a, seg);
	}
	bad = rec.len[0] != n || memcmp(rec.buf[0], msg, n) != 0 || rec.gap_chunks[0] != 0 ||
	      rec.bad != 0 || rec.eof[0] != 0;
	wt_stream_release(sl, &f, TS);
	bad |= rec.len[0] != n || rec.eof[0] != 1 || rec.eof[1] != 1 || f.l7_slot != 0;
	return bad;
}

static void
test_split_every_byte(void)
{
	static const uint32_t perm3[6][3] = {
		{ 0, 1, 2 }, { 0, 2, 1 }, { 1, 0, 2 }, { 1, 2, 0 }, { 2, 0, 1 }, { 2, 1, 0 },
	};
	static const uint32_t fwd[2] = { 0, 1 }, rev[2] = { 1, 0 };
	struct wt_stream_lcore *sl = mk_sl(NULL);
	uint32_t bad = 0, runs = 0;

	msg_init();
	for (uint32_t i = 1; i < MSG; i++) {
		uint32_t cuts2[3] = { 0, i, MSG };

		bad += run_order(sl, MSG, cuts2, fwd, 2, 1000, 0) != 0;
		bad += run_order(sl, MSG, cuts2, rev, 2, 1000, 0) != 0;
		runs += 2;
		if (i + 1 < MSG) {
			uint32_t j = i + 1 + (MSG - i - 1) / 2;
			uint32_t cuts3[4] = { 0, i, j, MSG };

			for (int p = 0; p < 6; p++)
				bad += run_order(sl, MSG, cuts3, perm3[p], 3, 0xfffff000u + i, 0) != 0;
			runs += 6;
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(runs, 2 * (MSG - 1) + 6 * (MSG - 2));
	CHK(sl, GAPS, 0);
	CHK(sl, HELD_BYTES, 0);
	CHK(sl, HELD_SEGS, 0);
	CU_ASSERT_EQUAL(ctr(sl, WT_STREAM_CTR_OOO_QUEUED), ctr(sl, WT_STREAM_CTR_OOO_DELIVERED));
	wt_stream_lcore_free(sl);
	pool_full();
}

/* Random cuts, random order, random chaining, duplicated and overlapping resends (seeded). */
static void
test_random_orders(void)
{
	struct wt_stream_lcore *sl = mk_sl(NULL);
	uint32_t bad = 0;

	msg_init();
	for (uint64_t seed = 1; seed <= 400; seed++) {
		uint32_t cuts[42], order[80], nseg, nsend, isn, seg;

		rnd_state = seed * 0x9e3779b97f4a7c15ull;
		nseg = 2 + rnd() % 40;
		cuts[0] = 0;
		cuts[nseg] = MSG;
		for (uint32_t k = 1; k < nseg; k++)  /* sorted, distinct cut points */
			cuts[k] = cuts[k - 1] + 1 + rnd() % ((MSG - cuts[k - 1] - (nseg - k)) / 2 + 1);
		for (uint32_t k = 0; k < nseg; k++)
			order[k] = k;
		nsend = nseg;
		for (uint32_t k = 0; k < nseg / 2; k++)      /* resend some pieces */
			order[nsend++] = rnd() % nseg;
		for (uint32_t k = nsend - 1; k > 0; k--) {
			uint32_t r = rnd() % (k + 1), t = order[k];

			order[k] = order[r];
			order[r] = t;
		}
		isn = seed & 1 ? rnd() : 0xffffffffu - rnd() % 4096;
		seg = rnd() % 3 == 0 ? 1 + rnd() % 300 : 0;
		bad += run_order(sl, MSG, cuts, order, nsend, isn, seg) != 0;
	}
	CU_ASSERT_EQUAL(bad, 0);
	CHK(sl, GAPS, 0);
	CU_ASSERT(ctr(sl, WT_STREAM_CTR_RETRANSMISSIONS) > 0);
	CU_ASSERT(ctr(sl, WT_STREAM_CTR_OOO_QUEUED) > 0);
	CHK(sl, OVERLAP_DIFF, 0);
	CHK(sl, HELD_BYTES, 0);
	wt_stream_lcore_free(sl);
	pool_full();
}

static void
test_retransmissions(void)
{
	struct wt_stream_lcore *sl = mk_sl(NULL);
	struct wt_flow f = mk_flow();

	msg_init();
	send(sl, &f, WT_DIR_TOSERVER, 99, SYN, NULL, 0);
	send(sl, &f, WT_DIR_TOSERVER, 100, ACK, msg, 10);
	send(sl, &f, WT_DIR_TOSERVER, 100, ACK, msg, 10);             /* same again */
	CHK(sl, RETRANSMISSIONS, 1);
	send(sl, &f, WT_DIR_TOSERVER, 105, ACK, msg + 5, 15);         /* 5 old, 10 new */
	CHK(sl, OVERLAPS, 1);
	send(sl, &f, WT_DIR_TOSERVER, 100, ACK, msg, 20);
	send(sl, &f, WT_DIR_TOSERVER, 50, ACK, msg, 20);              /* before the ISN */
	CHK(sl, RETRANSMISSIONS, 3);
	CU_ASSERT_EQUAL(rec.len[0], 20);
	CU_ASSERT(memcmp(rec.buf[0], msg, 20) == 0);
	CHK(sl, IN_ORDER, 2);
	CHK(sl, SEGMENTS, 5);
	CHK(sl, BYTES_DELIVERED, 20);
	wt_stream_release(sl, &f, TS);
	wt_stream_lcore_free(sl);
	pool_full();
}

static void
test_overlaps_queued(void)
{
	struct wt_stream_lcore *sl = mk_sl(NULL);
	struct wt_flow f = mk_flow();
	uint8_t alt[200];

	msg_init();
	for (int i = 0; i < 200; i++)
		alt[i] = (uint8_t)~msg[i];
	send(sl, &f, WT_DIR_TOSERVER, 99, SYN, NULL, 0);
	send(sl, &f, WT_DIR_TOSERVER, 200, ACK, msg + 100, 50);   /* [200,250) queued */
	CHK(sl, OOO_QUEUED, 1);
	CHK(sl, HELD_BYTES, 50);
	CHK(sl, HELD_SEGS, 1);
	send(sl, &f, WT_DIR_TOSERVER, 225, ACK, msg + 125, 50);   /* same bytes, [250,275) new */
	CHK(sl, OVERLAPS, 1);
	CHK(sl, OVERLAP_DIFF, 0);
	CHK(sl, OOO_QUEUED, 2);
	send(sl, &f, WT_DIR_TOSERVER, 210, ACK, alt + 110, 30);   /* covered, different */
	CHK(sl, RETRANSMISSIONS, 1);
	CHK(sl, OVERLAP_DIFF, 1);
	/* [190,290): original around, different in the middle: two new pieces around two nodes */
	{
		uint8_t mix[100];

		memcpy(mix, msg + 90, 100);
		memcpy(mix + 10, alt + 100, 75);
		send(sl, &f, WT_DIR_TOSERVER, 190, ACK, mix, 100);
	}
	CHK(sl, OOO_QUEUED, 4);
	CHK(sl, OVERLAP_DIFF, 3);
	CHK(sl, OVERLAPS, 2);
	CHK(sl, HELD_BYTES, 100);
	CHK(sl, HELD_BYTES_PEAK, 100);
	CHK(sl, HELD_SEGS_PEAK, 4);
	CU_ASSERT_EQUAL(rec.len[0], 0);
	/* in order [100,230), different over [190,230): queued bytes win */
	{
		uint8_t in[130];

		memcpy(in, msg, 130);
		memcpy(in + 90, alt + 90, 40);
		send(sl, &f, WT_DIR_TOSERVER, 100, ACK, in, 130);
	}
	CHK(sl, OVERLAP_DIFF, 5);
	CHK(sl, OVERLAPS, 3);
	CHK(sl, IN_ORDER, 1);
	CHK(sl, OOO_DELIVERED, 4);
	CHK(sl, HELD_BYTES, 0);
	CU_ASSERT_EQUAL(rec.len[0], 190);
	send(sl, &f, WT_DIR_TOSERVER, 290, ACK, msg + 190, 10);
	CU_ASSERT_EQUAL(rec.len[0], 200);
	CU_ASSERT(memcmp(rec.buf[0], msg, 200) == 0);
	CU_ASSERT_EQUAL(rec.gap_chunks[0], 0);
	wt_stream_release(sl, &f, TS);
	CU_ASSERT_EQUAL(rec.bad, 0);
	wt_stream_lcore_free(sl);
	pool_full();
}

/* Queue [base + 100 k, +10) for k in 1 .. n on direction 0 of @p f (next expected: base). */
static void
queue_holes(struct wt_stream_lcore *sl, struct wt_flow *f, uint32_t base, uint32_t n)
{
	for (uint32_t k = 1; k <= n; k++)
		send(sl, f, WT_DIR_TOSERVER, base + 100 * k, ACK, msg + 100 * k, 10);
}

static void
test_gap_queue_full(void)
{
	struct wt_stream_conf c;
	struct wt_stream_lcore *sl;
	struct wt_flow f = mk_flow();

	msg_init();
	wt_stream_conf_defaults(&c);
	c.max_streams = 8;
	c.max_ooo_segs = 4;
	sl = mk_sl(&c);
	send(sl, &f, WT_DIR_TOSERVER, 99, SYN, NULL, 0);
	queue_holes(sl, &f, 100, 4);                    /* 200, 300, 400, 500 */
	CHK(sl, QUEUE_FULL, 0);
	send(sl, &f, WT_DIR_TOSERVER, 600, ACK, msg + 500, 10);
	CHK(sl, QUEUE_FULL, 1);
	CHK(sl, GAPS, 1);
	CHK(sl, GAP_BYTES, 100);
	CHK(sl, OOO_QUEUED, 5);
	CHK(sl, OOO_DELIVERED, 1);
	CU_ASSERT_EQUAL(rec.len[0], 10);
	CU_ASSERT_EQUAL(rec.first_flags[0], WT_STREAM_F_GAP | WT_STREAM_F_START);
	CU_ASSERT(memcmp(rec.buf[0], msg + 100, 10) == 0);
	send(sl, &f, WT_DIR_TOSERVER, 100, ACK, msg, 50);  /* the lost bytes, too late */
	CHK(sl, RETRANSMISSIONS, 1);
	CU_ASSERT(rte_mempool_avail_count(pool) < POOL_N);
	wt_stream_release(sl, &f, TS);
	CHK(sl, GAPS, 5);
	CHK(sl, GAP_BYTES, 460);
	CHK(sl, OOO_DELIVERED, 5);
	CU_ASSERT_EQUAL(rec.len[0], 50);
	CU_ASSERT_EQUAL(rec.gap_chunks[0], 5);
	for (uint32_t k = 0; k < 5; k++) {
		CU_ASSERT_EQUAL(rec.gap_at[0][k], 10 * k);
		CU_ASSERT(memcmp(rec.buf[0] + 10 * k, msg + 100 * (k + 1), 10) == 0);
	}
	CU_ASSERT_EQUAL(rec.eof[0], 1);
	CU_ASSERT_EQUAL(rec.eof[1], 1);
	pool_full();

	/* Queue full, newcomer before the queue: the hole up to it is skipped, the queue stays. */
	rec_reset();
	f = mk_flow();
	send(sl, &f, WT_DIR_TOSERVER, 99, SYN, NULL, 0);
	queue_holes(sl, &f, 100, 4);
	send(sl, &f, WT_DIR_TOSERVER, 150, ACK, msg + 50, 10);
	CHK(sl, QUEUE_FULL, 2);
	CHK(sl, GAPS, 6);
	CHK(sl, GAP_BYTES, 510);
	CU_ASSERT_EQUAL(rec.len[0], 10);
	CU_ASSERT(memcmp(rec.buf[0], msg + 50, 10) == 0);
	CHK(sl, HELD_SEGS, 4);
	wt_stream_release(sl, &f, TS);
	CHK(sl, HELD_SEGS, 0);
	wt_stream_lcore_free(sl);
	pool_full();
}

static void
test_gap_memcaps(void)
{
	struct wt_stream_conf c;
	struct wt_stream_lcore *sl;
	struct wt_flow f = mk_flow(), g = mk_flow();

	msg_init();
	/* per flow and direction */
	wt_stream_conf_defaults(&c);
	c.max_streams = 8;
	c.flow_memcap = 25;
	sl = mk_sl(&c);
	send(sl, &f, WT_DIR_TOSERVER, 99, SYN, NULL, 0);
	queue_holes(sl, &f, 100, 3);
	CHK(sl, MEMCAP_HITS, 1);
	CHK(sl, GAPS, 1);
	CHK(sl, GAP_BYTES, 100);
	CHK(sl, HELD_BYTES, 20);
	CU_ASSERT_EQUAL(rec.len[0], 10);
	CU_ASSERT(rec.first_flags[0] & WT_STREAM_F_GAP);
	wt_stream_release(sl, &f, TS);
	CHK(sl, GAP_BYTES, 280);
	CU_ASSERT_EQUAL(rec.len[0], 30);
	wt_stream_lcore_free(sl);
	pool_full();

	/* per worker, two flows */
	wt_stream_conf_defaults(&c);
	c.max_streams = 8;
	c.memcap = 25;
	sl = mk_sl(&c);
	f = mk_flow();
	send(sl, &f, WT_DIR_TOSERVER, 99, SYN, NULL, 0);
	send(sl, &g, WT_DIR_TOSERVER, 99, SYN, NULL, 0);
	queue_holes(sl, &f, 100, 1);
	queue_holes(sl, &g, 100, 2);
	CHK(sl, MEMCAP_HITS, 1);
	CHK(sl, GAPS, 1);
	CHK(sl, HELD_BYTES, 20);
	wt_stream_release(sl, &f, TS);
	wt_stream_release(sl, &g, TS);
	wt_stream_lcore_free(sl);
	pool_full();

	/* held-segment pool of the worker */
	wt_stream_conf_defaults(&c);
	c.max_streams = 8;
	c.max_held_segs = 2;
	sl = mk_sl(&c);
	f = mk_flow();
	g = mk_flow();
	send(sl, &f, WT_DIR_TOSERVER, 99, SYN, NULL, 0);
	send(sl, &g, WT_DIR_TOSERVER, 99, SYN, NULL, 0);
	queue_holes(sl, &f, 100, 1);
	queue_holes(sl, &g, 100, 1);
	send(sl, &f, WT_DIR_TOSERVER, 300, ACK, msg + 300, 10);
	CHK(sl, SEG_POOL_EMPTY, 1);
	CHK(sl, GAPS, 1);
	CHK(sl, HELD_SEGS, 2);
	CHK(sl, HELD_SEGS_PEAK, 2);
	wt_stream_release(sl, &f, TS);
	wt_stream_release(sl, &g, TS);
	wt_stream_lcore_free(sl);
	pool_full();

	/* too far ahead: with an empty queue, then with a queue */
	wt_stream_conf_defaults(&c);
	c.max_streams = 8;
	c.window = 1000;
	sl = mk_sl(&c);
	f = mk_flow();
	send(sl, &f, WT_DIR_TOSERVER, 99, SYN, NULL, 0);
	send(sl, &f, WT_DIR_TOSERVER, 5000, ACK, msg, 10);
	CHK(sl, TOO_FAR, 1);
	CHK(sl, GAPS, 1);
	CHK(sl, GAP_BYTES, 4900);
	CHK(sl, IN_ORDER, 1);
	CU_ASSERT_EQUAL(rec.first_flags[0], WT_STREAM_F_GAP | WT_STREAM_F_START);
	queue_holes(sl, &f, 5010, 1);                   /* [5110, 5120) */
	send(sl, &f, WT_DIR_TOSERVER, 8000, ACK, msg, 10);
	CHK(sl, TOO_FAR, 2);
	CHK(sl, GAPS, 3);
	CHK(sl, GAP_BYTES, 4900 + 100 + 2880);
	CU_ASSERT_EQUAL(rec.len[0], 30);
	CU_ASSERT_EQUAL(rec.gap_chunks[0], 3);
	wt_stream_release(sl, &f, TS);
	wt_stream_lcore_free(sl);
	pool_full();
}

static void
test_midstream(void)
{
	struct wt_stream_lcore *sl = mk_sl(NULL);
	struct wt_flow f = mk_flow();

	CU_ASSERT_EQUAL(send(sl, &f, WT_DIR_TOSERVER, 777777, ACK, NULL, 0), 0);
	CU_ASSERT_EQUAL(f.l7_slot, 0);                  /* no SYN, no payload: nothing attached */
	send(sl, &f, WT_DIR_TOSERVER, 777777, ACK | PSH, (const uint8_t *)"abc", 3);
	CU_ASSERT_EQUAL(f.l7_slot, 1);
	CHK(sl, MIDSTREAM, 1);
	CU_ASSERT_EQUAL(rec.first_flags[0], WT_STREAM_F_MIDSTREAM | WT_STREAM_F_START);
	send(sl, &f, WT_DIR_TOCLIENT, 41, SYN | ACK, NULL, 0);
	send(sl, &f, WT_DIR_TOCLIENT, 42, ACK | PSH, (const uint8_t *)"xyz", 3);
	CU_ASSERT_EQUAL(rec.first_flags[1], WT_STREAM_F_START);
	send(sl, &f, WT_DIR_TOSERVER, 777780, ACK | PSH, (const uint8_t *)"def", 3);
	CU_ASSERT_EQUAL(rec.last_flags[0], WT_STREAM_F_MIDSTREAM);
	send(sl, &f, WT_DIR_TOSERVER, 777770, ACK, (const uint8_t *)"0123456", 7);
	CHK(sl, RETRANSMISSIONS, 1);
	CU_ASSERT_EQUAL(rec.len[0], 6);
	CU_ASSERT(memcmp(rec.buf[0], "abcdef", 6) == 0);
	CU_ASSERT_EQUAL(rec.flags_or[1] & WT_STREAM_F_MIDSTREAM, 0);
	CHK(sl, MIDSTREAM, 1);
	wt_stream_release(sl, &f, TS);
	CU_ASSERT_EQUAL(rec.eof[0], 1);
	wt_stream_lcore_free(sl);
	pool_full();
}

static void
test_wrap(void)
{
	struct wt_stream_lcore *sl = mk_sl(NULL);
	struct wt_flow f = mk_flow();
	const uint32_t isn = 0xffffff00u;               /* data from 0xffffff01, crosses 2^32 */

	msg_init();
	send(sl, &f, WT_DIR_TOSERVER, isn, SYN, NULL, 0);
	send(sl, &f, WT_DIR_TOSERVER, isn + 1 + 400, ACK, msg + 400, 200);
	send(sl, &f, WT_DIR_TOSERVER, isn + 1 + 200, ACK, msg + 200, 200);
	CHK(sl, HELD_BYTES, 400);
	send(sl, &f, WT_DIR_TOSERVER, isn + 1, ACK, msg, 200);
	CU_ASSERT_EQUAL(rec.len[0], 600);
	CU_ASSERT(memcmp(rec.buf[0], msg, 600) == 0);
	send(sl, &f, WT_DIR_TOSERVER, isn + 1 + 100, ACK, msg + 100, 300);  /* old, across 2^32 */
	CHK(sl, RETRANSMISSIONS, 1);
	send(sl, &f, WT_DIR_TOSERVER, isn + 1 + 600, FIN | ACK, NULL, 0);
	CU_ASSERT_EQUAL(rec.eof[0], 1);
	CU_ASSERT_EQUAL(rec.gap_chunks[0], 0);
	wt_stream_release(sl, &f, TS);

	/* a hole skipped across 2^32 */
	f = mk_flow();
	rec_reset();
	send(sl, &f, WT_DIR_TOSERVER, 0xfffffff0u, SYN, NULL, 0);
	send(sl, &f, WT_DIR_TOSERVER, 0x10u, ACK, msg, 10);
	wt_stream_release(sl, &f, TS);
	CHK(sl, GAP_BYTES, 0x20 - 1);
	CU_ASSERT_EQUAL(rec.len[0], 10);
	wt_stream_lcore_free(sl);
	pool_full();
}

static void
test_multiseg(void)
{
	struct wt_stream_lcore *sl = mk_sl(NULL);
	struct wt_flow f = mk_flow();
	struct rte_mbuf *m;
	uint8_t alt[100];

	msg_init();
	send(sl, &f, WT_DIR_TOSERVER, 99, SYN, NULL, 0);
	/* 10 bytes in the head mbuf, then 7 a segment: one delivery per segment, no copy */
	m = mk_pkt_seg(100, ACK, msg, 100, 10, 7);
	CU_ASSERT_EQUAL(m->nb_segs, 1 + 13);
	CU_ASSERT_EQUAL(wt_stream_packet(sl, &f, 0, m, wt_pkt_of(m), TS), 0);
	rte_pktmbuf_free(m);
	CU_ASSERT_EQUAL(rec.chunks[0], 14);
	CU_ASSERT_EQUAL(rec.len[0], 100);
	/* head mbuf holds only headers: the payload starts in the second segment */
	m = mk_pkt_seg(200, ACK, msg + 100, 50, 0, 20);
	wt_stream_packet(sl, &f, 0, m, wt_pkt_of(m), TS);
	rte_pktmbuf_free(m);
	CU_ASSERT_EQUAL(rec.len[0], 150);
	/* queued chained segment, then an in-order one overlapping it with other chaining */
	send_seg(sl, &f, WT_DIR_TOSERVER, 300, ACK, msg + 200, 100, 7);
	CHK(sl, HELD_SEGS, 1);
	CU_ASSERT(rte_mempool_avail_count(pool) < POOL_N - 10);  /* every segment is held */
	memcpy(alt, msg + 150, 100);
	alt[99] ^= 1;                                   /* differs in the overlap's last byte */
	send_seg(sl, &f, WT_DIR_TOSERVER, 250, ACK, alt, 100, 13);
	CHK(sl, OVERLAP_DIFF, 1);
	CU_ASSERT_EQUAL(rec.len[0], 300);
	CU_ASSERT(memcmp(rec.buf[0], msg, 300) == 0);
	/* in order, first 31 bytes old: trimmed across segment boundaries */
	send_seg(sl, &f, WT_DIR_TOSERVER, 369, ACK, msg + 269, 61, 3);
	CU_ASSERT_EQUAL(rec.len[0], 330);
	CU_ASSERT(memcmp(rec.buf[0], msg, 330) == 0);
	/* payload_len beyond the chain: clamped */
	m = mk_pkt_seg(430, ACK, msg + 330, 20, 5, 5);
	wt_pkt_of(m)->payload_len = 40;
	wt_stream_packet(sl, &f, 0, m, wt_pkt_of(m), TS);
	rte_pktmbuf_free(m);
	CHK(sl, BAD_LEN, 1);
	CU_ASSERT_EQUAL(rec.len[0], 350);
	CU_ASSERT(memcmp(rec.buf[0], msg, 350) == 0);
	CU_ASSERT_EQUAL(rec.gap_chunks[0], 0);
	wt_stream_release(sl, &f, TS);
	CU_ASSERT_EQUAL(rec.bad, 0);
	wt_stream_lcore_free(sl);
	pool_full();
}

static void
test_fin_rst(void)
{
	struct wt_stream_lcore *sl = mk_sl(NULL);
	struct wt_flow f = mk_flow();

	msg_init();
	/* FIN ahead of the last data: eof when the data arrives */
	send(sl, &f, WT_DIR_TOSERVER, 99, SYN, NULL, 0);
	send(sl, &f, WT_DIR_TOSERVER, 100, ACK, msg, 10);
	send(sl, &f, WT_DIR_TOSERVER, 120, FIN | ACK, NULL, 0);
	CU_ASSERT_EQUAL(rec.eof[0], 0);
	send(sl, &f, WT_DIR_TOSERVER, 110, ACK, msg + 10, 10);
	CU_ASSERT_EQUAL(rec.eof[0], 1);
	CU_ASSERT_EQUAL(rec.len[0], 20);
	send(sl, &f, WT_DIR_TOSERVER, 115, FIN | ACK, msg + 15, 5);      /* retransmission */
	CHK(sl, RETRANSMISSIONS, 1);
	send(sl, &f, WT_DIR_TOSERVER, 121, ACK, msg, 5);                 /* beyond the FIN */
	CHK(sl, AFTER_EOF, 1);
	wt_stream_release(sl, &f, TS);
	CU_ASSERT_EQUAL(rec.eof[0], 1);
	CU_ASSERT_EQUAL(rec.eof[1], 1);

	/* FIN carried by queued data */
	rec_reset();
	f = mk_flow();
	send(sl, &f, WT_DIR_TOSERVER, 99, SYN, NULL, 0);
	send(sl, &f, WT_DIR_TOSERVER, 110, FIN | ACK, msg + 10, 10);
	CU_ASSERT_EQUAL(rec.eof[0], 0);
	send(sl, &f, WT_DIR_TOSERVER, 100, ACK, msg, 10);
	CU_ASSERT_EQUAL(rec.eof[0], 1);
	CU_ASSERT_EQUAL(rec.len[0], 20);
	CU_ASSERT(memcmp(rec.buf[0], msg, 20) == 0);
	wt_stream_release(sl, &f, TS);

	/* bytes queued beyond the FIN are dropped when the FIN is reached */
	rec_reset();
	f = mk_flow();
	send(sl, &f, WT_DIR_TOSERVER, 99, SYN, NULL, 0);
	send(sl, &f, WT_DIR_TOSERVER, 200, ACK, msg, 10);
	send(sl, &f, WT_DIR_TOSERVER, 110, FIN | ACK, NULL, 0);
	send(sl, &f, WT_DIR_TOSERVER, 100, ACK, msg, 10);
	CU_ASSERT_EQUAL(rec.eof[0], 1);
	CU_ASSERT_EQUAL(rec.len[0], 10);
	CHK(sl, OOO_DROPPED, 1);
	CHK(sl, AFTER_EOF, 1);
	CHK(sl, HELD_SEGS, 0);
	wt_stream_release(sl, &f, TS);
	pool_full();

	/* RST: what is queued is delivered after its hole, both directions end */
	rec_reset();
	f = mk_flow();
	send(sl, &f, WT_DIR_TOSERVER, 99, SYN, NULL, 0);
	send(sl, &f, WT_DIR_TOCLIENT, 499, SYN | ACK, NULL, 0);
	send(sl, &f, WT_DIR_TOSERVER, 100, ACK, msg, 10);
	send(sl, &f, WT_DIR_TOSERVER, 150, ACK, msg + 50, 10);
	CU_ASSERT_EQUAL(send(sl, &f, WT_DIR_TOCLIENT, 500, RST, NULL, 0), 0);
	CU_ASSERT_EQUAL(rec.eof[0], 1);
	CU_ASSERT_EQUAL(rec.eof[1], 1);
	CU_ASSERT_EQUAL(rec.len[0], 20);
	CU_ASSERT_EQUAL(rec.gap_chunks[0], 1);
	CU_ASSERT_EQUAL(rec.gap_at[0][0], 10);
	send(sl, &f, WT_DIR_TOSERVER, 160, ACK, msg + 60, 10);
	CHK(sl, AFTER_EOF, 2);
	CHK(sl, HELD_SEGS, 0);
	wt_stream_release(sl, &f, TS);
	CU_ASSERT_EQUAL(rec.eof[0], 1);
	CU_ASSERT_EQUAL(rec.eof[1], 1);
	CU_ASSERT_EQUAL(rec.bad, 0);
	/* a RST on a flow with no slot attaches nothing */
	f = mk_flow();
	CU_ASSERT_EQUAL(send(sl, &f, WT_DIR_TOSERVER, 1, RST, NULL, 0), 0);
	CU_ASSERT_EQUAL(f.l7_slot, 0);
	CHK(sl, EOFS, 8);
	wt_stream_lcore_free(sl);
	pool_full();
}

static void
test_release_held(void)
{
	struct wt_stream_lcore *sl = mk_sl(NULL);
	struct wt_flow f = mk_flow(), g = mk_flow();

	msg_init();
	send(sl, &f, WT_DIR_TOSERVER, 99, SYN, NULL, 0);
	send(sl, &f, WT_DIR_TOCLIENT, 999, SYN | ACK, NULL, 0);
	for (uint32_t k = 0; k < 20; k++) {
		send_seg(sl, &f, WT_DIR_TOSERVER, 200 + 100 * k, ACK, msg + 100 * k, 50, 16);
		send(sl, &f, WT_DIR_TOCLIENT, 1100 + 50 * k, ACK, msg + 50 * k, 25);
	}
	CHK(sl, HELD_SEGS, 40);
	CHK(sl, HELD_BYTES, 20 * 75);
	CU_ASSERT(rte_mempool_avail_count(pool) <= POOL_N - 20 * 4 - 20);
	wt_stream_release(sl, &f, TS);
	CU_ASSERT_EQUAL(rec.len[0], 1000);
	CU_ASSERT_EQUAL(rec.len[1], 500);
	CU_ASSERT_EQUAL(rec.gap_chunks[0], 20);
	CU_ASSERT_EQUAL(rec.gap_chunks[1], 20);
	CU_ASSERT_EQUAL(rec.eof[0], 1);
	CU_ASSERT_EQUAL(rec.eof[1], 1);
	CHK(sl, HELD_BYTES, 0);
	pool_full();
	/* freeing the worker with data still held returns the mbufs too */
	send(sl, &g, WT_DIR_TOSERVER, 99, SYN, NULL, 0);
	queue_holes(sl, &g, 100, 5);
	CU_ASSERT(rte_mempool_avail_count(pool) < POOL_N);
	wt_stream_lcore_free(sl);
	pool_full();
}

static void
test_slot_exhaustion(void)
{
	struct wt_stream_conf c;
	struct wt_stream_lcore *sl;
	struct wt_flow f1 = mk_flow(), f2 = mk_flow(), f3 = mk_flow();
	struct wt_stream_stats st;

	wt_stream_conf_defaults(&c);
	c.max_streams = 2;
	sl = mk_sl(&c);
	CU_ASSERT_EQUAL(wt_stream_capacity(sl), 2);
	CU_ASSERT_EQUAL(send(sl, &f1, WT_DIR_TOSERVER, 1, SYN, NULL, 0), 0);
	CU_ASSERT_EQUAL(send(sl, &f2, WT_DIR_TOSERVER, 1, ACK, (const uint8_t *)"x", 1), 0);
	CU_ASSERT_EQUAL(f1.l7_slot, 1);
	CU_ASSERT_EQUAL(f2.l7_slot, 2);
	CU_ASSERT_EQUAL(send(sl, &f3, WT_DIR_TOSERVER, 1, SYN, NULL, 0), -ENOSPC);
	CU_ASSERT_EQUAL(f3.l7_slot, 0);
	CU_ASSERT_EQUAL(send(sl, &f3, WT_DIR_TOSERVER, 2, ACK, NULL, 0), 0);  /* nothing to do */
	CHK(sl, NO_SLOT, 1);
	wt_stream_stats_get(sl, &st);
	CU_ASSERT_EQUAL(st.active, 2);
	wt_stream_release(sl, &f3, TS);                 /* never attached: nothing */
	wt_stream_release(sl, &f1, TS);
	CU_ASSERT_EQUAL(send(sl, &f3, WT_DIR_TOSERVER, 2, ACK, (const uint8_t *)"y", 1), 0);
	CU_ASSERT_EQUAL(f3.l7_slot, 1);
	CHK(sl, ATTACHED, 3);
	CHK(sl, MIDSTREAM, 2);
	wt_stream_release(sl, &f2, TS);
	wt_stream_release(sl, &f3, TS);
	wt_stream_stats_get(sl, &st);
	CU_ASSERT_EQUAL(st.active, 0);
	wt_stream_lcore_free(sl);
	pool_full();
}

static void
test_errors(void)
{
	struct wt_stream_conf c;
	struct wt_stream_ops bad_ops = { .deliver = on_deliver };
	struct wt_stream_lcore *sl;
	struct wt_flow f = mk_flow();
	struct rte_mbuf *m;

	wt_stream_conf_defaults(&c);
	CU_ASSERT_PTR_NULL(wt_stream_lcore_create("x", &c, SOCKET_ID_ANY, &bad_ops, NULL));
	CU_ASSERT_EQUAL(rte_errno, EINVAL);
	CU_ASSERT_PTR_NULL(wt_stream_lcore_create("x", &c, SOCKET_ID_ANY, NULL, NULL));
	CU_ASSERT_PTR_NULL(wt_stream_lcore_create(NULL, &c, SOCKET_ID_ANY, &ops, NULL));
	c.max_streams = 0;
	CU_ASSERT_PTR_NULL(wt_stream_lcore_create("x", &c, SOCKET_ID_ANY, &ops, NULL));
	wt_stream_conf_defaults(&c);
	c.window = 1u << 31;
	CU_ASSERT_PTR_NULL(wt_stream_lcore_create("x", &c, SOCKET_ID_ANY, &ops, NULL));
	CU_ASSERT_EQUAL(rte_errno, EINVAL);
	wt_stream_conf_defaults(&c);
	c.max_held_segs = 0;
	CU_ASSERT_PTR_NULL(wt_stream_lcore_create("x", &c, SOCKET_ID_ANY, &ops, NULL));
	wt_stream_lcore_free(NULL);

	sl = mk_sl(NULL);
	m = mk_pkt_seg(1, ACK, (const uint8_t *)"abc", 3, 3, 1);
	wt_pkt_of(m)->proto = 17;
	CU_ASSERT_EQUAL(wt_stream_packet(sl, &f, 0, m, wt_pkt_of(m), TS), -EINVAL);
	wt_pkt_of(m)->proto = 6;
	CU_ASSERT_EQUAL(wt_stream_packet(sl, &f, 2, m, wt_pkt_of(m), TS), -EINVAL);
	CU_ASSERT_EQUAL(f.l7_slot, 0);
	rte_pktmbuf_free(m);
	wt_stream_lcore_free(sl);
	pool_full();
}

static void
test_stats_names(void)
{
	struct wt_stream_conf c;
	struct wt_stream_lcore *sl;
	struct wt_stream_stats st;

	wt_stream_conf_defaults(&c);
	CU_ASSERT_EQUAL(c.max_streams, 65536);
	CU_ASSERT_EQUAL(c.memcap, 64ull << 20);
	CU_ASSERT_EQUAL(c.flow_memcap, 1u << 20);
	CU_ASSERT_EQUAL(c.max_ooo_segs, 64);
	sl = mk_sl(&c);
	wt_stream_stats_get(sl, &st);
	CU_ASSERT_EQUAL(st.capacity, 65536);
	CU_ASSERT_EQUAL(st.bytes_per_stream, wt_stream_bytes_per_stream());
	CU_ASSERT_EQUAL(st.bytes_per_stream, 52);
	CU_ASSERT(st.memory >= st.capacity * st.bytes_per_stream + 4096ull * 24);
	CU_ASSERT(st.memory < st.capacity * st.bytes_per_stream + 4096ull * 24 + 4096);
	for (int i = 0; i < WT_STREAM_CTR__MAX; i++) {
		CU_ASSERT_EQUAL(st.c[i], 0);
		CU_ASSERT_PTR_NOT_NULL_FATAL(wt_stream_counter_names[i]);
		CU_ASSERT(wt_stream_counter_names[i][0] >= 'a' && wt_stream_counter_names[i][0] <= 'z');
		CU_ASSERT(strlen(wt_stream_counter_descs[i]) > 10);
		for (int j = 0; j < i; j++)
			CU_ASSERT(strcmp(wt_stream_counter_names[i], wt_stream_counter_names[j]) != 0);
	}
	CU_ASSERT_STRING_EQUAL(wt_stream_counter_names[WT_STREAM_CTR_OOO_QUEUED], "ooo_queued");
	CU_ASSERT_STRING_EQUAL(wt_stream_counter_names[WT_STREAM_CTR_HELD_BYTES_PEAK],
			       "held_bytes_peak");
	wt_stream_lcore_free(sl);
}

/* Runs last: every counter was asserted with an exact non-zero value by some test. */
static void
test_every_counter(void)
{
	for (int i = 0; i < WT_STREAM_CTR__MAX; i++) {
		if (!ctr_seen[i])
			fprintf(stderr, "\ncounter %s never checked non-zero\n",
				wt_stream_counter_names[i]);
		CU_ASSERT(ctr_seen[i]);
	}
}

int
wt_test_stream(void)
{
	static const struct {
		const char *name;
		CU_TestFunc fn;
	} tests[] = {
		{ "in order, fin, release", test_in_order },
		{ "split at every byte, 2 and 3 segments, every order", test_split_every_byte },
		{ "random orders with resends (seeded)", test_random_orders },
		{ "retransmissions and overlaps with delivered data", test_retransmissions },
		{ "overlaps with queued data, same and different bytes", test_overlaps_queued },
		{ "gap: queue full", test_gap_queue_full },
		{ "gap: memcaps, segment pool, window", test_gap_memcaps },
		{ "midstream pick-up", test_midstream },
		{ "sequence wrap", test_wrap },
		{ "chained mbufs", test_multiseg },
		{ "fin and rst", test_fin_rst },
		{ "release with held data", test_release_held },
		{ "slot exhaustion", test_slot_exhaustion },
		{ "errors", test_errors },
		{ "stats and names", test_stats_names },
		{ "every counter checked", test_every_counter },
	};
	CU_pSuite s = CU_add_suite("stream", NULL, NULL);

	if (s == NULL)
		return -1;
	for (size_t i = 0; i < WT_ARRAY_SIZE(tests); i++)
		if (CU_add_test(s, tests[i].name, tests[i].fn) == NULL)
			return -1;
	return 0;
}
