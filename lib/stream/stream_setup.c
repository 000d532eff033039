/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Setting up a worker's reassembler: every slot and every out-of-order piece is allocated here,
 * once, so the packet path never allocates and a worker's memory is known before the first
 * packet. Also the counter names and the statistics snapshot.
 */
#include <errno.h>
#include <string.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_malloc.h>

#include "stream_priv.h"

#define STREAM_NAME_MAX 24

#define _(sym, desc) _Static_assert(sizeof(#sym) <= STREAM_NAME_MAX, "counter name too long");
foreach_wt_stream_counter
#undef _

static char counter_name_buf[WT_STREAM_CTR__MAX][STREAM_NAME_MAX];

static const char *const counter_syms[WT_STREAM_CTR__MAX] = {
#define _(sym, desc) [WT_STREAM_CTR_##sym] = #sym,
	foreach_wt_stream_counter
#undef _
};

const char *const wt_stream_counter_names[WT_STREAM_CTR__MAX] = {
#define _(sym, desc) [WT_STREAM_CTR_##sym] = counter_name_buf[WT_STREAM_CTR_##sym],
	foreach_wt_stream_counter
#undef _
};

const char *const wt_stream_counter_descs[WT_STREAM_CTR__MAX] = {
#define _(sym, desc) [WT_STREAM_CTR_##sym] = desc,
	foreach_wt_stream_counter
#undef _
};

RTE_INIT(wt_stream_names_init)
{
	for (unsigned int i = 0; i < WT_STREAM_CTR__MAX; i++)
		wt_lower_name(counter_name_buf[i], sizeof(counter_name_buf[i]), counter_syms[i]);
}

void
wt_stream_conf_defaults(struct wt_stream_conf *conf)
{
	memset(conf, 0, sizeof(*conf));
	conf->max_streams = 65536;
	conf->memcap = 64ull << 20;
	conf->flow_memcap = 1u << 20;
	conf->max_ooo_segs = 64;
	conf->max_held_segs = 4096;
	conf->window = 1u << 20;
}

uint64_t
wt_stream_bytes_per_stream(void)
{
	return sizeof(struct stream_state) + sizeof(uint32_t);
}

static int
conf_check(const char *name, const struct wt_stream_conf *conf, const struct wt_stream_ops *ops)
{
	if (name == NULL || conf == NULL || ops == NULL || ops->deliver == NULL || ops->eof == NULL)
		return -EINVAL;
	if (conf->max_streams == 0 || conf->max_streams > STREAM_MAX_SLOTS)
		return -EINVAL;
	if (conf->max_held_segs == 0 || conf->max_held_segs > STREAM_MAX_SLOTS)
		return -EINVAL;
	/* A window of 2^31 or more would make "ahead" ambiguous in serial arithmetic. */
	if (conf->window >= (1u << 31))
		return -EINVAL;
	return 0;
}

struct wt_stream_lcore *
wt_stream_lcore_create(const char *name, const struct wt_stream_conf *conf, int socket,
		       const struct wt_stream_ops *ops, void *ops_arg)
{
	struct wt_stream_lcore *sl;
	int rc;

	rc = conf_check(name, conf, ops);
	if (rc < 0) {
		rte_errno = -rc;
		return NULL;
	}
	sl = rte_zmalloc_socket(name, sizeof(*sl), RTE_CACHE_LINE_SIZE, socket);
	if (sl == NULL)
		goto nomem;
	sl->capacity = conf->max_streams;
	sl->n_nodes = conf->max_held_segs;
	sl->st = rte_zmalloc_socket(name, (size_t)sl->capacity * sizeof(*sl->st),
				    RTE_CACHE_LINE_SIZE, socket);
	sl->free_slots = rte_malloc_socket(name, (size_t)sl->capacity * sizeof(uint32_t),
					   RTE_CACHE_LINE_SIZE, socket);
	sl->nodes = rte_zmalloc_socket(name, (size_t)sl->n_nodes * sizeof(*sl->nodes),
				       RTE_CACHE_LINE_SIZE, socket);
	if (sl->st == NULL || sl->free_slots == NULL || sl->nodes == NULL)
		goto nomem;
	/* Hand out low slots first: the L7 arrays indexed by slot stay warm. */
	for (uint32_t i = 0; i < sl->capacity; i++)
		sl->free_slots[i] = sl->capacity - 1 - i;
	sl->n_free = sl->capacity;
	for (uint32_t i = 0; i < sl->n_nodes; i++)
		sl->nodes[i].next = i + 1 < sl->n_nodes ? i + 2 : 0;
	sl->node_free = 1;
	sl->memcap = conf->memcap;
	sl->flow_memcap = conf->flow_memcap;
	sl->window = conf->window;
	sl->max_ooo_segs = conf->max_ooo_segs;
	sl->ops = *ops;
	sl->ops_arg = ops_arg;
	sl->memory = sizeof(*sl) + (uint64_t)sl->capacity * wt_stream_bytes_per_stream() +
		     (uint64_t)sl->n_nodes * sizeof(*sl->nodes);
	return sl;
nomem:
	wt_stream_lcore_free(sl);
	rte_errno = ENOMEM;
	return NULL;
}

void
wt_stream_lcore_free(struct wt_stream_lcore *sl)
{
	if (sl == NULL)
		return;
	if (sl->st != NULL && sl->nodes != NULL)
		for (uint32_t i = 0; i < sl->capacity; i++) {
			stream_drop_queue(sl, &sl->st[i].d[0]);
			stream_drop_queue(sl, &sl->st[i].d[1]);
		}
	rte_free(sl->nodes);
	rte_free(sl->free_slots);
	rte_free(sl->st);
	rte_free(sl);
}

uint32_t
wt_stream_capacity(const struct wt_stream_lcore *sl)
{
	return sl->capacity;
}

void
wt_stream_stats_get(const struct wt_stream_lcore *sl, struct wt_stream_stats *st)
{
	memcpy(st->c, sl->c, sizeof(st->c));
	st->active = sl->capacity - sl->n_free;
	st->capacity = sl->capacity;
	st->bytes_per_stream = wt_stream_bytes_per_stream();
	st->memory = sl->memory;
}
