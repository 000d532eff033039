/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rule keywords: one table (name, handler) in the style of Suricata's sigmatch_table, and the
 * checks that need the whole rule (match_rule_finish: buffers, relative chains, the prefilter
 * pattern). Anything not in the table is an unsupported keyword: the rule is skipped, named.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match_priv.h"

#define BUF_VOID 0xff /* contents after an unsupported sticky buffer */

struct kw_ctx {
	const struct match_parser *p;
	struct match_rule *r;
	const char *name;
	const char *val;
	size_t vlen;
	uint8_t *cur_buf;
	char *why;
	size_t whylen;
};

static int __attribute__((format(printf, 3, 4)))
kfail(struct kw_ctx *k, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(k->why, k->whylen, fmt, ap);
	va_end(ap);
	return code;
}

static int
need_value(struct kw_ctx *k)
{
	if (k->val == NULL || k->vlen == 0)
		return kfail(k, MPR_ERROR, "'%s' needs a value", k->name);
	return MPR_OK;
}

static int
parse_u32(struct kw_ctx *k, const char *s, size_t n, uint32_t *out, uint32_t max)
{
	uint64_t v = 0;

	if (n == 0)
		return kfail(k, MPR_ERROR, "'%s': expected a number", k->name);
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return kfail(k, MPR_ERROR, "'%s': '%.*s' is not a number", k->name,
				     (int)WT_MIN(n, 32), s);
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > max)
			return kfail(k, MPR_ERROR, "'%s': %.*s above %u", k->name, (int)WT_MIN(n, 32),
				     s, max);
	}
	*out = (uint32_t)v;
	return MPR_OK;
}

static int
parse_i32(struct kw_ctx *k, int32_t *out, int32_t min, int32_t max)
{
	const char *s = k->val;
	size_t n = k->vlen;
	uint32_t u;
	int neg = 0, rc;

	if ((rc = need_value(k)) != MPR_OK)
		return rc;
	if (s[0] == '-') {
		neg = 1;
		s++;
		n--;
	}
	rc = parse_u32(k, s, n, &u, 1u << 30);
	if (rc != MPR_OK)
		return rc;
	int64_t v = neg ? -(int64_t)u : (int64_t)u;

	if (v < min || v > max)
		return kfail(k, MPR_ERROR, "'%s': %lld out of range [%d, %d]", k->name, (long long)v,
			     min, max);
	*out = (int32_t)v;
	return MPR_OK;
}

static int
kw_ignore(struct kw_ctx *k)
{
	(void)k;
	return MPR_OK;
}

static int
kw_msg(struct kw_ctx *k)
{
	char buf[1024];
	size_t n;
	int rc;

	if ((rc = need_value(k)) != MPR_OK)
		return rc;
	rc = match_parse_string(k->val, k->vlen, buf, sizeof(buf), &n, false, k->why, k->whylen);
	if (rc != MPR_OK)
		return rc;
	free(k->r->msg);
	k->r->msg = strdup(buf);
	return k->r->msg ? MPR_OK : kfail(k, MPR_ERROR, "out of memory");
}

static int
kw_num(struct kw_ctx *k)
{
	uint32_t v;
	int rc;

	if ((rc = need_value(k)) != MPR_OK)
		return rc;
	rc = parse_u32(k, k->val, k->vlen, &v, UINT32_MAX);
	if (rc != MPR_OK)
		return rc;
	if (strcmp(k->name, "sid") == 0) {
		if (v == 0)
			return kfail(k, MPR_ERROR, "sid must be above 0");
		k->r->sid = v;
	} else if (strcmp(k->name, "rev") == 0) {
		k->r->rev = v;
	} else if (strcmp(k->name, "gid") == 0) {
		k->r->gid = v;
	} else {
		if (v < 1 || v > 255)
			return kfail(k, MPR_ERROR, "priority must be 1..255");
		k->r->priority = v;
		k->r->has_priority = 1;
	}
	return MPR_OK;
}

static int
kw_classtype(struct kw_ctx *k)
{
	int rc;

	if ((rc = need_value(k)) != MPR_OK)
		return rc;
	for (uint32_t i = 0; i < k->p->n_classes; i++) {
		const struct match_class *c = &k->p->classes[i];

		if (strlen(c->name) == k->vlen && memcmp(c->name, k->val, k->vlen) == 0) {
			free(k->r->classtype);
			k->r->classtype = strdup(c->name);
			if (!k->r->classtype)
				return kfail(k, MPR_ERROR, "out of memory");
			k->r->category = c->desc;
			if (!k->r->has_priority)
				k->r->priority = c->priority;
			return MPR_OK;
		}
	}
	return kfail(k, MPR_ERROR, "unknown classtype '%.*s'", (int)WT_MIN(k->vlen, 64), k->val);
}

static int
kw_flow(struct kw_ctx *k)
{
	const char *s = k->val;
	size_t n = k->vlen, i = 0;
	int rc;

	if ((rc = need_value(k)) != MPR_OK)
		return rc;
	while (i < n) {
		size_t b, e;

		while (i < n && (s[i] == ' ' || s[i] == ','))
			i++;
		b = i;
		while (i < n && s[i] != ',')
			i++;
		e = i;
		while (e > b && s[e - 1] == ' ')
			e--;
		if (e == b)
			continue;
		char w[32];

		snprintf(w, sizeof(w), "%.*s", (int)(e - b), s + b);
		if (!strcmp(w, "to_server") || !strcmp(w, "from_client"))
			k->r->flow |= MFL_TO_SERVER;
		else if (!strcmp(w, "to_client") || !strcmp(w, "from_server"))
			k->r->flow |= MFL_TO_CLIENT;
		else if (!strcmp(w, "established"))
			k->r->flow |= MFL_ESTABLISHED;
		else if (!strcmp(w, "not_established"))
			k->r->flow |= MFL_NOT_ESTAB;
		else if (!strcmp(w, "stateless"))
			;
		else if (!strcmp(w, "only_stream") || !strcmp(w, "no_stream") ||
			 !strcmp(w, "only_frag") || !strcmp(w, "no_frag") ||
			 !strcmp(w, "established_only"))
			return kfail(k, MPR_SKIP, "flow option '%s' not supported", w);
		else
			return kfail(k, MPR_ERROR, "unknown flow option '%s'", w);
	}
	if ((k->r->flow & (MFL_TO_SERVER | MFL_TO_CLIENT)) == (MFL_TO_SERVER | MFL_TO_CLIENT))
		return kfail(k, MPR_ERROR, "flow: to_server and to_client together");
	if ((k->r->flow & (MFL_ESTABLISHED | MFL_NOT_ESTAB)) == (MFL_ESTABLISHED | MFL_NOT_ESTAB))
		return kfail(k, MPR_ERROR, "flow: established and not_established together");
	return MPR_OK;
}

static struct match_elem *
new_elem(struct kw_ctx *k, uint8_t kind)
{
	if (k->r->n_el >= MATCH_MAX_ELEMS) {
		kfail(k, MPR_SKIP, "more than %d content/pcre options", MATCH_MAX_ELEMS);
		return NULL;
	}
	struct match_elem *e = &k->r->el[k->r->n_el++];

	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->buf = *k->cur_buf;
	e->pcre_db = -1;
	return e;
}

static int
kw_content(struct kw_ctx *k)
{
	const char *v = k->val;
	size_t vl = k->vlen, n;
	bool neg = false;
	char *buf;
	int rc;

	if ((rc = need_value(k)) != MPR_OK)
		return rc;
	if (v[0] == '!') {
		neg = true;
		v++;
		vl--;
		while (vl && isspace((unsigned char)*v)) {
			v++;
			vl--;
		}
	}
	buf = malloc(MATCH_MAX_CONTENT + 1);
	if (!buf)
		return kfail(k, MPR_ERROR, "out of memory");
	rc = match_parse_string(v, vl, buf, MATCH_MAX_CONTENT + 1, &n, true, k->why, k->whylen);
	if (rc == MPR_OK && n == 0)
		rc = kfail(k, MPR_ERROR, "empty content");
	if (rc != MPR_OK) {
		free(buf);
		return rc;
	}
	struct match_elem *e = new_elem(k, ME_CONTENT);

	if (!e) {
		free(buf);
		return MPR_SKIP;
	}
	e->bytes = (uint8_t *)buf;
	e->len = (uint32_t)n;
	e->min_width = e->max_width = (uint32_t)n;
	if (neg)
		e->flags |= MEF_NEGATED;
	return MPR_OK;
}

static struct match_elem *
last_elem(struct kw_ctx *k, bool content_only, int *rc)
{
	struct match_elem *e = k->r->n_el ? &k->r->el[k->r->n_el - 1] : NULL;

	if (e == NULL || (content_only && e->kind != ME_CONTENT) || e->kind == ME_ISDATAAT) {
		*rc = kfail(k, MPR_ERROR, "'%s' without a preceding content%s", k->name,
			    content_only ? "" : " or pcre");
		return NULL;
	}
	*rc = MPR_OK;
	return e;
}

/* nocase, rawbytes, fast_pattern, startswith, endswith, luhn */
static int
kw_flag(struct kw_ctx *k)
{
	bool luhn = strcmp(k->name, "luhn") == 0;
	int rc;
	struct match_elem *e = last_elem(k, !luhn, &rc);

	if (!e)
		return rc;
	if (strcmp(k->name, "nocase") == 0) {
		e->flags |= MEF_NOCASE;
	} else if (strcmp(k->name, "rawbytes") == 0) {
		;
	} else if (luhn) {
		if (e->flags & MEF_NEGATED)
			return kfail(k, MPR_ERROR, "luhn on a negated content/pcre");
		e->flags |= MEF_LUHN;
		k->r->has_luhn = 1;
	} else if (strcmp(k->name, "fast_pattern") == 0) {
		if (e->flags & MEF_NEGATED)
			return kfail(k, MPR_ERROR, "fast_pattern on a negated content");
		e->flags |= MEF_FAST;
		if (k->val && k->vlen && !(k->vlen == 4 && memcmp(k->val, "only", 4) == 0)) {
			const char *c = memchr(k->val, ',', k->vlen);
			uint32_t off, len;

			if (!c)
				return kfail(k, MPR_ERROR, "fast_pattern: expected 'only' or 'offset,length'");
			rc = parse_u32(k, k->val, (size_t)(c - k->val), &off, 65535);
			if (rc == MPR_OK)
				rc = parse_u32(k, c + 1, k->vlen - (size_t)(c + 1 - k->val), &len, 65535);
			if (rc != MPR_OK)
				return rc;
			if (len == 0 || off + len > e->len)
				return kfail(k, MPR_ERROR, "fast_pattern %u,%u outside the content", off,
					     len);
			e->fp_off = (uint16_t)off;
			e->fp_len = (uint16_t)len;
			e->flags |= MEF_FP_CHOP;
		}
	} else if (strcmp(k->name, "startswith") == 0) {
		if (e->flags & (MEF_OFFSET | MEF_DEPTH | MEF_DISTANCE | MEF_WITHIN))
			return kfail(k, MPR_ERROR, "startswith with offset/depth/distance/within");
		e->flags |= MEF_STARTSWITH;
	} else {
		e->flags |= MEF_ENDSWITH;
	}
	return MPR_OK;
}

/* offset, depth, distance, within */
static int
kw_position(struct kw_ctx *k)
{
	int rc;
	struct match_elem *e = last_elem(k, true, &rc);
	int32_t v = 0;

	if (!e)
		return rc;
	if (k->val && k->vlen && !isdigit((unsigned char)k->val[0]) && k->val[0] != '-')
		return kfail(k, MPR_SKIP, "'%s' from a byte_extract variable not supported", k->name);
	bool dist = strcmp(k->name, "distance") == 0;

	rc = parse_i32(k, &v, dist ? -65535 : 0, 1 << 24);
	if (rc != MPR_OK)
		return rc;
	if (e->flags & MEF_STARTSWITH)
		return kfail(k, MPR_ERROR, "'%s' with startswith", k->name);
	if (!strcmp(k->name, "offset")) {
		e->offset = v;
		e->flags |= MEF_OFFSET;
	} else if (!strcmp(k->name, "depth")) {
		if ((uint32_t)v < e->len)
			return kfail(k, MPR_ERROR, "depth %d shorter than the content (%u bytes)", v,
				     e->len);
		e->depth = v;
		e->flags |= MEF_DEPTH;
	} else if (dist) {
		e->distance = v;
		e->flags |= MEF_DISTANCE;
	} else {
		if ((uint32_t)v < e->len)
			return kfail(k, MPR_ERROR, "within %d shorter than the content (%u bytes)", v,
				     e->len);
		e->within = v;
		e->flags |= MEF_WITHIN;
	}
	if ((e->flags & (MEF_OFFSET | MEF_DEPTH)) && (e->flags & (MEF_DISTANCE | MEF_WITHIN)))
		return kfail(k, MPR_ERROR, "offset/depth and distance/within on one content");
	return MPR_OK;
}

/* Sticky buffers and their aliases; legacy content modifiers move the previous content. */
static const struct {
	const char *name;
	uint8_t buf;
	uint8_t modifier;
} buf_names[] = {
	{ "http.method", WT_MATCH_BUF_HTTP_METHOD, 0 },
	{ "http.uri", WT_MATCH_BUF_HTTP_URI, 0 },
	{ "http.host", WT_MATCH_BUF_HTTP_HOST, 0 },
	{ "http.header", WT_MATCH_BUF_HTTP_HEADER, 0 },
	{ "http.user_agent", WT_MATCH_BUF_HTTP_USER_AGENT, 0 },
	{ "http.request_body", WT_MATCH_BUF_HTTP_REQUEST_BODY, 0 },
	{ "http_request_body", WT_MATCH_BUF_HTTP_REQUEST_BODY, 0 },
	{ "http.response_body", WT_MATCH_BUF_HTTP_RESPONSE_BODY, 0 },
	{ "http_response_body", WT_MATCH_BUF_HTTP_RESPONSE_BODY, 0 },
	{ "file.data", WT_MATCH_BUF_HTTP_RESPONSE_BODY, 0 },
	{ "file_data", WT_MATCH_BUF_HTTP_RESPONSE_BODY, 0 },
	{ "http.stat_code", WT_MATCH_BUF_HTTP_STAT_CODE, 0 },
	{ "tls.sni", WT_MATCH_BUF_TLS_SNI, 0 },
	{ "tls_sni", WT_MATCH_BUF_TLS_SNI, 0 },
	{ "mqtt.publish.topic", WT_MATCH_BUF_MQTT_PUBLISH_TOPIC, 0 },
	{ "grpc.method", WT_MATCH_BUF_GRPC_METHOD, 0 },
	{ "http_method", WT_MATCH_BUF_HTTP_METHOD, 1 },
	{ "http_uri", WT_MATCH_BUF_HTTP_URI, 1 },
	{ "http_host", WT_MATCH_BUF_HTTP_HOST, 1 },
	{ "http_header", WT_MATCH_BUF_HTTP_HEADER, 1 },
	{ "http_user_agent", WT_MATCH_BUF_HTTP_USER_AGENT, 1 },
	{ "http_client_body", WT_MATCH_BUF_HTTP_REQUEST_BODY, 1 },
	{ "http_server_body", WT_MATCH_BUF_HTTP_RESPONSE_BODY, 1 },
	{ "http_stat_code", WT_MATCH_BUF_HTTP_STAT_CODE, 1 },
};

/* Sticky buffers Suricata has and wiretrail does not (yet). */
static const char *const unsupported_bufs[] = {
	"http.cookie", "http_cookie", "http.uri.raw", "http_raw_uri", "http.header.raw",
	"http_raw_header", "http.request_line", "http.response_line", "http.stat_msg",
	"http_stat_msg", "http.protocol", "http.start", "http.header_names", "http.accept",
	"http.accept_enc", "http.accept_lang", "http.connection", "http.content_len",
	"http.content_type", "http.location", "http.referer", "http.server", "http.host.raw",
	"http_raw_host", "http.request_header", "http.response_header", "dns.query", "dns_query",
	"tls.cert_subject", "tls.cert_issuer", "tls.cert_serial", "tls.cert_fingerprint",
	"tls.certs", "tls.version", "ja3.hash", "ja3_hash", "ja3.string", "ja3s.hash",
	"ja3s.string", "ssh.proto", "ssh.software", "smb.named_pipe", "smb.share", "pkt_data",
	"base64_data", "dce_stub_data", "krb5_cname", "krb5_sname", "sip.method", "sip.uri",
	"quic.sni", "http2.header", "mqtt.connect.clientid", "mqtt.connect.username",
	"mqtt.connect.password", "mqtt.publish.message", "file.name", "filename",
};

static bool
buf_fits_proto(uint8_t buf, uint8_t proto)
{
	if (proto == MP_TCP)
		return true;
	switch (buf) {
	case WT_MATCH_BUF_TLS_SNI:
		return proto == MP_TLS;
	case WT_MATCH_BUF_MQTT_PUBLISH_TOPIC:
		return proto == MP_MQTT;
	case WT_MATCH_BUF_GRPC_METHOD:
		return proto == MP_GRPC;
	default:
		return proto == MP_HTTP;
	}
}

static int
kw_buffer(struct kw_ctx *k, uint8_t buf, bool modifier)
{
	int rc = MPR_OK;

	if (!buf_fits_proto(buf, k->r->proto))
		return kfail(k, MPR_ERROR, "'%s' does not apply to protocol %s", k->name,
			     match_proto_names[k->r->proto]);
	if (modifier) {
		struct match_elem *e = last_elem(k, true, &rc);

		if (!e)
			return rc;
		e->buf = buf;
	} else {
		if (k->val)
			return kfail(k, MPR_ERROR, "sticky buffer '%s' takes no value", k->name);
		*k->cur_buf = buf;
	}
	return MPR_OK;
}

static int
pcre_modifier_buf(char c)
{
	switch (c) {
	case 'U': return WT_MATCH_BUF_HTTP_URI;
	case 'H': return WT_MATCH_BUF_HTTP_HEADER;
	case 'M': return WT_MATCH_BUF_HTTP_METHOD;
	case 'P': return WT_MATCH_BUF_HTTP_REQUEST_BODY;
	case 'Q': return WT_MATCH_BUF_HTTP_RESPONSE_BODY;
	case 'S': return WT_MATCH_BUF_HTTP_STAT_CODE;
	case 'V': return WT_MATCH_BUF_HTTP_USER_AGENT;
	case 'W': return WT_MATCH_BUF_HTTP_HOST;
	default: return -1;
	}
}

static int
kw_pcre(struct kw_ctx *k)
{
	const char *v = k->val;
	size_t vl = k->vlen, bl;
	bool neg = false;
	char *buf, *body, *slash;
	unsigned int fl = 0;
	int rc, mbuf = -1;
	uint16_t ef = 0;
	bool xmode = false, anchored = false;

	if ((rc = need_value(k)) != MPR_OK)
		return rc;
	if (v[0] == '!') {
		neg = true;
		v++;
		vl--;
	}
	if (vl < 4 || v[0] != '"' || v[vl - 1] != '"' || v[1] != '/')
		return kfail(k, MPR_ERROR, "pcre: expected \"/regex/flags\"");
	buf = malloc(vl);
	if (!buf)
		return kfail(k, MPR_ERROR, "out of memory");
	memcpy(buf, v + 2, vl - 3);
	buf[vl - 3] = '\0';
	slash = strrchr(buf, '/');
	if (!slash) {
		free(buf);
		return kfail(k, MPR_ERROR, "pcre: no closing '/'");
	}
	*slash = '\0';
	for (const char *f = slash + 1; *f; f++) {
		int b;

		switch (*f) {
		case 'i': fl |= HS_FLAG_CASELESS; break;
		case 's': fl |= HS_FLAG_DOTALL; break;
		case 'm': fl |= HS_FLAG_MULTILINE; break;
		case 'R': ef |= MEF_RELATIVE_PCRE; break;
		case 'x': xmode = true; break;
		case 'A': anchored = true; break;
		case 'E': case 'G': case 'O': case 'B':
			break;
		case ' ':
			break;
		default:
			b = pcre_modifier_buf(*f);
			if (b < 0) {
				char m = *f;

				free(buf);
				if (strchr("ICDYZT", m))
					return kfail(k, MPR_SKIP, "pcre modifier '%c' not supported", m);
				return kfail(k, MPR_ERROR, "pcre: unknown modifier '%c'",
					     m > 0x20 && m < 0x7f ? m : '?');
			}
			mbuf = b;
		}
	}
	/* Unescape the rule-level escapes (\" \; ) the option splitter kept. */
	body = buf;
	bl = 0;
	for (size_t i = 0; buf[i]; i++) {
		if (buf[i] == '\\' && (buf[i + 1] == '"' || buf[i + 1] == ';'))
			i++;
		body[bl++] = buf[i];
	}
	body[bl] = '\0';
	if (bl == 0) {
		free(buf);
		return kfail(k, MPR_ERROR, "pcre: empty regex");
	}
	if (xmode || anchored) {
		size_t nl = bl + 16;
		char *nb = malloc(nl);

		if (!nb) {
			free(buf);
			return kfail(k, MPR_ERROR, "out of memory");
		}
		snprintf(nb, nl, "%s%s%s%s", anchored ? "^(?:" : "", xmode ? "(?x)" : "", body,
			 anchored ? ")" : "");
		free(buf);
		buf = body = nb;
	}
	/* Hyperscan says what it cannot do (backreferences, lookaround, ...). */
	hs_expr_info_t *info = NULL;
	hs_compile_error_t *err = NULL;

	if (hs_expression_info(body, fl, &info, &err) != HS_SUCCESS) {
		rc = kfail(k, MPR_SKIP, "pcre not supported by Hyperscan: %s",
			   err ? err->message : "unknown error");
		hs_free_compile_error(err);
		free(buf);
		return rc;
	}
	struct match_elem *e = new_elem(k, ME_PCRE);

	if (!e) {
		free(info);
		free(buf);
		return MPR_SKIP;
	}
	e->pcre = body;
	e->hs_flags = fl;
	e->flags |= ef | (neg ? MEF_NEGATED : 0);
	e->min_width = info->min_width;
	e->max_width = info->max_width;
	free(info);
	if (mbuf >= 0) {
		if (!buf_fits_proto((uint8_t)mbuf, k->r->proto))
			return kfail(k, MPR_ERROR, "pcre buffer modifier does not apply to protocol %s",
				     match_proto_names[k->r->proto]);
		e->buf = (uint8_t)mbuf;
	}
	return MPR_OK;
}

/* isdataat:[!]N[,relative] */
static int
kw_isdataat(struct kw_ctx *k)
{
	const char *v = k->val, *c;
	size_t n = k->vlen;
	bool neg = false, rel = false;
	uint32_t num;
	int rc;

	if ((rc = need_value(k)) != MPR_OK)
		return rc;
	if (v[0] == '!') {
		neg = true;
		v++;
		n--;
	}
	c = memchr(v, ',', n);
	if (c) {
		const char *o = c + 1;
		size_t ol = n - (size_t)(o - v);

		while (ol && *o == ' ') {
			o++;
			ol--;
		}
		if (ol == 8 && memcmp(o, "relative", 8) == 0)
			rel = true;
		else if (ol == 7 && memcmp(o, "rawbytes", 7) == 0)
			;
		else
			return kfail(k, MPR_ERROR, "isdataat: unknown option '%.*s'", (int)WT_MIN(ol, 16),
				     o);
		n = (size_t)(c - v);
	}
	if (n && !isdigit((unsigned char)v[0]))
		return kfail(k, MPR_SKIP, "'isdataat' from a byte_extract variable not supported");
	if ((rc = parse_u32(k, v, n, &num, 1u << 24)) != MPR_OK)
		return rc;
	if (rel && k->r->n_el == 0)
		return kfail(k, MPR_ERROR, "isdataat relative without a preceding content or pcre");
	struct match_elem *e = new_elem(k, ME_ISDATAAT);

	if (!e)
		return MPR_SKIP;
	if (rel)
		e->buf = k->r->el[k->r->n_el - 2].buf;
	e->offset = (int32_t)num;
	e->flags |= (neg ? MEF_NEGATED : 0) | (rel ? MEF_REL_DATAAT : 0);
	return MPR_OK;
}

/* "type limit, track by_src, count 1, seconds 60" (detection_filter: no type) */
static int
kw_threshold(struct kw_ctx *k)
{
	bool det = strcmp(k->name, "detection_filter") == 0;
	const char *s = k->val;
	size_t n = k->vlen, i = 0;
	int rc, have = 0;

	if ((rc = need_value(k)) != MPR_OK)
		return rc;
	if (k->r->th_type != MT_NONE)
		return kfail(k, MPR_ERROR, "more than one threshold/detection_filter");
	k->r->th_type = det ? MT_DETECTION : MT_NONE;
	while (i < n) {
		char key[16], val[32];
		size_t b;

		while (i < n && (s[i] == ' ' || s[i] == ','))
			i++;
		if (i >= n)
			break;
		b = i;
		while (i < n && s[i] != ' ' && s[i] != ',')
			i++;
		snprintf(key, sizeof(key), "%.*s", (int)(i - b), s + b);
		while (i < n && s[i] == ' ')
			i++;
		b = i;
		while (i < n && s[i] != ',' && s[i] != ' ')
			i++;
		snprintf(val, sizeof(val), "%.*s", (int)(i - b), s + b);
		if (!strcmp(key, "type") && !det) {
			if (!strcmp(val, "limit"))
				k->r->th_type = MT_LIMIT;
			else if (!strcmp(val, "threshold"))
				k->r->th_type = MT_THRESHOLD;
			else if (!strcmp(val, "both"))
				k->r->th_type = MT_BOTH;
			else
				return kfail(k, MPR_ERROR, "%s: unknown type '%s'", k->name, val);
			have |= 1;
		} else if (!strcmp(key, "track")) {
			if (!strcmp(val, "by_src"))
				k->r->th_track = MTR_SRC;
			else if (!strcmp(val, "by_dst"))
				k->r->th_track = MTR_DST;
			else if (!strcmp(val, "by_rule"))
				k->r->th_track = MTR_RULE;
			else if (!strcmp(val, "by_both") || !strcmp(val, "by_flow"))
				return kfail(k, MPR_SKIP, "%s: track %s not supported", k->name, val);
			else
				return kfail(k, MPR_ERROR, "%s: unknown track '%s'", k->name, val);
			have |= 2;
		} else if (!strcmp(key, "count")) {
			if ((rc = parse_u32(k, val, strlen(val), &k->r->th_count, 1u << 30)) != MPR_OK)
				return rc;
			have |= 4;
		} else if (!strcmp(key, "seconds")) {
			if ((rc = parse_u32(k, val, strlen(val), &k->r->th_seconds, 86400 * 365)) != MPR_OK)
				return rc;
			have |= 8;
		} else {
			return kfail(k, MPR_ERROR, "%s: unknown field '%s'", k->name, key);
		}
	}
	if (have != (det ? 14 : 15))
		return kfail(k, MPR_ERROR, "%s: needs %strack, count and seconds", k->name,
			     det ? "" : "type, ");
	if (k->r->th_count == 0 && k->r->th_type != MT_DETECTION)
		return kfail(k, MPR_ERROR, "%s: count must be above 0", k->name);
	if (k->r->th_seconds == 0)
		return kfail(k, MPR_ERROR, "%s: seconds must be above 0", k->name);
	return MPR_OK;
}

static const struct {
	const char *name;
	int (*fn)(struct kw_ctx *k);
} keywords[] = {
	{ "msg", kw_msg },
	{ "sid", kw_num },
	{ "rev", kw_num },
	{ "gid", kw_num },
	{ "priority", kw_num },
	{ "classtype", kw_classtype },
	{ "metadata", kw_ignore },
	{ "reference", kw_ignore },
	{ "flow", kw_flow },
	{ "content", kw_content },
	{ "nocase", kw_flag },
	{ "rawbytes", kw_flag },
	{ "fast_pattern", kw_flag },
	{ "startswith", kw_flag },
	{ "endswith", kw_flag },
	{ "luhn", kw_flag },
	{ "offset", kw_position },
	{ "depth", kw_position },
	{ "distance", kw_position },
	{ "within", kw_position },
	{ "pcre", kw_pcre },
	{ "isdataat", kw_isdataat },
	{ "threshold", kw_threshold },
	{ "detection_filter", kw_threshold },
};

int
match_option(const struct match_parser *p, struct match_rule *r, const char *name,
	     const char *val, size_t vlen, uint8_t *cur_buf, char *why, size_t whylen)
{
	struct kw_ctx k = { p, r, name, val, vlen, cur_buf, why, whylen };

	for (unsigned i = 0; i < WT_ARRAY_SIZE(keywords); i++)
		if (strcmp(name, keywords[i].name) == 0)
			return keywords[i].fn(&k);
	for (unsigned i = 0; i < WT_ARRAY_SIZE(buf_names); i++)
		if (strcmp(name, buf_names[i].name) == 0)
			return kw_buffer(&k, buf_names[i].buf, buf_names[i].modifier);
	for (unsigned i = 0; i < WT_ARRAY_SIZE(unsupported_bufs); i++)
		if (strcmp(name, unsupported_bufs[i]) == 0) {
			*cur_buf = BUF_VOID;
			return kfail(&k, MPR_SKIP, "buffer '%s' not supported", name);
		}
	return kfail(&k, MPR_SKIP, "unsupported keyword '%s'", name);
}

/* Rank of a buffer for the prefilter choice: a to_client rule must prefilter on a buffer that
 * arrives with the response. */
static int
buf_rank(uint8_t b)
{
	if (b == WT_MATCH_BUF_HTTP_STAT_CODE || b == WT_MATCH_BUF_HTTP_RESPONSE_BODY)
		return 2;
	if (b == WT_MATCH_BUF_HTTP_HEADER)
		return 1;
	return 0;
}

static bool
is_response_buf(uint8_t b)
{
	return b == WT_MATCH_BUF_HTTP_STAT_CODE || b == WT_MATCH_BUF_HTTP_RESPONSE_BODY;
}

static bool
is_request_buf(uint8_t b)
{
	return b == WT_MATCH_BUF_HTTP_METHOD || b == WT_MATCH_BUF_HTTP_URI ||
	       b == WT_MATCH_BUF_HTTP_HOST || b == WT_MATCH_BUF_HTTP_USER_AGENT ||
	       b == WT_MATCH_BUF_HTTP_REQUEST_BODY;
}

/* Whole-rule checks and derived fields. */
int
match_rule_finish(struct match_rule *r, char *why, size_t whylen)
{
	bool raw = false, sticky = false;

	if (r->n_el == 0) {
		snprintf(why, whylen, "no content or pcre (header-only rules are not supported)");
		return MPR_SKIP;
	}
	if (r->msg == NULL && (r->msg = strdup("")) == NULL) {
		snprintf(why, whylen, "out of memory");
		return MPR_ERROR;
	}
	r->buf_mask = 0;
	for (unsigned i = 0; i < r->n_el; i++) {
		struct match_elem *e = &r->el[i];

		r->buf_mask |= 1u << e->buf;
		if (e->buf == WT_MATCH_BUF_STREAM)
			raw = true;
		else
			sticky = true;
		if (!(e->flags & MEF_NEGATED) && e->kind != ME_ISDATAAT)
			r->region_elem = (int8_t)i;
	}
	if (raw && sticky) {
		snprintf(why, whylen, "raw payload and sticky buffers in one rule not supported");
		return MPR_SKIP;
	}
	if (r->region_elem < 0) {
		snprintf(why, whylen, "every content/pcre is negated: nothing to prefilter on");
		return MPR_SKIP;
	}
	r->stream = raw;
	if (raw) {
		for (unsigned i = 0; i < r->n_el; i++)
			if ((r->el[i].flags & MEF_LUHN) && (int)i != r->region_elem) {
				snprintf(why, whylen,
					 "luhn must follow the last content/pcre in a raw payload rule");
				return MPR_SKIP;
			}
		return MPR_OK;
	}
	/* Block rule: inspection direction and prefilter pattern. */
	bool req = false, resp = false;
	int best_rank = -1;

	for (unsigned b = 0; b < WT_MATCH_BUF__MAX; b++) {
		if (!(r->buf_mask & (1u << b)))
			continue;
		req |= is_request_buf((uint8_t)b);
		resp |= is_response_buf((uint8_t)b);
	}
	r->insp_dir = resp ? MD_TOCLIENT : req ? MD_TOSERVER : MD_ANY;
	for (unsigned i = 0; i < r->n_el; i++) {
		const struct match_elem *e = &r->el[i];

		if (!(e->flags & MEF_NEGATED) && e->kind != ME_ISDATAAT && buf_rank(e->buf) > best_rank)
			best_rank = buf_rank(e->buf);
	}
	/* explicit fast_pattern in the best rank, else the longest content, else a pcre */
	int fp = -1;
	uint32_t fpl = 0;

	for (unsigned i = 0; i < r->n_el; i++) {
		const struct match_elem *e = &r->el[i];

		if ((e->flags & MEF_NEGATED) || e->kind == ME_ISDATAAT || buf_rank(e->buf) != best_rank)
			continue;
		if (e->kind == ME_CONTENT && (e->flags & MEF_FAST)) {
			fp = (int)i;
			break;
		}
		if (e->kind == ME_CONTENT && e->len > fpl) {
			fp = (int)i;
			fpl = e->len;
		}
	}
	if (fp < 0)
		for (unsigned i = 0; i < r->n_el; i++) {
			const struct match_elem *e = &r->el[i];

			if (!(e->flags & MEF_NEGATED) && e->kind != ME_ISDATAAT &&
			    buf_rank(e->buf) == best_rank) {
				fp = (int)i;
				break;
			}
		}
	r->fp_elem = (int8_t)fp;
	r->fp_buf = r->el[fp].buf;
	return MPR_OK;
}
