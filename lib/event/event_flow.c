/* SPDX-License-Identifier: BSD-3-Clause */
/* Builds fixed-size event records on the worker; the exporter turns them into JSON. */
#include <string.h>

#include <rte_errno.h>

#include "event_priv.h"

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
	event_header(ev, f, WT_EVENT_FLOW, now_ns, worker);
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
