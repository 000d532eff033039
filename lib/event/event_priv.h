/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to lib/event: the part every event record shares. */
#ifndef EVENT_PRIV_H
#define EVENT_PRIV_H

#include <string.h>

#include "wt_event.h"

/* Addresses and ports of @p f as client (src) -> server (dst), type, time, worker. */
static inline void
event_header(struct wt_event *ev, const struct wt_flow *f, enum wt_event_type type,
	     uint64_t ts_ns, uint8_t worker)
{
	const struct wt_flow_key *k = &f->key;
	int c = f->client_is_a ? 0 : 1; /* which key endpoint is the client */

	ev->ts_ns = ts_ns;
	ev->flow_id = f->flow_id;
	memcpy(ev->src_ip, c == 0 ? k->ip_a : k->ip_b, 16);
	memcpy(ev->dst_ip, c == 0 ? k->ip_b : k->ip_a, 16);
	ev->sport = c == 0 ? k->port_a : k->port_b;
	ev->dport = c == 0 ? k->port_b : k->port_a;
	ev->vlan = k->vlan;
	ev->type = (uint8_t)type;
	ev->ipver = k->ipver;
	ev->proto = k->proto;
	ev->app_proto = f->app_proto;
	ev->worker = worker;
	memset(ev->pad, 0, sizeof(ev->pad));
}

#endif /* EVENT_PRIV_H */
