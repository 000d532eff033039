/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker's matching calls. Raw payload: the direction's Hyperscan stream is fed segment by
 * segment (no reassembly copy); the streaming database holds whole content chains, so a match
 * needs only the header checks, the luhn check and a look back into the last bytes to describe
 * the region. L7 buffers: a prefilter scan per new buffer collects candidate rules, which are
 * verified (match_verify.c) before they alert. A pass match silences the call's alerts.
 */
#include <errno.h>
#include <string.h>

#include "match_priv.h"
#include "wt_flow.h"

static int
stream_cb(unsigned int id, unsigned long long from, unsigned long long to, unsigned int flags,
	  void *arg)
{
	struct wt_match_lcore *ml = arg;

	(void)from;
	(void)flags;
	if (id >= MATCH_SUBEXPR_BASE)
		return 0;
	if (ml->n_hits == MATCH_STREAM_HITS) {
		ml->cnt[WT_MATCH_CNT_HIT_OVERFLOW]++;
		return 0;
	}
	ml->hits[ml->n_hits].rule = id;
	ml->hits[ml->n_hits].to = to;
	ml->n_hits++;
	return 0;
}

/*
 * The region of @p r's last positive element ending at (or, for a combination triggered by
 * another chain, before) stream offset @p to, looked for in the bytes still held: the tail of
 * earlier segments and this one. Copied to ml->win; @return its start in ml->win, with
 * @p *from (stream offset), @p *rlen, @p *partial. -1 when not found.
 */
static int
stream_region(struct wt_match_lcore *ml, const struct match_rule *r,
	      const struct match_sdir *sd, const uint8_t *data, uint32_t len, uint64_t to,
	      uint64_t *from, uint32_t *rlen, uint8_t *partial)
{
	const struct match_elem *e = &r->el[r->region_elem];
	uint64_t avail = sd->off - sd->tail_len, end = sd->off + len;
	uint64_t ws = to > MATCH_REGION_MAX ? to - MATCH_REGION_MAX : 0;
	int64_t best_from = -1, best_to = -1;
	uint32_t wlen;

	if (to > end)
		to = end;
	if (ws < avail)
		ws = avail;
	if (to <= ws)
		return -1;
	wlen = (uint32_t)(to - ws);
	/* copy [ws, to): the part in the tail, then the part in this segment */
	for (uint64_t o = ws; o < to; o++)
		ml->win[o - ws] = o < sd->off ? sd->tail[sd->tail_len - (sd->off - o)] :
						data[o - sd->off];
	if (e->kind == ME_CONTENT) {
		const uint8_t *p = ml->win, *f;
		size_t left = wlen;

		while ((f = match_find(p, left, e->bytes, e->len, e->flags & MEF_NOCASE))) {
			best_from = f - ml->win;
			best_to = best_from + e->len;
			left -= (size_t)(f + 1 - p);
			p = f + 1;
		}
	} else {
		const struct match_pcre_db *db = &ml->rs->pcre[e->pcre_db];
		struct match_pcre_hit *h = ml->pcre_hits[0];
		int n;

		if (!db->db)
			return -1;
		int pj = r->region_elem - 1;

		while (pj >= 0 && ((r->el[pj].flags & MEF_NEGATED) || r->el[pj].kind == ME_ISDATAAT))
			pj--;
		if ((e->flags & MEF_RELATIVE_PCRE) && e->pcre[0] == '^' && pj >= 0 &&
		    r->el[pj].kind == ME_CONTENT) {
			/* anchored at the previous content's end: try its occurrences, rightmost first */
			const struct match_elem *pe = &r->el[pj];

			for (int64_t s = (int64_t)wlen - pe->len; s >= 0 && best_from < 0; s--) {
				uint32_t st = (uint32_t)s + pe->len;

				if (!match_find(ml->win + s, pe->len, pe->bytes, pe->len,
						pe->flags & MEF_NOCASE))
					continue;
				n = match_pcre_scan(ml, db, 0, ml->win + st, wlen - st, false);
				for (int i = 0; i < n; i++)
					if (h[i].to == wlen - st) {
						best_from = st + h[i].from;
						best_to = wlen;
						break;
					}
			}
			goto found;
		}
		/* all matches; prefer the one ending exactly at 'to' with the leftmost start */
		n = match_pcre_scan(ml, db, 0, ml->win, wlen, false);
		for (int i = 0; i < n; i++) {
			if (h[i].to > best_to || (h[i].to == best_to && h[i].from < best_from)) {
				best_to = h[i].to;
				best_from = h[i].from;
			}
		}
	}
found:
	if (best_from < 0)
		return -1;
	*from = ws + (uint64_t)best_from;
	*rlen = (uint32_t)(best_to - best_from);
	*partial = best_from == 0 && ws > 0;
	if (e->kind == ME_PCRE && !ml->rs->pcre[e->pcre_db].som)
		*partial = 1;
	return (int)best_from;
}

/* Close both directions' streams of a passed flow without matching: states back to the pool. */
static void
drop_streams(struct wt_match_lcore *ml, struct match_flow *fl)
{
	for (int d = 0; d < 2; d++)
		if (fl->d[d].hs) {
			hs_close_stream(fl->d[d].hs, NULL, NULL, NULL);
			fl->d[d].hs = NULL;
			ml->cnt[WT_MATCH_CNT_STREAMS_CLOSED]++;
		}
}

static int
stream_hits(struct wt_match_lcore *ml, struct match_flow *fl, const struct match_sdir *sd,
	    const struct wt_match_ctx *ctx, const uint8_t *data, uint32_t len, uint64_t ts)
{
	const struct match_rule *rules = ml->rs->rules;
	int emitted = 0;

	if (ml->n_hits == 0)
		return 0;
	ml->cnt[WT_MATCH_CNT_STREAM_HITS] += ml->n_hits;
	for (uint32_t i = 0; i < ml->n_hits; i++) {
		const struct match_rule *r = &rules[ml->hits[i].rule];

		if (r->action != WT_MATCH_ACTION_PASS || !match_header_ok(r, ctx))
			continue;
		ml->cnt[WT_MATCH_CNT_PASS_MATCHES]++;
		for (uint32_t j = 0; j < ml->n_hits; j++) {
			const struct match_rule *a = &rules[ml->hits[j].rule];

			if (a->action == WT_MATCH_ACTION_ALERT && match_header_ok(a, ctx))
				ml->cnt[WT_MATCH_CNT_PASS_SUPPRESSED]++;
		}
		fl->passed = 1;
		drop_streams(ml, fl);
		return 0;
	}
	for (uint32_t i = 0; i < ml->n_hits; i++) {
		uint32_t ri = ml->hits[i].rule;
		const struct match_rule *r = &rules[ri];
		uint64_t from = 0;
		uint32_t rlen = 0;
		uint8_t partial = 1;
		int at;

		if (!match_header_ok(r, ctx)) {
			ml->cnt[WT_MATCH_CNT_HEADER_MISS]++;
			continue;
		}
		at = stream_region(ml, r, sd, data, len, ml->hits[i].to, &from, &rlen, &partial);
		if (r->has_luhn) {
			if (at < 0 || !match_luhn(ml->win + at, rlen)) {
				ml->cnt[WT_MATCH_CNT_LUHN_REJECTED]++;
				continue;
			}
		}
		if (!match_threshold_ok(ml, ri, r, ctx, ts)) {
			ml->cnt[WT_MATCH_CNT_THRESHOLD_SUPPRESSED]++;
			continue;
		}
		if (at < 0) {
			match_emit(ml, r, WT_MATCH_BUF_STREAM, ctx, ts, ml->hits[i].to, NULL, 0, NULL, 0,
				   1);
		} else {
			match_emit(ml, r, WT_MATCH_BUF_STREAM, ctx, ts, from, ml->win + at, rlen, NULL, 0,
				   partial);
		}
		emitted++;
	}
	return emitted;
}

static void
keep_tail(struct match_sdir *sd, const uint8_t *data, uint32_t len)
{
	if (len >= MATCH_STREAM_TAIL) {
		memcpy(sd->tail, data + len - MATCH_STREAM_TAIL, MATCH_STREAM_TAIL);
		sd->tail_len = MATCH_STREAM_TAIL;
		return;
	}
	uint32_t keep = WT_MIN((uint32_t)sd->tail_len, MATCH_STREAM_TAIL - len);

	memmove(sd->tail, sd->tail + sd->tail_len - keep, keep);
	memcpy(sd->tail + keep, data, len);
	sd->tail_len = (uint16_t)(keep + len);
}

int
wt_match_stream_data(struct wt_match_lcore *ml, uint32_t flow_slot, uint8_t dir,
		     const struct wt_match_ctx *ctx, const uint8_t *data, uint32_t len,
		     uint64_t ts)
{
	const hs_database_t *db = ml->rs->db[WT_MATCH_BUF_STREAM];
	struct match_flow *fl;
	struct match_sdir *sd;
	hs_error_t e;
	int n;

	if (WT_UNLIKELY(flow_slot >= ml->max_flows || dir > 1))
		return -EINVAL;
	WT_ASSERT_HOT(ctx->dir == dir);
	if (!db || len == 0)
		return 0;
	fl = &ml->flows[flow_slot];
	ml->cnt[WT_MATCH_CNT_STREAM_SEGMENTS]++;
	if (fl->passed) {
		ml->cnt[WT_MATCH_CNT_PASSED_BYTES] += len;
		return 0;
	}
	sd = &fl->d[dir];
	match_pool_enter(&ml->pool);
	if (!sd->hs) {
		if (hs_open_stream(db, 0, &sd->hs) != HS_SUCCESS) {
			sd->hs = NULL;
			ml->cnt[WT_MATCH_CNT_STREAM_POOL_EMPTY]++;
			match_pool_leave();
			return -ENOSPC;
		}
		ml->cnt[WT_MATCH_CNT_STREAMS_OPENED]++;
		sd->off = 0;
		sd->tail_len = 0;
	}
	ml->n_hits = 0;
	e = hs_scan_stream(sd->hs, (const char *)data, len, 0, ml->scratch, stream_cb, ml);
	if (e != HS_SUCCESS) {
		ml->cnt[WT_MATCH_CNT_SCAN_ERRORS]++;
		match_pool_leave();
		return -EIO;
	}
	ml->cnt[WT_MATCH_CNT_STREAM_BYTES] += len;
	n = stream_hits(ml, fl, sd, ctx, data, len, ts);
	keep_tail(sd, data, len);
	sd->off += len;
	match_pool_leave();
	return n;
}

int
wt_match_stream_close(struct wt_match_lcore *ml, uint32_t flow_slot, uint8_t dir,
		      const struct wt_match_ctx *ctx, uint64_t ts)
{
	struct match_flow *fl;
	struct match_sdir *sd;
	int n = 0;

	if (WT_UNLIKELY(flow_slot >= ml->max_flows || dir > 1))
		return -EINVAL;
	fl = &ml->flows[flow_slot];
	sd = &fl->d[dir];
	if (sd->hs) {
		match_pool_enter(&ml->pool);
		ml->n_hits = 0;
		if (hs_close_stream(sd->hs, ml->scratch, stream_cb, ml) != HS_SUCCESS)
			ml->cnt[WT_MATCH_CNT_SCAN_ERRORS]++;
		sd->hs = NULL;
		ml->cnt[WT_MATCH_CNT_STREAMS_CLOSED]++;
		n = stream_hits(ml, fl, sd, ctx, NULL, 0, ts);
		match_pool_leave();
	}
	sd->off = 0;
	sd->tail_len = 0;
	if (!fl->d[0].hs && !fl->d[1].hs)
		fl->passed = 0;
	return n;
}

static int
cand_cb(unsigned int id, unsigned long long from, unsigned long long to, unsigned int flags,
	void *arg)
{
	struct wt_match_lcore *ml = arg;

	(void)from;
	(void)to;
	(void)flags;
	if (ml->n_cand == ml->cap_cand) {
		ml->cnt[WT_MATCH_CNT_CANDIDATE_OVERFLOW]++;
		return 0;
	}
	ml->cand[ml->n_cand++] = id;
	return 0;
}

int
wt_match_buffers(struct wt_match_lcore *ml, const struct wt_match_ctx *ctx,
		 const struct wt_match_bufs *b, uint64_t ts)
{
	const struct wt_match_ruleset *rs = ml->rs;
	uint32_t all = (1u << WT_MATCH_BUF__MAX) - 1;
	bool pass = false;
	int emitted = 0;

	if (WT_UNLIKELY((b->fresh & ~b->present) || (b->present & ~all) ||
			(b->present & (1u << WT_MATCH_BUF_STREAM))))
		return -EINVAL;
	ml->n_cand = 0;
	for (unsigned k = 1; k < WT_MATCH_BUF__MAX; k++) {
		if (!(b->fresh & (1u << k)) || !rs->db[k] || b->len[k] == 0)
			continue;
		ml->cnt[WT_MATCH_CNT_BUF_SCANS]++;
		ml->cnt[WT_MATCH_CNT_BUF_BYTES] += b->len[k];
		if (hs_scan(rs->db[k], (const char *)b->data[k], b->len[k], 0, ml->scratch, cand_cb,
			    ml) != HS_SUCCESS) {
			ml->cnt[WT_MATCH_CNT_SCAN_ERRORS]++;
			return -EIO;
		}
	}
	ml->cnt[WT_MATCH_CNT_CANDIDATES] += ml->n_cand;
	for (uint32_t i = 0; i < ml->n_cand; i++) {
		const struct match_rule *r = &rs->rules[ml->cand[i]];
		struct match_region *reg = &ml->cand_reg[i];

		reg->valid = 0;
		if ((r->buf_mask & ~b->present) ||
		    (r->insp_dir == MD_TOSERVER && ctx->dir != WT_DIR_TOSERVER) ||
		    (r->insp_dir == MD_TOCLIENT && ctx->dir != WT_DIR_TOCLIENT) ||
		    !match_header_ok(r, ctx)) {
			ml->cnt[WT_MATCH_CNT_HEADER_MISS]++;
			continue;
		}
		if (!match_verify_buf(ml, r, b, reg)) {
			ml->cnt[WT_MATCH_CNT_VERIFY_FAIL]++;
			continue;
		}
		if (r->action == WT_MATCH_ACTION_PASS) {
			ml->cnt[WT_MATCH_CNT_PASS_MATCHES]++;
			pass = true;
		}
	}
	for (uint32_t i = 0; i < ml->n_cand; i++) {
		uint32_t ri = ml->cand[i];
		const struct match_rule *r = &rs->rules[ri];
		const struct match_region *reg = &ml->cand_reg[i];
		uint8_t rb;

		if (!reg->valid || r->action != WT_MATCH_ACTION_ALERT)
			continue;
		if (pass) {
			ml->cnt[WT_MATCH_CNT_PASS_SUPPRESSED]++;
			continue;
		}
		if (!match_threshold_ok(ml, ri, r, ctx, ts)) {
			ml->cnt[WT_MATCH_CNT_THRESHOLD_SUPPRESSED]++;
			continue;
		}
		rb = r->el[r->region_elem].buf;
		match_emit(ml, r, rb, ctx, ts, reg->from, b->data[rb] + reg->from,
			   (size_t)(reg->to - reg->from), NULL, 0, reg->partial);
		emitted++;
	}
	return emitted;
}

int
wt_match_buffer(struct wt_match_lcore *ml, enum wt_match_buf kind,
		const struct wt_match_ctx *ctx, const uint8_t *data, uint32_t len, uint64_t ts)
{
	struct wt_match_bufs b;

	if (WT_UNLIKELY((unsigned)kind == WT_MATCH_BUF_STREAM || (unsigned)kind >= WT_MATCH_BUF__MAX))
		return -EINVAL;
	memset(&b, 0, sizeof(b));
	b.data[kind] = data;
	b.len[kind] = len;
	b.present = b.fresh = 1u << kind;
	return wt_match_buffers(ml, ctx, &b, ts);
}
