/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wt_match_load(): rule files to a compiled ruleset, one verdict per rule. Reads files line by
 * line (comments, blank lines, '\' continuations), parses each rule on its own so a bad rule
 * never stops the load, refuses duplicate (gid, sid), then hands the survivors to the compiler.
 */
#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match_priv.h"

const char *const wt_match_buf_names[WT_MATCH_BUF__MAX] = {
#define _(sym, name) name,
	foreach_wt_match_buf
#undef _
};
const char *const wt_match_app_names[WT_MATCH_APP__MAX] = {
#define _(sym, name) name,
	foreach_wt_match_app
#undef _
};
const char *const wt_match_verdict_names[3] = { "loaded", "skipped", "error" };
const char *const wt_match_cache_names[4] = { "off", "hit", "miss", "store_failed" };

static const char *const default_names[] = {
	"HOME_NET", "EXTERNAL_NET", "HTTP_SERVERS", "SMTP_SERVERS", "SQL_SERVERS", "DNS_SERVERS",
	"TELNET_SERVERS", "AIM_SERVERS", "DC_SERVERS", "DNP3_SERVER", "DNP3_CLIENT",
	"MODBUS_CLIENT", "MODBUS_SERVER", "ENIP_CLIENT", "ENIP_SERVER",
	"HTTP_PORTS", "SHELLCODE_PORTS", "ORACLE_PORTS", "SSH_PORTS", "DNP3_PORTS",
	"MODBUS_PORTS", "FILE_DATA_PORTS", "FTP_PORTS", "GENEVE_PORTS", "VXLAN_PORTS",
	"TEREDO_PORTS", "MQTT_PORTS", "TELNET_PORTS",
};
static const char *const default_values[] = {
	"[192.168.0.0/16,10.0.0.0/8,172.16.0.0/12]", "!$HOME_NET", "$HOME_NET", "$HOME_NET",
	"$HOME_NET", "$HOME_NET", "$HOME_NET", "$EXTERNAL_NET", "$HOME_NET", "$HOME_NET",
	"$HOME_NET", "$HOME_NET", "$HOME_NET", "$HOME_NET", "$HOME_NET",
	"80", "!80", "1521", "22", "20000", "502", "[$HTTP_PORTS,110,143]", "21", "6081", "4789",
	"3544", "[1883,8883]", "23",
};
_Static_assert(WT_ARRAY_SIZE(default_names) == WT_ARRAY_SIZE(default_values), "default vars");
const struct wt_match_vars wt_match_default_vars = {
	default_names, default_values, WT_ARRAY_SIZE(default_names)
};

void
wt_match_report_free(struct wt_match_load_report *rep)
{
	if (!rep)
		return;
	for (uint32_t i = 0; i < rep->nfiles_; i++)
		free(rep->files_[i]);
	free(rep->files_);
	free(rep->verdicts);
	rep->files_ = NULL;
	rep->verdicts = NULL;
	rep->nfiles_ = rep->cap_ = 0;
}

static struct wt_match_rule_verdict *
add_verdict(struct wt_match_load_report *rep, const char *file, uint32_t line)
{
	if (rep->rules == rep->cap_) {
		uint32_t cap = rep->cap_ ? rep->cap_ * 2 : 256;
		struct wt_match_rule_verdict *v = realloc(rep->verdicts, cap * sizeof(*v));

		if (!v)
			return NULL;
		rep->verdicts = v;
		rep->cap_ = cap;
	}
	struct wt_match_rule_verdict *v = &rep->verdicts[rep->rules++];

	memset(v, 0, sizeof(*v));
	v->file = file;
	v->line = line;
	return v;
}

struct loader {
	struct wt_match_ruleset *rs;
	struct wt_match_load_report *rep;
	struct match_parser p;
	uint32_t cap;
};

static int
add_rule(struct loader *L, const char *file, uint32_t line, const char *text, size_t len)
{
	struct wt_match_rule_verdict *v = add_verdict(L->rep, file, line);
	struct match_rule r;
	char why[180];
	int rc;

	if (!v)
		return -ENOMEM;
	memset(&r, 0, sizeof(r));
	rc = match_parse_rule(&L->p, text, len, &r, why, sizeof(why));
	v->sid = r.sid;
	if (rc == MPR_OK) {
		for (uint32_t i = 0; i < L->rs->n_rules; i++) {
			const struct match_rule *o = &L->rs->rules[i];

			if (o->sid == r.sid && o->gid == r.gid) {
				snprintf(why, sizeof(why), "duplicate sid %u (first at %s:%u)", r.sid,
					 o->file, o->line);
				rc = MPR_ERROR;
				break;
			}
		}
	}
	if (rc != MPR_OK) {
		v->verdict = rc == MPR_SKIP ? WT_MATCH_SKIPPED : WT_MATCH_ERROR;
		snprintf(v->msg, sizeof(v->msg), "%s:%u: %s", file, line, why);
		if (rc == MPR_SKIP)
			L->rep->skipped++;
		else
			L->rep->errors++;
		match_rule_clear(&r);
		return 0;
	}
	if (L->rs->n_rules == L->cap) {
		uint32_t cap = L->cap ? L->cap * 2 : 64;
		struct match_rule *nr = realloc(L->rs->rules, cap * sizeof(*nr));

		if (!nr) {
			match_rule_clear(&r);
			return -ENOMEM;
		}
		L->rs->rules = nr;
		L->cap = cap;
	}
	r.file = file;
	r.line = line;
	r.verdict_idx = L->rep->rules - 1;
	L->rs->rules[L->rs->n_rules++] = r;
	v->verdict = WT_MATCH_LOADED;
	L->rep->loaded++;
	return 0;
}

static int
load_file(struct loader *L, const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, *rule = NULL, **nf;
	size_t lcap = 0, rlen = 0, rcap = 0;
	uint32_t lineno = 0, start = 0;
	ssize_t n;
	int rc = 0;

	if (!f) {
		rc = -errno;
		snprintf(L->rep->fatal, sizeof(L->rep->fatal), "%s: %s", path, strerror(errno));
		return rc;
	}
	nf = realloc(L->rep->files_, (L->rep->nfiles_ + 1) * sizeof(*nf));
	if (!nf || !(nf[L->rep->nfiles_] = strdup(path))) {
		if (nf)
			L->rep->files_ = nf;
		fclose(f);
		return -ENOMEM;
	}
	L->rep->files_ = nf;
	const char *fname = nf[L->rep->nfiles_++];

	while ((n = getline(&line, &lcap, f)) >= 0 && rc == 0) {
		size_t len = (size_t)n;
		const char *s = line;

		lineno++;
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		if (rlen == 0) {
			while (len && (*s == ' ' || *s == '\t')) {
				s++;
				len--;
			}
			if (len == 0 || *s == '#')
				continue;
			start = lineno;
		}
		bool cont = len && s[len - 1] == '\\';

		if (cont)
			len--;
		if (rlen + len + 1 > rcap) {
			size_t c = (rlen + len + 1) * 2;
			char *nr = realloc(rule, c);

			if (!nr) {
				rc = -ENOMEM;
				break;
			}
			rule = nr;
			rcap = c;
		}
		memcpy(rule + rlen, s, len);
		rlen += len;
		rule[rlen] = '\0';
		if (cont && rlen <= MATCH_MAX_RULE_TEXT)
			continue;
		rc = add_rule(L, fname, start, rule, rlen);
		rlen = 0;
	}
	if (rc == 0 && rlen)
		rc = add_rule(L, fname, start, rule, rlen);
	free(line);
	free(rule);
	fclose(f);
	return rc;
}

void
wt_match_ruleset_free(struct wt_match_ruleset *rs)
{
	if (!rs)
		return;
	WT_ASSERT(rs->lcores == 0);
	for (uint32_t i = 0; i < rs->n_rules; i++)
		match_rule_clear(&rs->rules[i]);
	free(rs->rules);
	for (unsigned k = 0; k < WT_MATCH_BUF__MAX; k++)
		hs_free_database(rs->db[k]);
	for (uint32_t i = 0; i < rs->n_pcre; i++)
		hs_free_database(rs->pcre[i].db);
	free(rs->pcre);
	hs_free_scratch(rs->proto);
	match_class_free(rs->classes, rs->n_classes);
	free(rs);
}

struct wt_match_ruleset *
wt_match_load_opts(const char *const *files, int n, const struct wt_match_vars *vars,
		   const struct wt_match_load_opts *opts, struct wt_match_load_report *rep)
{
	struct loader L = { 0 };
	char cls[1024], why[300] = "";
	int rc = 0;

	memset(rep, 0, sizeof(*rep));
	if (n <= 0 || !files) {
		snprintf(rep->fatal, sizeof(rep->fatal), "no rule files");
		errno = EINVAL;
		return NULL;
	}
	L.rs = calloc(1, sizeof(*L.rs));
	if (!L.rs) {
		errno = ENOMEM;
		return NULL;
	}
	L.rep = rep;
	if (opts && opts->classification) {
		snprintf(cls, sizeof(cls), "%s", opts->classification);
		rc = match_class_load(cls, &L.rs->classes, &L.rs->n_classes, why, sizeof(why));
	} else {
		char tmp[1024];

		snprintf(tmp, sizeof(tmp), "%s", files[0]);
		snprintf(cls, sizeof(cls), "%s/classification.config", dirname(tmp));
		rc = match_class_load(cls, &L.rs->classes, &L.rs->n_classes, why, sizeof(why));
		if (rc == -ENOENT)
			rc = 0; /* no classification file: classtype is then an error per rule */
	}
	if (rc) {
		snprintf(rep->fatal, sizeof(rep->fatal), "%s", why);
		goto fail;
	}
	L.p.vars = vars;
	L.p.classes = L.rs->classes;
	L.p.n_classes = L.rs->n_classes;
	for (int i = 0; i < n && rc == 0; i++)
		rc = load_file(&L, files[i]);
	if (rc)
		goto fail;
	rc = match_compile(L.rs, opts ? opts->cache_dir : NULL, rep);
	if (rc)
		goto fail;
	return L.rs;
fail:
	if (rc == -ENOMEM && !rep->fatal[0])
		snprintf(rep->fatal, sizeof(rep->fatal), "out of memory");
	wt_match_ruleset_free(L.rs);
	errno = -rc;
	return NULL;
}

struct wt_match_ruleset *
wt_match_load(const char *const *files, int n, const struct wt_match_vars *vars,
	      struct wt_match_load_report *rep)
{
	return wt_match_load_opts(files, n, vars, NULL, rep);
}

void
wt_match_ruleset_info(const struct wt_match_ruleset *rs, struct wt_match_ruleset_info *info)
{
	size_t sz;

	memset(info, 0, sizeof(*info));
	for (uint32_t i = 0; i < rs->n_rules; i++)
		info->rules += !rs->rules[i].disabled;
	memcpy(info->rules_per_buf, rs->n_per_buf, sizeof(info->rules_per_buf));
	for (unsigned k = 0; k < WT_MATCH_BUF__MAX; k++)
		if (rs->db[k] && hs_database_size(rs->db[k], &sz) == HS_SUCCESS)
			info->db_bytes += sz;
	for (uint32_t i = 0; i < rs->n_pcre; i++)
		if (rs->pcre[i].db) {
			info->pcre_dbs++;
			if (hs_database_size(rs->pcre[i].db, &sz) == HS_SUCCESS)
				info->db_bytes += sz;
		}
	info->stream_state_bytes = rs->stream_size;
	if (rs->proto && hs_scratch_size(rs->proto, &sz) == HS_SUCCESS)
		info->scratch_bytes = sz;
}
