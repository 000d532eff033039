/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The public entry points of lib/conf: defaults, load (into a scratch copy, committed only when
 * the whole file is good), --set, lookups and --dump-config, all driven by the option table.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_priv.h"

#define WHY 256
#define SET_SRC "--set"

static void
opt_default(const struct conf_opt *o, struct wt_conf *c)
{
	char why[WHY];
	uint16_t ids[1];

	switch (o->type) {
	case CONF_T_STR:
	case CONF_T_UINT:
	case CONF_T_BOOL:
	case CONF_T_SIZE:
		WT_ASSERT(o->type == CONF_T_STR || o->size == 1 || o->size == 2 || o->size == 4 ||
			  o->size == 8);
		WT_ASSERT(o->type == CONF_T_STR || o->size == 8 || o->max < (1ull << (8 * o->size)));
		if (o->def_fn != NULL)
			o->def_fn((char *)c + o->off, o->size);
		else
			WT_ASSERT(conf_set_scalar(o, c, o->def != NULL ? o->def : "", why,
						  sizeof(why)) == 0);
		break;
	case CONF_T_LCORES:
		WT_ASSERT(o->def != NULL && conf_parse_lcore(o, o->def, &ids[0], why, sizeof(why)) == 0);
		WT_ASSERT(conf_commit_lcores(o, c, ids, 1, why, sizeof(why)) == 0);
		break;
	case CONF_T_IFACES:
		snprintf(c->iface_default.name, sizeof(c->iface_default.name), CONF_IFACE_DEFAULT);
		for (size_t i = 0; i < conf_n_iface_opts; i++)
			WT_ASSERT(conf_set_scalar(&conf_iface_opts[i], &c->iface_default,
						  conf_iface_opts[i].def, why, sizeof(why)) == 0);
		break;
	case CONF_T_ARGV:
	case CONF_T_KV:
		break;  /* empty */
	}
}

void
wt_conf_defaults(struct wt_conf *c)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < conf_n_opts; i++)
		opt_default(&conf_opts[i], c);
}

void
wt_conf_free(struct wt_conf *c)
{
	if (c == NULL)
		return;
	for (size_t k = 0; k < conf_n_opts; k++) {
		const struct conf_opt *o = &conf_opts[k];

		if (o->type == CONF_T_ARGV)
			conf_commit_argv(o, c, NULL, 0); /* frees every string of the list */
	}
}

int
wt_conf_load(struct wt_conf *c, const char *path, char *err, size_t errlen)
{
	struct conf_lines ln;
	struct conf_err e;
	struct wt_conf *s;
	int rc;

	conf_err_init(&e, err, errlen);
	wt_conf_defaults(c);
	if (path == NULL) {
		conf_err_add(&e, "(null)", 0, NULL, "cannot open: %s", strerror(EINVAL));
		return -EINVAL;
	}
	if (strlen(path) >= sizeof(c->path)) {
		conf_err_add(&e, path, 0, NULL, "cannot open: %s", strerror(ENAMETOOLONG));
		return -ENAMETOOLONG;
	}
	s = malloc(sizeof(*s));
	if (s == NULL) {
		conf_err_add(&e, path, 0, NULL, "cannot open: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	wt_conf_defaults(s);
	memcpy(s->path, path, strlen(path) + 1);
	memset(&ln, 0, sizeof(ln));
	rc = conf_yaml_load(s, path, &e, &ln);
	if (rc == 0 && conf_validate(s, path, &ln, &e) != 0)
		rc = -EINVAL;
	if (rc == 0) {
		*c = *s;  /* eal_args ownership moves to c */
	} else {
		wt_conf_free(s);
	}
	free(s);
	return rc;
}

const struct wt_conf_iface *
wt_conf_iface_get(const struct wt_conf *c, const char *name)
{
	for (int i = 0; name != NULL && i < c->n_ifaces; i++)
		if (strcmp(c->ifaces[i].name, name) == 0)
			return &c->ifaces[i];
	return &c->iface_default;
}

int
wt_conf_add_eal_arg(struct wt_conf *c, const char *arg)
{
	char *s;

	if (c->n_eal_args >= WT_CONF_MAX_EAL_ARGS)
		return -ENOSPC;
	s = strdup(arg);
	if (s == NULL)
		return -ENOMEM;
	c->eal_args[c->n_eal_args++] = s;
	return 0;
}

int
wt_conf_validate(const struct wt_conf *c, char *err, size_t errlen)
{
	struct conf_err e;

	conf_err_init(&e, err, errlen);
	return conf_validate(c, c->path[0] != '\0' ? c->path : "config", NULL, &e) != 0 ? -EINVAL
											 : 0;
}

/* "1,2, 3" -> lcore list; "" -> empty. */
static int
set_lcores(const struct conf_opt *o, struct wt_conf *c, const char *value, char *why, size_t len)
{
	uint16_t ids[128];
	char buf[1024], *save = NULL, *tok;
	int n = 0;

	if (strlen(value) >= sizeof(buf)) {
		snprintf(why, len, "list too long");
		return -1;
	}
	memcpy(buf, value, strlen(value) + 1);
	for (tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		char *end;

		while (*tok == ' ')
			tok++;
		end = tok + strlen(tok);
		while (end > tok && end[-1] == ' ')
			*--end = '\0';
		if (n >= (int)WT_ARRAY_SIZE(ids)) {
			snprintf(why, len, "at most %zu lcores", o->size);
			return -1;
		}
		if (conf_parse_lcore(o, tok, &ids[n], why, len) != 0)
			return -1;
		n++;
	}
	return conf_commit_lcores(o, c, ids, n, why, len);
}

/* "-a 0000:3b:00.0 --file-prefix x" -> argv list (whitespace separated, as a shell would). */
static int
set_argv(const struct conf_opt *o, struct wt_conf *c, const char *value, char *why, size_t len)
{
	char *args[WT_CONF_MAX_EAL_ARGS];
	const char *p = value;
	int n = 0;

	for (;;) {
		size_t l;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		l = strcspn(p, " \t");
		if (n >= (int)o->size) {
			snprintf(why, len, "at most %zu arguments", o->size);
			goto fail;
		}
		args[n] = strndup(p, l);
		if (args[n] == NULL) {
			snprintf(why, len, "out of memory");
			goto fail;
		}
		n++;
		p += l;
	}
	conf_commit_argv(o, c, args, n);
	return 0;
fail:
	while (n > 0)
		free(args[--n]);
	return -1;
}

/* "a,b" -> the list of interface entries: kept when already there, else copied from default. */
static int
set_iface_list(struct wt_conf *c, const char *value, char *why, size_t len)
{
	struct wt_conf_iface *nw;
	char buf[4096], *save = NULL, *tok;
	int n = 0;

	if (strlen(value) >= sizeof(buf)) {
		snprintf(why, len, "list too long");
		return -1;
	}
	nw = calloc(WT_ARRAY_SIZE(c->ifaces), sizeof(*nw));
	if (nw == NULL) {
		snprintf(why, len, "out of memory");
		return -1;
	}
	memcpy(buf, value, strlen(value) + 1);
	for (tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		if (strcmp(tok, CONF_IFACE_DEFAULT) == 0 || strlen(tok) >= sizeof(nw[0].name)) {
			snprintf(why, len, "bad interface name '%.64s'", tok);
			goto fail;
		}
		for (int j = 0; j < n; j++)
			if (strcmp(nw[j].name, tok) == 0) {
				snprintf(why, len, "duplicate interface '%.64s'", tok);
				goto fail;
			}
		if (n >= (int)WT_ARRAY_SIZE(c->ifaces)) {
			snprintf(why, len, "at most %zu interfaces", WT_ARRAY_SIZE(c->ifaces));
			goto fail;
		}
		nw[n] = *wt_conf_iface_get(c, tok);
		snprintf(nw[n].name, sizeof(nw[n].name), "%s", tok);
		n++;
	}
	memcpy(c->ifaces, nw, sizeof(c->ifaces));
	c->n_ifaces = n;
	free(nw);
	return 0;
fail:
	free(nw);
	return -1;
}

/* "dpdk.interfaces.NAME.KEY": NAME may hold dots (PCI addresses), KEY never does. */
static int
set_iface_key(struct wt_conf *c, const char *rest, const char *value, char *why, size_t len)
{
	const char *dot = strrchr(rest, '.');
	const struct conf_opt *o;
	struct wt_conf_iface f, *dst = NULL;
	char name[WT_CONF_STR], q[80];
	size_t nl;

	if (dot == NULL || dot == rest) {
		snprintf(why, len, "expected dpdk.interfaces.NAME.KEY");
		return -1;
	}
	nl = (size_t)(dot - rest);
	if (nl >= sizeof(name)) {
		snprintf(why, len, "interface name longer than %zu characters", sizeof(name) - 1);
		return -1;
	}
	memcpy(name, rest, nl);
	name[nl] = '\0';
	o = conf_opt_find(conf_iface_opts, conf_n_iface_opts, dot + 1);
	if (o == NULL) {
		const char *hint = conf_suggest_iface(dot + 1);

		if (strcmp(dot + 1, CONF_IFACE_NAME_KEY) == 0)
			snprintf(why, len, "the name is part of the key: dpdk.interfaces.NAME.KEY");
		else if (hint != NULL)
			snprintf(why, len, "unknown key '%s'; did you mean '%s'?",
				 conf_quote(dot + 1, q, sizeof(q)), hint);
		else
			snprintf(why, len, "unknown key '%s'", conf_quote(dot + 1, q, sizeof(q)));
		return -1;
	}
	if (strcmp(name, CONF_IFACE_DEFAULT) == 0)
		dst = &c->iface_default;
	for (int i = 0; dst == NULL && i < c->n_ifaces; i++)
		if (strcmp(c->ifaces[i].name, name) == 0)
			dst = &c->ifaces[i];
	if (dst == NULL && c->n_ifaces >= (int)WT_ARRAY_SIZE(c->ifaces)) {
		snprintf(why, len, "at most %zu interfaces", WT_ARRAY_SIZE(c->ifaces));
		return -1;
	}
	f = dst != NULL ? *dst : c->iface_default;
	if (conf_set_scalar(o, &f, value, why, len) != 0)
		return -1;
	if (dst == NULL) {
		/* A new entry, inheriting the default section. */
		dst = &c->ifaces[c->n_ifaces++];
		snprintf(f.name, sizeof(f.name), "%s", name);
	}
	*dst = f;
	return 0;
}

/*
 * Keys --set understands (the same ones --dump-config prints):
 *   any table option          "flow.timeouts.udp=60", lists as "2,3,4", sizes as "2g"
 *   dpdk.eal-params           whitespace separated argv elements (EAL args hold commas)
 *   dpdk.interfaces           "a,b": the list of entries (kept when present, else from default)
 *   dpdk.interfaces.NAME.KEY  one key of an entry (created from default) or of "default"
 *   kafka.librdkafka.PROP     add or replace one property; "kafka.librdkafka=" clears them all
 */
static int
set_one(struct wt_conf *c, const char *key, const char *value, char *why, size_t len)
{
	const struct conf_opt *o = conf_opt_find(conf_opts, conf_n_opts, key);
	size_t kl = strlen(CONF_KV_KEY), il = strlen(CONF_IFACES_KEY);
	const char *hint;

	if (o != NULL) {
		switch (o->type) {
		case CONF_T_LCORES: return set_lcores(o, c, value, why, len);
		case CONF_T_ARGV: return set_argv(o, c, value, why, len);
		case CONF_T_IFACES: return set_iface_list(c, value, why, len);
		case CONF_T_KV:
			if (value[0] == '\0') {
				c->n_kafka_props = 0;
				return 0;
			}
			snprintf(why, len, "set one property as kafka.librdkafka.NAME=VALUE "
				 "(an empty value clears them all)");
			return -1;
		default: return conf_set_scalar(o, c, value, why, len);
		}
	}
	if (strncmp(key, CONF_KV_KEY ".", kl + 1) == 0)
		return conf_kv_put(c, key + kl + 1, value, why, len);
	if (strncmp(key, CONF_IFACES_KEY ".", il + 1) == 0)
		return set_iface_key(c, key + il + 1, value, why, len);
	if (conf_is_section(key)) {
		snprintf(why, len, "is a section, not an option");
		return -1;
	}
	hint = conf_suggest(key);
	if (hint != NULL)
		snprintf(why, len, "unknown key; did you mean '%s'?", hint);
	else
		snprintf(why, len, "unknown key");
	return -1;
}

int
wt_conf_set(struct wt_conf *c, const char *key, const char *value, char *err, size_t errlen)
{
	struct conf_err e;
	char why[WHY], q[80];

	conf_err_init(&e, err, errlen);
	if (key == NULL || value == NULL || key[0] == '\0') {
		conf_err_add(&e, SET_SRC, 0, NULL, "expected key=value");
		return -EINVAL;
	}
	if (strlen(key) >= CONF_KEY_MAX) {
		conf_err_add(&e, SET_SRC, 0, conf_quote(key, q, sizeof(q)), "unknown key");
		return -EINVAL;
	}
	if (set_one(c, key, value, why, sizeof(why)) != 0) {
		conf_err_add(&e, SET_SRC, 0, key, "%s", why);
		return -EINVAL;
	}
	return 0;
}

void
wt_conf_dump(const struct wt_conf *c, FILE *out)
{
	char buf[WT_CONF_MAX_EAL_ARGS * WT_CONF_STR];

	for (size_t i = 0; i < conf_n_opts; i++) {
		const struct conf_opt *o = &conf_opts[i];

		switch (o->type) {
		case CONF_T_KV:
			for (int k = 0; k < c->n_kafka_props; k++)
				fprintf(out, "%s.%s = %s\n", o->name, c->kafka_props[k].key,
					c->kafka_props[k].value);
			break;
		case CONF_T_IFACES:
			fprintf(out, "%s = ", o->name);
			for (int k = 0; k < c->n_ifaces; k++)
				fprintf(out, "%s%s", k ? "," : "", c->ifaces[k].name);
			fputc('\n', out);
			for (int k = -1; k < c->n_ifaces; k++) {
				const struct wt_conf_iface *f = k < 0 ? &c->iface_default : &c->ifaces[k];

				for (size_t j = 0; j < conf_n_iface_opts; j++) {
					conf_format_value(&conf_iface_opts[j], f, buf, sizeof(buf));
					fprintf(out, "%s.%s.%s = %s\n", o->name,
						k < 0 ? CONF_IFACE_DEFAULT : f->name,
						conf_iface_opts[j].name, buf);
				}
			}
			break;
		default:
			conf_format_value(o, c, buf, sizeof(buf));
			fprintf(out, "%s = %s\n", o->name, buf);
			break;
		}
	}
}
