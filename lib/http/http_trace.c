/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Trace context, the key that joins a request to the distributed trace it belongs to: W3C
 * traceparent, B3 (single and multi header), Jaeger uber-trace-id, AWS X-Ray and plain request
 * or correlation ids, each validated and normalized to the same hex form, so the next hop of
 * the same call carries the same trace.id whatever header transported it. Malformed values are
 * flagged and never used.
 */
#include "http_priv.h"

/* Hex digit values (-1: not hex), upper case marked 16 + value. */
static const int8_t hex_tab[256] = {
	['0'] = 0, ['1'] = 1, ['2'] = 2, ['3'] = 3, ['4'] = 4,
	['5'] = 5, ['6'] = 6, ['7'] = 7, ['8'] = 8, ['9'] = 9,
	['a'] = 10, ['b'] = 11, ['c'] = 12, ['d'] = 13, ['e'] = 14, ['f'] = 15,
	['A'] = 26, ['B'] = 27, ['C'] = 28, ['D'] = 29, ['E'] = 30, ['F'] = 31,
};

static inline bool
is_hex(char c, bool lc)
{
	uint8_t u = (uint8_t)c;

	/* the table is 0 for non-hex bytes, so tell '0' apart explicitly */
	return u == '0' || (hex_tab[u] != 0 && (!lc || hex_tab[u] < 16));
}

static int
hexv(char c)
{
	return is_hex(c, false) ? hex_tab[(uint8_t)c] & 15 : -1;
}

/* All hex (lower case only when @p lc). */
static bool
hex_run(const char *s, size_t n, bool lc)
{
	for (size_t i = 0; i < n; i++)
		if (!is_hex(s[i], lc))
			return false;
	return n > 0;
}

static bool
zeros(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != '0')
			return false;
	return true;
}

/* Lower-case hex id left-padded with zeros to @p width (n <= width). */
static void
put_id(char *dst, uint8_t *dlen, const char *s, size_t n, size_t width)
{
	size_t pad = width - n;

	memset(dst, '0', pad);
	for (size_t i = 0; i < n; i++)
		dst[pad + i] = http_lower(s[i]);
	dst[width] = '\0';
	*dlen = (uint8_t)width;
}

static void
set_sampled(struct wt_http_trace *t, bool yes)
{
	t->flags |= WT_HTTP_TRACE_F_SAMPLED_SET | (yes ? WT_HTTP_TRACE_F_SAMPLED : 0);
}

/* version "-" trace-id(32) "-" parent-id(16) "-" flags(2), all lower-case hex */
static bool
traceparent(const char *v, size_t n, struct wt_http_trace *out)
{
	if (n < 55 || !hex_run(v, 2, true) || (v[0] == 'f' && v[1] == 'f'))
		return false;
	if (v[2] != '-' || v[35] != '-' || v[52] != '-')
		return false;
	if (!hex_run(v + 3, 32, true) || zeros(v + 3, 32) || !hex_run(v + 36, 16, true) ||
	    zeros(v + 36, 16) || !hex_run(v + 53, 2, true))
		return false;
	if (v[0] == '0' && v[1] == '0' ? n != 55 : (n > 55 && v[55] != '-'))
		return false;   /* version 00 is exactly 55; later versions may extend after '-' */
	put_id(out->id, &out->id_len, v + 3, 32, 32);
	put_id(out->span_id, &out->span_id_len, v + 36, 16, 16);
	set_sampled(out, hexv(v[54]) & 1);
	return true;
}

static bool
b3_sampling(const char *s, size_t n, struct wt_http_trace *out)
{
	if (n != 1 || (s[0] != '0' && s[0] != '1' && s[0] != 'd'))
		return false;
	set_sampled(out, s[0] != '0');
	return true;
}

/* {TraceId}-{SpanId}-{Sampled}-{ParentSpanId}, trailing fields optional; or just {Sampled} */
static bool
b3(const char *v, size_t n, struct wt_http_trace *out)
{
	const char *f[5];
	size_t fl[5], nf = 0, s = 0;

	for (size_t i = 0; i <= n; i++) {
		if (i < n && v[i] != '-')
			continue;
		if (nf == 4)
			return false;
		f[nf] = v + s;
		fl[nf++] = i - s;
		s = i + 1;
	}
	if (nf == 1)
		return b3_sampling(f[0], fl[0], out);
	if ((fl[0] != 16 && fl[0] != 32) || !hex_run(f[0], fl[0], true) || zeros(f[0], fl[0]))
		return false;
	if (fl[1] != 16 || !hex_run(f[1], 16, true) || zeros(f[1], 16))
		return false;
	if (nf >= 3 && !b3_sampling(f[2], fl[2], out))
		return false;
	if (nf == 4) {
		if (fl[3] != 16 || !hex_run(f[3], 16, true) || zeros(f[3], 16))
			return false;
		put_id(out->parent_id, &out->parent_id_len, f[3], 16, 16);
	}
	put_id(out->id, &out->id_len, f[0], fl[0], 32);
	put_id(out->span_id, &out->span_id_len, f[1], 16, 16);
	return true;
}

/* {trace-id}:{span-id}:{parent-span-id}:{flags}; ':' may be url-encoded as %3A */
static bool
uber(const char *v, size_t n, struct wt_http_trace *out)
{
	const char *f[4];
	size_t fl[4], nf = 0, s = 0, i = 0;
	int flags;

	while (i <= n) {
		size_t sep = 0;

		if (i == n)
			sep = 1;
		else if (v[i] == ':')
			sep = 1;
		else if (i + 3 <= n && v[i] == '%' && v[i + 1] == '3' && (v[i + 2] | 0x20) == 'a')
			sep = 3;
		if (sep == 0) {
			i++;
			continue;
		}
		if (nf == 4)
			return false;
		f[nf] = v + s;
		fl[nf++] = i - s;
		i += sep;
		s = i;
	}
	if (nf != 4 || fl[0] > 32 || !hex_run(f[0], fl[0], false) || zeros(f[0], fl[0]) ||
	    fl[1] > 16 || !hex_run(f[1], fl[1], false) || zeros(f[1], fl[1]) ||
	    fl[2] > 16 || !hex_run(f[2], fl[2], false) || fl[3] > 2 || !hex_run(f[3], fl[3], false))
		return false;
	put_id(out->id, &out->id_len, f[0], fl[0], 32);
	put_id(out->span_id, &out->span_id_len, f[1], fl[1], 16);
	if (!zeros(f[2], fl[2]))   /* "0": no parent */
		put_id(out->parent_id, &out->parent_id_len, f[2], fl[2], 16);
	flags = hexv(f[3][fl[3] - 1]);
	set_sampled(out, flags & 1);
	return true;
}

/* Root=1-{8 hex time}-{24 hex};Parent={16 hex};Sampled={0,1,?}, any order, others ignored */
static bool
xray(const char *v, size_t n, struct wt_http_trace *out)
{
	size_t s = 0;
	bool root = false;

	while (s < n) {
		const char *e = memchr(v + s, ';', n - s);
		size_t end = e != NULL ? (size_t)(e - v) : n, k = s, vl;
		const char *val;

		while (k < end && http_is_ws(v[k]))
			k++;
		val = memchr(v + k, '=', end - k);
		if (val != NULL) {
			size_t kl = (size_t)(val - (v + k));

			val++;
			vl = (size_t)(v + end - val);
			while (vl > 0 && http_is_ws(val[vl - 1]))
				vl--;
			if (kl == 4 && memcmp(v + k, "Root", 4) == 0) {
				if (vl != 35 || val[0] != '1' || val[1] != '-' || val[10] != '-' ||
				    !hex_run(val + 2, 8, false) || !hex_run(val + 11, 24, false) ||
				    (zeros(val + 2, 8) && zeros(val + 11, 24)))
					return false;
				put_id(out->id, &out->id_len, val + 2, 8, 8);
				put_id(out->id + 8, &out->id_len, val + 11, 24, 24);
				out->id_len = 32;
				root = true;
			} else if (kl == 6 && memcmp(v + k, "Parent", 6) == 0) {
				if (vl != 16 || !hex_run(val, 16, false) || zeros(val, 16))
					return false;
				put_id(out->span_id, &out->span_id_len, val, 16, 16);
			} else if (kl == 7 && memcmp(v + k, "Sampled", 7) == 0) {
				if (vl == 1 && (val[0] == '0' || val[0] == '1'))
					set_sampled(out, val[0] == '1');
				else if (vl != 1 || val[0] != '?')
					return false;
			}
		}
		s = end + 1;
	}
	return root;
}

/* Opaque id: a UUID becomes 32 hex digits, other tokens are kept. */
static bool
request_id(const char *v, size_t n, struct wt_http_trace *out)
{
	static const char dash[] = { 8, 13, 18, 23 };
	bool uuid = n == 36;

	if (n == 0 || n >= sizeof(out->id))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = v[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      c == '-' || c == '_' || c == '.' || c == ':' || c == '+' || c == '/' ||
		      c == '=' || c == '@'))
			return false;
	}
	for (size_t i = 0, d = 0; uuid && i < n; i++) {
		if (d < sizeof(dash) && i == (size_t)dash[d]) {
			uuid = v[i] == '-';
			d++;
		} else {
			uuid = hexv(v[i]) >= 0;
		}
	}
	if (uuid) {
		size_t o = 0;

		for (size_t i = 0; i < n; i++)
			if (v[i] != '-')
				out->id[o++] = http_lower(v[i]);
		out->id[o] = '\0';
		out->id_len = (uint8_t)o;
		return true;
	}
	memcpy(out->id, v, n);
	out->id[n] = '\0';
	out->id_len = (uint8_t)n;
	return true;
}

bool
http_trace_parse(enum wt_http_carrier c, const char *v, size_t n, struct wt_http_trace *out)
{
	memset(out, 0, sizeof(*out));
	while (n > 0 && http_is_ws(*v)) {
		v++;
		n--;
	}
	while (n > 0 && http_is_ws(v[n - 1]))
		n--;
	switch (c) {
	case WT_HTTP_CARRIER_TRACEPARENT: return traceparent(v, n, out);
	case WT_HTTP_CARRIER_B3: return b3(v, n, out);
	case WT_HTTP_CARRIER_UBER: return uber(v, n, out);
	case WT_HTTP_CARRIER_XRAY: return xray(v, n, out);
	case WT_HTTP_CARRIER_REQUEST_ID:
	case WT_HTTP_CARRIER_CORRELATION_ID: return request_id(v, n, out);
	default: return false;
	}
}

/* ---- per request ---- */

static void
bad(struct wt_http_lcore *lc, struct http_rec *r, enum wt_http_carrier c)
{
	http_cnt(lc, WT_HTTP_CNT_TRACE_MALFORMED);
	if (r->trace_bad == WT_HTTP_CARRIER_NONE || c < r->trace_bad)
		r->trace_bad = (uint8_t)c;
}

/* The earliest carrier in enum order with ids wins. */
static void
offer(struct http_rec *r, enum wt_http_carrier c, const struct wt_http_trace *cand)
{
	uint8_t keep = r->tx.trace.flags & WT_HTTP_TRACE_F_TRACESTATE;

	if (cand->id_len == 0 ||
	    (r->trace_prio != WT_HTTP_CARRIER_NONE && r->trace_prio <= c))
		return;
	r->tx.trace = *cand;
	r->tx.trace.header = (uint8_t)c;
	r->tx.trace.flags |= keep;
	r->trace_prio = (uint8_t)c;
}

static bool
b3_hex(char *dst, const char *v, size_t n, bool trace_id)
{
	uint8_t len;

	if (!(n == 16 || (trace_id && n == 32)) || !hex_run(v, n, true) || zeros(v, n))
		return false;
	put_id(dst, &len, v, n, trace_id ? 32 : 16);
	return true;
}

static void
b3_piece(struct http_rec *r, enum wt_http_trace_role role, const char *v, size_t n)
{
	bool ok = false;

	while (n > 0 && http_is_ws(*v)) {
		v++;
		n--;
	}
	switch (role) {
	case WT_HTTP_ROLE_B3_TRACEID:
		ok = b3_hex(r->b3_tid, v, n, true);
		r->b3_have |= B3_TID;
		break;
	case WT_HTTP_ROLE_B3_SPANID:
		ok = b3_hex(r->b3_sid, v, n, false);
		r->b3_have |= B3_SID;
		break;
	case WT_HTTP_ROLE_B3_PARENTSPANID:
		ok = b3_hex(r->b3_pid, v, n, false);
		r->b3_have |= B3_PID;
		break;
	default:   /* X-B3-Sampled */
		if ((n == 1 && (v[0] == '0' || v[0] == '1')) || (n == 4 && !memcmp(v, "true", 4)) ||
		    (n == 5 && !memcmp(v, "false", 5))) {
			r->b3_sampled = v[0] == '1' || v[0] == 't';
			ok = true;
		}
		r->b3_have |= B3_SAMPLED;
		break;
	}
	if (!ok)
		r->b3_have |= B3_BAD;
}

void
http_trace_value(struct wt_http_lcore *lc, struct http_rec *r, enum wt_http_trace_role role,
		 const char *v, size_t n, bool ovf)
{
	static const uint8_t carrier[WT_HTTP_ROLE__MAX] = {
		[WT_HTTP_ROLE_TRACEPARENT] = WT_HTTP_CARRIER_TRACEPARENT,
		[WT_HTTP_ROLE_B3] = WT_HTTP_CARRIER_B3,
		[WT_HTTP_ROLE_UBER] = WT_HTTP_CARRIER_UBER,
		[WT_HTTP_ROLE_XRAY] = WT_HTTP_CARRIER_XRAY,
		[WT_HTTP_ROLE_REQUEST_ID] = WT_HTTP_CARRIER_REQUEST_ID,
		[WT_HTTP_ROLE_CORRELATION_ID] = WT_HTTP_CARRIER_CORRELATION_ID,
	};
	struct wt_http_trace cand;
	enum wt_http_carrier c;

	switch (role) {
	case WT_HTTP_ROLE_TRACESTATE:
		r->tx.trace.flags |= WT_HTTP_TRACE_F_TRACESTATE;
		return;
	case WT_HTTP_ROLE_B3_TRACEID:
	case WT_HTTP_ROLE_B3_SPANID:
	case WT_HTTP_ROLE_B3_PARENTSPANID:
	case WT_HTTP_ROLE_B3_SAMPLED:
		b3_piece(r, role, v, ovf ? 0 : n);
		return;
	default:
		break;
	}
	c = (enum wt_http_carrier)carrier[role];
	if (ovf || !http_trace_parse(c, v, n, &cand))
		bad(lc, r, c);
	else
		offer(r, c, &cand);
}

void
http_trace_finish(struct wt_http_lcore *lc, struct http_rec *r)
{
	if (r->b3_have & (B3_TID | B3_SID | B3_PID | B3_BAD)) {
		if ((r->b3_have & B3_BAD) || !(r->b3_have & B3_TID) || !(r->b3_have & B3_SID)) {
			bad(lc, r, WT_HTTP_CARRIER_B3MULTI);
		} else {
			struct wt_http_trace cand;

			memset(&cand, 0, sizeof(cand));
			memcpy(cand.id, r->b3_tid, 33);
			cand.id_len = 32;
			memcpy(cand.span_id, r->b3_sid, 17);
			cand.span_id_len = 16;
			if (r->b3_have & B3_PID) {
				memcpy(cand.parent_id, r->b3_pid, 17);
				cand.parent_id_len = 16;
			}
			if (r->b3_have & B3_SAMPLED)
				set_sampled(&cand, r->b3_sampled);
			offer(r, WT_HTTP_CARRIER_B3MULTI, &cand);
		}
	}
	if (r->trace_bad != WT_HTTP_CARRIER_NONE) {
		r->tx.trace.flags |= WT_HTTP_TRACE_F_MALFORMED;
		if (r->tx.trace.header == WT_HTTP_CARRIER_NONE)
			r->tx.trace.header = r->trace_bad;
	}
}
