/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Credentials, described but never kept: the Authorization scheme, the Basic username, keyed
 * fingerprints (HMAC-SHA-256 with the appliance key), api-key headers and cookie names. The
 * HMAC runs over the value as it streams in, from pads precomputed at start, with OpenSSL's
 * low-level SHA-256 (no allocation, unlike EVP); raw bytes are wiped once fingerprinted.
 */
#include <strings.h>

#include "http_priv.h"

/* http_rec.cphase */
#define CRED_OFF    0
#define CRED_LWS    1 /* leading whitespace */
#define CRED_SCHEME 2
#define CRED_SEP    3 /* whitespace after the scheme */
#define CRED_TOKEN  4 /* hashed */

/* OpenSSL 3 deprecates SHA256_Init & co. for EVP, whose contexts are heap-allocated. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

void
http_hmac_setup(struct wt_http_lcore *lc)
{
	uint8_t pad[64];

	lc->have_key = lc->conf.key_len != 0;
	if (!lc->have_key)
		return;
	for (int i = 0; i < 64; i++)
		pad[i] = (uint8_t)(lc->conf.key[i] ^ 0x36);   /* key is zero-padded to 64 */
	SHA256_Init(&lc->hmac_in);
	SHA256_Update(&lc->hmac_in, pad, sizeof(pad));
	for (int i = 0; i < 64; i++)
		pad[i] = (uint8_t)(lc->conf.key[i] ^ 0x5c);
	SHA256_Init(&lc->hmac_out);
	SHA256_Update(&lc->hmac_out, pad, sizeof(pad));
	explicit_bzero(pad, sizeof(pad));
}

static void
hmac_final(const struct wt_http_lcore *lc, SHA256_CTX *inner, uint8_t out[WT_HTTP_FP_LEN])
{
	uint8_t ih[32], mac[32];
	SHA256_CTX o = lc->hmac_out;

	SHA256_Final(ih, inner);
	SHA256_Update(&o, ih, sizeof(ih));
	SHA256_Final(mac, &o);
	memcpy(out, mac, WT_HTTP_FP_LEN);
	explicit_bzero(ih, sizeof(ih));
	explicit_bzero(mac, sizeof(mac));
	explicit_bzero(&o, sizeof(o));
	explicit_bzero(inner, sizeof(*inner));
}

void
http_hmac(const struct wt_http_lcore *lc, const void *p, size_t n, uint8_t out[WT_HTTP_FP_LEN])
{
	SHA256_CTX c = lc->hmac_in;

	SHA256_Update(&c, p, n);
	hmac_final(lc, &c, out);
}

void
http_sha256(const void *p, size_t n, uint8_t out[32])
{
	SHA256_CTX c;

	SHA256_Init(&c);
	SHA256_Update(&c, p, n);
	SHA256_Final(out, &c);
}

static void
hash(const struct wt_http_lcore *lc, struct http_rec *r, const void *p, size_t n)
{
	if (lc->have_key)
		SHA256_Update(&r->hctx, p, n);
	r->ctok = 1;
}

#pragma GCC diagnostic pop

void
http_cred_begin(struct wt_http_lcore *lc, struct http_rec *r, bool auth)
{
	r->cphase = auth ? CRED_LWS : CRED_SEP;
	r->cpend = 0;
	r->ctok = 0;
	r->cscheme_len = 0;
	r->cscheme_ovf = 0;
	r->slen = 0;
	r->sovf = 0;
	if (lc->have_key)
		r->hctx = lc->hmac_in;
}

/*
 * One piece of the value. Hashed: the token after the scheme (api keys: the whole value),
 * leading and trailing whitespace excluded; inner whitespace runs are hashed as that many
 * spaces.
 */
void
http_cred_chunk(struct wt_http_lcore *lc, struct http_rec *r, const char *at, size_t n)
{
	static const char spaces[8] = "        ";
	size_t i = 0;

	while (i < n) {
		char c = at[i];
		size_t j;

		switch (r->cphase) {
		case CRED_LWS:
			if (http_is_ws(c)) {
				i++;
				continue;
			}
			r->cphase = CRED_SCHEME;
			/* fall through */
		case CRED_SCHEME:
			if (http_is_ws(c))
				r->cphase = CRED_SEP;
			else if (r->cscheme_len < sizeof(r->cscheme) - 1)
				r->cscheme[r->cscheme_len++] = http_lower(c);
			else
				r->cscheme_ovf = 1;
			i++;
			continue;
		case CRED_SEP:
			if (http_is_ws(c)) {
				i++;
				continue;
			}
			r->cphase = CRED_TOKEN;
			/* fall through */
		case CRED_TOKEN:
			for (j = i; j < n && !http_is_ws(at[j]); j++)
				;
			if (j > i) {
				while (r->cpend > 0) {
					uint8_t k = (uint8_t)WT_MIN(r->cpend, sizeof(spaces));

					hash(lc, r, spaces, k);
					r->cpend = (uint8_t)(r->cpend - k);
				}
				hash(lc, r, at + i, j - i);
			}
			for (; j < n && http_is_ws(at[j]); j++)
				if (r->cpend < UINT8_MAX)
					r->cpend++;
			i = j;
			continue;
		default:
			return;
		}
	}
}

int
http_b64_decode(const char *in, size_t n, bool url, uint8_t *out, size_t cap)
{
	uint32_t acc = 0, bits = 0;
	size_t o = 0;

	while (n > 0 && in[n - 1] == '=')
		n--;
	if (n % 4 == 1)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char c = in[i];
		uint32_t v;

		if (c >= 'A' && c <= 'Z')
			v = (uint32_t)(c - 'A');
		else if (c >= 'a' && c <= 'z')
			v = (uint32_t)(c - 'a' + 26);
		else if (c >= '0' && c <= '9')
			v = (uint32_t)(c - '0' + 52);
		else if (c == (url ? '-' : '+'))
			v = 62;
		else if (c == (url ? '_' : '/'))
			v = 63;
		else
			return -1;
		acc = (acc << 6) | v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o >= cap)
				return -1;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	return (int)o;
}

/* Value of auth parameter @p name (case-insensitive) in "a=1, b=\"2\"", unquoted. */
static bool
auth_param(const char *s, size_t n, const char *name, const char **v, size_t *vn)
{
	size_t k = strlen(name);

	for (size_t i = 0; i + k < n; i++) {
		size_t j = i + k;

		if ((i > 0 && s[i - 1] != ',' && !http_is_ws(s[i - 1])) ||
		    strncasecmp(s + i, name, k) != 0)
			continue;
		while (j < n && http_is_ws(s[j]))
			j++;
		if (j >= n || s[j] != '=')
			continue;
		for (j++; j < n && http_is_ws(s[j]); j++)
			;
		if (j < n && s[j] == '"') {
			const char *q = memchr(s + j + 1, '"', n - j - 1);

			if (q == NULL)
				return false;
			*v = s + j + 1;
			*vn = (size_t)(q - *v);
			return true;
		}
		*v = s + j;
		for (*vn = 0; j + *vn < n && s[j + *vn] != ',' && !http_is_ws(s[j + *vn]); (*vn)++)
			;
		return true;
	}
	return false;
}

static enum wt_http_auth
scheme_of(const struct http_rec *r)
{
	static const struct { const char *s; enum wt_http_auth a; } t[] = {
		{ "basic", WT_HTTP_AUTH_BASIC }, { "bearer", WT_HTTP_AUTH_BEARER },
		{ "digest", WT_HTTP_AUTH_DIGEST }, { "aws4-hmac-sha256", WT_HTTP_AUTH_AWS4 },
	};

	if (r->cscheme_ovf || r->cphase == CRED_SCHEME)
		return WT_HTTP_AUTH_OTHER;   /* one token, no scheme */
	for (size_t i = 0; i < WT_ARRAY_SIZE(t); i++)
		if (strlen(t[i].s) == r->cscheme_len && memcmp(t[i].s, r->cscheme, r->cscheme_len) == 0)
			return t[i].a;
	return WT_HTTP_AUTH_OTHER;
}

static void
basic_user(struct http_rec *r, const char *tok, size_t n)
{
	struct wt_http_cred *cr = &r->tx.cred;
	uint8_t buf[HTTP_SCRATCH * 3 / 4 + 4];
	int len = http_b64_decode(tok, n, false, buf, sizeof(buf));
	const uint8_t *colon;

	if (len > 0 && (colon = memchr(buf, ':', (size_t)len)) != NULL) {
		size_t u = (size_t)(colon - buf);

		if (u >= sizeof(cr->username)) {
			u = sizeof(cr->username) - 1;
			cr->flags |= WT_HTTP_CRED_F_TRUNCATED;
		}
		memcpy(cr->username, buf, u);
		cr->username[u] = '\0';
		cr->username_len = (uint8_t)u;
	}
	explicit_bzero(buf, sizeof(buf));
}

void
http_cred_auth_end(struct wt_http_lcore *lc, struct http_rec *r)
{
	struct wt_http_cred *cr = &r->tx.cred;
	const char *s = r->u.scratch, *tok, *v;
	size_t n = r->slen, i = 0, tn, vn, dots = 0;
	enum wt_http_auth scheme = scheme_of(r);

	http_cnt(lc, WT_HTTP_CNT_AUTH);
	/* the token within the scratch: after whitespace, the scheme and whitespace */
	while (n > 0 && http_is_ws(s[n - 1]) && !r->sovf)
		n--;
	while (i < n && http_is_ws(s[i]))
		i++;
	if (r->cphase != CRED_SCHEME) {
		while (i < n && !http_is_ws(s[i]))
			i++;
		while (i < n && http_is_ws(s[i]))
			i++;
	}
	tok = s + i;
	tn = n - i;
	if (lc->have_key) {
		if (scheme == WT_HTTP_AUTH_DIGEST && auth_param(tok, tn, "username", &v, &vn)) {
			http_hmac(lc, v, vn, cr->fp);
			cr->flags |= WT_HTTP_CRED_F_FP;
		} else if (scheme == WT_HTTP_AUTH_AWS4 &&
			   auth_param(tok, tn, "credential", &v, &vn)) {
			const char *sl = memchr(v, '/', vn);

			http_hmac(lc, v, sl != NULL ? (size_t)(sl - v) : vn, cr->fp);
			cr->flags |= WT_HTTP_CRED_F_FP;
		} else if (r->cphase == CRED_TOKEN && r->ctok) {
			hmac_final(lc, &r->hctx, cr->fp);
			cr->flags |= WT_HTTP_CRED_F_FP;
		} else if (r->cphase == CRED_SCHEME && tn > 0 && !r->sovf) {
			http_hmac(lc, tok, tn, cr->fp);
			cr->flags |= WT_HTTP_CRED_F_FP;
		}
	}
	if (scheme == WT_HTTP_AUTH_BASIC && tn > 0) {
		if (r->sovf)
			cr->flags |= WT_HTTP_CRED_F_TRUNCATED;
		else
			basic_user(r, tok, tn);
	} else if (scheme == WT_HTTP_AUTH_BEARER) {
		for (size_t k = 0; k < tn && !http_is_ws(tok[k]); k++)
			dots += tok[k] == '.';
		if (dots == 2)   /* JWS compact form; JWE has five parts */
			http_jwt_decode(lc, r, tok, tn, r->sovf);
	}
	cr->scheme = (uint8_t)scheme;
	explicit_bzero(r->u.scratch, r->sovf ? sizeof(r->u.scratch) : r->slen);
	explicit_bzero(&r->hctx, sizeof(r->hctx));
	r->slen = 0;
	r->sovf = 0;
	r->cphase = CRED_OFF;
	r->ctok = 0;
}

void
http_cred_apikey_end(struct wt_http_lcore *lc, struct http_rec *r, const char *hdr)
{
	struct wt_http_cred *cr = &r->tx.cred;
	size_t n = strnlen(hdr, sizeof(cr->api_key_header) - 1);

	http_cnt(lc, WT_HTTP_CNT_API_KEYS);
	memcpy(cr->api_key_header, hdr, n);
	cr->api_key_header[n] = '\0';
	cr->api_key_header_len = (uint8_t)n;
	cr->flags |= WT_HTTP_CRED_F_API_KEY;
	if (lc->have_key && r->ctok) {
		hmac_final(lc, &r->hctx, cr->api_key_fp);
		cr->flags |= WT_HTTP_CRED_F_API_KEY_FP;
	}
	explicit_bzero(&r->hctx, sizeof(r->hctx));
	r->cphase = CRED_OFF;
	r->ctok = 0;
}

/* ---- cookie names ---- */

static void
cookie_name_end(struct http_rec *r)
{
	struct wt_http_cred *cr = &r->tx.cred;
	uint8_t n = r->ck_len;

	if (cr->n_cookies >= WT_HTTP_COOKIES) {
		cr->flags |= WT_HTTP_CRED_F_TRUNCATED;
		return;
	}
	while (n > 0 && http_is_ws(cr->cookie[cr->n_cookies][n - 1]))
		n--;
	if (n == 0)
		return;
	cr->cookie[cr->n_cookies][n] = '\0';
	cr->cookie_len[cr->n_cookies] = n;
	cr->n_cookies++;
}

void
http_cookie_chunk(struct http_rec *r, const char *at, size_t n)
{
	struct wt_http_cred *cr = &r->tx.cred;

	for (size_t i = 0; i < n; i++) {
		char c = at[i];

		switch (r->ck_state) {
		case 0:
			if (c == ';' || http_is_ws(c))
				break;
			if (cr->cookies_total < UINT8_MAX)
				cr->cookies_total++;
			r->ck_len = 0;
			r->ck_state = 1;
			/* fall through */
		case 1:
			if (c == '=' || c == ';') {
				cookie_name_end(r);
				r->ck_state = c == '=' ? 2 : 0;
			} else if (cr->n_cookies < WT_HTTP_COOKIES) {
				if (r->ck_len < WT_HTTP_COOKIE_MAX - 1)
					cr->cookie[cr->n_cookies][r->ck_len++] = c;
				else
					cr->flags |= WT_HTTP_CRED_F_TRUNCATED;
			}
			break;
		default: {   /* a value: never looked at */
			const char *semi = memchr(at + i, ';', n - i);

			if (semi == NULL)
				return;
			i = (size_t)(semi - at);
			r->ck_state = 0;
			break;
		}
		}
	}
}

void
http_cookie_end(struct http_rec *r)
{
	if (r->ck_state == 1)
		cookie_name_end(r);
	r->ck_state = 0;
}
