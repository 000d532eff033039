/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Address and port expressions of rule headers ("any", CIDR, ranges, [groups], !negation,
 * $VARIABLES from the caller's table) parsed into small preorder trees, and their evaluation
 * for a candidate match. Semantics follow Suricata: a group matches when one of its positive
 * members matches (or it has none) and none of its negated members does.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match_priv.h"

struct expr_p {
	const struct wt_match_vars *vars;
	bool port;
	void *nodes;              /* struct match_addr[] or struct match_port[] */
	uint16_t n;
	char *why;
	size_t whylen;
};

static int __attribute__((format(printf, 2, 3)))
efail(struct expr_p *x, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(x->why, x->whylen, fmt, ap);
	va_end(ap);
	return MPR_ERROR;
}

static int
new_node(struct expr_p *x, uint16_t *idx)
{
	if (x->n >= MATCH_MAX_ADDR_NODES)
		return efail(x, "%s expression has more than %d entries", x->port ? "port" : "address",
			     MATCH_MAX_ADDR_NODES);
	*idx = x->n++;
	if (x->port)
		memset(&((struct match_port *)x->nodes)[*idx], 0, sizeof(struct match_port));
	else
		memset(&((struct match_addr *)x->nodes)[*idx], 0, sizeof(struct match_addr));
	return MPR_OK;
}

static void
set_node(struct expr_p *x, uint16_t idx, uint8_t type, uint8_t neg)
{
	if (x->port) {
		struct match_port *p = &((struct match_port *)x->nodes)[idx];

		p->type = type;
		p->neg = neg;
		p->span = (uint16_t)(x->n - idx);
	} else {
		struct match_addr *a = &((struct match_addr *)x->nodes)[idx];

		a->type = type;
		a->neg = neg;
		a->span = (uint16_t)(x->n - idx);
	}
}

static int parse_expr(struct expr_p *x, const char **sp, const char *end, int depth);

static int
parse_net(struct expr_p *x, const char *s, size_t n, uint16_t idx)
{
	char buf[64];
	const char *slash;
	struct match_addr *a = &((struct match_addr *)x->nodes)[idx];
	long plen = -1;

	if (n >= sizeof(buf))
		return efail(x, "bad address '%.*s'", (int)WT_MIN(n, 48), s);
	memcpy(buf, s, n);
	buf[n] = '\0';
	slash = strchr(buf, '/');
	if (slash) {
		char *endp;

		buf[slash - buf] = '\0';
		if (strchr(slash + 1, '.')) {
			struct in_addr m;
			uint32_t v;

			if (inet_pton(AF_INET, slash + 1, &m) != 1)
				return efail(x, "bad netmask in '%.48s'", s);
			v = ntohl(m.s_addr);
			plen = __builtin_popcount(v);
			if (plen != 32 && (v << plen) != 0)
				return efail(x, "non-contiguous netmask in '%.48s'", s);
		} else {
			plen = strtol(slash + 1, &endp, 10);
			if (*endp || endp == slash + 1 || plen < 0)
				return efail(x, "bad prefix length in '%.*s'", (int)WT_MIN(n, 48), s);
		}
	}
	if (inet_pton(AF_INET, buf, a->ip) == 1) {
		a->ipver = 4;
		if (plen < 0)
			plen = 32;
		if (plen > 32)
			return efail(x, "prefix length above 32 in '%.*s'", (int)WT_MIN(n, 48), s);
	} else if (inet_pton(AF_INET6, buf, a->ip) == 1) {
		a->ipver = 6;
		if (plen < 0)
			plen = 128;
		if (plen > 128)
			return efail(x, "prefix length above 128 in '%.*s'", (int)WT_MIN(n, 48), s);
	} else {
		return efail(x, "bad address '%.*s'", (int)WT_MIN(n, 48), s);
	}
	a->plen = (uint8_t)plen;
	return MPR_OK;
}

static int
parse_num(struct expr_p *x, const char *s, size_t n, uint16_t *out)
{
	unsigned long v = 0;

	if (n == 0 || n > 5)
		return efail(x, "bad port '%.*s'", (int)WT_MIN(n, 16), s);
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return efail(x, "bad port '%.*s'", (int)WT_MIN(n, 16), s);
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > 65535)
		return efail(x, "port %lu above 65535", v);
	*out = (uint16_t)v;
	return MPR_OK;
}

static int
parse_range(struct expr_p *x, const char *s, size_t n, uint16_t idx)
{
	struct match_port *p = &((struct match_port *)x->nodes)[idx];
	const char *c = memchr(s, ':', n);
	int rc;

	if (!c) {
		rc = parse_num(x, s, n, &p->lo);
		p->hi = p->lo;
		return rc;
	}
	p->lo = 0;
	p->hi = 65535;
	if (c > s && (rc = parse_num(x, s, (size_t)(c - s), &p->lo)) != MPR_OK)
		return rc;
	if (c + 1 < s + n && (rc = parse_num(x, c + 1, (size_t)(s + n - c - 1), &p->hi)) != MPR_OK)
		return rc;
	if (c == s && c + 1 == s + n)
		return efail(x, "bad port range ':'");
	if (p->lo > p->hi)
		return efail(x, "port range %u:%u is reversed", p->lo, p->hi);
	return MPR_OK;
}

static int
parse_var(struct expr_p *x, const char *name, size_t n, uint16_t idx, uint8_t neg, int depth)
{
	if (!x->vars)
		return efail(x, "undefined variable $%.*s", (int)WT_MIN(n, 48), name);
	if (depth >= MATCH_VAR_DEPTH)
		return efail(x, "variable $%.*s nested too deep (loop?)", (int)WT_MIN(n, 48), name);
	for (unsigned i = 0; i < x->vars->n; i++) {
		const char *vn = x->vars->names[i];

		if (strlen(vn) != n || memcmp(vn, name, n) != 0)
			continue;
		const char *v = x->vars->values[i];
		const char *ve = v + strlen(v);
		int rc;

		/* The variable's value becomes a one-member group, so its own '!' stays inside. */
		rc = parse_expr(x, &v, ve, depth + 1);
		if (rc != MPR_OK)
			return rc;
		while (v < ve && isspace((unsigned char)*v))
			v++;
		if (v != ve)
			return efail(x, "variable $%.*s: trailing text '%.16s'", (int)WT_MIN(n, 48), name,
				     v);
		set_node(x, idx, MA_GROUP, neg);
		return MPR_OK;
	}
	return efail(x, "undefined variable $%.*s", (int)WT_MIN(n, 48), name);
}

static int
parse_expr(struct expr_p *x, const char **sp, const char *end, int depth)
{
	const char *s = *sp;
	uint8_t neg = 0;
	uint16_t idx = 0;
	int rc;

	if (depth > MATCH_VAR_DEPTH * 4)
		return efail(x, "expression nested too deep");
	while (s < end && isspace((unsigned char)*s))
		s++;
	while (s < end && *s == '!') {
		neg ^= 1;
		s++;
		while (s < end && isspace((unsigned char)*s))
			s++;
	}
	if ((rc = new_node(x, &idx)) != MPR_OK)
		return rc;
	if (s < end && *s == '[') {
		s++;
		for (;;) {
			rc = parse_expr(x, &s, end, depth + 1);
			if (rc != MPR_OK)
				return rc;
			while (s < end && isspace((unsigned char)*s))
				s++;
			if (s < end && *s == ',') {
				s++;
				continue;
			}
			if (s < end && *s == ']') {
				s++;
				break;
			}
			return efail(x, "expected ',' or ']' in %s group", x->port ? "port" : "address");
		}
		set_node(x, idx, MA_GROUP, neg);
		*sp = s;
		return MPR_OK;
	}
	const char *b = s;

	while (s < end && *s != ',' && *s != ']' && *s != '[' && !isspace((unsigned char)*s))
		s++;
	size_t n = (size_t)(s - b);

	*sp = s;
	if (n == 0)
		return efail(x, "empty %s", x->port ? "port" : "address");
	if (n == 3 && memcmp(b, "any", 3) == 0) {
		if (neg)
			return efail(x, "'!any' matches nothing");
		set_node(x, idx, MA_ANY, 0);
		return MPR_OK;
	}
	if (b[0] == '$')
		return parse_var(x, b + 1, n - 1, idx, neg, depth);
	rc = x->port ? parse_range(x, b, n, idx) : parse_net(x, b, n, idx);
	if (rc == MPR_OK)
		set_node(x, idx, MA_NET, neg);
	return rc;
}

static int
parse_top(struct expr_p *x, const char *s, void **out, uint16_t *n, size_t esz)
{
	const char *end = s + strlen(s);
	int rc;

	x->nodes = calloc(MATCH_MAX_ADDR_NODES, esz);
	if (!x->nodes)
		return efail(x, "out of memory");
	rc = parse_expr(x, &s, end, 0);
	if (rc == MPR_OK && s != end)
		rc = efail(x, "trailing text '%.16s' in %s", s, x->port ? "port" : "address");
	if (rc != MPR_OK) {
		free(x->nodes);
		return rc;
	}
	void *shrunk = realloc(x->nodes, (size_t)x->n * esz);

	*out = shrunk ? shrunk : x->nodes;
	*n = x->n;
	return MPR_OK;
}

int
match_parse_addr(const struct wt_match_vars *vars, const char *s, struct match_addr **out,
		 uint16_t *n, char *why, size_t whylen)
{
	struct expr_p x = { vars, false, NULL, 0, why, whylen };

	return parse_top(&x, s, (void **)out, n, sizeof(struct match_addr));
}

int
match_parse_port(const struct wt_match_vars *vars, const char *s, struct match_port **out,
		 uint16_t *n, char *why, size_t whylen)
{
	struct expr_p x = { vars, true, NULL, 0, why, whylen };

	return parse_top(&x, s, (void **)out, n, sizeof(struct match_port));
}

static bool
net_match(const struct match_addr *a, uint8_t ipver, const uint8_t *ip)
{
	unsigned full = a->plen / 8, rem = a->plen % 8;

	if (a->ipver != ipver)
		return false;
	if (memcmp(a->ip, ip, full) != 0)
		return false;
	if (rem == 0)
		return true;
	uint8_t m = (uint8_t)(0xff << (8 - rem));

	return (a->ip[full] & m) == (ip[full] & m);
}

/* Inner value of node i (negation not applied). */
static bool
addr_inner(const struct match_addr *a, uint16_t i, uint8_t ipver, const uint8_t *ip)
{
	const struct match_addr *nd = &a[i];
	bool has_pos = false, pos = false;

	if (nd->type == MA_ANY)
		return true;
	if (nd->type == MA_NET)
		return net_match(nd, ipver, ip);
	for (uint16_t c = (uint16_t)(i + 1); c < i + nd->span; c = (uint16_t)(c + a[c].span)) {
		bool v = addr_inner(a, c, ipver, ip);

		if (a[c].neg) {
			if (v)
				return false;
		} else {
			has_pos = true;
			pos |= v;
		}
	}
	return has_pos ? pos : true;
}

bool
match_addr_match(const struct match_addr *a, uint16_t n, uint8_t ipver, const uint8_t *ip)
{
	if (n == 0 || a[0].type == MA_ANY)
		return true;
	return addr_inner(a, 0, ipver, ip) != (a[0].neg != 0);
}

static bool
port_inner(const struct match_port *p, uint16_t i, uint16_t port)
{
	const struct match_port *nd = &p[i];
	bool has_pos = false, pos = false;

	if (nd->type == MA_ANY)
		return true;
	if (nd->type == MA_NET)
		return port >= nd->lo && port <= nd->hi;
	for (uint16_t c = (uint16_t)(i + 1); c < i + nd->span; c = (uint16_t)(c + p[c].span)) {
		bool v = port_inner(p, c, port);

		if (p[c].neg) {
			if (v)
				return false;
		} else {
			has_pos = true;
			pos |= v;
		}
	}
	return has_pos ? pos : true;
}

bool
match_port_match(const struct match_port *p, uint16_t n, uint16_t port)
{
	if (n == 0 || p[0].type == MA_ANY)
		return true;
	return port_inner(p, 0, port) != (p[0].neg != 0);
}
