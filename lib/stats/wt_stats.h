/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Counters from every stage gathered into one snapshot (ports, decoder, flow tables, rings, event
 * pool, exporters) and printed as the readable summary or a progress line. Runs on the control
 * thread; reads the lcores' counters without stopping them.
 */
#ifndef WT_STATS_H
#define WT_STATS_H

#include <stdint.h>
#include <stdio.h>

#include "wt_common.h"
#include "wt_decode.h"
#include "wt_export.h"
#include "wt_flow.h"
#include "wt_http.h"
#include "wt_stream.h"
#include "wt_pipeline.h"
#include "wt_port.h"

struct wt_stats {
	/* ports */
	uint64_t rx_pkts, rx_bytes, imissed, ierrors, rx_nombuf;
	/* decoder (RX lcores and workers polling their own queues) */
	uint64_t decoded;
	uint64_t undecoded[WT_DECODE_DROP__MAX];
	uint64_t undecoded_total;
	/* flows */
	uint64_t flows_created, flows_active, flows_peak;
	uint64_t flows_ended[WT_FLOW_END__MAX];
	uint64_t flow_capacity, flow_bytes_per_flow, flow_memory;
	/* application layer */
	uint64_t stream[WT_STREAM_CTR__MAX];
	uint64_t stream_memory, http_memory;
	uint64_t http[WT_HTTP_CNT__MAX];
	/* pipeline */
	uint64_t worker_pkts, worker_events;
	uint64_t pipe_drops[WT_PIPE_DROP__MAX];
	/* exporters */
	struct wt_export_stats exp;
	/* total of everything lost (not counting undecoded frames, which are not losses) */
	uint64_t drops_total;
};

/** Take a snapshot of every counter. */
void wt_stats_collect(struct wt_stats *st, const struct wt_pipeline *pl, const struct wt_port_set *ps);

/**
 * Print the end-of-run summary: a block starting with "== wiretrail summary ==", then one
 * "name: value" line per figure, drops by reason (every non-zero one, with its description).
 */
void wt_stats_print_summary(FILE *out, const struct wt_stats *st, double elapsed_s);

/**
 * Write the same figures as one JSON object (for bench/ and machines): flat keys as in the
 * summary ("packets", "flows.ended.fin", "drops", "drops.pipeline.rx_ring_full", ...).
 */
void wt_stats_write_json(FILE *out, const struct wt_stats *st, double elapsed_s);

/** One progress line (stats.interval): packets, flows, events, drops so far. */
void wt_stats_print_progress(FILE *out, const struct wt_stats *st, double elapsed_s);

#endif /* WT_STATS_H */
