/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Text -> value for every option type, shared by the YAML walk and --set so both accept exactly
 * the same spellings and bounds; also the reverse (for --dump-config) and the error accumulator.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf_priv.h"

#define KB 1024ull
#define MB (1024ull * KB)
#define GB (1024ull * MB)

const char *
conf_quote(const char *s, char *buf, size_t len)
{
	size_t i, n = strlen(s), max = WT_MIN(len - 1, (size_t)60);

	for (i = 0; i < n && i < max; i++)
		buf[i] = isprint((unsigned char)s[i]) ? s[i] : '?';
	if (n > max && max >= 3)
		memcpy(buf + max - 3, "...", 3);
	buf[i] = '\0';
	return buf;
}

const char *
conf_type_name(enum conf_type t)
{
	switch (t) {
	case CONF_T_STR: return "a string";
	case CONF_T_UINT: return "an integer";
	case CONF_T_BOOL: return "a boolean (true/false/yes/no/on/off)";
	case CONF_T_SIZE: return "a size (e.g. 256mb)";
	case CONF_T_LCORES: return "a sequence of lcore ids";
	case CONF_T_ARGV: return "a sequence of strings";
	case CONF_T_KV: return "a mapping of librdkafka properties";
	case CONF_T_IFACES: return "a sequence of interface mappings";
	}
	return "?";
}

/* Decimal digits only: no sign, no blanks, no base prefix, no leading zeros, no overflow. */
int
conf_parse_uint(const char *s, uint64_t *v, char *why, size_t len)
{
	uint64_t x = 0;
	char q[80];
	const char *p;

	if (s[0] == '-' || s[0] == '+') {
		snprintf(why, len, "expected an unsigned integer without a sign, got '%s'",
			 conf_quote(s, q, sizeof(q)));
		return -1;
	}
	for (p = s; *p != '\0'; p++)
		if (!isdigit((unsigned char)*p))
			break;
	if (p == s || *p != '\0') {
		snprintf(why, len, "expected an integer, got '%s'", conf_quote(s, q, sizeof(q)));
		return -1;
	}
	if (s[0] == '0' && s[1] != '\0') {
		snprintf(why, len, "expected a decimal integer without leading zeros, got '%s'",
			 conf_quote(s, q, sizeof(q)));
		return -1;
	}
	for (p = s; *p != '\0'; p++) {
		unsigned d = (unsigned)(*p - '0');

		if (x > (UINT64_MAX - d) / 10) {
			snprintf(why, len, "integer too large, got '%s'", conf_quote(s, q, sizeof(q)));
			return -1;
		}
		x = x * 10 + d;
	}
	*v = x;
	return 0;
}

int
conf_parse_bool(const char *s, uint8_t *v, char *why, size_t len)
{
	static const char *const yes[] = { "true", "yes", "on" };
	static const char *const no[] = { "false", "no", "off" };
	char q[80];

	for (size_t i = 0; i < WT_ARRAY_SIZE(yes); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*v = 1;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*v = 0;
			return 0;
		}
	}
	snprintf(why, len, "expected a boolean (true/false/yes/no/on/off), got '%s'",
		 conf_quote(s, q, sizeof(q)));
	return -1;
}

/* "<digits>[ ]<suffix>" with suffix k/kb/m/mb/g/gb, case-insensitive, 1024-based. */
int
conf_parse_size(const char *s, uint64_t *v, char *why, size_t len)
{
	static const struct { const char *sfx; uint64_t mul; } sfx[] = {
		{ "", 1 }, { "k", KB }, { "kb", KB }, { "m", MB }, { "mb", MB }, { "g", GB }, { "gb", GB },
	};
	char digits[32], q[80];
	const char *p = s, *u;
	size_t n;
	uint64_t x;

	while (isdigit((unsigned char)*p))
		p++;
	n = (size_t)(p - s);
	u = p;
	while (*u == ' ')
		u++;
	for (size_t i = 0; n > 0 && n < sizeof(digits) && i < WT_ARRAY_SIZE(sfx); i++) {
		if (strcasecmp(u, sfx[i].sfx) != 0 || (i == 0 && u != p))
			continue;
		memcpy(digits, s, n);
		digits[n] = '\0';
		if (conf_parse_uint(digits, &x, why, len) != 0)
			return -1;
		if (x > UINT64_MAX / sfx[i].mul) {
			snprintf(why, len, "size too large, got '%s'", conf_quote(s, q, sizeof(q)));
			return -1;
		}
		*v = x * sfx[i].mul;
		return 0;
	}
	if (n >= sizeof(digits)) {
		snprintf(why, len, "size too large, got '%s'", conf_quote(s, q, sizeof(q)));
		return -1;
	}
	snprintf(why, len, "expected a size (bytes, or a number with k/kb/m/mb/g/gb), got '%s'",
		 conf_quote(s, q, sizeof(q)));
	return -1;
}

void
conf_format_size(uint64_t bytes, char *buf, size_t len)
{
	if (bytes != 0 && bytes % GB == 0)
		snprintf(buf, len, "%llugb", (unsigned long long)(bytes / GB));
	else if (bytes != 0 && bytes % MB == 0)
		snprintf(buf, len, "%llumb", (unsigned long long)(bytes / MB));
	else if (bytes != 0 && bytes % KB == 0)
		snprintf(buf, len, "%llukb", (unsigned long long)(bytes / KB));
	else
		snprintf(buf, len, "%llu", (unsigned long long)bytes);
}

uint64_t
conf_get_uint(const void *base, const struct conf_opt *o)
{
	const char *p = (const char *)base + o->off;

	switch (o->size) {
	case 1: return *(const uint8_t *)p;
	case 2: return *(const uint16_t *)p;
	case 4: return *(const uint32_t *)p;
	default: return *(const uint64_t *)p;
	}
}

static void
put_uint(void *base, const struct conf_opt *o, uint64_t v)
{
	char *p = (char *)base + o->off;

	switch (o->size) {
	case 1: *(uint8_t *)p = (uint8_t)v; break;
	case 2: *(uint16_t *)p = (uint16_t)v; break;
	case 4: *(uint32_t *)p = (uint32_t)v; break;
	default: *(uint64_t *)p = v; break;
	}
}

static int
check_range(const struct conf_opt *o, uint64_t v, char *why, size_t len)
{
	char lo[32], hi[32], got[32];

	if (v >= o->min && v <= o->max)
		return 0;
	if (o->type == CONF_T_SIZE) {
		conf_format_size(o->min, lo, sizeof(lo));
		conf_format_size(o->max, hi, sizeof(hi));
		conf_format_size(v, got, sizeof(got));
	} else {
		snprintf(lo, sizeof(lo), "%llu", (unsigned long long)o->min);
		snprintf(hi, sizeof(hi), "%llu", (unsigned long long)o->max);
		snprintf(got, sizeof(got), "%llu", (unsigned long long)v);
	}
	snprintf(why, len, "must be between %s and %s (got %s)", lo, hi, got);
	return -1;
}

int
conf_set_scalar(const struct conf_opt *o, void *base, const char *s, char *why, size_t len)
{
	uint64_t v = 0;
	uint8_t b;

	switch (o->type) {
	case CONF_T_STR:
		if (strlen(s) >= o->size) {
			snprintf(why, len, "longer than %zu characters", o->size - 1);
			return -1;
		}
		if (o->check != NULL && o->check(o, s, 0, why, len) != 0)
			return -1;
		memcpy((char *)base + o->off, s, strlen(s) + 1);
		return 0;
	case CONF_T_BOOL:
		if (conf_parse_bool(s, &b, why, len) != 0)
			return -1;
		put_uint(base, o, b);
		return 0;
	case CONF_T_UINT:
	case CONF_T_SIZE:
		if ((o->type == CONF_T_UINT ? conf_parse_uint(s, &v, why, len)
					    : conf_parse_size(s, &v, why, len)) != 0)
			return -1;
		if (check_range(o, v, why, len) != 0)
			return -1;
		if (o->check != NULL && o->check(o, s, v, why, len) != 0)
			return -1;
		put_uint(base, o, v);
		return 0;
	default:
		snprintf(why, len, "not a scalar option");
		return -1;
	}
}

int
conf_parse_lcore(const struct conf_opt *o, const char *s, uint16_t *v, char *why, size_t len)
{
	uint64_t x;

	if (conf_parse_uint(s, &x, why, len) != 0)
		return -1;
	if (x < o->min || x > o->max) {
		snprintf(why, len, "lcore id must be between %llu and %llu (got %llu)",
			 (unsigned long long)o->min, (unsigned long long)o->max,
			 (unsigned long long)x);
		return -1;
	}
	*v = (uint16_t)x;
	return 0;
}

int
conf_commit_lcores(const struct conf_opt *o, void *base, const uint16_t *v, int n, char *why,
		   size_t len)
{
	if (n < 0 || (size_t)n > o->size) {
		snprintf(why, len, "at most %zu lcores (got %d)", o->size, n);
		return -1;
	}
	for (int i = 0; i < n; i++)
		for (int j = 0; j < i; j++)
			if (v[i] == v[j]) {
				snprintf(why, len, "lcore %u is listed twice", v[i]);
				return -1;
			}
	if (n > 0)
		memcpy((char *)base + o->off, v, (size_t)n * sizeof(v[0]));
	*(int *)((char *)base + o->n_off) = n;
	return 0;
}

void
conf_commit_argv(const struct conf_opt *o, void *base, char **args, int n)
{
	char **dst = (char **)((char *)base + o->off);
	int *cnt = (int *)((char *)base + o->n_off);

	for (int i = 0; i < *cnt; i++) {
		free(dst[i]);
		dst[i] = NULL;
	}
	for (int i = 0; i < n; i++)
		dst[i] = args[i];
	*cnt = n;
}

int
conf_kv_put(struct wt_conf *c, const char *key, const char *value, char *why, size_t len)
{
	int i;

	if (key[0] == '\0') {
		snprintf(why, len, "empty property name");
		return -1;
	}
	if (strlen(key) >= sizeof(c->kafka_props[0].key) ||
	    strlen(value) >= sizeof(c->kafka_props[0].value)) {
		snprintf(why, len, "property name or value longer than %zu characters",
			 sizeof(c->kafka_props[0].key) - 1);
		return -1;
	}
	for (i = 0; i < c->n_kafka_props; i++)
		if (strcmp(c->kafka_props[i].key, key) == 0)
			break;
	if (i == c->n_kafka_props) {
		if (i >= WT_CONF_MAX_KAFKA_PROPS) {
			snprintf(why, len, "at most %d properties", WT_CONF_MAX_KAFKA_PROPS);
			return -1;
		}
		c->n_kafka_props++;
		snprintf(c->kafka_props[i].key, sizeof(c->kafka_props[i].key), "%s", key);
	}
	snprintf(c->kafka_props[i].value, sizeof(c->kafka_props[i].value), "%s", value);
	return 0;
}

void
conf_format_value(const struct conf_opt *o, const void *base, char *buf, size_t len)
{
	const char *p = (const char *)base + o->off;
	size_t used = 0;
	int n;

	buf[0] = '\0';
	switch (o->type) {
	case CONF_T_STR:
		snprintf(buf, len, "%s", p);
		break;
	case CONF_T_BOOL:
		snprintf(buf, len, "%s", conf_get_uint(base, o) ? "true" : "false");
		break;
	case CONF_T_UINT:
		snprintf(buf, len, "%llu", (unsigned long long)conf_get_uint(base, o));
		break;
	case CONF_T_SIZE:
		conf_format_size(conf_get_uint(base, o), buf, len);
		break;
	case CONF_T_LCORES:
		n = *(const int *)((const char *)base + o->n_off);
		for (int i = 0; i < n && used < len; i++)
			used += (size_t)snprintf(buf + used, len - used, "%s%u", i ? "," : "",
						 ((const uint16_t *)p)[i]);
		break;
	case CONF_T_ARGV:
		n = *(const int *)((const char *)base + o->n_off);
		for (int i = 0; i < n && used < len; i++)
			used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? " " : "",
						 ((char *const *)p)[i]);
		break;
	default:
		break;
	}
}

void
conf_err_init(struct conf_err *e, char *buf, size_t len)
{
	e->buf = buf;
	e->len = buf != NULL ? len : 0;
	e->used = 0;
	e->count = 0;
	if (e->len > 0)
		e->buf[0] = '\0';
}

void
conf_err_add(struct conf_err *e, const char *src, int line, const char *key, const char *fmt, ...)
{
	va_list ap;
	int n;

	e->count++;
	if (e->used + 1 >= e->len)
		return;
#define EMIT(...) do { \
		n = snprintf(e->buf + e->used, e->len - e->used, __VA_ARGS__); \
		e->used = n < 0 ? e->used : WT_MIN(e->len - 1, e->used + (size_t)n); \
	} while (0)
	if (e->used > 0)
		EMIT("\n");
	if (line > 0)
		EMIT("%s:%d: ", src, line);
	else
		EMIT("%s: ", src);
	if (key != NULL)
		EMIT("key '%s': ", key);
	va_start(ap, fmt);
	if (e->used + 1 < e->len) {
		n = vsnprintf(e->buf + e->used, e->len - e->used, fmt, ap);
		e->used = n < 0 ? e->used : WT_MIN(e->len - 1, e->used + (size_t)n);
	}
	va_end(ap);
#undef EMIT
}
