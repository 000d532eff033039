/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-worker HTTP state: the preallocated flow slots and transaction records, and the flow
 * lifecycle around the parser (open, end of a direction, close). Everything is allocated here,
 * on the control thread, so the worker never allocates.
 */
#include <errno.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_malloc.h>

#include "http_priv.h"

static bool
conf_ok(const struct wt_http_conf *c)
{
	if (c->max_pipeline < 1 || c->max_pipeline > WT_HTTP_MAX_PIPELINE)
		return false;
	if (c->max_headers < 1 || c->max_header_bytes < 16 || c->max_url_bytes < 1)
		return false;
	if (c->json_inspect_bytes > (1u << 24) || c->tx_pool > (1u << 24))
		return false;
	if (c->key_len != 0 && (c->key_len < 16 || c->key_len > WT_HTTP_KEY_MAX))
		return false;
	if (c->n_trace_hdrs > WT_HTTP_MAX_TRACE_HDRS || c->n_api_key_hdrs > WT_HTTP_MAX_APIKEY_HDRS)
		return false;
	for (uint32_t i = 0; i < c->n_trace_hdrs; i++)
		if (c->trace_hdrs[i].role >= WT_HTTP_ROLE__MAX ||
		    strnlen(c->trace_hdrs[i].name, WT_HTTP_HDR_NAME_MAX) >= WT_HTTP_HDR_NAME_MAX)
			return false;
	for (uint32_t i = 0; i < c->n_api_key_hdrs; i++)
		if (strnlen(c->api_key_hdrs[i], WT_HTTP_HDR_NAME_MAX) >= WT_HTTP_HDR_NAME_MAX)
			return false;
	return true;
}

struct wt_http_lcore *
wt_http_lcore_create(const char *name, const struct wt_http_conf *conf, uint32_t capacity,
		     int socket, void (*on_tx)(void *arg, const struct wt_http_tx *tx), void *arg)
{
	struct wt_http_lcore *lc;
	uint32_t n_recs;

	if (conf == NULL || on_tx == NULL || capacity == 0 || capacity > (1u << 24) ||
	    !conf_ok(conf)) {
		rte_errno = EINVAL;
		return NULL;
	}
	n_recs = conf->tx_pool != 0 ? conf->tx_pool : capacity;
	lc = rte_zmalloc_socket(name, sizeof(*lc), RTE_CACHE_LINE_SIZE, socket);
	if (lc == NULL)
		goto nomem;
	lc->flows = rte_zmalloc_socket(name, (size_t)capacity * sizeof(struct http_flow),
				       RTE_CACHE_LINE_SIZE, socket);
	lc->recs = rte_zmalloc_socket(name, (size_t)n_recs * sizeof(struct http_rec),
				      RTE_CACHE_LINE_SIZE, socket);
	if (lc->flows == NULL || lc->recs == NULL)
		goto nomem;
	lc->conf = *conf;
	for (uint32_t i = 0; i < conf->n_api_key_hdrs; i++)
		lc->api_key_len[i] = (uint8_t)strlen(conf->api_key_hdrs[i]);
	for (uint32_t i = 0; i < conf->n_trace_hdrs; i++)
		lc->trace_len[i] = (uint8_t)strlen(conf->trace_hdrs[i].name);
	lc->capacity = capacity;
	lc->n_recs = n_recs;
	for (uint32_t i = 0; i < n_recs; i++)
		lc->recs[i].next_free = i + 1 < n_recs ? i + 1 : HTTP_NONE;
	lc->free_head = 0;
	lc->on_tx = on_tx;
	lc->arg = arg;
	lc->memory = sizeof(*lc) + (uint64_t)capacity * sizeof(struct http_flow) +
		     (uint64_t)n_recs * sizeof(struct http_rec);
	http_hmac_setup(lc);
	return lc;
nomem:
	if (lc != NULL) {
		rte_free(lc->flows);
		rte_free(lc->recs);
		rte_free(lc);
	}
	rte_errno = ENOMEM;
	return NULL;
}

void
wt_http_lcore_free(struct wt_http_lcore *lc)
{
	if (lc == NULL)
		return;
	/* Header values in flight may hold credentials; the key must not outlive us either. */
	explicit_bzero(lc->recs, (size_t)lc->n_recs * sizeof(struct http_rec));
	explicit_bzero(&lc->conf.key, sizeof(lc->conf.key));
	explicit_bzero(&lc->hmac_in, sizeof(lc->hmac_in));
	explicit_bzero(&lc->hmac_out, sizeof(lc->hmac_out));
	rte_free(lc->recs);
	rte_free(lc->flows);
	rte_free(lc);
}

uint64_t
wt_http_bytes_per_flow(void)
{
	return sizeof(struct http_flow) + sizeof(struct http_rec);
}

void
wt_http_open(struct wt_http_lcore *lc, uint32_t slot, const struct wt_flow *f)
{
	struct http_flow *fs;

	WT_ASSERT_HOT(slot < lc->capacity);
	if (WT_UNLIKELY(slot >= lc->capacity))
		return;
	fs = &lc->flows[slot];
	if (fs->open)
		http_tx_reset(lc, fs);   /* never closed: drop its records silently */
	memset(fs, 0, sizeof(*fs));
	for (int d = 0; d < 2; d++) {
		struct http_half *h = &fs->h[d];

		http_parser_init(&h->p, d == WT_DIR_TOSERVER ? HTTP_REQUEST : HTTP_RESPONSE);
		h->p.data = lc;
		h->dir = (uint8_t)d;
		h->rec = HTTP_NONE;
	}
	fs->open = 1;
	fs->midstream = f != NULL && (f->flags & WT_FLOW_F_MIDSTREAM) != 0;
}

static void
half_eof(struct wt_http_lcore *lc, struct http_flow *fs, struct http_half *h)
{
	if (h->mode == HALF_PARSE && !fs->stopped) {
		h->p.data = lc;
		http_parser_execute(&h->p, &http_settings, NULL, 0); /* ends read-until-close */
	}
	h->mode = HALF_EOF;
}

void
wt_http_eof(struct wt_http_lcore *lc, uint32_t slot, const struct wt_flow *f, uint8_t dir,
	    uint64_t ts_ns)
{
	struct http_flow *fs;

	RTE_SET_USED(f);
	if (WT_UNLIKELY(slot >= lc->capacity || dir > WT_DIR_TOCLIENT))
		return;
	fs = &lc->flows[slot];
	if (!fs->open)
		return;
	lc->cf = fs;
	lc->now = ts_ns;
	half_eof(lc, fs, &fs->h[dir]);
}

void
wt_http_close(struct wt_http_lcore *lc, uint32_t slot, const struct wt_flow *f, uint64_t ts_ns)
{
	struct http_flow *fs;

	RTE_SET_USED(f);
	if (WT_UNLIKELY(slot >= lc->capacity))
		return;
	fs = &lc->flows[slot];
	if (!fs->open)
		return;
	lc->cf = fs;
	lc->now = ts_ns;
	half_eof(lc, fs, &fs->h[WT_DIR_TOSERVER]);
	half_eof(lc, fs, &fs->h[WT_DIR_TOCLIENT]);
	http_tx_flush(lc, fs, WT_HTTP_NORESP_FLOW_END);
	fs->open = 0;
}

enum wt_http_upgrade
wt_http_upgraded(const struct wt_http_lcore *lc, uint32_t slot)
{
	if (slot >= lc->capacity || !lc->flows[slot].open)
		return WT_HTTP_UPGRADE_NONE;
	return (enum wt_http_upgrade)lc->flows[slot].upgraded;
}

int
wt_http_stopped(const struct wt_http_lcore *lc, uint32_t slot)
{
	return slot < lc->capacity && lc->flows[slot].open && lc->flows[slot].stopped;
}

void
wt_http_stats_get(const struct wt_http_lcore *lc, struct wt_http_stats *st)
{
	memset(st, 0, sizeof(*st));
	memcpy(st->cnt, lc->cnt, sizeof(st->cnt));
	st->active_txs = lc->used_recs;
	st->capacity = lc->capacity;
	st->tx_pool = lc->n_recs;
	st->memory = lc->memory;
}
