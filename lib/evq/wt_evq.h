/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Event queues: one single-producer/single-consumer rte_ring per worker, drained by the exporter
 * that owns it (worker w -> exporter w % n_exporters). Events travel as pointers to mempool
 * records, in bursts; a full ring is a counted drop on the worker side, never a wait.
 */
#ifndef WT_EVQ_H
#define WT_EVQ_H

#include <stdint.h>

#include <rte_ring.h>

#include "wt_common.h"
#include "wt_event.h"

struct wt_evq {
	struct rte_ring *ring[WT_MAX_WORKERS];
	unsigned int n_workers;
	unsigned int n_exporters;
};

/**
 * Create one ring of @p size (power of two) per worker.
 * @return 0, or a negative errno (-EINVAL bad sizes, -ENOMEM, -EEXIST name taken).
 */
int wt_evq_create(struct wt_evq *q, unsigned int n_workers, unsigned int n_exporters,
		  unsigned int size, int socket);

/** Free the rings (events still queued are returned to their mempool). */
void wt_evq_free(struct wt_evq *q);

/** Exporter that drains worker @p w's ring. */
static inline unsigned int
wt_evq_exporter_of(const struct wt_evq *q, unsigned int w)
{
	return w % q->n_exporters;
}

/** Worker side: enqueue up to @p n events; returns how many were taken (the rest are the caller's). */
static inline uint16_t
wt_evq_enqueue(struct wt_evq *q, unsigned int w, struct wt_event **evs, uint16_t n)
{
	return (uint16_t)rte_ring_sp_enqueue_burst(q->ring[w], (void **)evs, n, NULL);
}

/** Exporter side: dequeue up to @p n events from worker @p w's ring. */
static inline uint16_t
wt_evq_dequeue(struct wt_evq *q, unsigned int w, struct wt_event **evs, uint16_t n)
{
	return (uint16_t)rte_ring_sc_dequeue_burst(q->ring[w], (void **)evs, n, NULL);
}

/** Events waiting in worker @p w's ring. */
static inline unsigned int
wt_evq_count(const struct wt_evq *q, unsigned int w)
{
	return rte_ring_count(q->ring[w]);
}

#endif /* WT_EVQ_H */
