/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to lib/pipeline: pieces shared by the setup code and the loops. */
#ifndef WT_PIPELINE_PRIV_H
#define WT_PIPELINE_PRIV_H

#include <rte_cycles.h>

#include "wt_pipeline.h"

/* After the stop flag, queues are read until empty, but at most this many more passes: a live
 * link or an endless replay never empties. */
#define WT_PIPE_DRAIN_PASSES 64

/* Idle polls before an lcore with idle-sleep-us > 0 sleeps. */
#define WT_PIPE_IDLE_SPINS 64

/** Flow table end callback: turns the ended flow into a `flow` event (runs on the worker). */
void wt_pipeline_worker_flow_end(void *arg, const struct wt_flow *f, enum wt_flow_end reason,
				 uint64_t now_ns);

/** Take an event record (waits, bounded, only at shutdown). NULL: pool empty, caller counts. */
struct wt_event *wt_pipeline_event_get(struct wt_worker_lcore *wk);
/** Queue a filled event record for the worker's exporter ring. */
void wt_pipeline_event_put(struct wt_worker_lcore *wk, struct wt_event *ev);

/** Application layer (pipeline_l7.c): per-worker stream and HTTP state. */
int wt_pipeline_l7_create(struct wt_pipeline *pl, char *err, size_t errlen);
void wt_pipeline_l7_free(struct wt_pipeline *pl);
/** One TCP packet of a tracked flow, after the flow table saw it. */
void wt_pipeline_l7_packet(struct wt_worker_lcore *wk, struct wt_flow *f, uint8_t dir,
			   struct rte_mbuf *m, const struct wt_pkt *p, uint64_t ts_ns);
/** The flow ends: flush reassembly and pending transactions before its flow event. */
void wt_pipeline_l7_flow_end(struct wt_worker_lcore *wk, struct wt_flow *f, uint64_t now_ns);

/* Back off when idle: spin a while, then sleep idle-sleep-us (oversubscribed CPUs). */
static inline void
wt_pipe_idle(const struct wt_pipeline *pl, unsigned int *idle)
{
	if (++*idle < WT_PIPE_IDLE_SPINS) {
		rte_pause();
		return;
	}
	if (pl->conf->idle_sleep_us)
		rte_delay_us_sleep(pl->conf->idle_sleep_us);
	else
		rte_pause();
}

#endif /* WT_PIPELINE_PRIV_H */
