/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Glue between reassembled TCP payload and http_parser: two parsers per flow, their callbacks,
 * and recovery. After a gap or a parse error a direction searches, line by line and within
 * resync_max_bytes, for the next plausible message start, so one bad message never costs the
 * rest of a keep-alive connection.
 * Cost: ~1.2 us per plain keep-alive transaction (GET + 200, ~230 bytes), ~3.7 us with
 * traceparent, request id, bearer token, api key, cookies and a JSON response; http_parser's
 * byte loop is ~40% of it (dev box, -O2).
 */
#include <rte_common.h>

#include "http_priv.h"

/* ---- detection ---- */

static const char *const methods[] = {
#define XX(num, name, string) #string,
	HTTP_METHOD_MAP(XX)
#undef XX
};

int
wt_http_detect(const uint8_t *data, uint32_t len, uint8_t dir)
{
	static const char ver[] = "HTTP/1.";
	uint32_t n = WT_MIN(len, 16u);
	bool prefix = false;

	if (dir == WT_DIR_TOCLIENT) {
		n = WT_MIN(len, (uint32_t)sizeof(ver) - 1);
		if (memcmp(data, ver, n) != 0)
			return 0;
		return n == sizeof(ver) - 1 ? 1 : -1;
	}
	for (uint32_t i = 0; i < n; i++) {
		if (data[i] == ' ') {
			for (size_t m = 0; i > 0 && m < WT_ARRAY_SIZE(methods); m++)
				if (strlen(methods[m]) == i && memcmp(methods[m], data, i) == 0)
					return 1;
			return 0;
		}
		if (!((data[i] >= 'A' && data[i] <= 'Z') || data[i] == '-'))
			return 0;
	}
	for (size_t m = 0; m < WT_ARRAY_SIZE(methods) && !prefix; m++)
		prefix = strlen(methods[m]) >= n && memcmp(methods[m], data, n) == 0;
	return prefix && len < 16 ? -1 : 0;
}

/* ---- callbacks ---- */

#define HALF(p) container_of((p), struct http_half, p)

static int
on_message_begin(http_parser *p)
{
	struct wt_http_lcore *lc = p->data;
	struct http_half *h = HALF(p);

	h->in_msg = 1;
	h->msg_ts = lc->now;
	h->hdr_bytes = 0;
	h->url_raw = 0;
	h->n_hdrs = 0;
	h->hstate = HS_NONE;
	h->hk = HK_NONE;
	h->name_len = 0;
	h->url_st = URL_PATH;
	h->limited = 0;
	h->vlen = 0;
	h->json = 0;
	h->scan = 0;
	h->interim = 0;
	h->hdrs_done = 0;
	h->upgrade = WT_HTTP_UPGRADE_NONE;
	if (h->dir == WT_DIR_TOSERVER)
		http_tx_request_begin(lc, lc->cf, h);
	else
		http_tx_response_begin(lc, lc->cf, h);
	return 0;
}

static int
on_url(http_parser *p, const char *at, size_t n)
{
	struct wt_http_lcore *lc = p->data;
	struct http_half *h = HALF(p);
	struct http_rec *r = http_rec_of(lc, h->rec);

	http_hdr_bytes(lc, h, r, n);
	h->url_raw += (uint32_t)WT_MIN(n, (size_t)UINT32_MAX - h->url_raw);
	if (r == NULL)
		return 0;
	if (h->url_raw > lc->conf.max_url_bytes && !(r->tx.flags & WT_HTTP_TX_F_URL_LIMIT)) {
		r->tx.flags |= WT_HTTP_TX_F_URL_LIMIT;
		http_cnt(lc, WT_HTTP_CNT_URL_LIMIT);
	}
	http_url_append(lc, h, r, at, n);
	return 0;
}

static void
url_done(struct wt_http_lcore *lc, struct http_half *h)
{
	struct http_rec *r;

	if (h->dir != WT_DIR_TOSERVER || h->url_st == URL_DONE)
		return;
	h->url_st = URL_DONE;
	r = http_rec_of(lc, h->rec);
	if (r != NULL)
		http_url_finish(r);
}

static int
on_header_field(http_parser *p, const char *at, size_t n)
{
	struct wt_http_lcore *lc = p->data;
	struct http_half *h = HALF(p);

	url_done(lc, h);
	http_hdr_field(lc, lc->cf, h, at, n);
	return 0;
}

static int
on_header_value(http_parser *p, const char *at, size_t n)
{
	struct wt_http_lcore *lc = p->data;

	http_hdr_value(lc, lc->cf, HALF(p), at, n);
	return 0;
}

static int
on_headers_complete(http_parser *p)
{
	struct wt_http_lcore *lc = p->data;
	struct http_half *h = HALF(p);

	url_done(lc, h);
	if (h->hstate == HS_VALUE || h->hstate == HS_FIELD)
		http_hdr_end(lc, lc->cf, h);
	h->hdrs_done = 1;
	if (h->dir == WT_DIR_TOSERVER)
		return http_tx_request_headers(lc, lc->cf, h);
	return http_tx_response_headers(lc, lc->cf, h);
}

static int
on_body(http_parser *p, const char *at, size_t n)
{
	struct wt_http_lcore *lc = p->data;
	struct http_half *h = HALF(p);
	struct http_rec *r = http_rec_of(lc, h->rec);

	if (r == NULL)
		return 0;
	if (h->dir == WT_DIR_TOSERVER)
		r->tx.request_len += n;
	else
		r->tx.response_len += n;
	if (h->scan)
		http_scan_feed(&r->u.sc[h->dir], (const uint8_t *)at, n);
	return 0;
}

static int
on_message_complete(http_parser *p)
{
	struct wt_http_lcore *lc = p->data;
	struct http_half *h = HALF(p);

	h->in_msg = 0;
	if (h->dir == WT_DIR_TOSERVER)
		http_tx_request_end(lc, lc->cf, h, true, 0);
	else
		http_tx_response_end(lc, lc->cf, h, true, 0, WT_HTTP_NORESP_NONE);
	return 0;
}

const http_parser_settings http_settings = {
	.on_message_begin = on_message_begin,
	.on_url = on_url,
	.on_header_field = on_header_field,
	.on_header_value = on_header_value,
	.on_headers_complete = on_headers_complete,
	.on_body = on_body,
	.on_message_complete = on_message_complete,
};

/* ---- recovery ---- */

static void
half_reinit(struct wt_http_lcore *lc, struct http_half *h)
{
	http_parser_init(&h->p, h->dir == WT_DIR_TOSERVER ? HTTP_REQUEST : HTTP_RESPONSE);
	h->p.data = lc;
	h->in_msg = 0;
	h->hstate = HS_NONE;
}

/* End the message in progress, cut short; @p why goes on its transaction. */
static void
half_abort(struct wt_http_lcore *lc, struct http_flow *fs, struct http_half *h, uint32_t why)
{
	if (!h->in_msg)
		return;
	http_hdr_abort(h, http_rec_of(lc, h->rec));
	h->in_msg = 0;
	if (h->dir == WT_DIR_TOSERVER)
		http_tx_request_end(lc, fs, h, false, why);
	else
		http_tx_response_end(lc, fs, h, false, why,
				     why & WT_HTTP_TX_F_GAP ? WT_HTTP_NORESP_GAP :
							      WT_HTTP_NORESP_PARSE_ERROR);
}

static void
resync_start(struct wt_http_lcore *lc, struct http_half *h, bool at_bol)
{
	half_reinit(lc, h);
	h->mode = HALF_RESYNC;
	h->at_bol = at_bol;
	h->cand_len = 0;
	h->resync_seen = 0;
}

static void
give_up(struct wt_http_lcore *lc, struct http_flow *fs)
{
	http_cnt(lc, WT_HTTP_CNT_GAVE_UP);
	fs->stopped = 1;
	http_tx_flush(lc, fs, WT_HTTP_NORESP_GAVE_UP);
}

static uint32_t parse(struct wt_http_lcore *lc, struct http_flow *fs, struct http_half *h,
		      const uint8_t *data, uint32_t len);

/*
 * Search @p data for a message start at a line start (or right after a gap). @return bytes
 * consumed; when a start is found the candidate bytes are fed to a fresh parser and the half is
 * back in HALF_PARSE.
 */
static uint32_t
resync(struct wt_http_lcore *lc, struct http_flow *fs, struct http_half *h, const uint8_t *data,
       uint32_t len)
{
	uint32_t i = 0;

	while (i < len) {
		int r;

		if (!h->at_bol && h->cand_len == 0) {
			const uint8_t *nl = memchr(data + i, '\n', len - i);
			uint32_t skip = nl != NULL ? (uint32_t)(nl - (data + i)) + 1 : len - i;

			i += skip;
			h->resync_seen += skip;
			h->at_bol = nl != NULL;
		} else {
			h->cand[h->cand_len++] = (char)data[i++];
			r = wt_http_detect((const uint8_t *)h->cand, h->cand_len, h->dir);
			if (r < 0 && h->cand_len < HTTP_CAND_MAX)
				continue;   /* detection decides within 16 bytes */
			if (r > 0) {
				uint8_t n = h->cand_len;
				char cand[HTTP_CAND_MAX];

				/* Bytes skipped after an error are lost messages too; the
				 * ones skipped to find the first start of a midstream
				 * direction are not. */
				if (h->resync_seen > 0 && !(h->mark & WT_HTTP_TX_F_MIDSTREAM))
					h->mark |= WT_HTTP_TX_F_GAP;
				if (h->mark & WT_HTTP_TX_F_GAP)
					http_cnt(lc, WT_HTTP_CNT_RESYNCS);
				h->mark &= (uint16_t)~WT_HTTP_TX_F_MIDSTREAM;
				memcpy(cand, h->cand, n);
				h->cand_len = 0;
				h->at_bol = 0;
				h->mode = HALF_PARSE;
				parse(lc, fs, h, (const uint8_t *)cand, n);
				return i;
			}
			h->resync_seen += h->cand_len;
			h->cand_len = 0;
			h->at_bol = data[i - 1] == '\n';
		}
		if (h->resync_seen > lc->conf.resync_max_bytes) {
			give_up(lc, fs);
			return len;
		}
	}
	return i;
}

/* Run the parser; @return bytes consumed (the rest goes through resync after an error). */
static uint32_t
parse(struct wt_http_lcore *lc, struct http_flow *fs, struct http_half *h, const uint8_t *data,
      uint32_t len)
{
	size_t n = http_parser_execute(&h->p, &http_settings, (const char *)data, len);
	enum http_errno e;

	if (fs->stopped) {
		if (n < len)
			lc->cnt[WT_HTTP_CNT_IGNORED_BYTES] += len - n;
		return len;
	}
	e = HTTP_PARSER_ERRNO(&h->p);
	if (WT_UNLIKELY(e != HPE_OK)) {
		struct http_rec *r = http_rec_of(lc, h->rec);

		http_cnt(lc, WT_HTTP_CNT_PARSE_ERRORS);
		if (e == HPE_HEADER_OVERFLOW) {
			http_cnt(lc, WT_HTTP_CNT_HEADER_LIMIT);
			if (r != NULL)
				r->tx.flags |= WT_HTTP_TX_F_HEADER_LIMIT;
		}
		half_abort(lc, fs, h, WT_HTTP_TX_F_PARSE_ERROR);
		if (n > len)
			n = len;
		/* The failing byte is searched again: after a finished message (data after
		 * "Connection: close") it may well start the next one. */
		resync_start(lc, h, e == HPE_CLOSED_CONNECTION || (n > 0 && data[n - 1] == '\n'));
		return (uint32_t)n;
	}
	if (h->p.upgrade && n < len) {
		/* A request with Upgrade (or CONNECT) stops the parser; until a 101 or a 2xx says
		 * the protocol changed, what follows is parsed as HTTP again. */
		half_reinit(lc, h);
		return n > 0 ? (uint32_t)n : len;
	}
	if (h->p.upgrade)
		half_reinit(lc, h);
	return len;
}

static void
half_feed(struct wt_http_lcore *lc, struct http_flow *fs, struct http_half *h,
	  const uint8_t *data, uint32_t len)
{
	while (len > 0 && !fs->stopped) {
		uint32_t n = h->mode == HALF_RESYNC ? resync(lc, fs, h, data, len) :
						      parse(lc, fs, h, data, len);

		data += n;
		len -= n;
	}
}

void
wt_http_data(struct wt_http_lcore *lc, uint32_t slot, const struct wt_flow *f, uint8_t dir,
	     const uint8_t *data, uint32_t len, uint32_t flags, uint64_t ts_ns)
{
	struct http_flow *fs;
	struct http_half *h;

	RTE_SET_USED(f);
	if (WT_UNLIKELY(slot >= lc->capacity || dir > WT_DIR_TOCLIENT))
		return;
	fs = &lc->flows[slot];
	if (WT_UNLIKELY(!fs->open))
		return;
	lc->cnt[WT_HTTP_CNT_BYTES] += len;
	h = &fs->h[dir];
	if (fs->stopped || h->mode == HALF_EOF) {
		lc->cnt[WT_HTTP_CNT_IGNORED_BYTES] += len;
		return;
	}
	lc->cf = fs;
	lc->now = ts_ns;
	if (flags & WT_HTTP_DATA_MIDSTREAM)
		fs->midstream = 1;
	if (!h->started) {
		h->started = 1;
		if (flags & WT_HTTP_DATA_MIDSTREAM) {
			http_cnt(lc, WT_HTTP_CNT_MIDSTREAM);
			resync_start(lc, h, true);
			h->mark |= WT_HTTP_TX_F_MIDSTREAM;
		}
	}
	if (flags & WT_HTTP_DATA_GAP) {
		http_cnt(lc, WT_HTTP_CNT_GAPS);
		half_abort(lc, fs, h, WT_HTTP_TX_F_GAP);
		resync_start(lc, h, true);
		h->mark |= WT_HTTP_TX_F_GAP;
	}
	half_feed(lc, fs, h, data, len);
}
