/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Loaded rules to Hyperscan databases: one literal/prefilter database per sticky buffer (block
 * mode), one streaming database for raw payload (whole content chains, see match_regex.c), and
 * one small block database per pcre for verification. A rule Hyperscan refuses is taken out
 * (skipped, with Hyperscan's reason) and the rest compiled again. The cache (match_cache.c)
 * short-circuits all of it when nothing changed.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "match_priv.h"

void
match_disable(struct wt_match_ruleset *rs, struct wt_match_load_report *rep, uint32_t ri,
	      const char *fmt, ...)
{
	struct match_rule *r = &rs->rules[ri];
	char why[200];
	va_list ap;

	if (r->disabled)
		return;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	r->disabled = 1;
	free(r->disabled_why);
	r->disabled_why = strdup(why);
	if (rep && rep->verdicts) {
		struct wt_match_rule_verdict *v = &rep->verdicts[r->verdict_idx];

		v->verdict = WT_MATCH_SKIPPED;
		match_fmt(v->msg, sizeof(v->msg), "%s:%u: %.150s", v->file, v->line, why);
		rep->loaded--;
		rep->skipped++;
	}
}

static void
spec_free(struct match_spec *s)
{
	for (uint32_t i = 0; i < s->n; i++)
		free(s->expr[i]);
	free(s->expr);
	free(s->flags);
	free(s->ids);
	free(s->rule);
	memset(s, 0, sizeof(*s));
}

/* Append (takes @p expr). @return 0 or -ENOMEM. */
static int
spec_add(struct match_spec *s, char *expr, unsigned int flags, unsigned int id, uint32_t rule)
{
	if (!expr)
		return -ENOMEM;
	if (s->n == s->cap) {
		uint32_t cap = s->cap ? s->cap * 2 : 64;
		char **e = realloc(s->expr, cap * sizeof(*e));

		if (e)
			s->expr = e;
		unsigned int *f = realloc(s->flags, cap * sizeof(*f));

		if (f)
			s->flags = f;
		unsigned int *d = realloc(s->ids, cap * sizeof(*d));

		if (d)
			s->ids = d;
		uint32_t *r = realloc(s->rule, cap * sizeof(*r));

		if (r)
			s->rule = r;
		if (!e || !f || !d || !r) {
			free(expr);
			return -ENOMEM;
		}
		s->cap = cap;
	}
	s->expr[s->n] = expr;
	s->flags[s->n] = flags;
	s->ids[s->n] = id;
	s->rule[s->n] = rule;
	s->n++;
	return 0;
}

/* Prefilter expression of block rule @p r: its fast pattern literal, or its pcre. */
static int
add_prefilter(struct match_spec *s, const struct match_rule *r, uint32_t ri)
{
	const struct match_elem *e = &r->el[r->fp_elem];
	struct match_sb sb = { 0 };

	if (e->kind == ME_PCRE)
		return spec_add(s, strdup(e->pcre),
				e->hs_flags | HS_FLAG_PREFILTER | HS_FLAG_SINGLEMATCH, ri, ri);
	if (e->flags & MEF_FP_CHOP)
		match_regex_literal(&sb, e->bytes + e->fp_off, e->fp_len);
	else
		match_regex_literal(&sb, e->bytes, e->len);
	if (sb.oom) {
		match_sb_free(&sb);
		return -ENOMEM;
	}
	return spec_add(s, sb.s,
			HS_FLAG_SINGLEMATCH | ((e->flags & MEF_NOCASE) ? HS_FLAG_CASELESS : 0), ri,
			ri);
}

/* Stream expressions of raw rule @p r; @p sub_id is the next free sub-expression id. */
static int
add_stream(struct wt_match_ruleset *rs, struct wt_match_load_report *rep, struct match_spec *s,
	   uint32_t ri, unsigned int *sub_id)
{
	const struct match_rule *r = &rs->rules[ri];
	struct match_stream_expr x;
	char why[200];
	unsigned int single = r->has_luhn ? 0 : HS_FLAG_SINGLEMATCH;
	int rc = match_stream_exprs(r, &x, why, sizeof(why));

	if (rc == MPR_SKIP) {
		match_disable(rs, rep, ri, "%s", why);
		return 0;
	}
	if (rc != MPR_OK)
		return -ENOMEM;
	if (!x.combo) {
		rc = spec_add(s, x.sub[0], single, ri, ri);
		x.sub[0] = NULL;
		match_stream_expr_free(&x);
		return rc;
	}
	struct match_sb c = { 0 };
	unsigned int base = *sub_id;

	for (uint32_t i = 0; i < x.n_sub && rc == 0; i++) {
		rc = spec_add(s, x.sub[i], HS_FLAG_QUIET, base + i, ri);
		x.sub[i] = NULL;
	}
	*sub_id += x.n_sub;
	/* "(@0 & !@1)" -> "(1073741824 & !1073741825)" */
	for (const char *p = x.combo; *p && rc == 0; p++) {
		if (*p == '@') {
			unsigned long k = strtoul(p + 1, (char **)&p, 10);

			match_sb_fmt(&c, "%u", base + (unsigned int)k);
			p--;
		} else {
			match_sb_add(&c, p, 1);
		}
	}
	match_stream_expr_free(&x);
	if (rc == 0)
		rc = c.oom ? -ENOMEM : spec_add(s, c.s, HS_FLAG_COMBINATION | single, ri, ri);
	else
		match_sb_free(&c);
	return rc;
}

static int
build_specs(struct wt_match_ruleset *rs, struct wt_match_load_report *rep,
	    struct match_spec *kind, struct match_spec **pcre, uint32_t *n_pcre)
{
	unsigned int sub_id = MATCH_SUBEXPR_BASE;
	uint32_t np = 0;
	int rc = 0;

	for (unsigned k = 0; k < WT_MATCH_BUF__MAX; k++) {
		spec_free(&kind[k]);
		kind[k].mode = k == WT_MATCH_BUF_STREAM ? HS_MODE_STREAM : HS_MODE_BLOCK;
	}
	for (uint32_t i = 0; i < rs->n_rules; i++)
		for (unsigned j = 0; j < rs->rules[i].n_el; j++)
			np += rs->rules[i].el[j].kind == ME_PCRE;
	*pcre = calloc(np ? np : 1, sizeof(**pcre));
	if (!*pcre)
		return -ENOMEM;
	np = 0;
	for (uint32_t i = 0; i < rs->n_rules && rc == 0; i++) {
		struct match_rule *r = &rs->rules[i];

		for (unsigned j = 0; j < r->n_el && rc == 0; j++) {
			struct match_elem *e = &r->el[j];

			if (e->kind != ME_PCRE)
				continue;
			e->pcre_db = (int)np;
			(*pcre)[np].mode = HS_MODE_BLOCK;
			rc = spec_add(&(*pcre)[np], strdup(e->pcre), e->hs_flags | HS_FLAG_SOM_LEFTMOST,
				      0, i);
			np++;
		}
		if (rc || r->disabled)
			continue;
		if (r->stream)
			rc = add_stream(rs, rep, &kind[WT_MATCH_BUF_STREAM], i, &sub_id);
		else
			rc = add_prefilter(&kind[r->fp_buf], r, i);
	}
	*n_pcre = np;
	return rc;
}

/*
 * Compile one spec. A refused expression disables its rule (@p refused_rule set) and the caller
 * rebuilds the spec. An error Hyperscan does not attribute to an expression (e.g. "unordered
 * match in sub-expressions") is narrowed down by compiling each rule's expressions alone.
 */
static int
compile_spec(struct wt_match_ruleset *rs, struct wt_match_load_report *rep,
	     const struct match_spec *s, const hs_platform_info_t *plat, hs_database_t **db,
	     int *refused_rule)
{
	hs_compile_error_t *err = NULL;
	char msg[160];

	*db = NULL;
	*refused_rule = -1;
	if (s->n == 0)
		return 0;
	if (hs_compile_multi((const char *const *)s->expr, s->flags, s->ids, s->n, s->mode, plat,
			     db, &err) == HS_SUCCESS)
		return 0;
	if (err && err->expression >= 0 && (uint32_t)err->expression < s->n) {
		*refused_rule = (int)s->rule[err->expression];
		match_disable(rs, rep, s->rule[err->expression], "Hyperscan refused: %s",
			      err->message);
		hs_free_compile_error(err);
		return 0;
	}
	snprintf(msg, sizeof(msg), "%s", err ? err->message : "unknown error");
	hs_free_compile_error(err);
	for (uint32_t b = 0; b < s->n;) {
		uint32_t e = b;
		hs_database_t *one = NULL;

		while (e < s->n && s->rule[e] == s->rule[b])
			e++;
		err = NULL;
		if (hs_compile_multi((const char *const *)s->expr + b, s->flags + b, s->ids + b, e - b,
				     s->mode, plat, &one, &err) != HS_SUCCESS) {
			*refused_rule = (int)s->rule[b];
			match_disable(rs, rep, s->rule[b], "Hyperscan refused: %s",
				      err ? err->message : "unknown error");
		}
		hs_free_compile_error(err);
		hs_free_database(one);
		b = e;
	}
	if (*refused_rule >= 0)
		return 0;
	snprintf(rep->fatal, sizeof(rep->fatal), "Hyperscan compile failed: %s", msg);
	return -EIO;
}

static int
compile_all(struct wt_match_ruleset *rs, struct wt_match_load_report *rep,
	    struct match_spec *kind, const hs_platform_info_t *plat)
{
	int rc, refused;

	/* pcre verification databases: start of match wanted, not required */
	for (uint32_t i = 0; i < rs->n_pcre; i++) {
		struct match_pcre_db *p = &rs->pcre[i];
		const struct match_rule *r = &rs->rules[p->rule];
		const struct match_elem *e = &r->el[p->elem];
		hs_compile_error_t *err = NULL;

		if (r->disabled)
			continue;
		if (hs_compile(e->pcre, e->hs_flags | HS_FLAG_SOM_LEFTMOST, HS_MODE_BLOCK, plat,
			       &p->db, &err) == HS_SUCCESS) {
			p->som = 1;
			continue;
		}
		hs_free_compile_error(err);
		err = NULL;
		if (hs_compile(e->pcre, e->hs_flags, HS_MODE_BLOCK, plat, &p->db, &err) !=
		    HS_SUCCESS) {
			match_disable(rs, rep, p->rule, "Hyperscan refused the pcre: %s",
				      err ? err->message : "unknown error");
			p->db = NULL;
		}
		hs_free_compile_error(err);
	}
	for (unsigned k = 0; k < WT_MATCH_BUF__MAX; k++) {
		for (uint32_t tries = 0;; tries++) {
			struct match_spec s = { .mode = kind[k].mode };

			for (uint32_t i = 0; i < kind[k].n; i++) {
				if (rs->rules[kind[k].rule[i]].disabled)
					continue;
				rc = spec_add(&s, strdup(kind[k].expr[i]), kind[k].flags[i],
					      kind[k].ids[i], kind[k].rule[i]);
				if (rc) {
					spec_free(&s);
					return rc;
				}
			}
			rc = compile_spec(rs, rep, &s, plat, &rs->db[k], &refused);
			spec_free(&s);
			if (rc)
				return rc;
			if (refused < 0)
				break;
			if (tries > rs->n_rules)
				return -EIO;
		}
	}
	return 0;
}

static int
make_scratch(struct wt_match_ruleset *rs, struct wt_match_load_report *rep)
{
	for (unsigned k = 0; k < WT_MATCH_BUF__MAX; k++)
		if (rs->db[k] && hs_alloc_scratch(rs->db[k], &rs->proto) != HS_SUCCESS)
			goto fail;
	for (uint32_t i = 0; i < rs->n_pcre; i++)
		if (rs->pcre[i].db && hs_alloc_scratch(rs->pcre[i].db, &rs->proto) != HS_SUCCESS)
			goto fail;
	if (rs->db[WT_MATCH_BUF_STREAM] &&
	    hs_stream_size(rs->db[WT_MATCH_BUF_STREAM], &rs->stream_size) != HS_SUCCESS)
		goto fail;
	return 0;
fail:
	snprintf(rep->fatal, sizeof(rep->fatal), "Hyperscan scratch allocation failed");
	return -ENOMEM;
}

/*
 * Build every database of @p rs (rules parsed, verdicts in @p rep), from the cache in
 * @p cache_dir when it holds this exact build. @return 0 or a negative errno (rep->fatal says why).
 */
int
match_compile(struct wt_match_ruleset *rs, const char *cache_dir,
	      struct wt_match_load_report *rep)
{
	struct match_spec kind[WT_MATCH_BUF__MAX];
	struct match_spec *pcre = NULL;
	hs_platform_info_t plat;
	struct timespec t0, t1;
	uint32_t np = 0;
	uint8_t key[32];
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(kind, 0, sizeof(kind));
	if (hs_populate_platform(&plat) != HS_SUCCESS) {
		snprintf(rep->fatal, sizeof(rep->fatal), "hs_populate_platform failed");
		return -EIO;
	}
	rc = build_specs(rs, rep, kind, &pcre, &np);
	if (rc)
		goto out;
	rs->n_pcre = np;
	rs->pcre = calloc(np ? np : 1, sizeof(*rs->pcre));
	if (!rs->pcre) {
		rc = -ENOMEM;
		goto out;
	}
	for (uint32_t i = 0; i < np; i++) {
		rs->pcre[i].rule = pcre[i].rule[0];
		for (unsigned j = 0; j < rs->rules[pcre[i].rule[0]].n_el; j++)
			if (rs->rules[pcre[i].rule[0]].el[j].pcre_db == (int)i) {
				rs->pcre[i].elem = j;
				rs->pcre[i].db_min_width = rs->rules[pcre[i].rule[0]].el[j].min_width;
			}
	}
	rep->cache = WT_MATCH_CACHE_OFF;
	if (cache_dir) {
		struct match_cache_in in = { kind, pcre, np, &plat };
		char hex[65];

		match_cache_key(&in, key);
		for (int i = 0; i < 32; i++)
			snprintf(hex + 2 * i, 3, "%02x", key[i]);
		snprintf(rep->cache_path, sizeof(rep->cache_path), "%s/wt-match-%.32s.hsc", cache_dir,
			 hex);
		if (match_cache_load(rep->cache_path, key, rs, rep, rep->cache_msg,
				     sizeof(rep->cache_msg)) == 0) {
			rep->cache = WT_MATCH_CACHE_HIT;
			goto scratch;
		}
	}
	rc = compile_all(rs, rep, kind, &plat);
	if (rc)
		goto out;
	if (cache_dir) {
		mkdir(cache_dir, 0755);
		if (match_cache_store(rep->cache_path, key, rs, rep->cache_msg,
				      sizeof(rep->cache_msg)) == 0)
			rep->cache = WT_MATCH_CACHE_MISS;
		else
			rep->cache = WT_MATCH_CACHE_STORE_FAILED;
	}
scratch:
	for (unsigned k = 0; k < WT_MATCH_BUF__MAX; k++)
		rs->n_per_buf[k] = 0;
	for (uint32_t i = 0; i < rs->n_rules; i++) {
		const struct match_rule *r = &rs->rules[i];

		if (!r->disabled)
			rs->n_per_buf[r->stream ? WT_MATCH_BUF_STREAM : r->fp_buf]++;
	}
	rc = make_scratch(rs, rep);
out:
	for (unsigned k = 0; k < WT_MATCH_BUF__MAX; k++)
		spec_free(&kind[k]);
	for (uint32_t i = 0; i < np; i++)
		spec_free(&pcre[i]);
	free(pcre);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	rep->build_ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	return rc;
}
