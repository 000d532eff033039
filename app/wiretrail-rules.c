/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wiretrail-rules: the operator's rule tool. `check` prints every rule's verdict the way the
 * daemon would load it (file:line sid verdict reason) and a summary, exiting non-zero on syntax
 * errors, so a rule change can be gated in CI; `compile` also warms the database cache.
 * Thin: all of it is lib/match.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "wt_match.h"

#define MAX_VARS 512

struct vars {
	const char *names[MAX_VARS];
	const char *values[MAX_VARS];
	char *own[2 * MAX_VARS];
	unsigned int n, nown;
};

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: wiretrail-rules check [options] FILE...\n"
		"       wiretrail-rules compile --cache-dir DIR [options] FILE...\n"
		"options:\n"
		"  --vars FILE.yaml        address/port groups (Suricata vars layout or NAME: value)\n"
		"  --no-default-vars       start from no variables (default: suricata.yaml's)\n"
		"  --classification FILE   classification.config (default: next to the first file)\n"
		"  --cache-dir DIR         serialized databases (compile: required)\n"
		"  -q, --quiet             print only skipped and error verdicts\n"
		"exit: 0 no errors, 1 syntax errors, 2 usage or a file that cannot be read\n");
}

static int
set_var(struct vars *v, const char *name, const char *value)
{
	char *n = strdup(name), *val = strdup(value);

	if (!n || !val || v->nown + 2 > 2 * MAX_VARS) {
		free(n);
		free(val);
		return -1;
	}
	v->own[v->nown++] = n;
	v->own[v->nown++] = val;
	for (unsigned int i = 0; i < v->n; i++)
		if (strcmp(v->names[i], name) == 0) {
			v->names[i] = n;
			v->values[i] = val;
			return 0;
		}
	if (v->n == MAX_VARS)
		return -1;
	v->names[v->n] = n;
	v->values[v->n] = val;
	v->n++;
	return 0;
}

static int
is_var_name(const char *s)
{
	if (!((*s >= 'A' && *s <= 'Z') || *s == '_'))
		return 0;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return 1;
}

/* Every "NAME: scalar" pair with an upper-case NAME, at any depth (vars: address-groups: ...). */
static int
load_vars(struct vars *v, const char *path)
{
	FILE *f = fopen(path, "r");
	yaml_parser_t p;
	yaml_event_t ev;
	char key[128] = "";
	int depth = 0, want_value = 0, rc = 0, done = 0;
	int is_key[64] = { 0 };

	if (!f) {
		fprintf(stderr, "wiretrail-rules: %s: %s\n", path, strerror(errno));
		return -1;
	}
	yaml_parser_initialize(&p);
	yaml_parser_set_input_file(&p, f);
	while (!done) {
		if (!yaml_parser_parse(&p, &ev)) {
			fprintf(stderr, "wiretrail-rules: %s:%zu: %s\n", path, p.problem_mark.line + 1,
				p.problem ? p.problem : "YAML error");
			rc = -1;
			break;
		}
		switch (ev.type) {
		case YAML_MAPPING_START_EVENT:
			if (depth < 63)
				is_key[++depth] = 1;
			want_value = 0;
			break;
		case YAML_MAPPING_END_EVENT:
			if (depth > 0)
				depth--;
			if (depth > 0)
				is_key[depth] = 1;
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_SEQUENCE_END_EVENT:
			if (depth > 0)
				is_key[depth] = 1;
			want_value = 0;
			break;
		case YAML_SCALAR_EVENT:
			if (depth > 0 && is_key[depth]) {
				snprintf(key, sizeof(key), "%s", (const char *)ev.data.scalar.value);
				want_value = is_var_name(key);
				is_key[depth] = 0;
			} else {
				if (want_value && set_var(v, key, (const char *)ev.data.scalar.value)) {
					fprintf(stderr, "wiretrail-rules: %s: too many variables\n", path);
					rc = -1;
					done = 1;
				}
				want_value = 0;
				if (depth > 0)
					is_key[depth] = 1;
			}
			break;
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	fclose(f);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "vars", required_argument, NULL, 'v' },
		{ "no-default-vars", no_argument, NULL, 'n' },
		{ "classification", required_argument, NULL, 'c' },
		{ "cache-dir", required_argument, NULL, 'd' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct vars v;
	struct wt_match_load_opts lo = { NULL, NULL };
	struct wt_match_load_report rep;
	struct wt_match_ruleset *rs;
	const char *varfile = NULL;
	int quiet = 0, defaults = 1, c, compile;

	if (argc < 2 || (strcmp(argv[1], "check") && strcmp(argv[1], "compile"))) {
		usage(argc >= 2 && !strcmp(argv[1], "--help") ? stdout : stderr);
		return argc >= 2 && !strcmp(argv[1], "--help") ? 0 : 2;
	}
	compile = !strcmp(argv[1], "compile");
	optind = 2;
	while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		switch (c) {
		case 'v': varfile = optarg; break;
		case 'n': defaults = 0; break;
		case 'c': lo.classification = optarg; break;
		case 'd': lo.cache_dir = optarg; break;
		case 'q': quiet = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind >= argc || (compile && !lo.cache_dir)) {
		usage(stderr);
		return 2;
	}
	if (defaults)
		for (unsigned int i = 0; i < wt_match_default_vars.n; i++)
			set_var(&v, wt_match_default_vars.names[i], wt_match_default_vars.values[i]);
	if (varfile && load_vars(&v, varfile))
		return 2;
	struct wt_match_vars mv = { v.names, v.values, v.n };

	rs = wt_match_load_opts((const char *const *)argv + optind, argc - optind, &mv, &lo, &rep);
	for (uint32_t i = 0; i < rep.rules; i++) {
		const struct wt_match_rule_verdict *r = &rep.verdicts[i];
		const char *why = r->msg;
		const char *p = strstr(why, ": ");

		if (quiet && r->verdict == WT_MATCH_LOADED)
			continue;
		/* msg is "file:line: reason": print the reason after the location */
		if (p && r->verdict != WT_MATCH_LOADED)
			why = p + 2;
		printf("%s:%u %u %s%s%s\n", r->file, r->line, r->sid,
		       wt_match_verdict_names[r->verdict], *why ? " " : "", why);
	}
	printf("summary: %u rules: %u loaded, %u skipped, %u errors\n", rep.rules, rep.loaded,
	       rep.skipped, rep.errors);
	if (!rs) {
		fprintf(stderr, "wiretrail-rules: %s\n", rep.fatal);
		wt_match_report_free(&rep);
		return 2;
	}
	struct wt_match_ruleset_info info;

	wt_match_ruleset_info(rs, &info);
	printf("databases: %zu bytes, %u pcre verifiers, stream state %zu bytes per direction, "
	       "scratch %zu bytes; %s in %.1f ms",
	       info.db_bytes, info.pcre_dbs, info.stream_state_bytes, info.scratch_bytes,
	       rep.cache == WT_MATCH_CACHE_HIT ? "loaded from cache" : "compiled", rep.build_ms);
	if (lo.cache_dir)
		printf(" (cache %s: %s%s%s)", wt_match_cache_names[rep.cache], rep.cache_path,
		       rep.cache_msg[0] ? "; " : "", rep.cache_msg);
	printf("\n");
	c = rep.errors ? 1 : 0;
	wt_match_ruleset_free(rs);
	wt_match_report_free(&rep);
	for (unsigned int i = 0; i < v.nown; i++)
		free(v.own[i]);
	return c;
}
