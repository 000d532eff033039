/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Audit event records: fixed-size, taken from a mempool by workers, passed to exporters over
 * rings, formatted to JSON only on the exporter side.
 */
#ifndef WT_EVENT_H
#define WT_EVENT_H

#include <stdint.h>

#include <rte_mempool.h>

#include "wt_common.h"
#include "wt_flow.h"
#include "wt_http.h"

/* Event types (X-macro): enum WT_EVENT_<SYM>, names used as EVE event_type and topic suffix. */
#define foreach_wt_event_type \
	_(FLOW, "flow") \
	_(HTTP, "http")

enum wt_event_type {
#define _(sym, name) WT_EVENT_##sym,
	foreach_wt_event_type
#undef _
	WT_EVENT__MAX
};
extern const char *const wt_event_type_names[WT_EVENT__MAX];

struct wt_event_flow {
	uint64_t pkts_toserver, pkts_toclient;
	uint64_t bytes_toserver, bytes_toclient;
	uint64_t start_ns, end_ns;
	uint8_t state;         /* enum wt_tcp_state */
	uint8_t reason;        /* enum wt_flow_end */
	uint8_t tcp_flags_ts;  /* OR of tcp flags client -> server */
	uint8_t tcp_flags_tc;
	uint8_t flags;         /* WT_FLOW_F_* */
};

/* The smallest of 1024/2048/4096 that holds the largest record (http: 64 + 1816 bytes). */
#define WT_EVENT_SIZE 2048

/** One audit event. src = client (initiator), dst = server. */
struct wt_event {
	uint64_t ts_ns;        /* event time (epoch ns) */
	uint64_t flow_id;
	uint8_t src_ip[16];
	uint8_t dst_ip[16];
	uint16_t sport, dport;
	uint16_t vlan;
	uint8_t type;          /* enum wt_event_type */
	uint8_t ipver;
	uint8_t proto;
	uint8_t app_proto;     /* enum wt_app_proto */
	uint8_t worker;
	uint8_t pad[5];
	union {
		struct wt_event_flow flow;
		struct wt_http_tx http;   /* one HTTP transaction, as lib/http emitted it */
		uint8_t raw[WT_EVENT_SIZE - 64];
	} u;
};
_Static_assert(sizeof(struct wt_event) == WT_EVENT_SIZE, "event record size");

/**
 * Create the event pool: @p n records, per-lcore cache @p cache.
 * @return the mempool, or NULL with rte_errno set.
 */
struct rte_mempool *wt_event_pool_create(const char *name, unsigned int n, unsigned int cache,
					 int socket);

/** Fill @p ev as the `flow` event of @p f ending for @p reason at @p now_ns. */
void wt_event_from_flow(struct wt_event *ev, const struct wt_flow *f, enum wt_flow_end reason,
			uint64_t now_ns, uint8_t worker);

/**
 * Fill @p ev as the `http` event of transaction @p tx of @p f (copied). The event time is the
 * request's first byte (the response's for a response without request).
 */
void wt_event_from_http(struct wt_event *ev, const struct wt_flow *f, const struct wt_http_tx *tx,
			uint8_t worker);

#endif /* WT_EVENT_H */
