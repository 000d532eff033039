/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * JWTs seen in Bearer tokens, decoded without verification: the header's alg and kid, the
 * payload's registered claims, and what they say at request time (expired, not yet valid,
 * alg "none"). A small bounded JSON reader over the decoded bytes; nothing is allocated and the
 * decoded text is wiped afterwards.
 */
#include <strings.h>

#include "http_priv.h"

#define JR_MAX_DEPTH 32

/* Reader over one decoded JSON text. */
struct jr {
	const uint8_t *p, *e;
	int depth;
};

static void
jr_ws(struct jr *j)
{
	while (j->p < j->e && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static bool
jr_peek(struct jr *j, uint8_t c)
{
	jr_ws(j);
	return j->p < j->e && *j->p == c;
}

static int
hexv(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static bool
jr_u4(struct jr *j, uint32_t *cp)
{
	*cp = 0;
	if (j->e - j->p < 4)
		return false;
	for (int i = 0; i < 4; i++) {
		int v = hexv(*j->p++);

		if (v < 0)
			return false;
		*cp = (*cp << 4) | (uint32_t)v;
	}
	return true;
}

static void
put(char *out, size_t cap, size_t *n, bool *cut, const uint8_t *b, size_t k)
{
	if (out == NULL)
		return;
	if (*n + k > cap - 1) {
		*cut = true;
		return;
	}
	memcpy(out + *n, b, k);
	*n += k;
}

/* A JSON string, unescaped into @p out (NULL: skip it). */
static bool
jr_str(struct jr *j, char *out, size_t cap, uint8_t *olen, bool *cut)
{
	size_t n = 0;

	jr_ws(j);
	if (j->p >= j->e || *j->p++ != '"')
		return false;
	for (;;) {
		uint8_t c, b[4];
		uint32_t cp;
		size_t k;

		if (j->p >= j->e)
			return false;
		c = *j->p++;
		if (c == '"')
			break;
		if (c < 0x20)
			return false;
		if (c != '\\') {
			put(out, cap, &n, cut, &c, 1);
			continue;
		}
		if (j->p >= j->e)
			return false;
		c = *j->p++;
		switch (c) {
		case '"': case '\\': case '/': b[0] = c; k = 1; break;
		case 'b': b[0] = '\b'; k = 1; break;
		case 'f': b[0] = '\f'; k = 1; break;
		case 'n': b[0] = '\n'; k = 1; break;
		case 'r': b[0] = '\r'; k = 1; break;
		case 't': b[0] = '\t'; k = 1; break;
		case 'u':
			if (!jr_u4(j, &cp))
				return false;
			if (cp >= 0xd800 && cp < 0xdc00 && j->e - j->p >= 6 && j->p[0] == '\\' &&
			    j->p[1] == 'u') {
				uint32_t lo;

				j->p += 2;
				if (!jr_u4(j, &lo))
					return false;
				cp = (lo >= 0xdc00 && lo < 0xe000) ?
					     0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00) : '?';
			} else if (cp >= 0xd800 && cp < 0xe000) {
				cp = '?';
			}
			if (cp < 0x80) {
				b[0] = (uint8_t)cp;
				k = 1;
			} else if (cp < 0x800) {
				b[0] = (uint8_t)(0xc0 | cp >> 6);
				b[1] = (uint8_t)(0x80 | (cp & 0x3f));
				k = 2;
			} else if (cp < 0x10000) {
				b[0] = (uint8_t)(0xe0 | cp >> 12);
				b[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
				b[2] = (uint8_t)(0x80 | (cp & 0x3f));
				k = 3;
			} else {
				b[0] = (uint8_t)(0xf0 | cp >> 18);
				b[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
				b[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
				b[3] = (uint8_t)(0x80 | (cp & 0x3f));
				k = 4;
			}
			break;
		default:
			return false;
		}
		put(out, cap, &n, cut, b, k);
	}
	if (out != NULL) {
		out[n] = '\0';
		*olen = (uint8_t)n;
	}
	return true;
}

/* A JSON number; @p v gets its integer value (fraction dropped, saturating). */
static bool
jr_num(struct jr *j, int64_t *v)
{
	bool neg = false, digits = false;
	int64_t x = 0;
	int exp = 0, esign = 1, frac = 0;

	jr_ws(j);
	if (j->p < j->e && *j->p == '-') {
		neg = true;
		j->p++;
	}
	for (int part = 0; part < 2; part++) {
		if (part == 1) {
			if (j->p >= j->e || *j->p != '.')
				break;
			j->p++;
			digits = false;
		}
		while (j->p < j->e && *j->p >= '0' && *j->p <= '9') {
			if (x <= (INT64_MAX - 9) / 10) {
				x = x * 10 + (*j->p - '0');
				frac += part;   /* digits after the point scale down later */
			} else if (part == 0) {
				x = INT64_MAX;
			}
			j->p++;
			digits = true;
		}
		if (!digits)
			return false;
	}
	if (j->p < j->e && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		if (j->p < j->e && (*j->p == '+' || *j->p == '-'))
			esign = *j->p++ == '-' ? -1 : 1;
		digits = false;
		while (j->p < j->e && *j->p >= '0' && *j->p <= '9') {
			exp = exp > 100 ? exp : exp * 10 + (*j->p - '0');
			j->p++;
			digits = true;
		}
		if (!digits)
			return false;
	}
	exp = exp * esign - frac;
	for (; exp > 0 && x != 0; exp--)
		x = x > INT64_MAX / 10 ? INT64_MAX : x * 10;
	for (; exp < 0 && x != 0; exp++)
		x /= 10;
	*v = neg ? -x : x;
	return true;
}

static bool jr_skip(struct jr *j);

static bool
jr_lit(struct jr *j, const char *s)
{
	size_t n = strlen(s);

	if ((size_t)(j->e - j->p) < n || memcmp(j->p, s, n) != 0)
		return false;
	j->p += n;
	return true;
}

/* Skip an object or array body after its opening bracket. */
static bool
jr_skip_seq(struct jr *j, uint8_t close, bool object)
{
	if (++j->depth > JR_MAX_DEPTH)
		return false;
	if (jr_peek(j, close)) {
		j->p++;
		j->depth--;
		return true;
	}
	for (;;) {
		if (object) {
			if (!jr_str(j, NULL, 0, NULL, NULL) || !jr_peek(j, ':'))
				return false;
			j->p++;
		}
		if (!jr_skip(j))
			return false;
		if (jr_peek(j, close)) {
			j->p++;
			j->depth--;
			return true;
		}
		if (!jr_peek(j, ','))
			return false;
		j->p++;
	}
}

static bool
jr_skip(struct jr *j)
{
	int64_t v;

	jr_ws(j);
	if (j->p >= j->e)
		return false;
	switch (*j->p) {
	case '{': j->p++; return jr_skip_seq(j, '}', true);
	case '[': j->p++; return jr_skip_seq(j, ']', false);
	case '"': return jr_str(j, NULL, 0, NULL, NULL);
	case 't': return jr_lit(j, "true");
	case 'f': return jr_lit(j, "false");
	case 'n': return jr_lit(j, "null");
	default: return jr_num(j, &v);
	}
}

/* A claim string: string value into @p out; another type is skipped. */
static bool
claim_str(struct jr *j, char *out, size_t cap, uint8_t *olen, struct wt_http_jwt *w)
{
	bool cut = false;

	if (!jr_peek(j, '"'))
		return jr_skip(j);
	if (!jr_str(j, out, cap, olen, &cut))
		return false;
	if (cut)
		w->flags |= WT_HTTP_JWT_F_TRUNCATED;
	return true;
}

static bool
claim_num(struct jr *j, int64_t *v, struct wt_http_jwt *w, uint16_t flag)
{
	jr_ws(j);
	if (j->p >= j->e || !((*j->p >= '0' && *j->p <= '9') || *j->p == '-'))
		return jr_skip(j);
	if (!jr_num(j, v))
		return false;
	w->flags |= flag;
	return true;
}

/* aud: a string, or an array whose first string is kept. */
static bool
claim_aud(struct jr *j, struct wt_http_jwt *w)
{
	int members = 0;

	if (!jr_peek(j, '['))
		return claim_str(j, w->aud, sizeof(w->aud), &w->aud_len, w);
	j->p++;
	if (jr_peek(j, ']')) {
		j->p++;
		return true;
	}
	for (;;) {
		if (members++ == 0 && jr_peek(j, '"')) {
			if (!claim_str(j, w->aud, sizeof(w->aud), &w->aud_len, w))
				return false;
		} else if (!jr_skip(j)) {
			return false;
		}
		if (jr_peek(j, ']')) {
			j->p++;
			break;
		}
		if (!jr_peek(j, ','))
			return false;
		j->p++;
	}
	if (members > 1)
		w->flags |= WT_HTTP_JWT_F_AUD_MULTI;
	return true;
}

/* One member of the header (@p payload false) or the payload. */
static bool
member(struct jr *j, const char *k, size_t kn, bool payload, struct wt_http_jwt *w)
{
#define KEY(s) (kn == sizeof(s) - 1 && memcmp(k, s, kn) == 0)
	if (!payload) {
		if (KEY("alg"))
			return claim_str(j, w->alg, sizeof(w->alg), &w->alg_len, w);
		if (KEY("kid"))
			return claim_str(j, w->kid, sizeof(w->kid), &w->kid_len, w);
		return jr_skip(j);
	}
	if (KEY("iss"))
		return claim_str(j, w->iss, sizeof(w->iss), &w->iss_len, w);
	if (KEY("sub"))
		return claim_str(j, w->sub, sizeof(w->sub), &w->sub_len, w);
	if (KEY("aud"))
		return claim_aud(j, w);
	if (KEY("iat"))
		return claim_num(j, &w->iat, w, WT_HTTP_JWT_F_IAT);
	if (KEY("nbf"))
		return claim_num(j, &w->nbf, w, WT_HTTP_JWT_F_NBF);
	if (KEY("exp"))
		return claim_num(j, &w->exp, w, WT_HTTP_JWT_F_EXP);
	return jr_skip(j);
#undef KEY
}

/* Decode one base64url part and read it as a JSON object. */
static bool
part(const char *b64, size_t n, bool payload, struct wt_http_jwt *w)
{
	uint8_t buf[HTTP_SCRATCH * 3 / 4 + 4];
	int len = http_b64_decode(b64, n, true, buf, sizeof(buf));
	struct jr j = { buf, buf + (len > 0 ? len : 0), 0 };
	bool ok = len > 0 && jr_peek(&j, '{');

	if (ok) {
		j.p++;
		if (jr_peek(&j, '}')) {
			j.p++;
		} else {
			for (;;) {
				char k[8];
				uint8_t kn = 0;
				bool cut = false;

				if (!jr_str(&j, k, sizeof(k), &kn, &cut) || !jr_peek(&j, ':')) {
					ok = false;
					break;
				}
				j.p++;
				if (!member(&j, k, cut ? 0 : kn, payload, w)) {
					ok = false;
					break;
				}
				if (jr_peek(&j, '}')) {
					j.p++;
					break;
				}
				if (!jr_peek(&j, ',')) {
					ok = false;
					break;
				}
				j.p++;
			}
		}
		jr_ws(&j);
		ok = ok && j.p == j.e;
	}
	explicit_bzero(buf, sizeof(buf));
	return ok;
}

/* exp/nbf (seconds) against a request time in ns; values beyond 2262 never pass. */
static bool
before(int64_t sec, uint64_t ns)
{
	if (sec < 0)
		return true;
	if ((uint64_t)sec >= UINT64_MAX / 1000000000ull)
		return false;
	return (uint64_t)sec * 1000000000ull < ns;
}

static bool
after(int64_t sec, uint64_t ns)
{
	if (sec < 0)
		return false;
	if ((uint64_t)sec >= UINT64_MAX / 1000000000ull)
		return true;
	return (uint64_t)sec * 1000000000ull > ns;
}

void
http_jwt_decode(struct wt_http_lcore *lc, struct http_rec *r, const char *tok, size_t n,
		bool cut)
{
	struct wt_http_jwt *w = &r->tx.jwt;
	const char *d1 = memchr(tok, '.', n), *d2;
	uint64_t now = r->tx.ts_request;

	memset(w, 0, sizeof(*w));
	w->flags = WT_HTTP_JWT_F_PRESENT | (cut ? WT_HTTP_JWT_F_TRUNCATED : 0);
	http_cnt(lc, WT_HTTP_CNT_JWT);
	d2 = d1 != NULL ? memchr(d1 + 1, '.', n - (size_t)(d1 + 1 - tok)) : NULL;
	if (d2 == NULL || !part(tok, (size_t)(d1 - tok), false, w) ||
	    !part(d1 + 1, (size_t)(d2 - d1 - 1), true, w)) {
		/* Nothing of a token that does not decode is trusted, not even a claim read
		 * before the error (it may be half written). */
		memset(w, 0, sizeof(*w));
		w->flags = WT_HTTP_JWT_F_PRESENT | WT_HTTP_JWT_F_MALFORMED |
			   (cut ? WT_HTTP_JWT_F_TRUNCATED : 0);
		http_cnt(lc, WT_HTTP_CNT_JWT_MALFORMED);
		return;
	}
	if (w->alg_len == 4 && strncasecmp(w->alg, "none", 4) == 0)
		w->flags |= WT_HTTP_JWT_F_ALG_NONE;
	if ((w->flags & WT_HTTP_JWT_F_EXP) && before(w->exp, now)) {
		w->flags |= WT_HTTP_JWT_F_EXPIRED;
		http_cnt(lc, WT_HTTP_CNT_JWT_EXPIRED);
	}
	if ((w->flags & WT_HTTP_JWT_F_NBF) && after(w->nbf, now))
		w->flags |= WT_HTTP_JWT_F_NOT_YET_VALID;
}
