/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * TCP stream reassembly for the L7 parsers, per worker: each direction of a tracked TCP flow is
 * delivered in order, straight from the mbufs (no copy of in-order payload). Segments that arrive
 * ahead of the next expected byte are held as mbuf references in a bounded, seq-sorted queue
 * (per direction: segment count and byte memcap; per worker: byte memcap and segment pool) and
 * delivered when the hole fills. When a bound is hit the hole is skipped and the next delivery
 * says so (WT_STREAM_F_GAP). Overlapping data keeps the bytes accepted first; overlaps whose
 * bytes differ from queued data are counted. Streams picked up without their SYN are marked.
 *
 * Threading: one struct wt_stream_lcore per worker, used only by that worker. No allocation,
 * lock or syscall after wt_stream_lcore_create().
 */
#ifndef WT_STREAM_H
#define WT_STREAM_H

#include <stdint.h>

#include <rte_mbuf.h>

#include "wt_common.h"
#include "wt_decode.h"
#include "wt_flow.h"

/* Delivery flags (ops->deliver @p flags). */
#define WT_STREAM_F_GAP       0x01 /* bytes before this chunk were never seen (hole skipped) */
#define WT_STREAM_F_MIDSTREAM 0x02 /* direction picked up without its SYN: start is not the stream start */
#define WT_STREAM_F_START     0x04 /* first chunk delivered in this direction */

/*
 * Counters (X-macro): enum WT_STREAM_CTR_<SYM>, wt_stream_counter_names ("in_order"), descs.
 * All are totals except HELD_BYTES / HELD_SEGS (current) and *_PEAK.
 */
#define foreach_wt_stream_counter \
	_(ATTACHED, "streams attached (flow got a stream slot)") \
	_(NO_SLOT, "tcp packets not reassembled: stream slots exhausted") \
	_(SEGMENTS, "tcp segments with payload seen") \
	_(MIDSTREAM, "directions picked up without a SYN") \
	_(IN_ORDER, "segments delivered on arrival (next expected byte)") \
	_(OOO_QUEUED, "out-of-order pieces queued as mbuf references") \
	_(OOO_DELIVERED, "queued pieces delivered (hole filled, skipped or flushed)") \
	_(OOO_DROPPED, "queued pieces beyond the fin, dropped when the fin was reached") \
	_(RETRANSMISSIONS, "segments with no new byte (all delivered or queued already)") \
	_(OVERLAPS, "segments with new bytes that also overlap delivered or queued data") \
	_(OVERLAP_DIFF, "overlaps whose bytes differ from queued data (queued bytes kept)") \
	_(GAPS, "holes skipped: bytes never seen") \
	_(GAP_BYTES, "bytes skipped in holes") \
	_(MEMCAP_HITS, "out-of-order segments over the flow or worker memcap (hole skipped)") \
	_(QUEUE_FULL, "out-of-order segments over max-ooo-segs of the direction (hole skipped)") \
	_(SEG_POOL_EMPTY, "out-of-order segments over max-held-segs of the worker (hole skipped)") \
	_(TOO_FAR, "segments further than the window ahead (hole skipped)") \
	_(AFTER_EOF, "payload segments beyond the end of a closed direction (ignored)") \
	_(BAD_LEN, "payload past the end of the mbuf chain (clamped)") \
	_(EOFS, "directions closed (fin reached, rst, or release)") \
	_(BYTES_DELIVERED, "payload bytes delivered to the l7 parser") \
	_(HELD_BYTES, "out-of-order bytes held now") \
	_(HELD_BYTES_PEAK, "peak of held_bytes") \
	_(HELD_SEGS, "mbuf references held now") \
	_(HELD_SEGS_PEAK, "peak of held_segs")

enum wt_stream_counter {
#define _(sym, desc) WT_STREAM_CTR_##sym,
	foreach_wt_stream_counter
#undef _
	WT_STREAM_CTR__MAX
};

/** Lower-case counter names ("ooo_queued") and descriptions, indexed by enum wt_stream_counter. */
extern const char *const wt_stream_counter_names[WT_STREAM_CTR__MAX];
extern const char *const wt_stream_counter_descs[WT_STREAM_CTR__MAX];

/** Per-worker configuration (see wt_stream_conf_defaults()). */
struct wt_stream_conf {
	uint32_t max_streams;     /* preallocated per-flow states */
	uint64_t memcap;          /* bytes of out-of-order data held, all flows of this worker */
	uint32_t flow_memcap;     /* bytes of out-of-order data held per flow and direction */
	uint16_t max_ooo_segs;    /* queued pieces per direction */
	uint32_t max_held_segs;   /* queued pieces (mbuf references) per worker: keep well below the
				   * RX mempool size divided by the workers, held mbufs are not free */
	uint32_t window;          /* a segment ending further ahead of the next expected byte skips
				   * the hole instead of being queued */
};

/** Per-worker statistics. */
struct wt_stream_stats {
	uint64_t c[WT_STREAM_CTR__MAX];   /* enum wt_stream_counter */
	uint64_t active;                  /* slots in use */
	uint64_t capacity;                /* slots */
	uint64_t bytes_per_stream;        /* per-slot state, see wt_stream_bytes_per_stream() */
	uint64_t memory;                  /* bytes allocated at creation */
};

/** Callbacks into the L7 layer. Run on the worker; must not block or re-enter wt_stream_*. */
struct wt_stream_ops {
	/**
	 * In-order payload of direction @p dir (WT_DIR_*) of @p f. @p slot is the stream slot
	 * (f->l7_slot - 1, below wt_stream_capacity()). @p data points into an mbuf and is valid
	 * only during the call. @p flags: WT_STREAM_F_*.
	 */
	void (*deliver)(void *arg, struct wt_flow *f, uint32_t slot, uint8_t dir,
			const uint8_t *data, uint32_t len, uint32_t flags, uint64_t ts_ns);
	/** Direction @p dir ended (FIN reached, RST, or flow released); called once per direction. */
	void (*eof)(void *arg, struct wt_flow *f, uint32_t slot, uint8_t dir, uint64_t ts_ns);
};

struct wt_stream_lcore;

/** Fill @p conf with defaults: 65536 streams, 64 MiB, 1 MiB per flow, 64 pieces per
 *  direction, 4096 held pieces per worker, 1 MiB window. */
void wt_stream_conf_defaults(struct wt_stream_conf *conf);

/**
 * Create a worker's stream state on @p socket: max_streams slots, the out-of-order piece pool.
 * @p name labels the allocations. @p ops (copied) must have both callbacks.
 * @return the context, or NULL with rte_errno set: EINVAL (bad conf or ops; max_streams must be
 * 1 .. 2^24), ENOMEM.
 */
struct wt_stream_lcore *wt_stream_lcore_create(const char *name, const struct wt_stream_conf *conf,
					       int socket, const struct wt_stream_ops *ops,
					       void *ops_arg);

/**
 * Free @p sl (NULL is fine). Streams still attached are dropped without callbacks, but their
 * held mbufs are freed; release every flow first to have their data delivered.
 */
void wt_stream_lcore_free(struct wt_stream_lcore *sl);

/** Number of stream slots: L7 libraries size their per-slot arrays with it. */
uint32_t wt_stream_capacity(const struct wt_stream_lcore *sl);

/** Bytes of per-slot state (slot + free-list entry), for sizing and the summary. */
uint64_t wt_stream_bytes_per_stream(void);

/**
 * Feed one TCP packet @p m (decoded as @p p, direction @p dir of @p f) to the reassembler,
 * after wt_flow_update_burst(). Attaches a slot on the first SYN or payload (sets f->l7_slot),
 * delivers what is now in order through ops->deliver, queues what is ahead (taking a reference
 * on every segment of @p m; the caller still frees its own), and calls ops->eof when the
 * direction's FIN is reached or on RST (both directions).
 * @return 0; -ENOSPC when no slot was free (counted: no_slot; the flow is not reassembled);
 * -EINVAL when @p p is not TCP or @p dir is not a WT_DIR_*.
 */
int wt_stream_packet(struct wt_stream_lcore *sl, struct wt_flow *f, uint8_t dir,
		     struct rte_mbuf *m, const struct wt_pkt *p, uint64_t ts_ns);

/**
 * The flow ends: deliver what is queued in order (WT_STREAM_F_GAP after each hole), call
 * ops->eof for each direction not closed yet, drop held mbufs, free the slot, set
 * f->l7_slot = 0. Does nothing when f->l7_slot is 0. Call it from the flow end callback.
 */
void wt_stream_release(struct wt_stream_lcore *sl, struct wt_flow *f, uint64_t ts_ns);

/** Copy the counters and sizes of @p sl into @p st. */
void wt_stream_stats_get(const struct wt_stream_lcore *sl, struct wt_stream_stats *st);

#endif /* WT_STREAM_H */
