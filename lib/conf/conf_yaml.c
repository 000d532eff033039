/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The YAML side of the loader: libyaml builds the document tree, this file walks it against the
 * option table, applying each key to a scratch struct wt_conf and recording every problem with
 * its line, so one run reports all mistakes in a file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

#include "conf_priv.h"

#define CONF_MAX_FILE (16u << 20)  /* a config file is a few kB; refuse anything absurd */
#define WHY 256

struct walk {
	const char *file;
	yaml_document_t *doc;
	struct wt_conf *c;
	struct conf_err *e;
	struct conf_lines *ln;
};

/* One parsed dpdk.interfaces entry before inheritance is resolved. */
struct iface_tmp {
	struct wt_conf_iface v;
	uint32_t set;  /* bit i: conf_iface_opts[i] named in the entry */
	int line;
};

static int
line_of(const yaml_node_t *n)
{
	return (int)n->start_mark.line + 1;
}

static yaml_node_t *
node(struct walk *w, int idx)
{
	return yaml_document_get_node(w->doc, idx);
}

static const char *
scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

/* A plain empty / ~ / null scalar: an empty section or list. */
static int
is_null(const yaml_node_t *n)
{
	const char *s;

	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	s = scalar(n);
	return s[0] == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
	       strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

static const char *
kind(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_MAPPING_NODE: return "a mapping";
	case YAML_SEQUENCE_NODE: return "a sequence";
	default: return "a scalar";
	}
}

/* A string holding a NUL in the middle would silently truncate; refuse it. */
static int
scalar_ok(struct walk *w, const yaml_node_t *n, const char *key)
{
	if (strlen(scalar(n)) == n->data.scalar.length)
		return 1;
	conf_err_add(w->e, w->file, line_of(n), key, "value contains a NUL character");
	return 0;
}

static void
join_key(char *out, size_t len, const char *prefix, const char *key)
{
	int n = prefix != NULL ? snprintf(out, len, "%s.%s", prefix, key)
			       : snprintf(out, len, "%s", key);

	if (n < 0 || (size_t)n >= len)
		snprintf(out + len - 4, 4, "...");
}

/*
 * Checks pair @i of mapping @m: its key must be a scalar and not repeat an earlier key.
 * @return the key text, or NULL when the pair must be skipped (error recorded).
 */
static const char *
pair_key(struct walk *w, yaml_node_t *m, yaml_node_pair_t *p, const char *prefix)
{
	yaml_node_t *k = node(w, p->key);
	char full[CONF_KEY_MAX];

	if (k == NULL || k->type != YAML_SCALAR_NODE) {
		conf_err_add(w->e, w->file, k != NULL ? line_of(k) : 0, prefix != NULL ? prefix : "",
			     "expected a scalar key, got %s", k != NULL ? kind(k) : "nothing");
		return NULL;
	}
	join_key(full, sizeof(full), prefix, scalar(k));
	for (yaml_node_pair_t *q = m->data.mapping.pairs.start; q < p; q++) {
		yaml_node_t *k2 = node(w, q->key);

		if (k2 != NULL && k2->type == YAML_SCALAR_NODE &&
		    strcmp(scalar(k2), scalar(k)) == 0) {
			conf_err_add(w->e, w->file, line_of(k), full,
				     "duplicate key (first at line %d)", line_of(k2));
			return NULL;
		}
	}
	if (!scalar_ok(w, k, full))
		return NULL;
	return scalar(k);
}

static void
apply_lcores(struct walk *w, const struct conf_opt *o, yaml_node_t *v, const char *key)
{
	uint16_t ids[128];
	int n = 0, bad = 0;
	char why[WHY];

	if (is_null(v)) {
		conf_commit_lcores(o, w->c, ids, 0, why, sizeof(why));
		return;
	}
	if (v->type != YAML_SEQUENCE_NODE) {
		conf_err_add(w->e, w->file, line_of(v), key, "expected %s, got %s",
			     conf_type_name(o->type), kind(v));
		return;
	}
	for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
	     it++) {
		yaml_node_t *x = node(w, *it);

		if (x->type != YAML_SCALAR_NODE) {
			conf_err_add(w->e, w->file, line_of(x), key, "expected an integer, got %s",
				     kind(x));
			bad = 1;
		} else if (n >= (int)WT_ARRAY_SIZE(ids)) {
			n++;
		} else if (conf_parse_lcore(o, scalar(x), &ids[n], why, sizeof(why)) != 0) {
			conf_err_add(w->e, w->file, line_of(x), key, "%s", why);
			bad = 1;
		} else {
			n++;
		}
	}
	if (bad)
		return;
	if (n > (int)WT_ARRAY_SIZE(ids) || conf_commit_lcores(o, w->c, ids, n, why, sizeof(why)) != 0) {
		if (n > (int)WT_ARRAY_SIZE(ids))
			snprintf(why, sizeof(why), "at most %zu lcores (got %d)", o->size, n);
		conf_err_add(w->e, w->file, line_of(v), key, "%s", why);
	}
}

static void
apply_argv(struct walk *w, const struct conf_opt *o, yaml_node_t *v, const char *key)
{
	char *args[WT_CONF_MAX_EAL_ARGS];
	int n = 0, bad = 0;

	if (is_null(v)) {
		conf_commit_argv(o, w->c, args, 0);
		return;
	}
	if (v->type != YAML_SEQUENCE_NODE) {
		conf_err_add(w->e, w->file, line_of(v), key, "expected %s, got %s",
			     conf_type_name(o->type), kind(v));
		return;
	}
	for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
	     it++) {
		yaml_node_t *x = node(w, *it);

		if (x->type != YAML_SCALAR_NODE) {
			conf_err_add(w->e, w->file, line_of(x), key, "expected a string, got %s",
				     kind(x));
			bad = 1;
		} else if (!scalar_ok(w, x, key)) {
			bad = 1;
		} else if (n >= (int)o->size) {
			conf_err_add(w->e, w->file, line_of(x), key, "at most %zu arguments", o->size);
			bad = 1;
			break;
		} else if ((args[n] = strdup(scalar(x))) == NULL) {
			conf_err_add(w->e, w->file, line_of(x), key, "out of memory");
			bad = 1;
			break;
		} else {
			n++;
		}
	}
	if (bad) {
		for (int i = 0; i < n; i++)
			free(args[i]);
		return;
	}
	conf_commit_argv(o, w->c, args, n);
}

static void
apply_kv(struct walk *w, const struct conf_opt *o, yaml_node_t *v, const char *key)
{
	char why[WHY], full[CONF_KEY_MAX];

	if (is_null(v))
		return;
	if (v->type != YAML_MAPPING_NODE) {
		conf_err_add(w->e, w->file, line_of(v), key, "expected %s, got %s",
			     conf_type_name(o->type), kind(v));
		return;
	}
	for (yaml_node_pair_t *p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top; p++) {
		const char *k = pair_key(w, v, p, key);
		yaml_node_t *x = node(w, p->value);

		if (k == NULL)
			continue;
		join_key(full, sizeof(full), key, k);
		if (x->type != YAML_SCALAR_NODE) {
			conf_err_add(w->e, w->file, line_of(x), full, "expected a scalar, got %s",
				     kind(x));
			continue;
		}
		if (!scalar_ok(w, x, full))
			continue;
		if (conf_kv_put(w->c, k, scalar(x), why, sizeof(why)) != 0)
			conf_err_add(w->e, w->file, line_of(x), full, "%s", why);
	}
}

static void
apply_scalar(struct walk *w, const struct conf_opt *o, void *base, yaml_node_t *v,
	     const char *key)
{
	char why[WHY];

	if (v->type != YAML_SCALAR_NODE) {
		conf_err_add(w->e, w->file, line_of(v), key, "expected %s, got %s",
			     conf_type_name(o->type), kind(v));
		return;
	}
	if (!scalar_ok(w, v, key))
		return;
	if (conf_set_scalar(o, base, scalar(v), why, sizeof(why)) != 0)
		conf_err_add(w->e, w->file, line_of(v), key, "%s", why);
}

/* Parse one dpdk.interfaces entry into @t; @return 0, or -1 when it cannot be used at all. */
static int
iface_entry(struct walk *w, yaml_node_t *m, int idx, struct iface_tmp *t)
{
	char key[CONF_KEY_MAX], full[CONF_KEY_MAX];
	yaml_node_t *name = NULL;

	snprintf(key, sizeof(key), CONF_IFACES_KEY "[%d]", idx);
	if (m->type != YAML_MAPPING_NODE) {
		conf_err_add(w->e, w->file, line_of(m), key,
			     "expected a mapping with 'interface: NAME', got %s", kind(m));
		return -1;
	}
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(w, p->key);

		if (k->type == YAML_SCALAR_NODE && strcmp(scalar(k), CONF_IFACE_NAME_KEY) == 0)
			name = node(w, p->value);
	}
	if (name == NULL) {
		conf_err_add(w->e, w->file, line_of(m), key, "missing required key 'interface'");
		return -1;
	}
	join_key(full, sizeof(full), key, CONF_IFACE_NAME_KEY);
	if (name->type != YAML_SCALAR_NODE) {
		conf_err_add(w->e, w->file, line_of(name), full, "expected a string, got %s",
			     kind(name));
		return -1;
	}
	if (!scalar_ok(w, name, full))
		return -1;
	if (scalar(name)[0] == '\0' || strlen(scalar(name)) >= sizeof(t->v.name)) {
		conf_err_add(w->e, w->file, line_of(name), full,
			     "interface name must be 1 to %zu characters", sizeof(t->v.name) - 1);
		return -1;
	}
	memcpy(t->v.name, scalar(name), strlen(scalar(name)) + 1);
	t->line = line_of(m);
	t->set = 0;
	/* Keys are named "dpdk.interfaces.NAME.key", as --set and --dump-config spell them. */
	snprintf(key, sizeof(key), CONF_IFACES_KEY ".%s", t->v.name);
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		const char *k = pair_key(w, m, p, key);
		const struct conf_opt *o;
		const char *hint;

		if (k == NULL || strcmp(k, CONF_IFACE_NAME_KEY) == 0)
			continue;
		join_key(full, sizeof(full), key, k);
		o = conf_opt_find(conf_iface_opts, conf_n_iface_opts, k);
		if (o == NULL) {
			hint = conf_suggest_iface(k);
			if (hint != NULL)
				conf_err_add(w->e, w->file, line_of(node(w, p->key)), full,
					     "unknown key; did you mean '%s'?", hint);
			else
				conf_err_add(w->e, w->file, line_of(node(w, p->key)), full,
					     "unknown key");
			continue;
		}
		t->set |= 1u << (o - conf_iface_opts);
		apply_scalar(w, o, &t->v, node(w, p->value), full);
	}
	return 0;
}

static void
iface_defaults(struct wt_conf_iface *f)
{
	char why[WHY];

	for (size_t i = 0; i < conf_n_iface_opts; i++)
		WT_ASSERT(conf_set_scalar(&conf_iface_opts[i], f, conf_iface_opts[i].def, why,
					  sizeof(why)) == 0);
}

static void
apply_ifaces(struct walk *w, const struct conf_opt *o, yaml_node_t *v, const char *key)
{
	struct iface_tmp *t;
	int n = 0, bad = 0, def = -1, n_ports = 0;
	size_t cap;

	if (is_null(v))
		return;
	if (v->type != YAML_SEQUENCE_NODE) {
		conf_err_add(w->e, w->file, line_of(v), key, "expected %s, got %s",
			     conf_type_name(o->type), kind(v));
		return;
	}
	cap = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
	t = calloc(cap + 1, sizeof(*t));
	if (t == NULL) {
		conf_err_add(w->e, w->file, line_of(v), key, "out of memory");
		return;
	}
	for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
	     it++) {
		iface_defaults(&t[n].v);
		if (iface_entry(w, node(w, *it), (int)(it - v->data.sequence.items.start), &t[n]) != 0) {
			bad = 1;
			continue;
		}
		for (int j = 0; j < n; j++)
			if (strcmp(t[j].v.name, t[n].v.name) == 0) {
				char full[CONF_KEY_MAX];

				join_key(full, sizeof(full), key, t[n].v.name);
				conf_err_add(w->e, w->file, t[n].line, full,
					     "duplicate interface '%s' (first at line %d)",
					     t[n].v.name, t[j].line);
				bad = 1;
				break;
			}
		if (strcmp(t[n].v.name, CONF_IFACE_DEFAULT) == 0)
			def = n;
		else if (++n_ports == (int)o->size + 1)
			conf_err_add(w->e, w->file, t[n].line, key, "at most %zu interfaces", o->size);
		n++;
	}
	if (!bad && n_ports <= (int)o->size) {
		/* The default entry fills whatever another entry leaves out, wherever it appears. */
		struct wt_conf_iface dflt;

		if (def >= 0)
			dflt = t[def].v;
		else
			dflt = w->c->iface_default;
		w->c->n_ifaces = 0;
		for (int i = 0; i < n; i++) {
			struct wt_conf_iface *f;

			if (i == def)
				continue;
			f = &w->c->ifaces[w->c->n_ifaces++];
			*f = dflt;
			memcpy(f->name, t[i].v.name, sizeof(f->name));
			for (size_t k = 0; k < conf_n_iface_opts; k++) {
				const struct conf_opt *io = &conf_iface_opts[k];

				if (t[i].set & (1u << k))
					memcpy((char *)f + io->off, (char *)&t[i].v + io->off, io->size);
			}
		}
		w->c->iface_default = dflt;
	}
	free(t);
}

static void walk_mapping(struct walk *w, yaml_node_t *m, const char *prefix);

static void
apply(struct walk *w, const char *full, yaml_node_t *keynode, yaml_node_t *v)
{
	const struct conf_opt *o = conf_opt_find(conf_opts, conf_n_opts, full);
	const char *hint;

	if (o != NULL) {
		w->ln->line[conf_opt_index(o)] = line_of(keynode);
		switch (o->type) {
		case CONF_T_LCORES: apply_lcores(w, o, v, full); break;
		case CONF_T_ARGV: apply_argv(w, o, v, full); break;
		case CONF_T_KV: apply_kv(w, o, v, full); break;
		case CONF_T_IFACES: apply_ifaces(w, o, v, full); break;
		default: apply_scalar(w, o, w->c, v, full); break;
		}
		return;
	}
	if (conf_is_section(full)) {
		if (v->type == YAML_MAPPING_NODE)
			walk_mapping(w, v, full);
		else if (!is_null(v))
			conf_err_add(w->e, w->file, line_of(v), full, "expected a mapping, got %s",
				     kind(v));
		return;
	}
	hint = conf_suggest(full);
	if (hint != NULL)
		conf_err_add(w->e, w->file, line_of(keynode), full, "unknown key; did you mean '%s'?",
			     hint);
	else
		conf_err_add(w->e, w->file, line_of(keynode), full, "unknown key");
}

static void
walk_mapping(struct walk *w, yaml_node_t *m, const char *prefix)
{
	char full[CONF_KEY_MAX];

	for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		const char *k = pair_key(w, m, p, prefix);

		if (k == NULL)
			continue;
		join_key(full, sizeof(full), prefix, k);
		if (strchr(k, '.') != NULL) {
			/* "flow.max-flows: 1" would dodge the duplicate check against "flow:". */
			conf_err_add(w->e, w->file, line_of(node(w, p->key)), full,
				     "dotted keys are not allowed in the file; nest them as mappings");
			continue;
		}
		apply(w, full, node(w, p->key), node(w, p->value));
	}
}

static int
line_at_offset(const char *buf, size_t len, size_t off)
{
	int line = 1;

	for (size_t i = 0; i < off && i < len; i++)
		line += buf[i] == '\n';
	return line;
}

static void
syntax_error(struct walk *w, yaml_parser_t *p, const char *buf, size_t len)
{
	int line;

	if (p->error == YAML_READER_ERROR) {
		line = line_at_offset(buf, len, p->problem_offset);
		conf_err_add(w->e, w->file, line, NULL, "YAML error: %s",
			     p->problem != NULL ? p->problem : "cannot read input");
		return;
	}
	if (p->error == YAML_MEMORY_ERROR) {
		conf_err_add(w->e, w->file, 0, NULL, "out of memory while parsing YAML");
		return;
	}
	line = (int)p->problem_mark.line + 1;
	if (p->context != NULL)
		conf_err_add(w->e, w->file, line, NULL, "YAML syntax error: %s (%s at line %d)",
			     p->problem != NULL ? p->problem : "?", p->context,
			     (int)p->context_mark.line + 1);
	else
		conf_err_add(w->e, w->file, line, NULL, "YAML syntax error: %s",
			     p->problem != NULL ? p->problem : "?");
}

/* Read the whole file (so reader errors can be turned into a line number). */
static int
read_file(const char *path, char **out, size_t *outlen, struct conf_err *e)
{
	struct stat st;
	char *buf;
	size_t got = 0;
	ssize_t r;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		conf_err_add(e, path, 0, NULL, "cannot open: %s", strerror(-rc));
		return rc;
	}
	if (fstat(fd, &st) != 0) {
		rc = -errno;
		conf_err_add(e, path, 0, NULL, "cannot open: %s", strerror(-rc));
		close(fd);
		return rc;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		conf_err_add(e, path, 0, NULL, "cannot open: %s",
			     rc == -EISDIR ? strerror(EISDIR) : "not a regular file");
		close(fd);
		return rc;
	}
	if ((uint64_t)st.st_size > CONF_MAX_FILE) {
		conf_err_add(e, path, 0, NULL, "cannot open: larger than %u bytes", CONF_MAX_FILE);
		close(fd);
		return -EFBIG;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL) {
		close(fd);
		conf_err_add(e, path, 0, NULL, "cannot open: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	while (got < (size_t)st.st_size) {
		r = read(fd, buf + got, (size_t)st.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			rc = r < 0 ? -errno : -EIO;
			conf_err_add(e, path, 0, NULL, "cannot read: %s", strerror(-rc));
			free(buf);
			close(fd);
			return rc;
		}
		got += (size_t)r;
	}
	close(fd);
	buf[got] = '\0';
	*out = buf;
	*outlen = got;
	return 0;
}

int
conf_yaml_load(struct wt_conf *c, const char *path, struct conf_err *e, struct conf_lines *ln)
{
	struct walk w = { .file = path, .c = c, .e = e, .ln = ln };
	yaml_parser_t parser;
	yaml_document_t doc, extra;
	yaml_node_t *root;
	char *buf = NULL;
	size_t len = 0;
	int rc;

	rc = read_file(path, &buf, &len, e);
	if (rc != 0)
		return rc;
	if (!yaml_parser_initialize(&parser)) {
		free(buf);
		conf_err_add(e, path, 0, NULL, "out of memory");
		return -ENOMEM;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &doc)) {
		syntax_error(&w, &parser, buf, len);
		goto out;
	}
	w.doc = &doc;
	root = yaml_document_get_root_node(&doc);
	if (root != NULL) {
		if (root->type == YAML_MAPPING_NODE)
			walk_mapping(&w, root, NULL);
		else if (!is_null(root))
			conf_err_add(e, path, line_of(root), NULL,
				     "expected a mapping at the top level, got %s", kind(root));
		/* Only one document per file. */
		if (!yaml_parser_load(&parser, &extra)) {
			syntax_error(&w, &parser, buf, len);
		} else {
			if (yaml_document_get_root_node(&extra) != NULL)
				conf_err_add(e, path, (int)extra.start_mark.line + 1, NULL,
					     "only one YAML document per file is allowed");
			yaml_document_delete(&extra);
		}
	}
	yaml_document_delete(&doc);
out:
	yaml_parser_delete(&parser);
	free(buf);
	return e->count > 0 ? -EINVAL : 0;
}
