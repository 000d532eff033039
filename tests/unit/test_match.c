/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/match: the parser corpus (tests/rules/corpus.rules, one expected verdict per rule), the
 * shipped rules against their vectors (tests/rules/vectors.txt), content semantics in both
 * streaming and block mode, every split point of a stream, sticky buffers, flow direction,
 * multi-buffer rules, thresholds, pass, luhn, the cache, the stream-state pool, fingerprints,
 * and clean traffic (tests/captures/m2m-loopback.pcap) raising nothing. Run from the project root.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "wt_flow.h"
#include "wt_match.h"

int wt_test_match(void);

#define S 1000000000ull
#define MAX_ALERTS 4096

static const uint8_t test_key[32] = "wiretrail-test-key-0123456789abc";

struct rec {
	uint32_t sid;
	uint32_t len;
	uint64_t offset;
	uint8_t buf, dir, partial, action;
	uint32_t severity;
	char head[3], tail[3], fp[33];
	char classtype[48];
};
static struct {
	unsigned int n;
	struct rec a[MAX_ALERTS];
} rec;

static void
on_alert(void *arg, const struct wt_match_alert *a)
{
	(void)arg;
	if (rec.n < MAX_ALERTS) {
		struct rec *r = &rec.a[rec.n];

		r->sid = a->sid;
		r->len = a->len;
		r->offset = a->offset;
		r->buf = a->buf;
		r->dir = a->dir;
		r->partial = a->partial;
		r->action = a->action;
		r->severity = a->severity;
		memcpy(r->head, a->head, 3);
		memcpy(r->tail, a->tail, 3);
		memcpy(r->fp, a->fp, 33);
		snprintf(r->classtype, sizeof(r->classtype), "%s", a->classtype);
	}
	rec.n++;
}

static unsigned int
count_sid(uint32_t sid)
{
	unsigned int c = 0;

	for (unsigned int i = 0; i < rec.n && i < MAX_ALERTS; i++)
		c += rec.a[i].sid == sid;
	return c;
}

/* ---- helpers ---- */

static char tmpdir[64];

static void
make_tmpdir(void)
{
	if (tmpdir[0])
		return;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/wt_match_test.XXXXXX");
	if (!mkdtemp(tmpdir))
		tmpdir[0] = '\0';
}

static const struct wt_match_load_opts base_opts = { "rules/classification.config", NULL };

/* Load rules from a string (written to a temporary file). */
static struct wt_match_ruleset *
load_text(const char *text, struct wt_match_load_report *rep)
{
	static int seq;
	char path[128];
	FILE *f;
	const char *files[1];

	make_tmpdir();
	snprintf(path, sizeof(path), "%s/r%d.rules", tmpdir, seq++);
	f = fopen(path, "w");
	if (!f)
		return NULL;
	fputs(text, f);
	fclose(f);
	files[0] = path;
	return wt_match_load_opts(files, 1, &wt_match_default_vars, &base_opts, rep);
}

static struct wt_match_lcore *
lcore_new(const struct wt_match_ruleset *rs, uint32_t max_flows, uint32_t max_streams)
{
	struct wt_match_lcore_conf c = {
		.max_flows = max_flows,
		.max_streams = max_streams,
		.key = test_key,
		.key_len = 32,
		.on_alert = on_alert,
	};

	return wt_match_lcore_create(rs, &c, 0);
}

static struct wt_match_ctx
ctx_make(uint8_t dir, uint16_t sport, uint16_t dport, uint8_t app)
{
	struct wt_match_ctx c;

	memset(&c, 0, sizeof(c));
	c.ipver = 4;
	c.ipproto = 6;
	c.app = app;
	c.dir = dir;
	c.established = 1;
	c.sport = sport;
	c.dport = dport;
	inet_pton(AF_INET, dir == WT_DIR_TOSERVER ? "10.0.0.1" : "10.0.0.2", c.src_ip);
	inet_pton(AF_INET, dir == WT_DIR_TOSERVER ? "10.0.0.2" : "10.0.0.1", c.dst_ip);
	return c;
}

/* C escapes (\r \n \t \\ \xHH) to bytes. @return length. */
static size_t
unescape(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;

	for (; *s && n < cap; s++) {
		if (*s != '\\' || !s[1]) {
			out[n++] = (uint8_t)*s;
			continue;
		}
		s++;
		switch (*s) {
		case 'r': out[n++] = '\r'; break;
		case 'n': out[n++] = '\n'; break;
		case 't': out[n++] = '\t'; break;
		case 'x': {
			unsigned int v = 0;

			sscanf(s + 1, "%2x", &v);
			out[n++] = (uint8_t)v;
			s += 2;
			break;
		}
		default: out[n++] = (uint8_t)*s; break;
		}
	}
	return n;
}

/* Feed @p data to a stream in segments of @p seg bytes, then close. @return alerts. */
static int
stream_all(struct wt_match_lcore *ml, uint32_t slot, const struct wt_match_ctx *ctx,
	   const uint8_t *data, size_t len, size_t seg, uint64_t ts)
{
	int n = 0, r;

	for (size_t o = 0; o < len; o += seg) {
		r = wt_match_stream_data(ml, slot, ctx->dir, ctx, data + o,
					 (uint32_t)WT_MIN(seg, len - o), ts);
		CU_ASSERT(r >= 0);
		n += r > 0 ? r : 0;
	}
	r = wt_match_stream_close(ml, slot, ctx->dir, ctx, ts);
	CU_ASSERT(r >= 0);
	return n + (r > 0 ? r : 0);
}

static int
buf_kind(const char *name)
{
	for (int k = 0; k < WT_MATCH_BUF__MAX; k++)
		if (strcmp(wt_match_buf_names[k], name) == 0)
			return k;
	return -1;
}

/* ---- parser corpus ---- */

struct expect {
	uint32_t line;
	int verdict;
	char sub[160];
};

static void
test_corpus(void)
{
	static struct expect ex[256];
	const char *path = "tests/rules/corpus.rules";
	const char *files[1] = { path };
	struct wt_match_load_report rep;
	struct wt_match_ruleset *rs;
	unsigned int nex = 0, checked = 0, pending = 0;
	char line[4096];
	uint32_t ln = 0;
	int cont = 0;
	FILE *f = fopen(path, "r");

	CU_ASSERT_FATAL(f != NULL);
	while (fgets(line, sizeof(line), f)) {
		size_t l = strlen(line);

		ln++;
		while (l && (line[l - 1] == '\n' || line[l - 1] == '\r'))
			line[--l] = '\0';
		if (strncmp(line, "# expect: ", 10) == 0) {
			struct expect *e = &ex[nex];
			const char *v = line + 10;

			CU_ASSERT_FATAL(nex < WT_ARRAY_SIZE(ex));
			if (strncmp(v, "loaded", 6) == 0) {
				e->verdict = WT_MATCH_LOADED;
			} else if (strncmp(v, "skipped: ", 9) == 0) {
				e->verdict = WT_MATCH_SKIPPED;
				snprintf(e->sub, sizeof(e->sub), "%.150s", v + 9);
			} else {
				CU_ASSERT_FATAL(strncmp(v, "error: ", 7) == 0);
				e->verdict = WT_MATCH_ERROR;
				snprintf(e->sub, sizeof(e->sub), "%.150s", v + 7);
			}
			pending = 1;
			continue;
		}
		if (l == 0 || line[0] == '#')
			continue;
		if (pending && !cont) {
			ex[nex++].line = ln;
			pending = 0;
		}
		cont = l && line[l - 1] == '\\';
	}
	fclose(f);
	CU_ASSERT(nex >= 50);

	rs = wt_match_load_opts(files, 1, &wt_match_default_vars, &base_opts, &rep);
	CU_ASSERT_FATAL(rs != NULL);
	CU_ASSERT_EQUAL(rep.rules, nex);
	for (uint32_t i = 0; i < rep.rules; i++) {
		const struct wt_match_rule_verdict *v = &rep.verdicts[i];
		const struct expect *e = NULL;

		for (unsigned int j = 0; j < nex; j++)
			if (ex[j].line == v->line)
				e = &ex[j];
		if (!e) {
			printf("\n  corpus: no expectation for line %u\n", v->line);
			CU_FAIL("rule without expectation");
			continue;
		}
		bool ok = v->verdict == e->verdict && (e->sub[0] == '\0' || strstr(v->msg, e->sub));

		/* a skipped/error message always names file:line */
		if (v->verdict != WT_MATCH_LOADED) {
			char loc[64];

			snprintf(loc, sizeof(loc), "corpus.rules:%u: ", v->line);
			ok = ok && strstr(v->msg, loc) != NULL;
		}
		if (!ok)
			printf("\n  corpus line %u: expected %s '%s', got %s '%s'\n", v->line,
			       wt_match_verdict_names[e->verdict], e->sub,
			       wt_match_verdict_names[v->verdict], v->msg);
		CU_ASSERT(ok);
		checked++;
	}
	CU_ASSERT_EQUAL(checked, nex);
	CU_ASSERT(rep.loaded > 0 && rep.skipped > 0 && rep.errors > 0);
	CU_ASSERT_EQUAL(rep.loaded + rep.skipped + rep.errors, rep.rules);
	wt_match_ruleset_free(rs);
	wt_match_report_free(&rep);
}

/* ---- shipped rules against their vectors ---- */

static void
render(const struct rec *r, char *out, size_t cap)
{
	snprintf(out, cap, "sid=%u len=%u off=%llu head=%s tail=%s fp=%s sev=%u", r->sid, r->len,
		 (unsigned long long)r->offset, r->head, r->tail, r->fp, r->severity);
}

static void
test_vectors(void)
{
	const char *files[1] = { "rules/wiretrail-m2m.rules" };
	struct wt_match_load_report rep;
	struct wt_match_ruleset *rs = wt_match_load(files, 1, &wt_match_default_vars, &rep);
	struct wt_match_lcore *ml;
	uint32_t covered[256];
	unsigned int ncov = 0, nvec = 0;
	char line[4096];
	FILE *f;

	CU_ASSERT_FATAL(rs != NULL);
	for (uint32_t i = 0; i < rep.rules; i++)
		if (rep.verdicts[i].verdict != WT_MATCH_LOADED)
			printf("\n  %s\n", rep.verdicts[i].msg);
	CU_ASSERT(rep.rules >= 30);
	CU_ASSERT_EQUAL(rep.loaded, rep.rules);
	ml = lcore_new(rs, 64, 0);
	CU_ASSERT_FATAL(ml != NULL);
	f = fopen("tests/rules/vectors.txt", "r");
	CU_ASSERT_FATAL(f != NULL);
	while (fgets(line, sizeof(line), f)) {
		char buf[64], dir[16];
		unsigned int sid, sp, dp;
		int off = 0;
		uint8_t data[2048];
		size_t len;

		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (sscanf(line, "%u %63s %15s %u %u %n", &sid, buf, dir, &sp, &dp, &off) != 5) {
			CU_FAIL("bad vector line");
			continue;
		}
		len = unescape(line + off, data, sizeof(data));
		int k = buf_kind(buf);
		uint8_t d = strcmp(dir, "toclient") == 0 ? WT_DIR_TOCLIENT : WT_DIR_TOSERVER;
		struct wt_match_ctx c = ctx_make(d, (uint16_t)sp, (uint16_t)dp,
						 k == WT_MATCH_BUF_STREAM ? WT_MATCH_APP_UNKNOWN :
									    WT_MATCH_APP_HTTP);

		CU_ASSERT_FATAL(k >= 0);
		rec.n = 0;
		if (k == WT_MATCH_BUF_STREAM)
			stream_all(ml, nvec % 64, &c, data, len, 7, 1000 * S);
		else
			CU_ASSERT(wt_match_buffer(ml, (enum wt_match_buf)k, &c, data, (uint32_t)len,
						  1000 * S) >= 0);
		if (rec.n != 1 || count_sid(sid) != 1) {
			printf("\n  vector %u: %u alerts:", sid, rec.n);
			for (unsigned int i = 0; i < rec.n; i++)
				printf(" %u", rec.a[i].sid);
		}
		CU_ASSERT_EQUAL(rec.n, 1);
		CU_ASSERT_EQUAL(count_sid(sid), 1);
		/* the alert describes the region; no run of 6 payload bytes appears in it */
		for (unsigned int i = 0; i < rec.n && i < MAX_ALERTS; i++) {
			char out[512];

			render(&rec.a[i], out, sizeof(out));
			if (rec.a[i].len == 0)
				printf("\n  vector %u: empty region\n", sid);
			CU_ASSERT(rec.a[i].len > 0);
			CU_ASSERT(strlen(rec.a[i].fp) == 32);
			for (size_t o = 0; o + 6 <= len; o++) {
				char w[7];

				memcpy(w, data + o, 6);
				w[6] = '\0';
				if (strlen(w) == 6 && strstr(out, w)) {
					printf("\n  vector %u leaks '%s' in '%s'\n", sid, w, out);
					CU_FAIL("raw bytes in alert");
					break;
				}
			}
		}
		if (ncov < WT_ARRAY_SIZE(covered))
			covered[ncov++] = sid;
		nvec++;
	}
	fclose(f);
	/* every shipped rule has a vector */
	for (uint32_t i = 0; i < rep.rules; i++) {
		bool found = false;

		for (unsigned int j = 0; j < ncov; j++)
			found |= covered[j] == rep.verdicts[i].sid;
		if (!found)
			printf("\n  sid %u has no vector\n", rep.verdicts[i].sid);
		CU_ASSERT(found);
		CU_ASSERT(rep.verdicts[i].sid >= 9100000 && rep.verdicts[i].sid <= 9100999);
	}
	wt_match_lcore_free(ml);
	wt_match_ruleset_free(rs);
	wt_match_report_free(&rep);
}

/* ---- content semantics, stream and block ---- */

struct sem_case {
	const char *opts;
	const char *payload;
	int stream, block;   /* expected: 1 match, 0 none */
};

static const struct sem_case sem_cases[] = {
	{ "content:\"abc\";", "xxabcxx", 1, 1 },
	{ "content:\"abc\"; offset:3;", "abcabc", 1, 1 },
	{ "content:\"abc\"; offset:3;", "xabcxx", 0, 0 },
	{ "content:\"abc\"; depth:4;", "xabc", 1, 1 },
	{ "content:\"abc\"; depth:4;", "xxabc", 0, 0 },
	{ "content:\"abc\"; offset:2; depth:4;", "xxxabc", 1, 1 },
	{ "content:\"abc\"; offset:2; depth:4;", "xxxxabc", 0, 0 },
	{ "content:\"ab\"; content:\"cd\"; distance:2;", "abxxcd", 1, 1 },
	{ "content:\"ab\"; content:\"cd\"; distance:2;", "abxcd", 0, 0 },
	{ "content:\"ab\"; content:\"cd\"; within:4;", "abxxcd", 1, 1 },
	{ "content:\"ab\"; content:\"cd\"; within:4;", "abxxxcd", 0, 0 },
	{ "content:\"ab\"; content:\"cd\"; distance:1; within:4;", "abxcd", 1, 1 },
	{ "content:\"ab\"; content:\"cd\"; distance:1; within:4;", "abcd", 0, 0 },
	{ "content:\"ab\"; content:\"cd\"; distance:1; within:4;", "abxxxxcd", 0, 0 },
	{ "content:\"ab\"; content:\"cd\"; within:4;", "abxxxxxab-cd", 1, 1 },
	{ "content:\"SeCrEt\"; nocase;", "xxsecretxx", 1, 1 },
	{ "content:\"SeCrEt\";", "xxsecretxx", 0, 0 },
	{ "content:\"user\"; content:!\"admin\";", "user=bob", 1, 1 },
	{ "content:\"user\"; content:!\"admin\";", "admin:user=bob", 0, 0 },
	{ "content:\"key=\"; content:!\"none\"; distance:0; within:4;", "key=none;;", 0, 0 },
	{ "content:\"key=\"; content:!\"none\"; distance:0; within:4;", "key=abcd;;", 1, 1 },
	{ "content:\"x\"; content:!\"zz\"; depth:4;", "abzzx-----", 0, 0 },
	{ "content:\"x\"; content:!\"zz\"; depth:4;", "abcdxzz---", 1, 1 },
	{ "pcre:\"/id=[0-9]+\\;/\";", "x id=42; y", 1, 1 },
	{ "pcre:\"/id=[0-9]+\\;/\";", "x id=x; y", 0, 0 },
	{ "content:\"tok=\"; pcre:\"/^[a-f]{4}/R\";", "tok=abcd", 1, 1 },
	{ "content:\"tok=\"; pcre:\"/^[a-f]{4}/R\";", "tok=xabcd", 0, 0 },
	{ "content:\"tok=\"; pcre:\"/[a-f]{4}/R\";", "abcd tok=xabcd", 1, 1 },
	{ "pcre:\"/select/i\";", "SELECT 1", 1, 1 },
	{ "content:\"GET\"; startswith;", "GET /", 1, 1 },
	{ "content:\"GET\"; startswith;", " GET /", 0, 0 },
	{ "content:\"a1\"; content:\"b2\"; distance:0; content:\"c3\"; distance:0;", "a1b2c3", 1, 1 },
	{ "content:\"a1\"; content:\"b2\"; distance:0; content:\"c3\"; distance:0;", "a1c3b2", 0, 0 },
	{ "content:\"|00 01|x\";", "\\x00\\x01x", 1, 1 },
	{ "pcre:\"/[0-9]{16}/\"; luhn;", "n=4111111111111111;", 1, 1 },
	{ "pcre:\"/[0-9]{16}/\"; luhn;", "n=4111111111111112;", 0, 0 },
	{ "content:\"foo\"; content:\"bar\";", "bar..foo", 1, 1 },
	{ "content:\"foo\"; content:\"bar\";", "foo", 0, 0 },
	{ "pcre:\"/k[0-9]/\"; content:\"v\"; distance:0; within:2;", "k1xv", 1, 1 },
	{ "pcre:\"/k[0-9]/\"; content:\"v\"; distance:0; within:2;", "k1xxv", 0, 0 },
	{ "content:\"ab\"; content:\"cd\"; distance:0; within:3; content:\"ef\"; distance:0;",
	  "abXcdYYef", 1, 1 },
	{ "content:\"ab\"; isdataat:3,relative;", "abxyz", 1, 1 },
	{ "content:\"ab\"; isdataat:3,relative;", "abxy", 0, 0 },
	{ "isdataat:4; content:\"ab\";", "abcde", 1, 1 },
	{ "isdataat:4; content:\"ab\";", "abcd", 0, 0 },
};

static void
test_semantics(void)
{
	char *text = calloc(1, 64 * 1024);
	size_t o = 0;
	struct wt_match_load_report rep;
	struct wt_match_ruleset *rs;
	struct wt_match_lcore *ml;
	unsigned int n = WT_ARRAY_SIZE(sem_cases);

	CU_ASSERT_FATAL(text != NULL);
	for (unsigned int i = 0; i < n; i++) {
		o += (size_t)snprintf(text + o, 64 * 1024 - o,
				      "alert tcp any any -> any any (msg:\"s%u\"; %s sid:%u;)\n", i,
				      sem_cases[i].opts, 1000 + i);
		o += (size_t)snprintf(text + o, 64 * 1024 - o,
				      "alert http any any -> any any (msg:\"b%u\"; http.uri; %s sid:%u;)\n",
				      i, sem_cases[i].opts, 2000 + i);
	}
	rs = load_text(text, &rep);
	free(text);
	CU_ASSERT_FATAL(rs != NULL);
	for (uint32_t i = 0; i < rep.rules; i++)
		if (rep.verdicts[i].verdict != WT_MATCH_LOADED)
			printf("\n  %s\n", rep.verdicts[i].msg);
	CU_ASSERT_EQUAL(rep.loaded, 2 * n);
	ml = lcore_new(rs, 256, 0);
	CU_ASSERT_FATAL(ml != NULL);
	for (unsigned int i = 0; i < n; i++) {
		uint8_t data[256];
		size_t len = unescape(sem_cases[i].payload, data, sizeof(data));
		struct wt_match_ctx c = ctx_make(WT_DIR_TOSERVER, 40000, 80, WT_MATCH_APP_HTTP);

		for (size_t seg = 1; seg <= len; seg = seg < 3 ? seg + 1 : len) {
			rec.n = 0;
			stream_all(ml, i, &c, data, len, seg, 1000 * S);
			if ((count_sid(1000 + i) != 0) != (sem_cases[i].stream != 0))
				printf("\n  stream case %u (%s on '%s', segments of %zu): got %u\n", i,
				       sem_cases[i].opts, sem_cases[i].payload, seg, count_sid(1000 + i));
			CU_ASSERT_EQUAL(count_sid(1000 + i), (unsigned int)sem_cases[i].stream);
			if (seg == len)
				break;
		}
		rec.n = 0;
		CU_ASSERT(wt_match_buffer(ml, WT_MATCH_BUF_HTTP_URI, &c, data, (uint32_t)len,
					  1000 * S) >= 0);
		if ((count_sid(2000 + i) != 0) != (sem_cases[i].block != 0))
			printf("\n  block case %u (%s on '%s'): got %u\n", i, sem_cases[i].opts,
			       sem_cases[i].payload, count_sid(2000 + i));
		CU_ASSERT_EQUAL(count_sid(2000 + i), (unsigned int)sem_cases[i].block);
	}
	wt_match_lcore_free(ml);
	wt_match_ruleset_free(rs);
	wt_match_report_free(&rep);
}

/* ---- every split point of a 200-byte payload ---- */

static void
test_split(void)
{
	const char *rules =
		"alert tcp any any -> any any (msg:\"chain\"; content:\"needle-alpha\"; "
		"content:\"needle-omega\"; distance:5; within:40; pcre:\"/^[0-9]{6}/R\"; sid:1;)\n"
		"alert tcp any any -> any any (msg:\"key\"; pcre:\"/AKIA[0-9A-Z]{16}/\"; sid:2;)\n";
	struct wt_match_load_report rep;
	struct wt_match_ruleset *rs = load_text(rules, &rep);
	struct wt_match_lcore *ml;
	uint8_t p[200];
	char fp1[33] = "", fp2[33] = "";
	uint64_t off1 = 0, off2 = 0;
	unsigned int bad = 0;

	CU_ASSERT_FATAL(rs != NULL);
	CU_ASSERT_EQUAL(rep.loaded, 2);
	ml = lcore_new(rs, 4, 0);
	CU_ASSERT_FATAL(ml != NULL);
	memset(p, '.', sizeof(p));
	memcpy(p + 40, "needle-alpha", 12);
	memcpy(p + 40 + 12 + 10, "needle-omega", 12);
	memcpy(p + 40 + 12 + 10 + 12, "123456", 6);
	memcpy(p + 150, "AKIAIOSFODNN7EXAMPLE", 20);
	struct wt_match_ctx c = ctx_make(WT_DIR_TOSERVER, 40000, 80, WT_MATCH_APP_UNKNOWN);

	/* reference: one segment */
	rec.n = 0;
	stream_all(ml, 0, &c, p, sizeof(p), sizeof(p), 0);
	CU_ASSERT_EQUAL(rec.n, 2);
	for (unsigned int i = 0; i < rec.n; i++) {
		if (rec.a[i].sid == 1) {
			memcpy(fp1, rec.a[i].fp, 33);
			off1 = rec.a[i].offset;
			CU_ASSERT_EQUAL(rec.a[i].len, 6);
		} else {
			memcpy(fp2, rec.a[i].fp, 33);
			off2 = rec.a[i].offset;
			CU_ASSERT_EQUAL(rec.a[i].len, 20);
			CU_ASSERT_STRING_EQUAL(rec.a[i].head, "AK");
			CU_ASSERT_STRING_EQUAL(rec.a[i].tail, "LE");
		}
	}
	CU_ASSERT_EQUAL(off1, 74);
	CU_ASSERT_EQUAL(off2, 150);
	/* every split point: same alerts, same regions */
	for (uint32_t s = 1; s < sizeof(p); s++) {
		int n;

		rec.n = 0;
		n = wt_match_stream_data(ml, 1, 0, &c, p, s, 0);
		n += wt_match_stream_data(ml, 1, 0, &c, p + s, (uint32_t)(sizeof(p) - s), 0);
		n += wt_match_stream_close(ml, 1, 0, &c, 0);
		if (n != 2 || count_sid(1) != 1 || count_sid(2) != 1) {
			bad++;
			continue;
		}
		for (unsigned int i = 0; i < rec.n; i++) {
			const char *want = rec.a[i].sid == 1 ? fp1 : fp2;
			uint64_t wo = rec.a[i].sid == 1 ? off1 : off2;

			if (strcmp(rec.a[i].fp, want) != 0 || rec.a[i].offset != wo || rec.a[i].partial)
				bad++;
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
	/* three segments around the chain, every pair of cut points 3 bytes apart */
	for (uint32_t s1 = 30; s1 < 90; s1 += 3)
		for (uint32_t s2 = s1 + 1; s2 < 100; s2 += 3) {
			rec.n = 0;
			wt_match_stream_data(ml, 2, 0, &c, p, s1, 0);
			wt_match_stream_data(ml, 2, 0, &c, p + s1, s2 - s1, 0);
			wt_match_stream_data(ml, 2, 0, &c, p + s2, (uint32_t)(sizeof(p) - s2), 0);
			wt_match_stream_close(ml, 2, 0, &c, 0);
			if (count_sid(1) != 1 || count_sid(2) != 1)
				bad++;
		}
	CU_ASSERT_EQUAL(bad, 0);
	/* the same chain with omega out of the window: no alert at any split */
	memset(p + 40, '.', 50);
	memcpy(p + 40, "needle-alpha", 12);
	memcpy(p + 40 + 12 + 40, "needle-omega123456", 18);
	for (uint32_t s = 1; s < sizeof(p); s++) {
		rec.n = 0;
		wt_match_stream_data(ml, 3, 0, &c, p, s, 0);
		wt_match_stream_data(ml, 3, 0, &c, p + s, (uint32_t)(sizeof(p) - s), 0);
		wt_match_stream_close(ml, 3, 0, &c, 0);
		bad += count_sid(1);
	}
	CU_ASSERT_EQUAL(bad, 0);
	wt_match_lcore_free(ml);
	wt_match_ruleset_free(rs);
	wt_match_report_free(&rep);
}

/* ---- sticky buffers ---- */

static void
test_sticky(void)
{
	char text[8192];
	size_t o = 0;
	struct wt_match_load_report rep;
	struct wt_match_ruleset *rs;
	struct wt_match_lcore *ml;

	for (int k = 1; k < WT_MATCH_BUF__MAX; k++)
		o += (size_t)snprintf(text + o, sizeof(text) - o,
				      "alert tcp any any -> any any (msg:\"%s\"; %s; content:\"needle\"; "
				      "sid:%d;)\n", wt_match_buf_names[k], wt_match_buf_names[k], 100 + k);
	snprintf(text + o, sizeof(text) - o,
		 "alert tcp any any -> any any (msg:\"raw\"; content:\"needle\"; sid:99;)\n");
	rs = load_text(text, &rep);
	CU_ASSERT_FATAL(rs != NULL);
	CU_ASSERT_EQUAL(rep.loaded, WT_MATCH_BUF__MAX);
	ml = lcore_new(rs, 4, 0);
	CU_ASSERT_FATAL(ml != NULL);
	for (int k = 1; k < WT_MATCH_BUF__MAX; k++) {
		bool resp = k == WT_MATCH_BUF_HTTP_STAT_CODE || k == WT_MATCH_BUF_HTTP_RESPONSE_BODY;
		struct wt_match_ctx c = ctx_make(resp ? WT_DIR_TOCLIENT : WT_DIR_TOSERVER, 40000, 80,
						 WT_MATCH_APP_HTTP);

		rec.n = 0;
		CU_ASSERT_EQUAL(wt_match_buffer(ml, (enum wt_match_buf)k, &c,
						(const uint8_t *)"xxneedlexx", 10, 0), 1);
		CU_ASSERT_EQUAL(rec.n, 1);
		CU_ASSERT_EQUAL(count_sid((uint32_t)(100 + k)), 1);
		if (rec.n)
			CU_ASSERT_EQUAL(rec.a[0].buf, k);
		/* a request buffer seen in the response direction (and the reverse) is not inspected */
		if (k != WT_MATCH_BUF_HTTP_HEADER && k <= WT_MATCH_BUF_HTTP_STAT_CODE) {
			c = ctx_make(resp ? WT_DIR_TOSERVER : WT_DIR_TOCLIENT, 40000, 80, WT_MATCH_APP_HTTP);
			rec.n = 0;
			CU_ASSERT_EQUAL(wt_match_buffer(ml, (enum wt_match_buf)k, &c,
							(const uint8_t *)"xxneedlexx", 10, 0), 0);
		}
	}
	struct wt_match_ctx c = ctx_make(WT_DIR_TOSERVER, 40000, 80, WT_MATCH_APP_UNKNOWN);

	rec.n = 0;
	stream_all(ml, 0, &c, (const uint8_t *)"xxneedlexx", 10, 10, 0);
	CU_ASSERT_EQUAL(rec.n, 1);
	CU_ASSERT_EQUAL(count_sid(99), 1);
	/* bad calls */
	CU_ASSERT_EQUAL(wt_match_buffer(ml, WT_MATCH_BUF_STREAM, &c, (const uint8_t *)"x", 1, 0),
			-EINVAL);
	CU_ASSERT_EQUAL(wt_match_stream_data(ml, 4, 0, &c, (const uint8_t *)"x", 1, 0), -EINVAL);
	wt_match_lcore_free(ml);
	wt_match_ruleset_free(rs);
	wt_match_report_free(&rep);
}

/* ---- flow keyword, protocol, addresses, ports ---- */

static void
test_header(void)
{
	const char *rules =
		"alert tcp any any -> any 80 (msg:\"ts\"; flow:to_server; content:\"ping\"; sid:1;)\n"
		"alert tcp any 80 -> any any (msg:\"tc\"; flow:to_client; content:\"pong\"; sid:2;)\n"
		"alert tcp any any -> any any (msg:\"est\"; flow:established; content:\"est!\"; sid:3;)\n"
		"alert tcp any any -> any any (msg:\"new\"; flow:not_established; content:\"new!\"; sid:4;)\n"
		"alert tcp 10.0.0.1 any <> 10.0.0.2 any (msg:\"bi\"; content:\"bidi\"; sid:5;)\n"
		"alert tcp !10.0.0.0/8 any -> any any (msg:\"ext\"; content:\"ext!\"; sid:6;)\n"
		"alert tcp any any -> any [8000:8100,!8080] (msg:\"pg\"; content:\"port\"; sid:7;)\n"
		"alert udp any any -> any any (msg:\"udp\"; content:\"dgram\"; sid:8;)\n"
		"alert http any any -> any any (msg:\"app\"; content:\"app!\"; sid:9;)\n";
	struct wt_match_load_report rep;
	struct wt_match_ruleset *rs = load_text(rules, &rep);
	struct wt_match_lcore *ml;
	struct wt_match_ctx ts = ctx_make(WT_DIR_TOSERVER, 40000, 80, WT_MATCH_APP_UNKNOWN);
	struct wt_match_ctx tc = ctx_make(WT_DIR_TOCLIENT, 80, 40000, WT_MATCH_APP_UNKNOWN);
	uint32_t slot = 0;

	CU_ASSERT_FATAL(rs != NULL);
	CU_ASSERT_EQUAL(rep.loaded, 9);
	ml = lcore_new(rs, 64, 0);
	CU_ASSERT_FATAL(ml != NULL);
#define RUN(ctx, s) (rec.n = 0, stream_all(ml, slot++ % 64, &(ctx), (const uint8_t *)(s), \
					      strlen(s), 3, 0))
	CU_ASSERT_EQUAL(RUN(ts, "ping"), 1);
	CU_ASSERT_EQUAL(RUN(tc, "ping"), 0);
	CU_ASSERT_EQUAL(RUN(tc, "pong"), 1);
	CU_ASSERT_EQUAL(RUN(ts, "pong"), 0);
	CU_ASSERT_EQUAL(RUN(ts, "est!"), 1);
	ts.established = 0;
	CU_ASSERT_EQUAL(RUN(ts, "est!"), 0);
	CU_ASSERT_EQUAL(RUN(ts, "new!"), 1);
	ts.established = 1;
	CU_ASSERT_EQUAL(RUN(ts, "new!"), 0);
	CU_ASSERT_EQUAL(RUN(ts, "bidi"), 1);
	CU_ASSERT_EQUAL(RUN(tc, "bidi"), 1);
	CU_ASSERT_EQUAL(RUN(ts, "ext!"), 0);
	struct wt_match_ctx ext = ts;

	inet_pton(AF_INET, "192.0.2.7", ext.src_ip);
	CU_ASSERT_EQUAL(RUN(ext, "ext!"), 1);
	CU_ASSERT_EQUAL(RUN(ext, "bidi"), 0);
	ts.dport = 8050;
	CU_ASSERT_EQUAL(RUN(ts, "port"), 1);
	ts.dport = 8080;
	CU_ASSERT_EQUAL(RUN(ts, "port"), 0);
	ts.dport = 9000;
	CU_ASSERT_EQUAL(RUN(ts, "port"), 0);
	CU_ASSERT_EQUAL(RUN(ts, "dgram"), 0);
	ts.ipproto = 17;
	CU_ASSERT_EQUAL(RUN(ts, "dgram"), 1);
	ts.ipproto = 6;
	CU_ASSERT_EQUAL(RUN(ts, "app!"), 0);
	ts.app = WT_MATCH_APP_HTTP;
	CU_ASSERT_EQUAL(RUN(ts, "app!"), 1);
#undef RUN
	wt_match_lcore_free(ml);
	wt_match_ruleset_free(rs);
	wt_match_report_free(&rep);
}

/* ---- rules over several buffers of one transaction ---- */

static void
test_multibuf(void)
{
	const char *rules =
		"alert http any any -> any any (msg:\"uri+status\"; http.uri; content:\"/a\"; "
		"http.stat_code; content:\"500\"; sid:1;)\n"
		"alert http any any -> any any (msg:\"uri\"; http.uri; content:\"/a\"; sid:2;)\n"
		"alert http any any -> any any (msg:\"method+uri\"; http.method; content:\"GET\"; "
		"http.uri; content:\"/a\"; sid:3;)\n"
		"alert http any any -> any any (msg:\"method+ua\"; http.method; content:\"GET\"; "
		"http.user_agent; content:\"curl\"; sid:4;)\n";
	struct wt_match_load_report rep;
	struct wt_match_ruleset *rs = load_text(rules, &rep);
	struct wt_match_lcore *ml;
	struct wt_match_bufs b;

	CU_ASSERT_FATAL(rs != NULL);
	CU_ASSERT_EQUAL(rep.loaded, 4);
	ml = lcore_new(rs, 4, 0);
	CU_ASSERT_FATAL(ml != NULL);
	memset(&b, 0, sizeof(b));
	b.data[WT_MATCH_BUF_HTTP_METHOD] = (const uint8_t *)"GET";
	b.len[WT_MATCH_BUF_HTTP_METHOD] = 3;
	b.data[WT_MATCH_BUF_HTTP_URI] = (const uint8_t *)"/a/b";
	b.len[WT_MATCH_BUF_HTTP_URI] = 4;
	b.present = b.fresh = (1u << WT_MATCH_BUF_HTTP_METHOD) | (1u << WT_MATCH_BUF_HTTP_URI);
	struct wt_match_ctx ts = ctx_make(WT_DIR_TOSERVER, 40000, 80, WT_MATCH_APP_HTTP);
	struct wt_match_ctx tc = ctx_make(WT_DIR_TOCLIENT, 80, 40000, WT_MATCH_APP_HTTP);

	rec.n = 0;
	CU_ASSERT_EQUAL(wt_match_buffers(ml, &ts, &b, 0), 2);
	CU_ASSERT_EQUAL(count_sid(2), 1);
	CU_ASSERT_EQUAL(count_sid(3), 1);
	/* the response: the status is new, the request's buffers still present */
	b.data[WT_MATCH_BUF_HTTP_STAT_CODE] = (const uint8_t *)"500";
	b.len[WT_MATCH_BUF_HTTP_STAT_CODE] = 3;
	b.present |= 1u << WT_MATCH_BUF_HTTP_STAT_CODE;
	b.fresh = 1u << WT_MATCH_BUF_HTTP_STAT_CODE;
	rec.n = 0;
	CU_ASSERT_EQUAL(wt_match_buffers(ml, &tc, &b, 0), 1);
	CU_ASSERT_EQUAL(count_sid(1), 1);
	/* a missing buffer: the rule is not evaluated */
	b.data[WT_MATCH_BUF_HTTP_USER_AGENT] = (const uint8_t *)"curl/8";
	b.len[WT_MATCH_BUF_HTTP_USER_AGENT] = 6;
	b.present = b.fresh = 1u << WT_MATCH_BUF_HTTP_USER_AGENT;
	rec.n = 0;
	CU_ASSERT_EQUAL(wt_match_buffers(ml, &ts, &b, 0), 0);
	b.present = b.fresh |= 1u << WT_MATCH_BUF_HTTP_METHOD;
	rec.n = 0;
	CU_ASSERT_EQUAL(wt_match_buffers(ml, &ts, &b, 0), 1);
	CU_ASSERT_EQUAL(count_sid(4), 1);
	b.fresh = 1u << WT_MATCH_BUF_HTTP_STAT_CODE; /* not present */
	CU_ASSERT_EQUAL(wt_match_buffers(ml, &ts, &b, 0), -EINVAL);
	wt_match_lcore_free(ml);
	wt_match_ruleset_free(rs);
	wt_match_report_free(&rep);
}

/* ---- threshold / detection_filter ---- */

static unsigned int
hits(struct wt_match_lcore *ml, const char *uri, const char *src, int n, uint64_t t0,
     uint64_t step)
{
	struct wt_match_ctx c = ctx_make(WT_DIR_TOSERVER, 40000, 80, WT_MATCH_APP_HTTP);
	unsigned int a = 0;

	inet_pton(AF_INET, src, c.src_ip);
	for (int i = 0; i < n; i++) {
		int r = wt_match_buffer(ml, WT_MATCH_BUF_HTTP_URI, &c, (const uint8_t *)uri,
					(uint32_t)strlen(uri), t0 + (uint64_t)i * step);

		a += r > 0 ? (unsigned int)r : 0;
	}
	return a;
}

static void
test_threshold(void)
{
	const char *rules =
		"alert http any any -> any any (msg:\"limit\"; http.uri; content:\"/lim\"; "
		"threshold:type limit, track by_src, count 2, seconds 60; sid:1;)\n"
		"alert http any any -> any any (msg:\"threshold\"; http.uri; content:\"/thr\"; "
		"threshold:type threshold, track by_dst, count 3, seconds 60; sid:2;)\n"
		"alert http any any -> any any (msg:\"both\"; http.uri; content:\"/both\"; "
		"threshold:type both, track by_rule, count 3, seconds 60; sid:3;)\n"
		"alert http any any -> any any (msg:\"df\"; http.uri; content:\"/df\"; "
		"detection_filter:track by_src, count 2, seconds 60; sid:4;)\n"
		"alert tcp any any -> any any (msg:\"stream limit\"; content:\"slim\"; "
		"threshold:type limit, track by_rule, count 1, seconds 60; sid:5;)\n";
	struct wt_match_load_report rep;
	struct wt_match_ruleset *rs = load_text(rules, &rep);
	struct wt_match_lcore *ml;
	struct wt_match_stats st;

	CU_ASSERT_FATAL(rs != NULL);
	CU_ASSERT_EQUAL(rep.loaded, 5);
	ml = lcore_new(rs, 8, 0);
	CU_ASSERT_FATAL(ml != NULL);
	CU_ASSERT_EQUAL(hits(ml, "/lim", "10.1.1.1", 5, 100 * S, S), 2);
	CU_ASSERT_EQUAL(hits(ml, "/lim", "10.1.1.2", 5, 100 * S, S), 2);  /* another source */
	CU_ASSERT_EQUAL(hits(ml, "/lim", "10.1.1.1", 5, 170 * S, S), 2);  /* next window */
	CU_ASSERT_EQUAL(hits(ml, "/thr", "10.1.1.1", 7, 100 * S, S), 2);  /* 3rd and 6th */
	CU_ASSERT_EQUAL(hits(ml, "/both", "10.1.1.1", 7, 100 * S, S), 1);
	CU_ASSERT_EQUAL(hits(ml, "/both", "10.9.9.9", 3, 110 * S, S), 0); /* by_rule: same window */
	CU_ASSERT_EQUAL(hits(ml, "/df", "10.1.1.1", 5, 100 * S, S), 3);   /* after the 2nd */
	CU_ASSERT_EQUAL(hits(ml, "/df", "10.1.1.3", 2, 100 * S, S), 0);
	/* streams: one alert per rule per flow direction, threshold across flows */
	struct wt_match_ctx c = ctx_make(WT_DIR_TOSERVER, 40000, 80, WT_MATCH_APP_UNKNOWN);
	unsigned int a = 0;

	for (uint32_t f = 0; f < 3; f++)
		a += (unsigned int)stream_all(ml, f, &c, (const uint8_t *)"slim slim slim", 14, 5,
					      200 * S);
	CU_ASSERT_EQUAL(a, 1);
	wt_match_stats_get(ml, &st);
	CU_ASSERT(st.cnt[WT_MATCH_CNT_THRESHOLD_SUPPRESSED] > 0);
	wt_match_lcore_free(ml);
	wt_match_ruleset_free(rs);
	wt_match_report_free(&rep);
}

/* ---- pass rules ---- */

static void
test_pass(void)
{
	const char *rules =
		"pass tcp 10.0.0.9 any -> any any (msg:\"trusted\"; content:\"trusted\"; sid:1;)\n"
		"alert tcp any any -> any any (msg:\"secret\"; content:\"secret\"; sid:2;)\n"
		"pass http 10.0.0.9 any -> any any (msg:\"trusted uri\"; http.uri; content:\"/ok\"; sid:3;)\n"
		"alert http any any -> any any (msg:\"admin uri\"; http.uri; content:\"/admin\"; sid:4;)\n";
	struct wt_match_load_report rep;
	struct wt_match_ruleset *rs = load_text(rules, &rep);
	struct wt_match_lcore *ml;
	struct wt_match_stats st;
	struct wt_match_ctx c = ctx_make(WT_DIR_TOSERVER, 40000, 80, WT_MATCH_APP_HTTP);

	CU_ASSERT_FATAL(rs != NULL);
	ml = lcore_new(rs, 4, 0);
	CU_ASSERT_FATAL(ml != NULL);
	inet_pton(AF_INET, "10.0.0.9", c.src_ip);
	rec.n = 0;
	CU_ASSERT_EQUAL(wt_match_stream_data(ml, 0, 0, &c, (const uint8_t *)"trusted secret", 14, 0),
			0);
	CU_ASSERT_EQUAL(wt_match_stream_data(ml, 0, 0, &c, (const uint8_t *)" secret", 7, 0), 0);
	CU_ASSERT_EQUAL(wt_match_stream_close(ml, 0, 0, &c, 0), 0);
	CU_ASSERT_EQUAL(rec.n, 0);
	wt_match_stats_get(ml, &st);
	CU_ASSERT_EQUAL(st.cnt[WT_MATCH_CNT_PASS_MATCHES], 1);
	CU_ASSERT_EQUAL(st.cnt[WT_MATCH_CNT_PASSED_BYTES], 7);
	CU_ASSERT_EQUAL(st.streams_in_use, 0);
	/* the slot serves a new flow from elsewhere: alerts again */
	inet_pton(AF_INET, "10.0.0.8", c.src_ip);
	CU_ASSERT_EQUAL(stream_all(ml, 0, &c, (const uint8_t *)"trusted secret", 14, 14, 0), 1);
	inet_pton(AF_INET, "10.0.0.9", c.src_ip);
	CU_ASSERT_EQUAL(wt_match_buffer(ml, WT_MATCH_BUF_HTTP_URI, &c,
					(const uint8_t *)"/admin/ok", 9, 0), 0);
	inet_pton(AF_INET, "10.0.0.8", c.src_ip);
	CU_ASSERT_EQUAL(wt_match_buffer(ml, WT_MATCH_BUF_HTTP_URI, &c,
					(const uint8_t *)"/admin/ok", 9, 0), 1);
	wt_match_lcore_free(ml);
	wt_match_ruleset_free(rs);
	wt_match_report_free(&rep);
}

/* ---- fingerprint and redaction ---- */

static void
test_fingerprint(void)
{
	const char *rules =
		"alert tcp any any -> any any (msg:\"key\"; pcre:\"/AKIA[0-9A-Z]{16}/\"; sid:1;)\n"
		"alert http any any -> any any (msg:\"pw\"; http.uri; content:\"pw=\"; "
		"pcre:\"/^[^&]+/R\"; sid:2;)\n"
		"alert tcp any any -> any any (msg:\"short\"; content:\"abc\"; sid:3;)\n";
	const char *secret = "AKIAIOSFODNN7EXAMPLE";
	struct wt_match_load_report rep;
	struct wt_match_ruleset *rs = load_text(rules, &rep);
	struct wt_match_lcore *ml;
	struct wt_match_ctx c = ctx_make(WT_DIR_TOSERVER, 40000, 80, WT_MATCH_APP_HTTP);
	uint8_t mac[32];
	unsigned int maclen = 32;
	char hex[33];

	CU_ASSERT_FATAL(rs != NULL);
	ml = lcore_new(rs, 4, 0);
	CU_ASSERT_FATAL(ml != NULL);
	HMAC(EVP_sha256(), test_key, 32, (const uint8_t *)secret, 20, mac, &maclen);
	for (int i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", mac[i]);
	rec.n = 0;
	stream_all(ml, 0, &c, (const uint8_t *)"k=AKIAIOSFODNN7EXAMPLE;", 23, 5, 0);
	CU_ASSERT_EQUAL_FATAL(rec.n, 1);
	CU_ASSERT_STRING_EQUAL(rec.a[0].fp, hex);
	CU_ASSERT_EQUAL(rec.a[0].len, 20);
	CU_ASSERT_EQUAL(rec.a[0].offset, 2);
	CU_ASSERT_STRING_EQUAL(rec.a[0].head, "AK");
	CU_ASSERT_STRING_EQUAL(rec.a[0].tail, "LE");
	/* block region: the pcre after pw= */
	rec.n = 0;
	CU_ASSERT_EQUAL(wt_match_buffer(ml, WT_MATCH_BUF_HTTP_URI, &c,
					(const uint8_t *)"/x?pw=hunter22&y=1", 18, 0), 1);
	CU_ASSERT_EQUAL(rec.a[0].len, 1); /* shortest match of [^&]+: described as seen */
	/* short regions show no characters */
	rec.n = 0;
	stream_all(ml, 1, &c, (const uint8_t *)"xxabcxx", 7, 7, 0);
	CU_ASSERT_EQUAL_FATAL(rec.n, 1);
	CU_ASSERT_STRING_EQUAL(rec.a[0].head, "");
	CU_ASSERT_EQUAL(rec.a[0].len, 3);
	/* another key, another fingerprint */
	struct wt_match_lcore_conf k2 = { .max_flows = 4, .key = (const uint8_t *)"other", .key_len = 5,
					  .on_alert = on_alert };
	struct wt_match_lcore *ml2 = wt_match_lcore_create(rs, &k2, 0);

	CU_ASSERT_FATAL(ml2 != NULL);
	rec.n = 0;
	stream_all(ml2, 0, &c, (const uint8_t *)"k=AKIAIOSFODNN7EXAMPLE;", 23, 23, 0);
	CU_ASSERT_EQUAL_FATAL(rec.n, 1);
	CU_ASSERT_STRING_NOT_EQUAL(rec.a[0].fp, hex);
	wt_match_lcore_free(ml2);
	wt_match_lcore_free(ml);
	wt_match_ruleset_free(rs);
	wt_match_report_free(&rep);
}

/* ---- the stream-state pool ---- */

static void
test_pool(void)
{
	const char *rules = "alert tcp any any -> any any (msg:\"x\"; content:\"zzz\"; sid:1;)\n";
	struct wt_match_load_report rep;
	struct wt_match_ruleset *rs = load_text(rules, &rep);
	struct wt_match_lcore *ml;
	struct wt_match_stats st;
	struct wt_match_ruleset_info info;
	struct wt_match_ctx c = ctx_make(WT_DIR_TOSERVER, 40000, 80, WT_MATCH_APP_UNKNOWN);
	struct wt_match_lcore_conf bad = { .max_flows = 0, .key = test_key, .key_len = 32 };

	CU_ASSERT_FATAL(rs != NULL);
	errno = 0;
	CU_ASSERT_PTR_NULL(wt_match_lcore_create(rs, &bad, 0));
	CU_ASSERT_EQUAL(errno, EINVAL);
	bad.max_flows = 4;
	bad.key_len = 65;
	CU_ASSERT_PTR_NULL(wt_match_lcore_create(rs, &bad, 0));
	bad.key_len = 32;
	bad.threshold_slots = 100;
	CU_ASSERT_PTR_NULL(wt_match_lcore_create(rs, &bad, 0));
	ml = lcore_new(rs, 8, 3);
	CU_ASSERT_FATAL(ml != NULL);
	for (uint32_t s = 0; s < 3; s++)
		CU_ASSERT_EQUAL(wt_match_stream_data(ml, s, 0, &c, (const uint8_t *)"ab", 2, 0), 0);
	wt_match_stats_get(ml, &st);
	CU_ASSERT_EQUAL(st.streams_in_use, 3); /* from the pool, not the system allocator */
	CU_ASSERT_EQUAL(st.streams_capacity, 3);
	CU_ASSERT_EQUAL(wt_match_stream_data(ml, 3, 0, &c, (const uint8_t *)"ab", 2, 0), -ENOSPC);
	wt_match_stats_get(ml, &st);
	CU_ASSERT_EQUAL(st.cnt[WT_MATCH_CNT_STREAM_POOL_EMPTY], 1);
	CU_ASSERT_EQUAL(wt_match_stream_close(ml, 1, 0, &c, 0), 0);
	CU_ASSERT_EQUAL(wt_match_stream_data(ml, 3, 0, &c, (const uint8_t *)"zz", 2, 0), 0);
	CU_ASSERT_EQUAL(wt_match_stream_data(ml, 3, 0, &c, (const uint8_t *)"z", 1, 0), 1);
	wt_match_stats_get(ml, &st);
	CU_ASSERT_EQUAL(st.streams_in_use, 3);
	CU_ASSERT_EQUAL(st.streams_peak, 3);
	wt_match_ruleset_info(rs, &info);
	CU_ASSERT(info.stream_state_bytes > 0);
	CU_ASSERT(st.stream_state_bytes >= info.stream_state_bytes);
	CU_ASSERT_EQUAL(st.bytes_per_flow % 8, 0);
	CU_ASSERT(st.bytes_per_flow >= 2 * info.stream_state_bytes);
	CU_ASSERT(st.memory > 0);
	printf("\n  stream state %zu bytes (pool slot %llu), %llu bytes per flow ",
	       info.stream_state_bytes, (unsigned long long)st.stream_state_bytes,
	       (unsigned long long)st.bytes_per_flow);
	/* counter names are exported lower-case */
	CU_ASSERT_STRING_EQUAL(wt_match_counter_names[WT_MATCH_CNT_STREAM_POOL_EMPTY],
			       "stream_pool_empty");
	wt_match_lcore_free(ml); /* closes the open streams back into the pool */
	wt_match_ruleset_free(rs);
	wt_match_report_free(&rep);
}

/* ---- the cache ---- */

static void
test_cache(void)
{
	char dir[128], rules[128], path[600];
	const char *files[1] = { rules };
	struct wt_match_load_opts o = { "rules/classification.config", dir };
	struct wt_match_load_report r1, r2, r3;
	struct wt_match_ruleset *a, *b, *c;
	FILE *f, *in;
	char line[8192];

	make_tmpdir();
	snprintf(dir, sizeof(dir), "%s/cache", tmpdir);
	snprintf(rules, sizeof(rules), "%s/cache.rules", tmpdir);
	f = fopen(rules, "w");
	in = fopen("rules/wiretrail-m2m.rules", "r");
	CU_ASSERT_FATAL(f && in);
	while (fgets(line, sizeof(line), in))
		fputs(line, f);
	fputs("alert tcp any any -> any any (msg:\"refused\"; pcre:\"/a*/\"; sid:9100999;)\n", f);
	fclose(in);
	fclose(f);
	a = wt_match_load_opts(files, 1, &wt_match_default_vars, &o, &r1);
	CU_ASSERT_FATAL(a != NULL);
	CU_ASSERT_EQUAL(r1.cache, WT_MATCH_CACHE_MISS);
	b = wt_match_load_opts(files, 1, &wt_match_default_vars, &o, &r2);
	CU_ASSERT_FATAL(b != NULL);
	CU_ASSERT_EQUAL(r2.cache, WT_MATCH_CACHE_HIT);
	CU_ASSERT_STRING_EQUAL(r1.cache_path, r2.cache_path);
	CU_ASSERT_EQUAL(r1.loaded, r2.loaded);
	CU_ASSERT_EQUAL(r1.skipped, r2.skipped);
	CU_ASSERT_EQUAL(r2.skipped, 1); /* the compiler's verdict is cached too */
	printf("\n  compile %.1f ms, cache load %.1f ms ", r1.build_ms, r2.build_ms);
	/* the cached databases match */
	struct wt_match_lcore *ml = lcore_new(b, 4, 0);
	struct wt_match_ctx cx = ctx_make(WT_DIR_TOSERVER, 40000, 443, WT_MATCH_APP_UNKNOWN);

	CU_ASSERT_FATAL(ml != NULL);
	rec.n = 0;
	CU_ASSERT_EQUAL(stream_all(ml, 0, &cx, (const uint8_t *)"id=AKIAIOSFODNN7EXAMPLE\n", 24, 4, 0),
			1);
	CU_ASSERT_EQUAL(count_sid(9100001), 1);
	wt_match_lcore_free(ml);
	/* a damaged file is compiled again */
	snprintf(path, sizeof(path), "%s", r2.cache_path);
	CU_ASSERT_EQUAL(truncate(path, 100), 0);
	c = wt_match_load_opts(files, 1, &wt_match_default_vars, &o, &r3);
	CU_ASSERT_FATAL(c != NULL);
	CU_ASSERT_EQUAL(r3.cache, WT_MATCH_CACHE_MISS);
	CU_ASSERT_EQUAL(r3.loaded, r1.loaded);
	wt_match_ruleset_free(c);
	wt_match_report_free(&r3);
	/* a changed rule set is another cache file */
	f = fopen(rules, "a");
	fputs("alert tcp any any -> any any (msg:\"new\"; content:\"new rule\"; sid:9100998;)\n", f);
	fclose(f);
	c = wt_match_load_opts(files, 1, &wt_match_default_vars, &o, &r3);
	CU_ASSERT_FATAL(c != NULL);
	CU_ASSERT_EQUAL(r3.cache, WT_MATCH_CACHE_MISS);
	CU_ASSERT_STRING_NOT_EQUAL(r3.cache_path, r1.cache_path);
	wt_match_ruleset_free(c);
	wt_match_report_free(&r3);
	wt_match_ruleset_free(a);
	wt_match_ruleset_free(b);
	wt_match_report_free(&r1);
	wt_match_report_free(&r2);
	/* fatal: a missing file */
	files[0] = "no/such/file.rules";
	errno = 0;
	CU_ASSERT_PTR_NULL(wt_match_load(files, 1, NULL, &r1));
	CU_ASSERT_EQUAL(errno, ENOENT);
	CU_ASSERT(strstr(r1.fatal, "no/such/file.rules") != NULL);
	wt_match_report_free(&r1);
}

/* ---- clean traffic: the bundled capture raises nothing ---- */

struct cflow {
	uint8_t a[4], b[4];
	uint16_t pa, pb;
	uint8_t proto;
	uint8_t used;
	uint8_t client_is_a;
};

static uint32_t
flow_of(struct cflow *t, unsigned int n, const uint8_t *s, const uint8_t *d, uint16_t sp,
	uint16_t dp, uint8_t proto, uint8_t *dir)
{
	for (unsigned int i = 0; i < n; i++) {
		struct cflow *f = &t[i];

		if (!f->used) {
			memcpy(f->a, s, 4);
			memcpy(f->b, d, 4);
			f->pa = sp;
			f->pb = dp;
			f->proto = proto;
			f->used = 1;
			*dir = WT_DIR_TOSERVER;
			return i;
		}
		if (f->proto != proto)
			continue;
		if (!memcmp(f->a, s, 4) && !memcmp(f->b, d, 4) && f->pa == sp && f->pb == dp) {
			*dir = WT_DIR_TOSERVER;
			return i;
		}
		if (!memcmp(f->a, d, 4) && !memcmp(f->b, s, 4) && f->pa == dp && f->pb == sp) {
			*dir = WT_DIR_TOCLIENT;
			return i;
		}
	}
	return UINT32_MAX;
}

/* Crude HTTP/1.x split of one message into buffers (the HTTP library does it for real). */
static void
http_bufs(const uint8_t *p, size_t n, uint8_t dir, struct wt_match_bufs *b)
{
	const uint8_t *end = p + n, *eol = memmem(p, n, "\r\n", 2), *hdr_end;

	memset(b, 0, sizeof(b[0]));
	if (!eol)
		return;
	hdr_end = memmem(p, n, "\r\n\r\n", 4);
	if (!hdr_end)
		hdr_end = end;
	if (dir == WT_DIR_TOSERVER) {
		const uint8_t *sp1 = memchr(p, ' ', (size_t)(eol - p));
		const uint8_t *sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1)) : NULL;

		if (!sp1 || !sp2)
			return;
		b->data[WT_MATCH_BUF_HTTP_METHOD] = p;
		b->len[WT_MATCH_BUF_HTTP_METHOD] = (uint32_t)(sp1 - p);
		b->data[WT_MATCH_BUF_HTTP_URI] = sp1 + 1;
		b->len[WT_MATCH_BUF_HTTP_URI] = (uint32_t)(sp2 - sp1 - 1);
		b->present |= (1u << WT_MATCH_BUF_HTTP_METHOD) | (1u << WT_MATCH_BUF_HTTP_URI);
	} else {
		if (eol - p < 12)
			return;
		b->data[WT_MATCH_BUF_HTTP_STAT_CODE] = p + 9;
		b->len[WT_MATCH_BUF_HTTP_STAT_CODE] = 3;
		b->present |= 1u << WT_MATCH_BUF_HTTP_STAT_CODE;
	}
	b->data[WT_MATCH_BUF_HTTP_HEADER] = eol + 2;
	b->len[WT_MATCH_BUF_HTTP_HEADER] = (uint32_t)(hdr_end - eol - 2 + (hdr_end < end ? 2 : 0));
	b->present |= 1u << WT_MATCH_BUF_HTTP_HEADER;
	for (const uint8_t *l = eol + 2; l < hdr_end;) {
		const uint8_t *e = memmem(l, (size_t)(hdr_end - l), "\r\n", 2);

		if (!e)
			e = hdr_end;
		if (e - l > 6 && !strncasecmp((const char *)l, "Host: ", 6)) {
			b->data[WT_MATCH_BUF_HTTP_HOST] = l + 6;
			b->len[WT_MATCH_BUF_HTTP_HOST] = (uint32_t)(e - l - 6);
			b->present |= 1u << WT_MATCH_BUF_HTTP_HOST;
		}
		if (e - l > 12 && !strncasecmp((const char *)l, "User-Agent: ", 12)) {
			b->data[WT_MATCH_BUF_HTTP_USER_AGENT] = l + 12;
			b->len[WT_MATCH_BUF_HTTP_USER_AGENT] = (uint32_t)(e - l - 12);
			b->present |= 1u << WT_MATCH_BUF_HTTP_USER_AGENT;
		}
		l = e + 2;
	}
	if (hdr_end + 4 < end) {
		int k = dir == WT_DIR_TOSERVER ? WT_MATCH_BUF_HTTP_REQUEST_BODY :
						 WT_MATCH_BUF_HTTP_RESPONSE_BODY;

		b->data[k] = hdr_end + 4;
		b->len[k] = (uint32_t)(end - hdr_end - 4);
		b->present |= 1u << k;
	}
	b->fresh = b->present;
}

static void
test_clean_capture(void)
{
	const char *files[1] = { "rules/wiretrail-m2m.rules" };
	struct wt_match_load_report rep;
	struct wt_match_ruleset *rs = wt_match_load(files, 1, &wt_match_default_vars, &rep);
	struct wt_match_lcore *ml;
	struct wt_match_stats st;
	static struct cflow flows[64];
	static uint8_t pkt[65536];
	uint8_t gh[24];
	unsigned int npkt = 0, nmsg = 0;
	uint64_t bytes = 0;
	FILE *f = fopen("tests/captures/m2m-loopback.pcap", "rb");

	CU_ASSERT_FATAL(rs != NULL);
	CU_ASSERT_FATAL(f != NULL);
	ml = lcore_new(rs, 64, 0);
	CU_ASSERT_FATAL(ml != NULL);
	CU_ASSERT_FATAL(fread(gh, 1, 24, f) == 24);
	CU_ASSERT_FATAL(gh[0] == 0xd4 && gh[1] == 0xc3); /* little-endian, microseconds */
	CU_ASSERT_FATAL(gh[20] == 1);                    /* Ethernet */
	rec.n = 0;
	for (;;) {
		uint32_t h[4];

		if (fread(h, 4, 4, f) != 4)
			break;
		if (h[2] > sizeof(pkt) || fread(pkt, 1, h[2], f) != h[2])
			break;
		npkt++;
		const uint8_t *ip = pkt + 14;

		if (h[2] < 34 || pkt[12] != 0x08 || pkt[13] != 0x00)
			continue;
		unsigned int ihl = (ip[0] & 15u) * 4, tot = (unsigned int)(ip[2] << 8 | ip[3]);
		uint8_t proto = ip[9];
		const uint8_t *l4 = ip + ihl;
		unsigned int hl;

		if (proto == 6)
			hl = (unsigned int)(l4[12] >> 4) * 4;
		else if (proto == 17)
			hl = 8;
		else
			continue;
		if (tot < ihl + hl)
			continue;
		uint16_t sp = (uint16_t)(l4[0] << 8 | l4[1]), dp = (uint16_t)(l4[2] << 8 | l4[3]);
		const uint8_t *pl = l4 + hl;
		uint32_t plen = tot - ihl - hl;
		uint8_t dir = 0;
		uint32_t slot = flow_of(flows, 64, ip + 12, ip + 16, sp, dp, proto, &dir);

		CU_ASSERT_FATAL(slot != UINT32_MAX);
		if (plen == 0)
			continue;
		struct wt_match_ctx c;

		memset(&c, 0, sizeof(c));
		c.ipver = 4;
		c.ipproto = proto;
		c.dir = dir;
		c.established = 1;
		memcpy(c.src_ip, ip + 12, 4);
		memcpy(c.dst_ip, ip + 16, 4);
		c.sport = sp;
		c.dport = dp;
		CU_ASSERT(wt_match_stream_data(ml, slot, dir, &c, pl, plen, 0) >= 0);
		bytes += plen;
		if (proto == 6 && (plen > 4 && (!memcmp(pl, "GET ", 4) || !memcmp(pl, "POST", 4) ||
						!memcmp(pl, "HTTP", 4)))) {
			struct wt_match_bufs b;

			c.app = WT_MATCH_APP_HTTP;
			http_bufs(pl, plen, dir, &b);
			if (b.present) {
				CU_ASSERT(wt_match_buffers(ml, &c, &b, 0) >= 0);
				nmsg++;
			}
		}
	}
	fclose(f);
	for (uint32_t i = 0; i < 64; i++)
		for (uint8_t d = 0; d < 2; d++) {
			struct wt_match_ctx c;

			memset(&c, 0, sizeof(c));
			c.dir = d;
			c.ipver = 4;
			c.ipproto = flows[i].proto;
			wt_match_stream_close(ml, i, d, &c, 0);
		}
	for (unsigned int i = 0; i < rec.n && i < MAX_ALERTS; i++)
		printf("\n  clean capture alert: sid %u", rec.a[i].sid);
	CU_ASSERT_EQUAL(rec.n, 0);
	CU_ASSERT(npkt > 200);
	CU_ASSERT(nmsg >= 32);
	CU_ASSERT(bytes > 10000);
	wt_match_stats_get(ml, &st);
	CU_ASSERT_EQUAL(st.streams_in_use, 0);
	CU_ASSERT(st.cnt[WT_MATCH_CNT_STREAM_BYTES] == bytes);
	wt_match_lcore_free(ml);
	wt_match_ruleset_free(rs);
	wt_match_report_free(&rep);
}

int
wt_test_match(void)
{
	CU_pSuite s = CU_add_suite("match", NULL, NULL);

	if (!s)
		return -1;
	if (!CU_add_test(s, "parser corpus", test_corpus) ||
	    !CU_add_test(s, "shipped rules vs vectors", test_vectors) ||
	    !CU_add_test(s, "content semantics stream+block", test_semantics) ||
	    !CU_add_test(s, "every split point", test_split) ||
	    !CU_add_test(s, "sticky buffers", test_sticky) ||
	    !CU_add_test(s, "flow, proto, addresses, ports", test_header) ||
	    !CU_add_test(s, "multi-buffer rules", test_multibuf) ||
	    !CU_add_test(s, "threshold and detection_filter", test_threshold) ||
	    !CU_add_test(s, "pass", test_pass) ||
	    !CU_add_test(s, "fingerprint and redaction", test_fingerprint) ||
	    !CU_add_test(s, "stream-state pool", test_pool) ||
	    !CU_add_test(s, "database cache", test_cache) ||
	    !CU_add_test(s, "clean capture raises nothing", test_clean_capture))
		return -1;
	return 0;
}
