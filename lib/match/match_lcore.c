/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-worker matcher: everything a worker touches while matching is allocated here, once, on
 * its NUMA node, so the data path never allocates: the Hyperscan scratch (cloned from the
 * ruleset's prototype, as Suricata's util-mpm-hs.c does per thread), the flow slots with their
 * stream tails, the stream-state pool, candidate lists, the threshold table and the HMAC pads.
 */
#include <errno.h>
#include <string.h>

#include <rte_common.h>
#include <rte_malloc.h>

#include "match_priv.h"

/* Counter names lower-cased once at load time (the preprocessor cannot), as lib/decode does. */
#define MATCH_NAME_MAX 24

#define _(sym, desc) _Static_assert(sizeof(#sym) <= MATCH_NAME_MAX, "counter name too long");
foreach_wt_match_counter
#undef _

static char cnt_name_buf[WT_MATCH_CNT__MAX][MATCH_NAME_MAX];

static const char *const cnt_syms[WT_MATCH_CNT__MAX] = {
#define _(sym, desc) #sym,
	foreach_wt_match_counter
#undef _
};

const char *const wt_match_counter_names[WT_MATCH_CNT__MAX] = {
#define _(sym, desc) cnt_name_buf[WT_MATCH_CNT_##sym],
	foreach_wt_match_counter
#undef _
};

RTE_INIT(wt_match_names_init)
{
	for (unsigned i = 0; i < WT_MATCH_CNT__MAX; i++)
		wt_lower_name(cnt_name_buf[i], MATCH_NAME_MAX, cnt_syms[i]);
}
const char *const wt_match_counter_descs[WT_MATCH_CNT__MAX] = {
#define _(sym, desc) desc,
	foreach_wt_match_counter
#undef _
};

static void *
zalloc(struct wt_match_lcore *ml, const char *what, size_t n, int socket)
{
	void *p = rte_zmalloc_socket(what, n ? n : 8, 64, socket);

	if (p)
		ml->memory += n;
	return p;
}

struct wt_match_lcore *
wt_match_lcore_create(const struct wt_match_ruleset *rs, const struct wt_match_lcore_conf *conf,
		      int socket)
{
	struct wt_match_lcore *ml;
	uint32_t th = conf ? conf->threshold_slots : 0;
	uint32_t streams;
	size_t sz;

	if (!rs || !conf || conf->max_flows == 0 || conf->key_len == 0 || conf->key_len > 64 ||
	    !conf->key || (th && (th & (th - 1)))) {
		errno = EINVAL;
		return NULL;
	}
	ml = rte_zmalloc_socket("wt_match_lcore", sizeof(*ml), 64, socket);
	if (!ml) {
		errno = ENOMEM;
		return NULL;
	}
	ml->memory = sizeof(*ml);
	ml->rs = rs;
	ml->on_alert = conf->on_alert;
	ml->arg = conf->arg;
	ml->max_flows = conf->max_flows;
	if (th == 0)
		th = 4096;
	ml->th_mask = th - 1;
	ml->cap_cand = rs->n_rules ? rs->n_rules : 1;
	ml->flows = zalloc(ml, "wt_match_flows", (size_t)conf->max_flows * sizeof(*ml->flows),
			   socket);
	ml->th = zalloc(ml, "wt_match_th", (size_t)th * sizeof(*ml->th), socket);
	ml->cand = zalloc(ml, "wt_match_cand", (size_t)ml->cap_cand * sizeof(*ml->cand), socket);
	ml->cand_reg = zalloc(ml, "wt_match_creg", (size_t)ml->cap_cand * sizeof(*ml->cand_reg),
			      socket);
	if (!ml->flows || !ml->th || !ml->cand || !ml->cand_reg)
		goto nomem;
	streams = rs->db[WT_MATCH_BUF_STREAM] ?
		  (conf->max_streams ? conf->max_streams : 2 * conf->max_flows) : 0;
	if (match_pool_init(&ml->pool, streams, rs->stream_size, socket) != 0)
		goto nomem;
	ml->memory += (size_t)streams * (ml->pool.slot + sizeof(uint32_t));
	if (rs->proto) {
		if (hs_clone_scratch(rs->proto, &ml->scratch) != HS_SUCCESS) {
			wt_match_lcore_free(ml);
			errno = EIO;
			return NULL;
		}
		if (hs_scratch_size(ml->scratch, &sz) == HS_SUCCESS)
			ml->memory += sz;
	}
	match_hmac_init(&ml->hmac, conf->key, conf->key_len);
	__atomic_add_fetch(&((struct wt_match_ruleset *)rs)->lcores, 1, __ATOMIC_RELAXED);
	ml->registered = 1;
	return ml;
nomem:
	wt_match_lcore_free(ml);
	errno = ENOMEM;
	return NULL;
}

void
wt_match_lcore_free(struct wt_match_lcore *ml)
{
	if (!ml)
		return;
	if (ml->flows) {
		match_pool_enter(&ml->pool);
		for (uint32_t i = 0; i < ml->max_flows; i++)
			for (int d = 0; d < 2; d++)
				if (ml->flows[i].d[d].hs)
					hs_close_stream(ml->flows[i].d[d].hs, NULL, NULL, NULL);
		match_pool_leave();
	}
	hs_free_scratch(ml->scratch);
	if (ml->registered)
		__atomic_sub_fetch(&((struct wt_match_ruleset *)ml->rs)->lcores, 1, __ATOMIC_RELAXED);
	match_pool_fini(&ml->pool);
	rte_free(ml->flows);
	rte_free(ml->th);
	rte_free(ml->cand);
	rte_free(ml->cand_reg);
	memset(&ml->hmac, 0, sizeof(ml->hmac));
	rte_free(ml);
}

void
wt_match_stats_get(const struct wt_match_lcore *ml, struct wt_match_stats *st)
{
	memset(st, 0, sizeof(*st));
	memcpy(st->cnt, ml->cnt, sizeof(st->cnt));
	st->streams_in_use = ml->pool.in_use;
	st->streams_peak = ml->pool.peak;
	st->streams_capacity = ml->pool.n;
	st->stream_state_bytes = ml->rs->db[WT_MATCH_BUF_STREAM] ? ml->pool.slot : 0;
	st->bytes_per_flow = sizeof(struct match_flow) + 2 * st->stream_state_bytes;
	st->memory = ml->memory;
}
