/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private to lib/stream: the per-slot and per-worker layouts shared by setup, the queue and the
 * packet path; serial-number arithmetic; walking an mbuf chain by byte offset.
 */
#ifndef WT_STREAM_PRIV_H
#define WT_STREAM_PRIV_H

#include <stdint.h>

#include <rte_mbuf.h>

#include "wt_stream.h"

/* Largest max_streams accepted (slot numbers stay far from UINT32_MAX, memory stays sane). */
#define STREAM_MAX_SLOTS (1u << 24)

/* stream_dir.flags */
#define STREAM_D_STARTED   0x01 /* next_seq is valid */
#define STREAM_D_SYN       0x02 /* started from a SYN (isn valid) */
#define STREAM_D_MIDSTREAM 0x04 /* started from data without a SYN */
#define STREAM_D_FIN       0x08 /* fin_seq valid */
#define STREAM_D_EOF       0x10 /* eof delivered: the direction is closed */
#define STREAM_D_GAP       0x20 /* a hole was skipped: flag the next delivered chunk */
#define STREAM_D_DELIVERED 0x40 /* something was delivered (WT_STREAM_F_START given) */

/** An out-of-order piece held by reference: bytes [seq, seq + len) at byte @p off of @p m. */
struct stream_node {
	struct rte_mbuf *m;
	uint32_t seq;
	uint32_t off;       /* offset from the start of the frame, across segments */
	uint32_t len;
	uint32_t next;      /* next node index + 1 (queue by seq, or free list); 0 = none */
};
_Static_assert(sizeof(struct stream_node) == 24, "stream node layout");

/** One direction of a stream. Queued pieces never overlap and all start after next_seq. */
struct stream_dir {
	uint32_t isn;
	uint32_t next_seq;  /* next byte to deliver */
	uint32_t fin_seq;   /* sequence number of the FIN */
	uint32_t held;      /* queued bytes */
	uint32_t head;      /* first queued node index + 1; 0 = empty */
	uint16_t n_segs;    /* queued nodes */
	uint8_t flags;      /* STREAM_D_* */
	uint8_t pad;
};

/** Per-slot state. */
struct stream_state {
	struct stream_dir d[2];
};
_Static_assert(sizeof(struct stream_state) == 48, "stream state layout");

struct wt_stream_lcore {
	struct stream_state *st;       /* [capacity] */
	uint32_t *free_slots;          /* stack of free slot indexes */
	struct stream_node *nodes;     /* [n_nodes] */
	uint32_t capacity;
	uint32_t n_free;               /* entries on free_slots */
	uint32_t n_nodes;
	uint32_t node_free;            /* free node list head, index + 1 */
	uint64_t memcap;
	uint32_t flow_memcap;
	uint32_t window;
	uint16_t max_ooo_segs;
	struct wt_stream_ops ops;
	void *ops_arg;
	uint64_t memory;
	uint64_t c[WT_STREAM_CTR__MAX];
};

/* Serial number arithmetic (RFC 1982 style, 32 bits). */
static inline int
seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static inline int
seq_le(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) <= 0;
}

static inline int
seq_gt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

static inline int
seq_ge(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) >= 0;
}

/** Segment of the chain holding byte @p *off of @p m; @p *off becomes the offset within it. */
static inline const struct rte_mbuf *
stream_mbuf_seek(const struct rte_mbuf *m, uint32_t *off)
{
	while (m != NULL && *off >= m->data_len) {
		*off -= m->data_len;
		m = m->next;
	}
	return m;
}

static inline struct stream_node *
stream_node(const struct wt_stream_lcore *sl, uint32_t idx1)
{
	return idx1 ? &sl->nodes[idx1 - 1] : NULL;
}

/* stream_mbuf.c */
void stream_deliver_range(struct wt_stream_lcore *sl, struct wt_flow *f, uint32_t slot,
			  uint8_t dir, struct stream_dir *d, const struct rte_mbuf *m, uint32_t off,
			  uint32_t len, uint64_t ts_ns);
int stream_mbuf_equal(const struct rte_mbuf *a, uint32_t aoff, const struct rte_mbuf *b,
		      uint32_t boff, uint32_t len);
void stream_mbuf_hold(struct rte_mbuf *m);

/* stream_queue.c */
void stream_gap(struct wt_stream_lcore *sl, struct stream_dir *d, uint32_t to);
void stream_drain(struct wt_stream_lcore *sl, struct wt_flow *f, uint32_t slot, uint8_t dir,
		  struct stream_dir *d, uint64_t ts_ns);
int stream_compare_queued(struct wt_stream_lcore *sl, const struct stream_dir *d,
			  const struct rte_mbuf *m, uint32_t seq, uint32_t off, uint32_t len);
int stream_enqueue(struct wt_stream_lcore *sl, struct stream_dir *d, struct rte_mbuf *m,
		   uint32_t seq, uint32_t off, uint32_t len, uint32_t *new_bytes, int *why);
void stream_flush(struct wt_stream_lcore *sl, struct wt_flow *f, uint32_t slot, uint8_t dir,
		  struct stream_dir *d, uint64_t ts_ns);
void stream_drop_queue(struct wt_stream_lcore *sl, struct stream_dir *d);

#endif /* WT_STREAM_PRIV_H */
