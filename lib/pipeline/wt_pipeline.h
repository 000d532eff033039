/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The lcore roles and their loops: RX lcores (single-queue ports: decode, then spread packets to
 * workers by symmetric flow hash over SPSC rings), workers (own RX queues on multi-queue ports or
 * rings from RX lcores; flow table; events), exporters (drain event rings into the exporter).
 * The control thread reaches the loops only through the stop flag and reads their counters.
 */
#ifndef WT_PIPELINE_H
#define WT_PIPELINE_H

#include <stdint.h>

#include <rte_mempool.h>
#include <rte_ring.h>

#include "wt_common.h"
#include "wt_conf.h"
#include "wt_decode.h"
#include "wt_event.h"
#include "wt_evq.h"
#include "wt_export.h"
#include "wt_flow.h"
#include "wt_http.h"
#include "wt_port.h"
#include "wt_stream.h"

#define WT_PIPE_MAX_RX 16
#define WT_PIPE_MAX_QUEUES 64
#define WT_PIPE_MAX_BURST 256

struct wt_pipe_queue {
	uint16_t port_idx;        /* index in the port set */
	uint16_t port_id;
	uint16_t queue;
};

/* Worker-side event drops (X-macro). */
#define foreach_wt_pipe_drop \
	_(RX_RING_FULL, "rx lcore -> worker ring full (packets)") \
	_(EVENT_POOL_EMPTY, "event mempool empty (events)") \
	_(EVENT_RING_FULL, "worker -> exporter ring full (events)") \
	_(FLOW_NOT_TRACKED, "packet not tracked: flow table full (packets)") \
	_(EXPORT_FAILED, "exporter could not format or queue the event (events)")

enum wt_pipe_drop {
#define _(sym, desc) WT_PIPE_DROP_##sym,
	foreach_wt_pipe_drop
#undef _
	WT_PIPE_DROP__MAX
};
extern const char *const wt_pipe_drop_names[WT_PIPE_DROP__MAX];
extern const char *const wt_pipe_drop_descs[WT_PIPE_DROP__MAX];

struct wt_pipeline;

struct wt_rx_lcore {
	struct wt_pipeline *pl;
	unsigned int idx;
	unsigned int lcore;
	struct wt_pipe_queue q[WT_PIPE_MAX_QUEUES];
	unsigned int n_q;
	struct rte_ring *to_worker[WT_MAX_WORKERS];
	struct wt_decode_lcore dec;
	uint64_t pkts, bytes;
	uint64_t drops[WT_PIPE_DROP__MAX];
} __rte_cache_aligned;

struct wt_worker_lcore {
	struct wt_pipeline *pl;
	unsigned int idx;
	unsigned int lcore;
	struct wt_pipe_queue q[WT_PIPE_MAX_QUEUES];   /* queues polled directly (multi-queue ports) */
	unsigned int n_q;
	struct rte_ring *from_rx[WT_PIPE_MAX_RX];
	unsigned int n_from_rx;
	struct wt_decode_lcore dec;                    /* used for directly polled queues */
	struct wt_flow_table *ft;
	struct wt_stream_lcore *sl;                    /* tcp payload in order, for the L7 parsers */
	struct wt_http_lcore *hl;                      /* NULL when app-layer.http is disabled */
	struct wt_flow *cur_flow;                      /* flow whose L7 callbacks are running */
	struct wt_event *pending[64];
	unsigned int n_pending;
	int shutting_down;
	uint64_t now_ns;                               /* worker clock: packet time or wall clock */
	int pkt_clock;                                 /* packets carry PMD timestamps: age flows by them */
	uint64_t pkts, bytes, events;
	uint64_t drops[WT_PIPE_DROP__MAX];
} __rte_cache_aligned;

struct wt_exporter_lcore {
	struct wt_pipeline *pl;
	unsigned int idx;
	unsigned int lcore;
	struct wt_export_lcore *ex;
	unsigned int workers[WT_MAX_WORKERS];
	unsigned int n_workers;
	uint64_t events;
	uint64_t drops[WT_PIPE_DROP__MAX];
	/* losses already named in the audit chain (gap records) */
	uint64_t gap_seen_pipe[WT_PIPE_DROP__MAX];
	uint64_t gap_seen_port[3];
	char gap_reason[WT_PIPE_DROP__MAX][48];       /* "pipeline.rx_ring_full", ... */
	uint64_t next_gap_ns;
} __rte_cache_aligned;

struct wt_pipeline {
	const struct wt_conf *conf;
	const struct wt_port_set *ps;
	struct wt_export_ctx *xctx;
	struct rte_mempool *ev_pool;
	struct wt_evq evq;
	struct wt_rx_lcore rx[WT_PIPE_MAX_RX];
	unsigned int n_rx;
	struct wt_worker_lcore wk[WT_MAX_WORKERS];
	unsigned int n_wk;
	struct wt_exporter_lcore ex[WT_MAX_EXPORTERS];
	unsigned int n_ex;
	/* Shutdown chain: stop_input -> rx_done -> workers_done -> exporters_done. */
	volatile int stop_input;
	volatile unsigned int rx_done;
	volatile unsigned int workers_done;
	volatile unsigned int exporters_done;
};

/**
 * Build every lcore context from the config: assign multi-queue ports' queues to workers and
 * single-queue ports to RX lcores, create rings, event pool, flow tables and exporters.
 * @return 0, or a negative errno with a message in @p err (everything built is freed).
 */
int wt_pipeline_create(struct wt_pipeline *pl, const struct wt_conf *c, const struct wt_port_set *ps,
		       struct wt_export_ctx *xctx, char *err, size_t errlen);

/** Start every loop on its lcore. @return 0 or a negative errno. */
int wt_pipeline_launch(struct wt_pipeline *pl);

/** Ask the loops to stop taking input and drain (flows flushed, events delivered). */
void wt_pipeline_stop_input(struct wt_pipeline *pl);

/** True once every exporter has flushed its last event. */
int wt_pipeline_drained(const struct wt_pipeline *pl);

/** Wait for every lcore to return. */
void wt_pipeline_wait(struct wt_pipeline *pl);

/** Free what wt_pipeline_create() built (not the port set, not the export ctx). */
void wt_pipeline_free(struct wt_pipeline *pl);

int wt_pipeline_rx_loop(void *arg);
int wt_pipeline_worker_loop(void *arg);
int wt_pipeline_exporter_loop(void *arg);

#endif /* WT_PIPELINE_H */
