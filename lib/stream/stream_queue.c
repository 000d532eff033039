/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The out-of-order queue of one direction: pieces held by mbuf reference, sorted by seq and never
 * overlapping (a newcomer keeps only the bytes nobody queued before it), bounded per direction
 * and per worker; draining it when the hole fills, skipping holes when a bound is hit.
 */
#include <rte_mbuf.h>

#include "stream_priv.h"

static uint32_t
node_alloc(struct wt_stream_lcore *sl)
{
	uint32_t idx1 = sl->node_free;

	WT_ASSERT_HOT(idx1 != 0);
	sl->node_free = sl->nodes[idx1 - 1].next;
	sl->c[WT_STREAM_CTR_HELD_SEGS]++;
	if (sl->c[WT_STREAM_CTR_HELD_SEGS] > sl->c[WT_STREAM_CTR_HELD_SEGS_PEAK])
		sl->c[WT_STREAM_CTR_HELD_SEGS_PEAK] = sl->c[WT_STREAM_CTR_HELD_SEGS];
	return idx1;
}

/* Unlink the head of @p d's queue, drop its mbuf reference and return the node to the pool. */
static void
node_pop_free(struct wt_stream_lcore *sl, struct stream_dir *d)
{
	struct stream_node *n = stream_node(sl, d->head);
	uint32_t idx1 = d->head;

	d->head = n->next;
	d->n_segs--;
	d->held -= n->len;
	sl->c[WT_STREAM_CTR_HELD_BYTES] -= n->len;
	sl->c[WT_STREAM_CTR_HELD_SEGS]--;
	rte_pktmbuf_free(n->m);
	n->m = NULL;
	n->next = sl->node_free;
	sl->node_free = idx1;
}

void
stream_gap(struct wt_stream_lcore *sl, struct stream_dir *d, uint32_t to)
{
	WT_ASSERT_HOT(seq_gt(to, d->next_seq));
	sl->c[WT_STREAM_CTR_GAPS]++;
	sl->c[WT_STREAM_CTR_GAP_BYTES] += to - d->next_seq;
	d->next_seq = to;
	d->flags |= STREAM_D_GAP;
}

void
stream_drain(struct wt_stream_lcore *sl, struct wt_flow *f, uint32_t slot, uint8_t dir,
	     struct stream_dir *d, uint64_t ts_ns)
{
	struct stream_node *n;

	while ((n = stream_node(sl, d->head)) != NULL && seq_le(n->seq, d->next_seq)) {
		uint32_t end = n->seq + n->len;

		if (seq_gt(end, d->next_seq)) {
			uint32_t skip = d->next_seq - n->seq;

			stream_deliver_range(sl, f, slot, dir, d, n->m, n->off + skip, n->len - skip,
					     ts_ns);
			d->next_seq = end;
		}
		sl->c[WT_STREAM_CTR_OOO_DELIVERED]++;
		node_pop_free(sl, d);
	}
}

int
stream_compare_queued(struct wt_stream_lcore *sl, const struct stream_dir *d,
		      const struct rte_mbuf *m, uint32_t seq, uint32_t off, uint32_t len)
{
	uint32_t end = seq + len;
	int overlap = 0;

	for (const struct stream_node *n = stream_node(sl, d->head); n != NULL;
	     n = stream_node(sl, n->next)) {
		uint32_t nend = n->seq + n->len;
		uint32_t lo, hi;

		if (seq_ge(n->seq, end))
			break;
		if (seq_le(nend, seq))
			continue;
		lo = seq_gt(n->seq, seq) ? n->seq : seq;
		hi = seq_lt(nend, end) ? nend : end;
		overlap = 1;
		if (!stream_mbuf_equal(m, off + (lo - seq), n->m, n->off + (lo - n->seq), hi - lo))
			sl->c[WT_STREAM_CTR_OVERLAP_DIFF]++;
	}
	return overlap;
}

/* Pieces of [seq, seq + len) not covered by the queue, and their bytes. */
static void
plan(const struct wt_stream_lcore *sl, const struct stream_dir *d, uint32_t seq, uint32_t len,
     uint32_t *pieces, uint32_t *bytes)
{
	const struct stream_node *c = stream_node(sl, d->head);
	uint32_t s = seq, e = seq + len;

	*pieces = 0;
	*bytes = 0;
	while (seq_lt(s, e)) {
		while (c != NULL && seq_le(c->seq + c->len, s))
			c = stream_node(sl, c->next);
		if (c == NULL || seq_ge(c->seq, e)) {
			(*pieces)++;
			*bytes += e - s;
			break;
		}
		if (seq_lt(s, c->seq)) {
			(*pieces)++;
			*bytes += c->seq - s;
		}
		s = c->seq + c->len;
		c = stream_node(sl, c->next);
	}
}

/* Link a new piece after node @p prev (index + 1; 0: at the head). @return its index + 1. */
static uint32_t
insert_piece(struct wt_stream_lcore *sl, struct stream_dir *d, uint32_t prev,
	     struct rte_mbuf *m, uint32_t seq, uint32_t off, uint32_t len)
{
	uint32_t idx1 = node_alloc(sl);
	struct stream_node *n = &sl->nodes[idx1 - 1];
	uint32_t *link = prev ? &sl->nodes[prev - 1].next : &d->head;

	stream_mbuf_hold(m);
	n->m = m;
	n->seq = seq;
	n->off = off;
	n->len = len;
	n->next = *link;
	*link = idx1;
	d->n_segs++;
	d->held += len;
	sl->c[WT_STREAM_CTR_OOO_QUEUED]++;
	sl->c[WT_STREAM_CTR_HELD_BYTES] += len;
	if (sl->c[WT_STREAM_CTR_HELD_BYTES] > sl->c[WT_STREAM_CTR_HELD_BYTES_PEAK])
		sl->c[WT_STREAM_CTR_HELD_BYTES_PEAK] = sl->c[WT_STREAM_CTR_HELD_BYTES];
	return idx1;
}

int
stream_enqueue(struct wt_stream_lcore *sl, struct stream_dir *d, struct rte_mbuf *m,
	       uint32_t seq, uint32_t off, uint32_t len, uint32_t *new_bytes, int *why)
{
	uint32_t pieces, bytes, prev = 0, cur = d->head;
	uint32_t s = seq, e = seq + len;

	plan(sl, d, seq, len, &pieces, &bytes);
	*new_bytes = bytes;
	if (pieces > 0) {
		if ((uint32_t)d->n_segs + pieces > sl->max_ooo_segs) {
			*why = WT_STREAM_CTR_QUEUE_FULL;
			return -1;
		}
		if ((uint64_t)d->held + bytes > sl->flow_memcap ||
		    sl->c[WT_STREAM_CTR_HELD_BYTES] + bytes > sl->memcap) {
			*why = WT_STREAM_CTR_MEMCAP_HITS;
			return -1;
		}
		if (sl->c[WT_STREAM_CTR_HELD_SEGS] + pieces > sl->n_nodes) {
			*why = WT_STREAM_CTR_SEG_POOL_EMPTY;
			return -1;
		}
	}
	/* It fits: compare what overlaps, queue what is new. */
	if (bytes < len)
		stream_compare_queued(sl, d, m, seq, off, len);
	while (seq_lt(s, e)) {
		struct stream_node *c = stream_node(sl, cur);

		while (c != NULL && seq_le(c->seq + c->len, s)) {
			prev = cur;
			cur = c->next;
			c = stream_node(sl, cur);
		}
		if (c == NULL || seq_ge(c->seq, e)) {
			insert_piece(sl, d, prev, m, s, off + (s - seq), e - s);
			break;
		}
		if (seq_lt(s, c->seq))
			insert_piece(sl, d, prev, m, s, off + (s - seq), c->seq - s);
		s = c->seq + c->len;
		prev = cur;
		cur = c->next;
	}
	return 0;
}

void
stream_flush(struct wt_stream_lcore *sl, struct wt_flow *f, uint32_t slot, uint8_t dir,
	     struct stream_dir *d, uint64_t ts_ns)
{
	struct stream_node *n;

	while ((n = stream_node(sl, d->head)) != NULL) {
		if (seq_gt(n->seq, d->next_seq))
			stream_gap(sl, d, n->seq);
		stream_drain(sl, f, slot, dir, d, ts_ns);
	}
}

void
stream_drop_queue(struct wt_stream_lcore *sl, struct stream_dir *d)
{
	while (d->head != 0)
		node_pop_free(sl, d);
}
