/* SPDX-License-Identifier: BSD-3-Clause */
/* Builds fixed-size event records on the worker; the exporter turns them into JSON. */
#include <string.h>

#include <rte_errno.h>

#include "wt_event.h"

const char *const wt_event_type_names[WT_EVENT__MAX] = {
#define _(sym, name) name,
	foreach_wt_event_type
#undef _
};


struct rte_mempool *
wt_event_pool_create(const char *name, unsigned int n, unsigned int cache, int socket)
{
	return rte_mempool_create(name, n, sizeof(struct wt_event), cache, 0, NULL, NULL, NULL,
				  NULL, socket, 0);
}

void
wt_event_from_flow(struct wt_event *ev, const struct wt_flow *f, enum wt_flow_end reason,
		   uint64_t now_ns, uint8_t worker)
{
	const struct wt_flow_key *k = &f->key;
	int c = f->client_is_a ? 0 : 1; /* which key endpoint is the client */

	ev->ts_ns = now_ns;
	ev->flow_id = f->flow_id;
	memcpy(ev->src_ip, c == 0 ? k->ip_a : k->ip_b, 16);
	memcpy(ev->dst_ip, c == 0 ? k->ip_b : k->ip_a, 16);
	ev->sport = c == 0 ? k->port_a : k->port_b;
	ev->dport = c == 0 ? k->port_b : k->port_a;
	ev->vlan = k->vlan;
	ev->type = WT_EVENT_FLOW;
	ev->ipver = k->ipver;
	ev->proto = k->proto;
	ev->app_proto = f->app_proto;
	ev->worker = worker;
	memset(ev->pad, 0, sizeof(ev->pad));
	memset(&ev->u, 0, sizeof(ev->u));
	ev->u.flow.pkts_toserver = f->pkts[WT_DIR_TOSERVER];
	ev->u.flow.pkts_toclient = f->pkts[WT_DIR_TOCLIENT];
	ev->u.flow.bytes_toserver = f->bytes[WT_DIR_TOSERVER];
	ev->u.flow.bytes_toclient = f->bytes[WT_DIR_TOCLIENT];
	ev->u.flow.start_ns = f->start_ns;
	ev->u.flow.end_ns = f->last_ns;
	ev->u.flow.state = f->state;
	ev->u.flow.reason = (uint8_t)reason;
	ev->u.flow.tcp_flags_ts = f->tcp_flags[WT_DIR_TOSERVER];
	ev->u.flow.tcp_flags_tc = f->tcp_flags[WT_DIR_TOCLIENT];
	ev->u.flow.flags = f->flags;
}
