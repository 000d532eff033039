/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * EVE JSON for `http` events: Suricata's http object (hostname, url, http_user_agent,
 * http_content_type, http_method, protocol, status, length) plus what wiretrail adds: the
 * request body length, latency, flags, credentials described, JWT claims and body shape.
 *
 * Trace context is written ECS style at the top level: "trace":{"id":..} with the carrying
 * header, tracestate/sampled/malformed, then "span":{"id":..} and "parent":{"id":..}, so a
 * request's event joins the APM documents of the same trace on trace.id.
 *
 * Every string is escaped and capped at twice its field size, so the worst case fits
 * WT_EXPORT_JSON_MAX (checked by a test).
 */
#include "export_priv.h"
#include "wt_jb.h"
#include "export_priv.h"

#define KEY(b, k) JB_LIT(b, "\"" k "\":")
#define STRF(b, s, len) jb_strn(b, s, len, 2 * sizeof(s))

/* ,"key":"value" when the value is not empty */
#define OPT_STR(b, k, s, len) do { \
	if ((len) > 0) { \
		JB_LIT(b, ",\"" k "\":"); \
		STRF(b, s, WT_MIN((size_t)(len), sizeof(s) - 1)); \
	} } while (0)

static void
json_latency(struct jb *b, const struct wt_http_tx *tx)
{
	bool start = tx->ts_request != 0 && tx->ts_response >= tx->ts_request;
	bool end = tx->ts_request != 0 && tx->ts_response_end >= tx->ts_request &&
		   (tx->flags & WT_HTTP_TX_F_RESP_DONE);

	if (!start && !end)
		return;
	JB_LIT(b, ",\"latency_us\":{");
	if (start) {
		KEY(b, "to_response_start");
		jb_u64(b, (tx->ts_response - tx->ts_request) / 1000);
	}
	if (end) {
		if (start)
			jb_chr(b, ',');
		KEY(b, "to_response_end");
		jb_u64(b, (tx->ts_response_end - tx->ts_request) / 1000);
	}
	jb_chr(b, '}');
}

static void
json_flags(struct jb *b, const struct wt_http_tx *tx)
{
	static const struct { uint32_t bit; const char *key; size_t len; } flags[] = {
#define F(bit, s) { bit, ",\"" s "\":true", sizeof(",\"" s "\":true") - 1 }
		F(WT_HTTP_TX_F_GAP, "gap"), F(WT_HTTP_TX_F_TRUNCATED, "truncated"),
		F(WT_HTTP_TX_F_HEADER_LIMIT, "header_limit"), F(WT_HTTP_TX_F_URL_LIMIT, "url_limit"),
		F(WT_HTTP_TX_F_MIDSTREAM, "midstream"), F(WT_HTTP_TX_F_PARSE_ERROR, "parse_error"),
		F(WT_HTTP_TX_F_INTERIM, "interim_response"),
#undef F
	};

	for (size_t i = 0; i < WT_ARRAY_SIZE(flags); i++)
		if (tx->flags & flags[i].bit)
			jb_mem(b, flags[i].key, flags[i].len);
	if (tx->no_response != WT_HTTP_NORESP_NONE) {
		JB_LIT(b, ",\"no_response_reason\":");
		jb_str(b, tx->no_response < WT_HTTP_NORESP__MAX ?
				  wt_http_noresp_names[tx->no_response] : "unknown");
	}
	if (tx->flags & WT_HTTP_TX_F_UPGRADE) {
		JB_LIT(b, ",\"upgrade\":");
		jb_str(b, tx->upgrade < WT_HTTP_UPGRADE__MAX ? wt_http_upgrade_names[tx->upgrade] :
							       "other");
	}
}

static void
json_cred(struct jb *b, const struct wt_http_cred *c)
{
	bool first = true;

	if (c->scheme == WT_HTTP_AUTH_NONE && !(c->flags & WT_HTTP_CRED_F_API_KEY) &&
	    c->cookies_total == 0)
		return;
	JB_LIT(b, ",\"credentials\":{");
	if (c->scheme != WT_HTTP_AUTH_NONE) {
		KEY(b, "scheme");
		jb_str(b, c->scheme < WT_HTTP_AUTH__MAX ? wt_http_auth_names[c->scheme] : "other");
		OPT_STR(b, "username", c->username, c->username_len);
		if (c->flags & WT_HTTP_CRED_F_FP) {
			JB_LIT(b, ",\"fingerprint\":");
			jb_hex(b, c->fp, sizeof(c->fp));
		}
		first = false;
	}
	if (c->flags & WT_HTTP_CRED_F_API_KEY) {
		if (!first)
			jb_chr(b, ',');
		JB_LIT(b, "\"api_key\":{\"header\":");
		STRF(b, c->api_key_header, WT_MIN(c->api_key_header_len, WT_HTTP_HDR_NAME_MAX - 1));
		if (c->flags & WT_HTTP_CRED_F_API_KEY_FP) {
			JB_LIT(b, ",\"fingerprint\":");
			jb_hex(b, c->api_key_fp, sizeof(c->api_key_fp));
		}
		jb_chr(b, '}');
		first = false;
	}
	if (c->cookies_total > 0) {
		if (!first)
			jb_chr(b, ',');
		JB_LIT(b, "\"cookies\":[");
		for (uint8_t i = 0; i < c->n_cookies && i < WT_HTTP_COOKIES; i++) {
			if (i > 0)
				jb_chr(b, ',');
			STRF(b, c->cookie[i], WT_MIN(c->cookie_len[i], WT_HTTP_COOKIE_MAX - 1));
		}
		JB_LIT(b, "],\"cookies_total\":");
		jb_u64(b, c->cookies_total);
	}
	if (c->flags & WT_HTTP_CRED_F_TRUNCATED)
		JB_LIT(b, ",\"truncated\":true");
	jb_chr(b, '}');
}

static void
json_jwt(struct jb *b, const struct wt_http_jwt *j)
{
	if (!(j->flags & WT_HTTP_JWT_F_PRESENT))
		return;
	JB_LIT(b, ",\"jwt\":{\"malformed\":");
	jb_bool(b, j->flags & WT_HTTP_JWT_F_MALFORMED);
	if (j->flags & WT_HTTP_JWT_F_MALFORMED) {
		jb_chr(b, '}');
		return;
	}
	OPT_STR(b, "alg", j->alg, j->alg_len);
	OPT_STR(b, "kid", j->kid, j->kid_len);
	OPT_STR(b, "iss", j->iss, j->iss_len);
	OPT_STR(b, "sub", j->sub, j->sub_len);
	OPT_STR(b, "aud", j->aud, j->aud_len);
	if (j->flags & WT_HTTP_JWT_F_IAT) {
		JB_LIT(b, ",\"iat\":");
		jb_i64(b, j->iat);
	}
	if (j->flags & WT_HTTP_JWT_F_NBF) {
		JB_LIT(b, ",\"nbf\":");
		jb_i64(b, j->nbf);
	}
	if (j->flags & WT_HTTP_JWT_F_EXP) {
		JB_LIT(b, ",\"exp\":");
		jb_i64(b, j->exp);
	}
	if ((j->flags & WT_HTTP_JWT_F_EXP) && (j->flags & WT_HTTP_JWT_F_IAT)) {
		JB_LIT(b, ",\"lifetime_s\":");
		jb_i64(b, (int64_t)((uint64_t)j->exp - (uint64_t)j->iat));
	}
	JB_LIT(b, ",\"expired_at_request\":");
	jb_bool(b, j->flags & WT_HTTP_JWT_F_EXPIRED);
	JB_LIT(b, ",\"not_yet_valid\":");
	jb_bool(b, j->flags & WT_HTTP_JWT_F_NOT_YET_VALID);
	JB_LIT(b, ",\"alg_none\":");
	jb_bool(b, j->flags & WT_HTTP_JWT_F_ALG_NONE);
	if (j->flags & WT_HTTP_JWT_F_AUD_MULTI)
		JB_LIT(b, ",\"aud_multi\":true");
	if (j->flags & WT_HTTP_JWT_F_TRUNCATED)
		JB_LIT(b, ",\"truncated\":true");
	jb_chr(b, '}');
}

static void
json_shape(struct jb *b, const struct wt_http_shape *s)
{
	JB_LIT(b, "{\"keys_fp\":");
	jb_hex(b, s->fp, sizeof(s->fp));
	JB_LIT(b, ",\"keys\":");
	jb_u64(b, s->keys);
	if (s->flags & WT_HTTP_SHAPE_F_TRUNCATED)
		JB_LIT(b, ",\"truncated\":true");
	jb_chr(b, '}');
}

static void
json_shapes(struct jb *b, const struct wt_http_tx *tx)
{
	bool req = tx->shape[0].flags & WT_HTTP_SHAPE_F_PRESENT;
	bool resp = tx->shape[1].flags & WT_HTTP_SHAPE_F_PRESENT;

	if (!req && !resp)
		return;
	JB_LIT(b, ",\"body_shape\":{");
	if (req) {
		KEY(b, "request");
		json_shape(b, &tx->shape[0]);
	}
	if (resp) {
		if (req)
			jb_chr(b, ',');
		KEY(b, "response");
		json_shape(b, &tx->shape[1]);
	}
	jb_chr(b, '}');
}

/* ECS: trace.id (+ how it was carried), span.id, parent.id at the top level. */
static void
json_trace(struct jb *b, const struct wt_http_trace *t)
{
	if (t->header == WT_HTTP_CARRIER_NONE)
		return;
	JB_LIT(b, ",\"trace\":{");
	if (t->id_len > 0) {
		KEY(b, "id");
		STRF(b, t->id, WT_MIN(t->id_len, WT_HTTP_TRACE_ID_MAX - 1));
		jb_chr(b, ',');
	}
	KEY(b, "header");
	jb_str(b, t->header < WT_HTTP_CARRIER__MAX ? wt_http_carrier_names[t->header] : "none");
	if (t->header == WT_HTTP_CARRIER_TRACEPARENT || (t->flags & WT_HTTP_TRACE_F_TRACESTATE)) {
		JB_LIT(b, ",\"tracestate\":");
		jb_bool(b, t->flags & WT_HTTP_TRACE_F_TRACESTATE);
	}
	if (t->flags & WT_HTTP_TRACE_F_SAMPLED_SET) {
		JB_LIT(b, ",\"sampled\":");
		jb_bool(b, t->flags & WT_HTTP_TRACE_F_SAMPLED);
	}
	JB_LIT(b, ",\"malformed\":");
	jb_bool(b, t->flags & WT_HTTP_TRACE_F_MALFORMED);
	jb_chr(b, '}');
	if (t->span_id_len > 0) {
		JB_LIT(b, ",\"span\":{\"id\":");
		STRF(b, t->span_id, WT_MIN(t->span_id_len, WT_HTTP_SPAN_ID_MAX - 1));
		jb_chr(b, '}');
	}
	if (t->parent_id_len > 0) {
		JB_LIT(b, ",\"parent\":{\"id\":");
		STRF(b, t->parent_id, WT_MIN(t->parent_id_len, WT_HTTP_SPAN_ID_MAX - 1));
		jb_chr(b, '}');
	}
}

void
export_json_http(struct jb *b, const struct wt_event *ev)
{
	const struct wt_http_tx *tx = &ev->u.http;
	bool first = true;

	JB_LIT(b, ",\"tx_id\":");
	jb_u64(b, tx->tx_id);
	JB_LIT(b, ",\"http\":{");
	/* lengths come from the record: clamp them to the fields, the record may be corrupt */
#define MEMBER(k, s, len) do { \
	size_t l_ = WT_MIN((size_t)(len), sizeof(s) - 1); \
	if (l_ > 0) { \
		if (!first) \
			jb_chr(b, ','); \
		KEY(b, k); \
		STRF(b, s, l_); \
		first = false; \
	} } while (0)
	MEMBER("hostname", tx->hostname, tx->hostname_len);
	MEMBER("url", tx->url, tx->url_len);
	MEMBER("http_user_agent", tx->http_user_agent, tx->http_user_agent_len);
	MEMBER("http_content_type", tx->http_content_type, tx->http_content_type_len);
	MEMBER("http_method", tx->http_method, tx->http_method_len);
	MEMBER("protocol", tx->protocol, tx->protocol_len);
#undef MEMBER
	if (tx->status != 0) {
		if (!first)
			jb_chr(b, ',');
		KEY(b, "status");
		jb_u64(b, tx->status);
		first = false;
	}
	if (!first)
		jb_chr(b, ',');
	KEY(b, "length");
	jb_u64(b, tx->response_len);
	JB_LIT(b, ",\"request_length\":");
	jb_u64(b, tx->request_len);
	json_latency(b, tx);
	json_flags(b, tx);
	json_cred(b, &tx->cred);
	json_jwt(b, &tx->jwt);
	json_shapes(b, tx);
	jb_chr(b, '}');
	json_trace(b, &tx->trace);
}
