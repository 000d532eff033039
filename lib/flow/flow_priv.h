/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private to lib/flow: the table layout shared by the update, expiry and sizing code, and the
 * ICMP type -> "port" mapping shared by the flow key and the Community ID.
 */
#ifndef WT_FLOW_PRIV_H
#define WT_FLOW_PRIV_H

#include <stdint.h>
#include <netinet/in.h>

#include <rte_hash.h>

#include "wt_flow.h"

/* Eviction looks at this many in-use slots after the sweep cursor and takes the least recent. */
#define FLOW_EVICT_CANDIDATES 8

/* Smallest table wt_flow_table_create() accepts. */
#define FLOW_MIN_CAPACITY 1024

/* Longest table name: rte_hash names its rings "HT_EXT_<name>" inside a 32-byte memzone name
 * that also carries the ring prefix "RG_". */
#define FLOW_NAME_MAX 20

#ifndef IPPROTO_SCTP
#define IPPROTO_SCTP 132
#endif

struct wt_flow_table {
	struct rte_hash *h;
	struct wt_flow *flows;       /* [capacity], indexed by rte_hash key position */
	uint32_t capacity;
	uint32_t cursor;             /* next slot the sweep (and eviction) looks at */
	uint64_t next_seq;           /* flow id counter, 56 bits */
	uint64_t id_hi;              /* worker id << WT_FLOW_ID_WORKER_SHIFT */
	/* idle timeouts in ns, by class (see flow_idle_timeout_ns) */
	uint64_t to_new, to_est, to_closed, to_udp, to_icmp, to_other;
	uint64_t to_hard;            /* 0: no hard timeout */
	uint32_t sweep_budget;
	wt_flow_end_cb cb;
	void *cb_arg;
	struct wt_flow_stats st;
};

/** Idle timeout of @p f given its protocol and TCP state. */
static inline uint64_t
flow_idle_timeout_ns(const struct wt_flow_table *ft, const struct wt_flow *f)
{
	switch (f->key.proto) {
	case IPPROTO_TCP:
		switch (f->state) {
		case WT_TCP_STATE_CLOSED:
		case WT_TCP_STATE_RESET:
			return ft->to_closed;
		case WT_TCP_STATE_ESTABLISHED:
		case WT_TCP_STATE_CLOSING:
			return ft->to_est;
		default:
			return ft->to_new;
		}
	case IPPROTO_UDP:
		return ft->to_udp;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return ft->to_icmp;
	default:
		return ft->to_other;
	}
}

/** Reason a flow ends with when it ends on its own (timeout, flush): FIN, RST or @p dflt. */
static inline enum wt_flow_end
flow_natural_end(const struct wt_flow *f, enum wt_flow_end dflt)
{
	if (f->state == WT_TCP_STATE_CLOSED)
		return WT_FLOW_END_FIN;
	if (f->state == WT_TCP_STATE_RESET)
		return WT_FLOW_END_RST;
	return dflt;
}

/**
 * Whether @p f timed out at @p now_ns; sets @p reason (FIN / RST / TIMEOUT). Timestamps that go
 * backwards (several ports, replays) never expire a flow.
 */
static inline int
flow_expired(const struct wt_flow_table *ft, const struct wt_flow *f, uint64_t now_ns,
	     enum wt_flow_end *reason)
{
	if (now_ns > f->last_ns && now_ns - f->last_ns > flow_idle_timeout_ns(ft, f)) {
		*reason = flow_natural_end(f, WT_FLOW_END_TIMEOUT);
		return 1;
	}
	if (ft->to_hard != 0 && now_ns > f->start_ns && now_ns - f->start_ns > ft->to_hard) {
		*reason = WT_FLOW_END_TIMEOUT;
		return 1;
	}
	return 0;
}

/*
 * Community ID / Zeek mapping of ICMP types to port-like values: for request/reply types the
 * "ports" are (type, counterpart type) so both directions pair up; other types keep
 * (type, code) and are one-way. Idempotent: mapping mapped values changes nothing.
 * @return 1 when the message is one-way (not to be reordered).
 */
static inline int
flow_icmp_ports(uint8_t proto, uint16_t *sport, uint16_t *dport)
{
	int peer = -1;

	if (*sport > 255)
		return 1;
	if (proto == IPPROTO_ICMP) {
		switch (*sport) {
		case 8: peer = 0; break;    /* echo / echo reply */
		case 0: peer = 8; break;
		case 13: peer = 14; break;  /* timestamp / reply */
		case 14: peer = 13; break;
		case 15: peer = 16; break;  /* information / reply */
		case 16: peer = 15; break;
		case 10: peer = 9; break;   /* router solicitation / advertisement */
		case 9: peer = 10; break;
		case 17: peer = 18; break;  /* address mask / reply */
		case 18: peer = 17; break;
		default: break;
		}
	} else {
		switch (*sport) {
		case 128: peer = 129; break; /* echo request / reply */
		case 129: peer = 128; break;
		case 130: peer = 131; break; /* MLD query / report */
		case 131: peer = 130; break;
		case 133: peer = 134; break; /* router solicitation / advertisement */
		case 134: peer = 133; break;
		case 135: peer = 136; break; /* neighbor solicitation / advertisement */
		case 136: peer = 135; break;
		case 139: peer = 140; break; /* node information (who-are-you) query / reply */
		case 140: peer = 139; break;
		case 144: peer = 145; break; /* home agent address discovery request / reply */
		case 145: peer = 144; break;
		default: break;
		}
	}
	if (peer < 0)
		return 1;
	*dport = (uint16_t)peer;
	return 0;
}

/* flow_tcp.c */
void wt_flow_tcp_track(struct wt_flow *f, uint8_t dir, uint8_t tcp_flags);

/* flow_expire.c */
void wt_flow_end_one(struct wt_flow_table *ft, struct wt_flow *f, enum wt_flow_end reason,
		     uint64_t now_ns);

/* flow_table.c */
uint64_t wt_flow_bytes_per_flow(void);
uint64_t wt_flow_mem_bytes(uint32_t capacity);

#endif /* WT_FLOW_PRIV_H */
