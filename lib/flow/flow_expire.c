/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ending flows: the incremental sweep that a worker runs between bursts (a bounded number of
 * slots per call, so expiry never stalls the data path) and the shutdown flush.
 */
#include <rte_hash.h>

#include "flow_priv.h"

void
wt_flow_end_one(struct wt_flow_table *ft, struct wt_flow *f, enum wt_flow_end reason,
		uint64_t now_ns)
{
	int32_t pos;

	if (ft->cb != NULL)
		ft->cb(ft->cb_arg, f, reason, now_ns);
	pos = rte_hash_del_key(ft->h, &f->key);
	WT_ASSERT_HOT(pos == (int32_t)f->slot);
	RTE_SET_USED(pos);
	f->in_use = 0;
	ft->st.ended[reason]++;
	ft->st.active--;
}

uint32_t
wt_flow_expire(struct wt_flow_table *ft, uint64_t now_ns)
{
	uint32_t cur = ft->cursor, ended = 0;
	enum wt_flow_end reason;

	for (uint32_t i = 0; i < ft->sweep_budget; i++) {
		struct wt_flow *f = &ft->flows[cur];

		if (f->in_use && flow_expired(ft, f, now_ns, &reason)) {
			wt_flow_end_one(ft, f, reason, now_ns);
			ended++;
		}
		if (++cur == ft->capacity)
			cur = 0;
	}
	ft->cursor = cur;
	return ended;
}

uint32_t
wt_flow_flush(struct wt_flow_table *ft, uint64_t now_ns)
{
	uint32_t ended = 0;

	for (uint32_t s = 0; s < ft->capacity && ft->st.active != 0; s++) {
		struct wt_flow *f = &ft->flows[s];

		if (!f->in_use)
			continue;
		wt_flow_end_one(ft, f, flow_natural_end(f, WT_FLOW_END_SHUTDOWN), now_ns);
		ended++;
	}
	return ended;
}
