/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private to lib/conf: the option table's shape (Redis standardConfig / nginx ngx_command_t), the
 * value parsers shared by the YAML walk and --set, and the error accumulator.
 */
#ifndef WT_CONF_PRIV_H
#define WT_CONF_PRIV_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "wt_conf.h"

/* Value types of the option table. */
enum conf_type {
	CONF_T_STR,    /* char[size], text */
	CONF_T_UINT,   /* unsigned integer of width size (1, 2, 4 or 8 bytes), decimal only */
	CONF_T_BOOL,   /* uint8_t: true/false/yes/no/on/off */
	CONF_T_SIZE,   /* uint64_t bytes, optional k/kb/m/mb/g/gb suffix (1024-based) */
	CONF_T_LCORES, /* uint16_t[size], count (int) at n_off */
	CONF_T_ARGV,   /* char *[size], strdup'd, count at n_off (dpdk.eal-params) */
	CONF_T_KV,     /* struct wt_conf_kv[size], count at n_off (kafka.librdkafka) */
	CONF_T_IFACES, /* struct wt_conf_iface[size], count at n_off (dpdk.interfaces) */
};

struct conf_opt;

/* Extra check after type and bounds: writes the reason to @why and returns -1 when @s / @v is bad. */
typedef int (*conf_check_fn)(const struct conf_opt *o, const char *s, uint64_t v, char *why,
			     size_t whylen);

/* Fills a default that is not a constant (the hostname). */
typedef void (*conf_default_fn)(void *field, size_t size);

/** One option: everything the loader, --set, the defaults and the dump need to know. */
struct conf_opt {
	const char *name;      /* dotted key as in the file: "flow.timeouts.udp" */
	enum conf_type type;
	uint64_t min, max;     /* inclusive bounds (UINT, SIZE, LCORES items) */
	size_t off;            /* offsetof into struct wt_conf (or wt_conf_iface for iface keys) */
	size_t size;           /* STR: capacity; UINT: width; lists: element capacity */
	size_t n_off;          /* lists: offsetof the int count */
	const char *def;       /* default in --set syntax; NULL: empty (or def_fn) */
	conf_default_fn def_fn;
	conf_check_fn check;   /* NULL or an extra validator */
	const char *help;      /* one line, shown by --dump-config callers if they want it */
};

extern const struct conf_opt conf_opts[];
extern const size_t conf_n_opts;
/* Keys of one dpdk.interfaces entry (offsets into struct wt_conf_iface); "interface" is not here. */
extern const struct conf_opt conf_iface_opts[];
extern const size_t conf_n_iface_opts;

#define CONF_IFACES_KEY "dpdk.interfaces"
#define CONF_KV_KEY     "kafka.librdkafka"
#define CONF_IFACE_NAME_KEY "interface"
#define CONF_IFACE_DEFAULT "default"
#define CONF_KEY_MAX 600  /* longest dotted key we format */

/* Table lookups. */
const struct conf_opt *conf_opt_find(const struct conf_opt *tab, size_t n, const char *name);
int conf_opt_index(const struct conf_opt *o);
/** 1 when @name is a section (some option is named "@name.<something>"). */
int conf_is_section(const char *name);
/** Closest known key or section to @name (small edit distance), or NULL. */
const char *conf_suggest(const char *name);
/** Closest key of an interface entry to @key, or NULL. */
const char *conf_suggest_iface(const char *key);

/* Validators used by the table. */
int conf_check_pow2(const struct conf_opt *o, const char *s, uint64_t v, char *why, size_t len);
int conf_check_topic(const struct conf_opt *o, const char *s, uint64_t v, char *why, size_t len);
void conf_default_hostname(void *field, size_t size);

/* Value parsers (conf_value.c); each writes a reason to @why on failure and returns -1. */
int conf_parse_uint(const char *s, uint64_t *v, char *why, size_t len);
int conf_parse_bool(const char *s, uint8_t *v, char *why, size_t len);
int conf_parse_size(const char *s, uint64_t *v, char *why, size_t len);
/** Parse, bound-check, validate and store one scalar option (STR, UINT, BOOL, SIZE) at @base. */
int conf_set_scalar(const struct conf_opt *o, void *base, const char *s, char *why, size_t len);
/** Parse one lcore id of list option @o. */
int conf_parse_lcore(const struct conf_opt *o, const char *s, uint16_t *v, char *why, size_t len);
/** Store a whole lcore list (count and duplicates checked). */
int conf_commit_lcores(const struct conf_opt *o, void *base, const uint16_t *v, int n, char *why,
		       size_t len);
/** Replace the argv list of @o at @base with @args (ownership moves in, old strings freed). */
void conf_commit_argv(const struct conf_opt *o, void *base, char **args, int n);
/** Add or replace one kafka property. */
int conf_kv_put(struct wt_conf *c, const char *key, const char *value, char *why, size_t len);
/** Format a scalar or list option's value into @buf (in --set syntax). */
void conf_format_value(const struct conf_opt *o, const void *base, char *buf, size_t len);
/** Format @bytes as "256mb" when exact, else plain bytes. */
void conf_format_size(uint64_t bytes, char *buf, size_t len);
/** Quote @s for an error message: at most 60 characters, unprintables as '?'. */
const char *conf_quote(const char *s, char *buf, size_t len);
uint64_t conf_get_uint(const void *base, const struct conf_opt *o);
const char *conf_type_name(enum conf_type t);

/* Error accumulator: one line per problem, "SRC:LINE: key 'K': reason". */
struct conf_err {
	char *buf;
	size_t len;
	size_t used;
	int count;
};

void conf_err_init(struct conf_err *e, char *buf, size_t len);
/** Add one problem. @line <= 0: no line; @key NULL: no key part. */
void conf_err_add(struct conf_err *e, const char *src, int line, const char *key, const char *fmt,
		  ...) __attribute__((format(printf, 5, 6)));

/* Where each option was set in the file (index by conf_opt_index), for cross-field errors. */
struct conf_lines {
	int line[128];
};

/** The libyaml walk: apply @path's content on top of @c (already holding defaults). */
int conf_yaml_load(struct wt_conf *c, const char *path, struct conf_err *e, struct conf_lines *ln);
/** Cross-field checks; @src prefixes errors, @ln gives lines (may be NULL). */
int conf_validate(const struct wt_conf *c, const char *src, const struct conf_lines *ln,
		  struct conf_err *e);

#endif /* WT_CONF_PRIV_H */
