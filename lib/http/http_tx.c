/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Transactions: records from the worker's pool, the per-flow queue of requests waiting for
 * their response (pipelining), pairing responses with requests in order, and emission. A record
 * is emitted exactly once, when neither half of the flow still writes into it.
 */
#include <rte_common.h>

#include "http_priv.h"

uint32_t
http_rec_alloc(struct wt_http_lcore *lc, struct http_flow *fs)
{
	uint32_t idx = lc->free_head;
	struct http_rec *r;

	if (WT_UNLIKELY(idx == HTTP_NONE)) {
		http_cnt(lc, WT_HTTP_CNT_TX_POOL_EMPTY);
		fs->next_tx_id++;
		return HTTP_NONE;
	}
	r = &lc->recs[idx];
	lc->free_head = r->next_free;
	lc->used_recs++;
	memset(r, 0, offsetof(struct http_rec, u));
	r->next_free = HTTP_NONE;
	r->tx.tx_id = fs->next_tx_id++;
	if (fs->midstream)
		r->tx.flags |= WT_HTTP_TX_F_MIDSTREAM;
	return idx;
}

static void
rec_free(struct wt_http_lcore *lc, uint32_t idx)
{
	struct http_rec *r = &lc->recs[idx];

	/* A credential may be half read (flow ended inside its header). */
	if (r->slen != 0 || r->sovf)
		explicit_bzero(r->u.scratch, r->sovf ? sizeof(r->u.scratch) : r->slen);
	if (r->cphase != 0)
		explicit_bzero(&r->hctx, sizeof(r->hctx));
	r->slen = 0;
	r->sovf = 0;
	r->cphase = 0;
	r->state = 0;
	r->next_free = lc->free_head;
	lc->free_head = idx;
	lc->used_recs--;
}

static void
emit(struct wt_http_lcore *lc, uint32_t idx, enum wt_http_noresp reason)
{
	struct wt_http_tx *tx = &lc->recs[idx].tx;

	if (!(tx->flags & WT_HTTP_TX_F_RESP_DONE) && tx->no_response == WT_HTTP_NORESP_NONE)
		tx->no_response = reason != WT_HTTP_NORESP_NONE ? reason : WT_HTTP_NORESP_FLOW_END;
	http_cnt(lc, WT_HTTP_CNT_TRANSACTIONS);
	if (tx->no_response != WT_HTTP_NORESP_NONE)
		http_cnt(lc, WT_HTTP_CNT_NO_RESPONSE);
	if (tx->flags & WT_HTTP_TX_F_TRUNCATED)
		http_cnt(lc, WT_HTTP_CNT_TRUNCATED);
	if (tx->trace.id_len != 0)
		http_cnt(lc, WT_HTTP_CNT_TRACE);
	lc->on_tx(lc->arg, tx);
	rec_free(lc, idx);
}

static void
scan_end(struct wt_http_lcore *lc, struct http_half *h, struct http_rec *r)
{
	if (!h->scan)
		return;
	h->scan = 0;
	if (r != NULL && http_scan_finish(&r->u.sc[h->dir], &r->tx.shape[h->dir]))
		http_cnt(lc, WT_HTTP_CNT_BODY_SHAPES);
}

/* ---- requests ---- */

void
http_tx_request_begin(struct wt_http_lcore *lc, struct http_flow *fs, struct http_half *h)
{
	uint32_t idx = HTTP_NONE;
	struct http_rec *r;

	http_cnt(lc, WT_HTTP_CNT_REQUESTS);
	h->qslot = 0xff;
	if (fs->unrec == 0 && fs->qlen < lc->conf.max_pipeline) {
		uint8_t pos = (uint8_t)((fs->qhead + fs->qlen) % WT_HTTP_MAX_PIPELINE);

		idx = http_rec_alloc(lc, fs);
		fs->q[pos] = idx;
		fs->qm[pos] = HTTP_GET;   /* until the request line is read */
		fs->qlen++;
		h->qslot = pos;
	} else {
		/* Kept in order behind the queue as a count, so pairing stays right. */
		http_cnt(lc, WT_HTTP_CNT_PIPELINE_OVERFLOW);
		fs->unrec++;
		fs->next_tx_id++;
	}
	h->rec = idx;
	r = http_rec_of(lc, idx);
	if (r != NULL) {
		r->state = REC_QUEUED | REC_REQ;
		r->trace_prio = WT_HTTP_CARRIER_NONE;
		r->trace_bad = WT_HTTP_CARRIER_NONE;
		r->tx.ts_request = h->msg_ts;
		r->tx.flags |= WT_HTTP_TX_F_REQUEST | h->mark;
	}
	h->mark = 0;
}

static void
set_method_proto(struct wt_http_tx *tx, const http_parser *p)
{
	const char *m = http_method_str((enum http_method)p->method);
	uint32_t n = 0;

	http_str_append(tx->http_method, sizeof(tx->http_method), &n, m, strlen(m));
	tx->http_method_len = (uint8_t)n;
	n = 0;
	http_str_append(tx->protocol, sizeof(tx->protocol), &n, "HTTP/", 5);
	tx->protocol[n++] = (char)('0' + p->http_major % 10);
	tx->protocol[n++] = '.';
	tx->protocol[n++] = (char)('0' + p->http_minor % 10);
	tx->protocol[n] = '\0';
	tx->protocol_len = (uint8_t)n;
}

int
http_tx_request_headers(struct wt_http_lcore *lc, struct http_flow *fs, struct http_half *h)
{
	struct http_rec *r = http_rec_of(lc, h->rec);
	const http_parser *p = &h->p;

	if (h->qslot != 0xff)
		fs->qm[h->qslot] = (uint8_t)p->method;
	if (r == NULL)
		return 0;
	r->method = (uint8_t)p->method;
	set_method_proto(&r->tx, p);
	http_trace_finish(lc, r);
	r->upgrade_req = h->upgrade;
	r->state |= REC_REQ_HDRS;
	if (h->json && lc->conf.json_inspect_bytes != 0 &&
	    ((p->flags & F_CHUNKED) || (p->content_length != 0 && p->content_length != UINT64_MAX))) {
		http_scan_init(&r->u.sc[WT_DIR_TOSERVER], lc->conf.json_inspect_bytes);
		h->scan = 1;
	}
	return 0;
}

void
http_tx_request_end(struct wt_http_lcore *lc, struct http_flow *fs, struct http_half *h,
		    bool complete, uint32_t why)
{
	uint32_t idx = h->rec;
	struct http_rec *r = http_rec_of(lc, idx);

	RTE_SET_USED(fs);
	h->rec = HTTP_NONE;
	h->qslot = 0xff;
	if (r == NULL)
		return;
	scan_end(lc, h, r);
	r->tx.flags |= complete ? WT_HTTP_TX_F_REQ_DONE : why;
	r->state &= (uint8_t)~REC_REQ;
	if (!(r->state & (REC_QUEUED | REC_RESP)))
		emit(lc, idx, WT_HTTP_NORESP_NONE);   /* its response came first */
}

/* ---- responses ---- */

void
http_tx_response_begin(struct wt_http_lcore *lc, struct http_flow *fs, struct http_half *h)
{
	struct http_rec *r;

	if (h->claimed)
		return;   /* the final response after a 1xx: same transaction */
	h->claimed = 1;
	if (fs->qlen > 0) {
		h->from = FROM_QUEUE;
		h->rec = fs->q[fs->qhead];
		h->method = fs->qm[fs->qhead];
	} else if (fs->unrec > 0) {
		h->from = FROM_UNREC;
		h->rec = HTTP_NONE;
		h->method = HTTP_GET;
	} else {
		http_cnt(lc, WT_HTTP_CNT_ORPHANS);
		h->from = FROM_ORPHAN;
		h->rec = http_rec_alloc(lc, fs);
		h->method = HTTP_GET;
		r = http_rec_of(lc, h->rec);
		if (r != NULL)
			r->state = REC_ORPHAN;
	}
	r = http_rec_of(lc, h->rec);
	if (r != NULL) {
		r->state |= REC_RESP;
		r->tx.flags |= h->mark;
	}
	h->mark = 0;
}

int
http_tx_response_headers(struct wt_http_lcore *lc, struct http_flow *fs, struct http_half *h)
{
	struct http_rec *r = http_rec_of(lc, h->rec);
	unsigned int status = h->p.status_code;
	int ret = 0;

	RTE_SET_USED(fs);
	if (status >= 100 && status < 200 && status != 101) {
		http_cnt(lc, WT_HTTP_CNT_INTERIM);
		h->interim = 1;
		if (r != NULL)
			r->tx.flags |= WT_HTTP_TX_F_INTERIM;
		return 0;
	}
	http_cnt(lc, WT_HTTP_CNT_RESPONSES);
	if (h->method == HTTP_HEAD)
		ret = 1;   /* no body whatever the headers say */
	if (status == 101) {
		/* Also without Upgrade/Connection headers: nothing after a 101 is HTTP/1. */
		if (h->upgrade == WT_HTTP_UPGRADE_NONE)
			h->upgrade = r != NULL && r->upgrade_req != WT_HTTP_UPGRADE_NONE ?
					     r->upgrade_req : WT_HTTP_UPGRADE_OTHER;
		ret = 2;
	} else if (h->method == HTTP_CONNECT && status / 100 == 2) {
		h->upgrade = WT_HTTP_UPGRADE_CONNECT;
		ret = 2;
	} else {
		h->upgrade = WT_HTTP_UPGRADE_NONE;   /* an Upgrade header only advertises here */
	}
	if (r == NULL)
		return ret;
	r->tx.status = (uint16_t)status;
	r->tx.ts_response = h->msg_ts;
	r->tx.flags |= WT_HTTP_TX_F_RESPONSE;
	if (h->json && ret == 0 && lc->conf.json_inspect_bytes != 0) {
		/* The scanner lives where the request's header scratch was. */
		if (!(r->state & REC_REQ) || (r->state & REC_REQ_HDRS)) {
			http_scan_init(&r->u.sc[WT_DIR_TOCLIENT], lc->conf.json_inspect_bytes);
			h->scan = 1;
		} else {
			http_cnt(lc, WT_HTTP_CNT_BODY_SKIPPED);
		}
	}
	return ret;
}

void
http_tx_response_end(struct wt_http_lcore *lc, struct http_flow *fs, struct http_half *h,
		     bool complete, uint32_t why, enum wt_http_noresp reason)
{
	uint32_t idx = h->rec;
	struct http_rec *r = http_rec_of(lc, idx);
	uint8_t upgrade = complete ? h->upgrade : WT_HTTP_UPGRADE_NONE;

	if (complete && h->interim) {
		h->interim = 0;
		return;   /* wait for the final response */
	}
	if (!h->claimed)
		return;
	h->claimed = 0;
	h->rec = HTTP_NONE;
	if (h->from == FROM_QUEUE) {
		if (fs->h[WT_DIR_TOSERVER].qslot == fs->qhead)
			fs->h[WT_DIR_TOSERVER].qslot = 0xff;
		fs->qhead = (uint8_t)((fs->qhead + 1) % WT_HTTP_MAX_PIPELINE);
		fs->qlen--;
	} else if (h->from == FROM_UNREC) {
		fs->unrec--;
	}
	if (r != NULL) {
		scan_end(lc, h, r);
		r->state &= (uint8_t)~(REC_RESP | REC_QUEUED);
		if (complete) {
			r->tx.ts_response_end = lc->now;
			r->tx.flags |= WT_HTTP_TX_F_RESP_DONE;
		} else {
			r->tx.flags |= why;
			r->tx.no_response = (uint8_t)reason;
		}
		if (upgrade != WT_HTTP_UPGRADE_NONE) {
			r->tx.upgrade = upgrade;
			r->tx.flags |= WT_HTTP_TX_F_UPGRADE;
		}
		if (!(r->state & REC_REQ))
			emit(lc, idx, WT_HTTP_NORESP_NONE);
	}
	if (upgrade != WT_HTTP_UPGRADE_NONE) {
		http_cnt(lc, WT_HTTP_CNT_UPGRADES);
		fs->upgraded = upgrade;
		fs->stopped = 1;
		http_tx_flush(lc, fs, WT_HTTP_NORESP_UPGRADE);
	}
}

/* ---- flow end ---- */

/* Visit every record the flow holds, once: emit it (@p emit_them) or drop it. */
static void
drain(struct wt_http_lcore *lc, struct http_flow *fs, enum wt_http_noresp reason, bool emit_them)
{
	struct http_half *req = &fs->h[WT_DIR_TOSERVER], *resp = &fs->h[WT_DIR_TOCLIENT];
	struct http_rec *r;
	uint32_t idx;

	if (resp->claimed) {
		idx = resp->rec;
		r = http_rec_of(lc, idx);
		if (r != NULL) {
			if (emit_them)
				scan_end(lc, resp, r);
			r->state &= (uint8_t)~REC_RESP;
			if ((r->state & REC_ORPHAN) || !(r->state & (REC_QUEUED | REC_REQ)))
				emit_them ? emit(lc, idx, reason) : rec_free(lc, idx);
		}
	}
	resp->claimed = 0;
	resp->rec = HTTP_NONE;
	resp->scan = 0;
	while (fs->qlen > 0) {
		idx = fs->q[fs->qhead];
		fs->qhead = (uint8_t)((fs->qhead + 1) % WT_HTTP_MAX_PIPELINE);
		fs->qlen--;
		r = http_rec_of(lc, idx);
		if (r == NULL || !(r->state & REC_QUEUED))
			continue;
		r->state &= (uint8_t)~REC_QUEUED;
		if (!(r->state & REC_REQ))
			emit_them ? emit(lc, idx, reason) : rec_free(lc, idx);
	}
	fs->unrec = 0;
	idx = req->rec;
	r = http_rec_of(lc, idx);
	if (r != NULL) {
		if (emit_them)
			scan_end(lc, req, r);
		r->state = 0;
		emit_them ? emit(lc, idx, reason) : rec_free(lc, idx);
	}
	req->rec = HTTP_NONE;
	req->scan = 0;
	req->qslot = 0xff;
}

void
http_tx_flush(struct wt_http_lcore *lc, struct http_flow *fs, enum wt_http_noresp reason)
{
	drain(lc, fs, reason, true);
}

void
http_tx_reset(struct wt_http_lcore *lc, struct http_flow *fs)
{
	drain(lc, fs, WT_HTTP_NORESP_NONE, false);
}
