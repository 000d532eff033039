/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for lib/stream. Input: 4 bytes of configuration (small queues, memcaps and
 * windows so every bound is hit), then 6-byte records, each a segment (direction, flags, seq,
 * length, mbuf chaining) of one of two flows, or a release. Stream byte at seq s is (uint8_t)s
 * unless a record asks for corrupt bytes, so without corruption every delivery must continue the
 * previous one unless flagged GAP. Also checks: delivered <= distinct bytes sent, callbacks only
 * while attached and never after eof, eof once per direction, nothing held and no mbuf leaked.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "wt_stream.h"

#define FUZZ_ASSERT(c) do { if (!(c)) __builtin_trap(); } while (0)

#define POOL_N 8191u
#define HDR 54u
#define SPAN (65536u + 1024u)   /* seq offsets a record can reach */

/* What one flow's attachment has seen, per direction. */
struct track {
	uint8_t cover[2][SPAN / 8];  /* seq offsets sent */
	uint64_t sent_distinct[2];
	uint64_t delivered[2];
	uint8_t corrupt[2];          /* some segment carried bytes other than the pattern */
	uint8_t have_last[2];
	uint8_t last[2];
	uint8_t eof[2];
};

static struct rte_mempool *pool;
static struct wt_flow flows[2];
static struct track tr[2];
static uint32_t base[2][2];      /* [flow][dir] seq base */
static uint8_t buf[1024];

static struct track *
track_of(const struct wt_flow *f)
{
	FUZZ_ASSERT(f == &flows[0] || f == &flows[1]);
	return &tr[f - flows];
}

static void
on_deliver(void *arg, struct wt_flow *f, uint32_t slot, uint8_t dir, const uint8_t *data,
	   uint32_t len, uint32_t flags, uint64_t ts_ns)
{
	struct track *t = track_of(f);

	(void)arg;
	(void)ts_ns;
	FUZZ_ASSERT(f->l7_slot == slot + 1 && dir < 2 && len > 0 && data != NULL);
	FUZZ_ASSERT(!t->eof[dir]);
	t->delivered[dir] += len;
	FUZZ_ASSERT(t->delivered[dir] <= t->sent_distinct[dir]);
	if (!t->corrupt[dir]) {
		if (t->have_last[dir] && !(flags & WT_STREAM_F_GAP))
			FUZZ_ASSERT(data[0] == (uint8_t)(t->last[dir] + 1));
		for (uint32_t i = 1; i < len; i++)
			FUZZ_ASSERT(data[i] == (uint8_t)(data[i - 1] + 1));
	}
	t->have_last[dir] = 1;
	t->last[dir] = data[len - 1];
}

static void
on_eof(void *arg, struct wt_flow *f, uint32_t slot, uint8_t dir, uint64_t ts_ns)
{
	struct track *t = track_of(f);

	(void)arg;
	(void)ts_ns;
	FUZZ_ASSERT(f->l7_slot == slot + 1 && dir < 2);
	FUZZ_ASSERT(!t->eof[dir]);
	t->eof[dir] = 1;
}

static const struct wt_stream_ops ops = { .deliver = on_deliver, .eof = on_eof };

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char prefix[64];
	char *eal[] = { "fuzz_stream", "--no-huge", "--no-pci", "--no-shconf", "-m", "256", "-l",
			"0", "--log-level", "*:error", "--file-prefix", prefix, NULL };

	(void)argc;
	(void)argv;
	snprintf(prefix, sizeof(prefix), "fzstream%d", (int)getpid());
	if (rte_eal_init((int)(sizeof(eal) / sizeof(eal[0])) - 1, eal) < 0)
		abort();
	pool = rte_pktmbuf_pool_create("fzstream", POOL_N, 0, sizeof(struct wt_pkt),
				       2048 + RTE_PKTMBUF_HEADROOM, SOCKET_ID_ANY);
	if (pool == NULL)
		abort();
	return 0;
}

static void
release(struct wt_stream_lcore *sl, int fi)
{
	int attached = flows[fi].l7_slot != 0;

	wt_stream_release(sl, &flows[fi], 1);
	FUZZ_ASSERT(flows[fi].l7_slot == 0);
	if (attached)
		FUZZ_ASSERT(tr[fi].eof[0] && tr[fi].eof[1]);
	memset(&tr[fi], 0, sizeof(tr[fi]));
}

/* Build the segment's mbuf chain: header then payload, @p chunk bytes per extra segment. */
static struct rte_mbuf *
mk_pkt(uint32_t seq, uint8_t tf, uint32_t dseq, uint32_t len, uint32_t chunk, int corrupt)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool), *t;
	struct wt_pkt *p;
	uint32_t first, done;
	uint8_t *w;

	if (m == NULL)
		return NULL;
	for (uint32_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(dseq + i) ^ (corrupt ? 0x5a : 0);
	first = chunk ? RTE_MIN(len, chunk) : len;
	w = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(HDR + first));
	memset(w, 0, HDR);
	if (first > 0)
		memcpy(w + HDR, buf, first);
	for (done = first; done < len; done += chunk) {
		uint32_t n = RTE_MIN(len - done, chunk);

		t = rte_pktmbuf_alloc(pool);
		if (t == NULL || rte_pktmbuf_chain(m, t) != 0) {
			rte_pktmbuf_free(t);
			rte_pktmbuf_free(m);
			return NULL;
		}
		memcpy(rte_pktmbuf_append(t, (uint16_t)n), buf + done, n);
	}
	p = wt_pkt_of(m);
	memset(p, 0, sizeof(*p));
	p->proto = 6;
	p->tcp_flags = tf;
	p->tcp_seq = seq;
	p->payload_off = HDR;
	p->payload_len = (uint16_t)len;
	return m;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t flag_pick[8] = {
		WT_TCP_ACK, WT_TCP_ACK, WT_TCP_ACK | WT_TCP_PSH, WT_TCP_SYN,
		WT_TCP_SYN | WT_TCP_ACK, WT_TCP_FIN | WT_TCP_ACK, WT_TCP_ACK, WT_TCP_RST,
	};
	struct wt_stream_conf c;
	struct wt_stream_lcore *sl;
	struct wt_stream_stats st;
	int fi = 0, any_corrupt = 0;

	if (size < 4)
		return 0;
	wt_stream_conf_defaults(&c);
	c.max_streams = 1 + (data[0] & 1);
	c.max_ooo_segs = 1 + ((data[0] >> 1) & 15);
	c.max_held_segs = 1 + ((data[0] >> 5) * 4);
	c.flow_memcap = 64u << (data[1] & 7);
	c.memcap = 128u << ((data[1] >> 3) & 7);
	c.window = 256u << ((data[1] >> 6) & 3) << ((data[2] >> 6) & 3) * 2;
	sl = wt_stream_lcore_create("fzstream", &c, SOCKET_ID_ANY, &ops, NULL);
	FUZZ_ASSERT(sl != NULL);
	memset(flows, 0, sizeof(flows));
	memset(tr, 0, sizeof(tr));
	for (int i = 0; i < 4; i++)      /* bases near 2^32 when asked, to wrap */
		base[i >> 1][i & 1] = (data[2] & (1u << i)) ? 0xffffffffu - 40000u * (uint32_t)i
							 : 1000u + 77777u * (uint32_t)i * data[3];
	for (size_t at = 4; at + 6 <= size; at += 6) {
		const uint8_t *r = data + at;
		uint8_t op = r[0] >> 5, dir = r[0] & 1, tf;
		uint32_t off, len, chunk, seq, dseq;
		struct rte_mbuf *m;
		int corrupt, rc;

		if (op == 7) {
			release(sl, fi);
			continue;
		}
		if (op == 6) {
			fi ^= 1;
			continue;
		}
		tf = flag_pick[(r[0] >> 1) & 7];
		if (tf == WT_TCP_RST && (r[1] & 3) != 0)  /* keep RSTs rare */
			tf = WT_TCP_ACK;
		corrupt = (r[0] & 0x10) && (r[5] & 0x80);
		off = (uint32_t)r[1] << 8 | r[2];
		len = (uint32_t)r[3] * (1 + (r[5] & 3));
		chunk = (r[4] & 0xf0) ? 0 : 16 + r[4] * 16;
		seq = base[fi][dir] + off;
		dseq = seq + ((tf & WT_TCP_SYN) ? 1 : 0);
		m = mk_pkt(seq, tf, dseq, len, chunk, corrupt);
		if (m == NULL)
			continue;
		if (len > 0 && !(tf & WT_TCP_RST)) {
			struct track *t = &tr[fi];

			for (uint32_t i = 0; i < len; i++) {
				uint32_t o = dseq - base[fi][dir] + i;

				if (!(t->cover[dir][o >> 3] & (1u << (o & 7)))) {
					t->cover[dir][o >> 3] |= (uint8_t)(1u << (o & 7));
					t->sent_distinct[dir]++;
				}
			}
			if (corrupt)
				t->corrupt[dir] = any_corrupt = 1;
		}
		rc = wt_stream_packet(sl, &flows[fi], dir, m, wt_pkt_of(m), 1);
		FUZZ_ASSERT(rc == 0 || (rc == -ENOSPC && flows[fi].l7_slot == 0));
		rte_pktmbuf_free(m);
		wt_stream_stats_get(sl, &st);
		FUZZ_ASSERT(st.c[WT_STREAM_CTR_HELD_SEGS] <= c.max_held_segs);
		FUZZ_ASSERT(st.c[WT_STREAM_CTR_HELD_BYTES] <= c.memcap);
	}
	release(sl, 0);
	release(sl, 1);
	wt_stream_stats_get(sl, &st);
	FUZZ_ASSERT(st.active == 0);
	FUZZ_ASSERT(st.c[WT_STREAM_CTR_HELD_SEGS] == 0 && st.c[WT_STREAM_CTR_HELD_BYTES] == 0);
	if (!any_corrupt)
		FUZZ_ASSERT(st.c[WT_STREAM_CTR_OVERLAP_DIFF] == 0);
	FUZZ_ASSERT(st.c[WT_STREAM_CTR_OOO_QUEUED] ==
		    st.c[WT_STREAM_CTR_OOO_DELIVERED] + st.c[WT_STREAM_CTR_OOO_DROPPED]);
	wt_stream_lcore_free(sl);
	FUZZ_ASSERT(rte_mempool_avail_count(pool) == POOL_N);
	return 0;
}
