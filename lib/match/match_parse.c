/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One rule's text to struct match_rule: the header (action, protocol, addresses, ports,
 * direction) and the option list, split the way Suricata splits it. Keyword semantics live in
 * match_keywords.c; this file only knows the shape of a rule. Bounded and allocation-light: a
 * fuzz target drives it directly.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match_priv.h"

const char *const match_proto_names[MP__MAX] = { "tcp", "udp", "http", "tls", "mqtt", "grpc" };

static int
fail(char *why, size_t whylen, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return code;
}

void
match_rule_clear(struct match_rule *r)
{
	for (unsigned i = 0; i < r->n_el; i++) {
		free(r->el[i].bytes);
		free(r->el[i].pcre);
	}
	free(r->msg);
	free(r->disabled_why);
	free(r->classtype);
	free(r->src);
	free(r->dst);
	free(r->sport);
	free(r->dport);
	memset(r, 0, sizeof(*r));
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * A quoted option value ("..." with \" \\ \; \: escapes and, when @p allow_hex, |hex| runs)
 * to bytes. @p v/@p vlen is the trimmed value including its quotes.
 */
int
match_parse_string(const char *v, size_t vlen, char *out, size_t outlen, size_t *olen,
		   bool allow_hex, char *why, size_t whylen)
{
	size_t n = 0;
	bool hex = false;
	int hi = -1;

	if (vlen < 2 || v[0] != '"' || v[vlen - 1] != '"')
		return fail(why, whylen, MPR_ERROR, "value must be a quoted string");
	for (size_t i = 1; i + 1 < vlen; i++) {
		int c = (unsigned char)v[i];

		if (hex) {
			if (c == '|') {
				if (hi >= 0)
					return fail(why, whylen, MPR_ERROR, "odd number of hex digits");
				hex = false;
				continue;
			}
			if (c == ' ' || c == '\t')
				continue;
			int h = hexval(c);

			if (h < 0)
				return fail(why, whylen, MPR_ERROR, "bad hex digit '%c'",
					    isprint(c) ? c : '?');
			if (hi < 0) {
				hi = h;
				continue;
			}
			c = hi << 4 | h;
			hi = -1;
		} else if (c == '|' && allow_hex) {
			hex = true;
			continue;
		} else if (c == '\\') {
			if (i + 2 >= vlen)
				return fail(why, whylen, MPR_ERROR, "dangling backslash");
			c = (unsigned char)v[++i];
			if (c != '"' && c != '\\' && c != ';' && c != ':')
				return fail(why, whylen, MPR_ERROR, "bad escape '\\%c'",
					    isprint(c) ? c : '?');
		} else if (c == '"') {
			return fail(why, whylen, MPR_ERROR, "unescaped '\"' inside a string");
		}
		if (n + 1 >= outlen)
			return fail(why, whylen, MPR_ERROR, "string longer than %zu bytes", outlen - 1);
		out[n++] = (char)c;
	}
	if (hex)
		return fail(why, whylen, MPR_ERROR, "unterminated hex run '|'");
	out[n] = '\0';
	*olen = n;
	return MPR_OK;
}

/* Split the header into whitespace-separated tokens; brackets may hold spaces. */
static int
header_tokens(const char *h, size_t hlen, char tok[7][1024], char *why, size_t whylen)
{
	size_t i = 0;
	int nt = 0;

	while (i < hlen) {
		while (i < hlen && isspace((unsigned char)h[i]))
			i++;
		if (i >= hlen)
			break;
		if (nt == 7)
			return fail(why, whylen, MPR_ERROR,
				    "header has more than 7 fields (action proto src sport dir dst dport)");
		size_t n = 0;
		int depth = 0;

		while (i < hlen && (depth > 0 || !isspace((unsigned char)h[i]))) {
			if (h[i] == '[')
				depth++;
			else if (h[i] == ']' && --depth < 0)
				return fail(why, whylen, MPR_ERROR, "unbalanced ']' in header");
			if (!isspace((unsigned char)h[i])) {
				if (n + 1 >= 1024)
					return fail(why, whylen, MPR_ERROR, "header field too long");
				tok[nt][n++] = h[i];
			}
			i++;
		}
		if (depth != 0)
			return fail(why, whylen, MPR_ERROR, "unbalanced '[' in header");
		tok[nt][n] = '\0';
		nt++;
	}
	if (nt != 7)
		return fail(why, whylen, MPR_ERROR,
			    "header has %d fields, expected 7 (action proto src sport dir dst dport)", nt);
	return MPR_OK;
}

static bool
is_ident(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
			return false;
	return true;
}

static int
parse_header(const struct match_parser *p, struct match_rule *r, const char *h, size_t hlen,
	     char *why, size_t whylen)
{
	static const char *const skip_actions[] = { "drop", "reject", "rejectsrc", "rejectdst",
						    "rejectboth", "config" };
	char (*tok)[1024] = malloc(7 * 1024);
	int rc, skip = MPR_OK;
	char skipwhy[160] = "";

	if (tok == NULL)
		return fail(why, whylen, MPR_ERROR, "out of memory");
	rc = header_tokens(h, hlen, tok, why, whylen);
	if (rc != MPR_OK)
		goto out;
	if (strcmp(tok[0], "alert") == 0) {
		r->action = WT_MATCH_ACTION_ALERT;
	} else if (strcmp(tok[0], "pass") == 0) {
		r->action = WT_MATCH_ACTION_PASS;
	} else {
		unsigned i;

		for (i = 0; i < WT_ARRAY_SIZE(skip_actions); i++)
			if (strcmp(tok[0], skip_actions[i]) == 0)
				break;
		if (i == WT_ARRAY_SIZE(skip_actions)) {
			rc = fail(why, whylen, MPR_ERROR, "unknown action '%.32s'", tok[0]);
			goto out;
		}
		skip = MPR_SKIP;
		snprintf(skipwhy, sizeof(skipwhy), "action '%s' not supported (passive sensor)",
			 tok[0]);
	}
	unsigned pi;

	for (pi = 0; pi < MP__MAX; pi++)
		if (strcmp(tok[1], match_proto_names[pi]) == 0)
			break;
	if (pi == MP__MAX && strcmp(tok[1], "http1") == 0)
		pi = MP_HTTP;
	if (pi == MP__MAX) {
		if (!is_ident(tok[1])) {
			rc = fail(why, whylen, MPR_ERROR, "bad protocol '%.32s'", tok[1]);
			goto out;
		}
		if (skip == MPR_OK) {
			skip = MPR_SKIP;
			snprintf(skipwhy, sizeof(skipwhy), "protocol '%.32s' not supported", tok[1]);
		}
		pi = MP_TCP;
	}
	r->proto = (uint8_t)pi;
	if (strcmp(tok[4], "->") == 0) {
		r->bidir = 0;
	} else if (strcmp(tok[4], "<>") == 0) {
		r->bidir = 1;
	} else {
		rc = fail(why, whylen, MPR_ERROR, "bad direction '%.8s' (expected -> or <>)", tok[4]);
		goto out;
	}
	rc = match_parse_addr(p->vars, tok[2], &r->src, &r->n_src, why, whylen);
	if (rc == MPR_OK)
		rc = match_parse_port(p->vars, tok[3], &r->sport, &r->n_sport, why, whylen);
	if (rc == MPR_OK)
		rc = match_parse_addr(p->vars, tok[5], &r->dst, &r->n_dst, why, whylen);
	if (rc == MPR_OK)
		rc = match_parse_port(p->vars, tok[6], &r->dport, &r->n_dport, why, whylen);
	if (rc == MPR_OK && skip != MPR_OK) {
		snprintf(why, whylen, "%s", skipwhy);
		rc = skip;
	}
out:
	free(tok);
	return rc;
}

/*
 * Find the end of an option value: the first ';' that is neither escaped nor inside quotes.
 * @return its index, or @p n when there is none.
 */
static size_t
value_end(const char *s, size_t n)
{
	bool q = false;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n) {
			i++;
			continue;
		}
		if (s[i] == '"')
			q = !q;
		else if (s[i] == ';' && !q)
			return i;
	}
	return n;
}

/*
 * Parse one rule (continuation lines already joined). Every option is parsed even after an
 * unsupported one, so a rule that is both unsupported and malformed is reported as an error.
 * @return MPR_OK, MPR_SKIP or MPR_ERROR with the reason in @p why. @p r must be zeroed; on any
 * return it may hold allocations: release with match_rule_clear().
 */
int
match_parse_rule(const struct match_parser *p, const char *text, size_t len,
		 struct match_rule *r, char *why, size_t whylen)
{
	const char *open, *close;
	char skipwhy[200] = "";
	int rc, verdict = MPR_OK;
	uint8_t cur_buf = WT_MATCH_BUF_STREAM;

	r->gid = 1;
	r->priority = 3;
	r->fp_elem = -1;
	r->region_elem = -1;
	if (len > MATCH_MAX_RULE_TEXT)
		return fail(why, whylen, MPR_ERROR, "rule longer than %d bytes", MATCH_MAX_RULE_TEXT);
	open = memchr(text, '(', len);
	if (open == NULL)
		return fail(why, whylen, MPR_ERROR, "no option list '(...)'");
	close = text + len;
	while (close > open && isspace((unsigned char)close[-1]))
		close--;
	if (close == open + 1 || close[-1] != ')')
		return fail(why, whylen, MPR_ERROR, "option list not closed by ')' at the end");
	close--;
	rc = parse_header(p, r, text, (size_t)(open - text), why, whylen);
	if (rc == MPR_ERROR)
		return rc;
	if (rc == MPR_SKIP) {
		verdict = MPR_SKIP;
		snprintf(skipwhy, sizeof(skipwhy), "%s", why);
	}

	const char *s = open + 1;
	size_t n = (size_t)(close - s);
	size_t i = 0;
	char name[64];

	while (i < n) {
		while (i < n && isspace((unsigned char)s[i]))
			i++;
		if (i >= n)
			break;
		size_t nl = 0;

		while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '.' ||
				 s[i] == '-')) {
			if (nl + 1 >= sizeof(name))
				return fail(why, whylen, MPR_ERROR, "option name too long");
			name[nl++] = s[i++];
		}
		name[nl] = '\0';
		if (nl == 0)
			return fail(why, whylen, MPR_ERROR, "expected an option name at '%.*s'",
				    (int)WT_MIN(n - i, 16), s + i);
		while (i < n && isspace((unsigned char)s[i]))
			i++;
		const char *val = NULL;
		size_t vlen = 0;

		if (i < n && s[i] == ':') {
			i++;
			size_t e = i + value_end(s + i, n - i);

			if (e >= n)
				return fail(why, whylen, MPR_ERROR, "option '%s' not terminated by ';'",
					    name);
			val = s + i;
			vlen = e - i;
			while (vlen && isspace((unsigned char)*val)) {
				val++;
				vlen--;
			}
			while (vlen && isspace((unsigned char)val[vlen - 1]))
				vlen--;
			i = e + 1;
		} else if (i < n && s[i] == ';') {
			i++;
		} else {
			return fail(why, whylen, MPR_ERROR, "option '%s' not terminated by ';'", name);
		}
		rc = match_option(p, r, name, val, vlen, &cur_buf, why, whylen);
		if (rc == MPR_ERROR)
			return rc;
		if (rc == MPR_SKIP && verdict == MPR_OK) {
			verdict = MPR_SKIP;
			snprintf(skipwhy, sizeof(skipwhy), "%s", why);
		}
	}
	if (r->sid == 0)
		return fail(why, whylen, MPR_ERROR, "missing sid");
	if (verdict == MPR_SKIP) {
		snprintf(why, whylen, "%s", skipwhy);
		return MPR_SKIP;
	}
	return match_rule_finish(r, why, whylen);
}
