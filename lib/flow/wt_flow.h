/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Per-worker flow table: bidirectional 5-tuple key (+ outer VLAN), rte_hash with bulk lookup,
 * preallocated entries bounded by a memcap, TCP state, idle and hard timeouts by protocol and
 * state, eviction under pressure. Ended flows are handed to a callback (the worker turns them
 * into events). Also Community ID v1.
 */
#ifndef WT_FLOW_H
#define WT_FLOW_H

#include <stdint.h>

#include "wt_common.h"
#include "wt_decode.h"

/* TCP state of a flow (X-macro: enum WT_TCP_STATE_<SYM>, names). */
#define foreach_wt_tcp_state \
	_(NONE, "none") /* not tcp */ \
	_(SYN_SENT, "syn_sent") \
	_(SYN_RECV, "syn_recv") \
	_(ESTABLISHED, "established") \
	_(CLOSING, "closing") /* one side sent FIN */ \
	_(CLOSED, "closed") /* both sides sent FIN */ \
	_(RESET, "reset")

enum wt_tcp_state {
#define _(sym, name) WT_TCP_STATE_##sym,
	foreach_wt_tcp_state
#undef _
	WT_TCP_STATE__MAX
};
extern const char *const wt_tcp_state_names[WT_TCP_STATE__MAX];

/* Why a flow ended (X-macro: enum WT_FLOW_END_<SYM>, names). */
#define foreach_wt_flow_end \
	_(TIMEOUT, "timeout") \
	_(FIN, "fin") \
	_(RST, "rst") \
	_(EVICTED, "evicted") \
	_(SHUTDOWN, "shutdown")

enum wt_flow_end {
#define _(sym, name) WT_FLOW_END_##sym,
	foreach_wt_flow_end
#undef _
	WT_FLOW_END__MAX
};
extern const char *const wt_flow_end_names[WT_FLOW_END__MAX];

/* Application protocols (X-macro): the L7 dispatcher sets a flow's app_proto. */
#define foreach_wt_app_proto \
	_(UNKNOWN, "unknown") \
	_(FAILED, "failed") \
	_(HTTP, "http") \
	_(HTTP2, "http2") \
	_(WEBSOCKET, "websocket")

enum wt_app_proto {
#define _(sym, name) WT_APP_##sym,
	foreach_wt_app_proto
#undef _
	WT_APP__MAX
};
extern const char *const wt_app_proto_names[WT_APP__MAX];

/* wt_flow.flags */
#define WT_FLOW_F_SYN_SEEN    0x01 /* client SYN seen */
#define WT_FLOW_F_HANDSHAKE   0x02 /* full 3-way handshake seen */
#define WT_FLOW_F_MIDSTREAM   0x04 /* tcp flow picked up without its SYN */
#define WT_FLOW_F_FIN_CLIENT  0x08
#define WT_FLOW_F_FIN_SERVER  0x10
#define WT_FLOW_F_RST         0x20

/** Normalized key: endpoint "a" is the lower (ip, port) of the two; 40 bytes. */
struct wt_flow_key {
	uint8_t ip_a[16];
	uint8_t ip_b[16];
	uint16_t port_a;
	uint16_t port_b;
	uint8_t proto;
	uint8_t ipver;  /* 4 or 6 */
	uint16_t vlan;  /* outer VLAN id, 0 when untagged */
};
_Static_assert(sizeof(struct wt_flow_key) == 40, "flow key layout");

/* Packet direction relative to the flow's client. */
#define WT_DIR_TOSERVER 0
#define WT_DIR_TOCLIENT 1

/** flow_id layout: worker id (6 bits) above a 45-bit per-worker sequence. */
#define WT_FLOW_ID_WORKER_SHIFT 45

/** One flow. Owned by one worker; never shared. */
struct wt_flow {
	struct wt_flow_key key;
	uint64_t flow_id;         /* unique per sensor run, < 2^51: worker id in bits 45-50 */
	uint64_t start_ns;        /* first packet timestamp */
	uint64_t last_ns;         /* last packet timestamp */
	uint64_t pkts[2];         /* [WT_DIR_TOSERVER], [WT_DIR_TOCLIENT] */
	uint64_t bytes[2];        /* frame bytes (wire length), as tshark's conversations count */
	uint8_t client_is_a;      /* 1 when the client (initiator) is key endpoint a */
	uint8_t state;            /* enum wt_tcp_state */
	uint8_t flags;            /* WT_FLOW_F_* */
	uint8_t tcp_flags[2];     /* OR of tcp flags seen per direction */
	uint8_t in_use;
	uint8_t app_proto;        /* enum wt_app_proto (lib/event), set by the L7 dispatcher */
	uint8_t pad;
	uint32_t slot;            /* position in the table */
	uint32_t l7_slot;          /* per-worker stream/L7 state index + 1, 0 = none (owned by the worker) */
};

/** Ended-flow callback: runs on the worker, must not block. @p f is valid only during the call. */
typedef void (*wt_flow_end_cb)(void *arg, const struct wt_flow *f, enum wt_flow_end reason,
			       uint64_t now_ns);

/** Table configuration (timeouts in seconds). */
struct wt_flow_conf {
	uint32_t max_flows;       /* upper bound on entries */
	uint64_t memcap;          /* bytes; entries = min(max_flows, memcap / bytes per flow) */
	uint32_t timeout_new;     /* tcp before the handshake completes */
	uint32_t timeout_established;
	uint32_t timeout_closed;  /* tcp after FIN both ways or RST */
	uint32_t timeout_udp;
	uint32_t timeout_icmp;
	uint32_t timeout_other;
	uint32_t timeout_hard;    /* any flow, since its first packet */
	uint32_t sweep_budget;    /* slots visited per wt_flow_expire() call */
	uint8_t worker_id;
};

struct wt_flow_stats {
	uint64_t created;
	uint64_t ended[WT_FLOW_END__MAX];
	uint64_t no_room;         /* packets not tracked: table full and nothing evictable */
	uint64_t active;
	uint64_t peak_active;
	uint64_t capacity;        /* entries */
	uint64_t bytes_per_flow;  /* entry + hash overhead */
	uint64_t memory;          /* bytes allocated at creation */
};

struct wt_flow_table;

/**
 * Create a flow table on @p socket. @p name must be unique per process (rte_hash name).
 * @return the table, or NULL with rte_errno set (EINVAL bad conf, ENOMEM).
 */
struct wt_flow_table *wt_flow_table_create(const char *name, const struct wt_flow_conf *conf,
					   int socket, wt_flow_end_cb cb, void *cb_arg);
void wt_flow_table_free(struct wt_flow_table *ft);

/**
 * Track a burst of decoded packets: look up (bulk) or create each packet's flow, update counters
 * and TCP state. @p wire_len is each frame's length, @p ts_ns its timestamp. On return flows[i] is
 * the packet's flow (NULL if not tracked) and dir[i] its WT_DIR_*. A TCP RST or the final FIN
 * moves the flow to a short timeout; the flow ends later in wt_flow_expire().
 * @return number of packets tracked.
 */
uint16_t wt_flow_update_burst(struct wt_flow_table *ft, struct wt_pkt *const *pkts,
			      const uint32_t *wire_len, const uint64_t *ts_ns,
			      struct wt_flow **flows, uint8_t *dir, uint16_t n);

/**
 * Visit up to conf->sweep_budget slots and end flows whose idle or hard timeout passed at
 * @p now_ns. @return number of flows ended.
 */
uint32_t wt_flow_expire(struct wt_flow_table *ft, uint64_t now_ns);

/**
 * End every live flow (shutdown): reason FIN for closed flows, RST for reset flows, SHUTDOWN
 * otherwise. @return number ended.
 */
uint32_t wt_flow_flush(struct wt_flow_table *ft, uint64_t now_ns);

void wt_flow_stats_get(const struct wt_flow_table *ft, struct wt_flow_stats *st);

/**
 * Community ID v1 (https://github.com/corelight/community-id-spec): "1:" + base64(SHA-1(...)).
 * Addresses in network order (4 or 16 bytes per @p ipver); ports host order (ICMP: type, code).
 * @p out must hold 32 bytes. @return 0, or -EINVAL.
 */
int wt_community_id(uint16_t seed, uint8_t ipver, const uint8_t *saddr, const uint8_t *daddr,
		    uint8_t proto, uint16_t sport, uint16_t dport, char *out, size_t outlen);

#endif /* WT_FLOW_H */
