/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Header names and values as http_parser hands them over, in pieces that may end anywhere:
 * names are gathered (lower case, bounded) and matched once, values are routed by header kind
 * straight into the transaction's bounded fields or the record's scratch. Also the request
 * target: query values masked on the fly, absolute-form split into host and path.
 */
#include <strings.h>

#include "http_priv.h"

static void
limit_hit(struct wt_http_lcore *lc, struct http_half *h, struct http_rec *r)
{
	if (h->limited)
		return;
	h->limited = 1;
	http_cnt(lc, WT_HTTP_CNT_HEADER_LIMIT);
	if (r != NULL)
		r->tx.flags |= WT_HTTP_TX_F_HEADER_LIMIT;
}

void
http_hdr_bytes(struct wt_http_lcore *lc, struct http_half *h, struct http_rec *r, size_t n)
{
	h->hdr_bytes += (uint32_t)WT_MIN(n, (size_t)UINT32_MAX - h->hdr_bytes);
	if (h->hdr_bytes > lc->conf.max_header_bytes)
		limit_hit(lc, h, r);
}

void
http_hdr_field(struct wt_http_lcore *lc, struct http_flow *fs, struct http_half *h,
	       const char *at, size_t n)
{
	struct http_rec *r = http_rec_of(lc, h->rec);

	if (h->hstate == HS_VALUE)
		http_hdr_end(lc, fs, h);
	if (h->hstate != HS_FIELD) {
		h->hstate = HS_FIELD;
		h->name_len = 0;
		if (++h->n_hdrs > lc->conf.max_headers)
			limit_hit(lc, h, r);
	}
	http_hdr_bytes(lc, h, r, n);
	if (h->name_len == 0xff)
		return;
	if (h->name_len + n > sizeof(h->name)) {
		h->name_len = 0xff;
		return;
	}
	for (size_t i = 0; i < n; i++)
		h->name[h->name_len + i] = http_lower(at[i]);
	h->name_len = (uint8_t)(h->name_len + n);
}

#define NAME_IS(h, lit) ((h)->name_len == sizeof(lit) - 1 && memcmp((h)->name, lit, sizeof(lit) - 1) == 0)

static bool
name_is(const struct http_half *h, const char *s, uint8_t len)
{
	return len == h->name_len && memcmp(h->name, s, len) == 0;
}

/* Which header is this, and does this transaction still want it? */
static void
classify(struct wt_http_lcore *lc, struct http_half *h, struct http_rec *r)
{
	const struct wt_http_conf *c = &lc->conf;
	struct wt_http_tx *tx;

	h->hk = HK_NONE;
	if (h->limited || h->hdrs_done || h->name_len == 0xff || h->name_len == 0)
		return;
	if (NAME_IS(h, "upgrade")) {
		h->hk = HK_UPGRADE;
		h->vlen = 0;
		return;
	}
	if (r == NULL)
		return;
	tx = &r->tx;
	if (NAME_IS(h, "content-type")) {
		if (h->dir == WT_DIR_TOSERVER ? h->json == 0 : tx->http_content_type_len == 0) {
			h->hk = HK_CTYPE;
			h->vlen = 0;
		}
		return;
	}
	if (h->dir != WT_DIR_TOSERVER)
		return;
	if (NAME_IS(h, "host")) {
		if (tx->hostname_len == 0 && !r->host_from_url)
			h->hk = HK_HOST;
	} else if (NAME_IS(h, "user-agent")) {
		if (tx->http_user_agent_len == 0)
			h->hk = HK_UA;
	} else if (NAME_IS(h, "authorization")) {
		if (tx->cred.scheme == WT_HTTP_AUTH_NONE) {
			h->hk = HK_AUTH;
			http_cred_begin(lc, r, true);
		}
	} else if (NAME_IS(h, "cookie")) {
		h->hk = HK_COOKIE;
		r->ck_state = 0;
	} else {
		for (uint32_t i = 0; i < c->n_api_key_hdrs; i++)
			if (name_is(h, c->api_key_hdrs[i], lc->api_key_len[i])) {
				if (!(tx->cred.flags & WT_HTTP_CRED_F_API_KEY)) {
					h->hk = HK_APIKEY;
					h->hk_arg = (uint8_t)i;
					http_cred_begin(lc, r, false);
				}
				return;
			}
		for (uint32_t i = 0; i < c->n_trace_hdrs; i++)
			if (name_is(h, c->trace_hdrs[i].name, lc->trace_len[i])) {
				h->hk = HK_TRACE;
				h->hk_arg = c->trace_hdrs[i].role;
				r->slen = 0;
				r->sovf = 0;
				return;
			}
	}
}

static void
truncated(struct http_rec *r)
{
	r->tx.flags |= WT_HTTP_TX_F_TRUNCATED;
}

static void
scratch_add(struct http_rec *r, const char *at, size_t n)
{
	size_t room = sizeof(r->u.scratch) - r->slen;

	if (n > room) {
		n = room;
		r->sovf = 1;
	}
	memcpy(r->u.scratch + r->slen, at, n);
	r->slen = (uint16_t)(r->slen + n);
}

static void
field_add(struct http_rec *r, char *dst, size_t cap, uint8_t *len, const char *at, size_t n)
{
	uint32_t l = *len;

	if (!http_str_append(dst, (uint32_t)cap, &l, at, n))
		truncated(r);
	*len = (uint8_t)l;
}

void
http_hdr_value(struct wt_http_lcore *lc, struct http_flow *fs, struct http_half *h,
	       const char *at, size_t n)
{
	struct http_rec *r = http_rec_of(lc, h->rec);
	struct wt_http_tx *tx = r != NULL ? &r->tx : NULL;

	(void)fs;
	if (h->hstate != HS_VALUE) {
		classify(lc, h, r);
		h->hstate = HS_VALUE;
	}
	http_hdr_bytes(lc, h, r, n);
	switch (h->hk) {
	case HK_HOST:
		field_add(r, tx->hostname, sizeof(tx->hostname), &tx->hostname_len, at, n);
		break;
	case HK_UA:
		field_add(r, tx->http_user_agent, sizeof(tx->http_user_agent),
			  &tx->http_user_agent_len, at, n);
		break;
	case HK_CTYPE:
		if (h->dir == WT_DIR_TOCLIENT) {
			field_add(r, tx->http_content_type, sizeof(tx->http_content_type),
				  &tx->http_content_type_len, at, n);
			break;
		}
		/* The request's only decides whether its body is JSON. */
		/* fall through */
	case HK_UPGRADE: {
		size_t k = WT_MIN(n, sizeof(h->vbuf) - 1 - h->vlen);

		memcpy(h->vbuf + h->vlen, at, k);
		h->vlen = (uint8_t)(h->vlen + k);
		break;
	}
	case HK_AUTH:
		scratch_add(r, at, n);
		http_cred_chunk(lc, r, at, n);
		break;
	case HK_APIKEY:
		http_cred_chunk(lc, r, at, n);
		break;
	case HK_TRACE:
		scratch_add(r, at, n);
		break;
	case HK_COOKIE:
		http_cookie_chunk(r, at, n);
		break;
	default:
		break;
	}
}

static uint32_t
rstrip(const char *s, uint32_t n)
{
	while (n > 0 && http_is_ws(s[n - 1]))
		n--;
	return n;
}

void
http_hdr_end(struct wt_http_lcore *lc, struct http_flow *fs, struct http_half *h)
{
	struct http_rec *r = http_rec_of(lc, h->rec);
	struct wt_http_tx *tx = r != NULL ? &r->tx : NULL;

	(void)fs;
	switch (h->hk) {
	case HK_HOST:
		http_host_finish(r);
		break;
	case HK_UA:
		tx->http_user_agent_len = (uint8_t)rstrip(tx->http_user_agent,
							  tx->http_user_agent_len);
		tx->http_user_agent[tx->http_user_agent_len] = '\0';
		break;
	case HK_CTYPE:
		if (h->dir == WT_DIR_TOCLIENT) {
			tx->http_content_type_len = (uint8_t)rstrip(tx->http_content_type,
								    tx->http_content_type_len);
			tx->http_content_type[tx->http_content_type_len] = '\0';
			h->json = http_ctype_is_json(tx->http_content_type,
						     tx->http_content_type_len);
		} else {
			h->json = http_ctype_is_json(h->vbuf, h->vlen);
		}
		break;
	case HK_UPGRADE:
		h->upgrade = (uint8_t)http_upgrade_of(h->vbuf, h->vlen);
		break;
	case HK_AUTH:
		http_cred_auth_end(lc, r);
		break;
	case HK_APIKEY:
		http_cred_apikey_end(lc, r, lc->conf.api_key_hdrs[h->hk_arg]);
		break;
	case HK_TRACE:
		http_trace_value(lc, r, (enum wt_http_trace_role)h->hk_arg, r->u.scratch,
				 rstrip(r->u.scratch, r->slen), r->sovf);
		r->slen = 0;
		r->sovf = 0;
		break;
	case HK_COOKIE:
		http_cookie_end(r);
		break;
	default:
		break;
	}
	h->hk = HK_NONE;
	h->hstate = HS_NONE;
}

/* A message is cut inside a header: forget the value (wiping what may be a credential). */
void
http_hdr_abort(struct http_half *h, struct http_rec *r)
{
	if (r != NULL && h->hstate == HS_VALUE &&
	    (h->hk == HK_AUTH || h->hk == HK_APIKEY || h->hk == HK_TRACE)) {
		explicit_bzero(r->u.scratch, r->sovf ? sizeof(r->u.scratch) : r->slen);
		explicit_bzero(&r->hctx, sizeof(r->hctx));
		r->slen = 0;
		r->sovf = 0;
		r->cphase = 0;
	}
	h->hk = HK_NONE;
	h->hstate = HS_NONE;
}

/* ---- request target ---- */

void
http_url_append(struct wt_http_lcore *lc, struct http_half *h, struct http_rec *r,
		const char *at, size_t n)
{
	struct wt_http_tx *tx = &r->tx;
	uint32_t len = tx->url_len;
	const uint32_t cap = sizeof(tx->url) - 1;
	bool cut = false;

	if (!lc->conf.mask_query_values) {
		cut = !http_str_append(tx->url, sizeof(tx->url), &len, at, n);
	} else {
		for (size_t i = 0; i < n; i++) {
			char c = at[i];

			if (h->url_st == URL_VAL) {
				if (c != '&')
					continue;
				h->url_st = URL_KEY;
			} else if (h->url_st == URL_PATH && c == '?') {
				h->url_st = URL_KEY;
			}
			if (len >= cap) {
				cut = true;
				break;
			}
			tx->url[len++] = c;
			if (h->url_st == URL_KEY && c == '=') {
				h->url_st = URL_VAL;
				for (int k = 0; k < 3 && !cut; k++) {
					if (len >= cap)
						cut = true;
					else
						tx->url[len++] = '*';
				}
			}
		}
		tx->url[len] = '\0';
	}
	tx->url_len = (uint16_t)len;
	if (cut)
		truncated(r);
}

/* Absolute-form ("http://host:port/path"): host to hostname (user info dropped), path kept. */
void
http_url_finish(struct http_rec *r)
{
	struct wt_http_tx *tx = &r->tx;
	char *u = tx->url;
	uint32_t n = tx->url_len, s, e, a;

	if (n >= 7 && strncasecmp(u, "http://", 7) == 0)
		s = 7;
	else if (n >= 8 && strncasecmp(u, "https://", 8) == 0)
		s = 8;
	else
		return;
	for (e = s; e < n && u[e] != '/' && u[e] != '?'; e++)
		;
	for (a = e; a > s && u[a - 1] != '@'; a--)
		;   /* a == s: no user info */
	if (tx->hostname_len == 0) {
		uint32_t l = 0;

		if (!http_str_append(tx->hostname, sizeof(tx->hostname), &l, u + a, e - a))
			truncated(r);
		tx->hostname_len = (uint8_t)l;
		r->host_from_url = 1;
		http_host_finish(r);
	}
	memmove(u, u + e, n - e);
	n -= e;
	explicit_bzero(u + n, e);    /* the user info may hold a password */
	if (n == 0)
		u[n++] = '/';
	u[n] = '\0';
	tx->url_len = (uint16_t)n;
}

/* Host: trimmed, lower case, without its port ("[::1]:8080" -> "[::1]"). */
void
http_host_finish(struct http_rec *r)
{
	struct wt_http_tx *tx = &r->tx;
	uint32_t n = rstrip(tx->hostname, tx->hostname_len);

	for (uint32_t i = 0; i < n; i++)
		tx->hostname[i] = http_lower(tx->hostname[i]);
	for (uint32_t i = n; i > 0; i--) {
		char c = tx->hostname[i - 1];

		if (c == ':') {
			n = i - 1;
			break;
		}
		if (c < '0' || c > '9')
			break;
	}
	tx->hostname[n] = '\0';
	tx->hostname_len = (uint8_t)n;
}

bool
http_ctype_is_json(const char *s, size_t n)
{
	size_t e = 0;

	while (n > 0 && http_is_ws(*s)) {
		s++;
		n--;
	}
	while (e < n && s[e] != ';' && !http_is_ws(s[e]))
		e++;
	if ((e == 16 && strncasecmp(s, "application/json", 16) == 0) ||
	    (e == 9 && strncasecmp(s, "text/json", 9) == 0))
		return true;
	return e > 5 && memchr(s, '/', e) != NULL && strncasecmp(s + e - 5, "+json", 5) == 0;
}

enum wt_http_upgrade
http_upgrade_of(const char *s, size_t n)
{
	size_t e = 0;

	while (n > 0 && http_is_ws(*s)) {
		s++;
		n--;
	}
	while (e < n && s[e] != ',' && s[e] != '/' && !http_is_ws(s[e]))
		e++;
	if (e == 0)
		return WT_HTTP_UPGRADE_NONE;
	if (e == 3 && strncasecmp(s, "h2c", 3) == 0)
		return WT_HTTP_UPGRADE_H2C;
	if (e == 9 && strncasecmp(s, "websocket", 9) == 0)
		return WT_HTTP_UPGRADE_WEBSOCKET;
	return WT_HTTP_UPGRADE_OTHER;
}
