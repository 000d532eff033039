/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Audit tests: chain + seal + verify over 100k events with no false alarm; every tampering kind
 * named with the right kind and seq; key file permissions; the spool (append, ack, rotation,
 * restart, torn tail, full policy, kill -9 at random points); and the exporter against the
 * embedded Kafka cluster through an outage and injected produce errors, with no loss.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <openssl/evp.h>

#include "wt_audit.h"
#include "wt_export.h"

int wt_test_audit(void);

/* ---- helpers ---- */

static char g_keydir[64];
static struct wt_audit_key *g_priv, *g_pub, *g_priv2, *g_pub2;

static int
rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb;
	(void)flag;
	(void)f;
	return remove(p);
}

static void
rm_rf(const char *dir)
{
	nftw(dir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

static void
mk_tmp(char *buf, size_t len)
{
	snprintf(buf, len, "/tmp/wt_audit_XXXXXX");
	if (mkdtemp(buf) == NULL)
		buf[0] = '\0';
}

/* Lines collected from a stream's durable callback. */
struct lines {
	char **v;
	size_t n, cap;
};

static void
lines_add(struct lines *l, const char *s, size_t n)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 1024;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = strndup(s, n);
}

static void
lines_free(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static void
collect_cb(void *arg, const struct wt_audit_rec *r)
{
	lines_add(arg, r->data, r->len);
}

static void
conf_mem(struct wt_audit_conf *c, uint32_t ckpt_events)
{
	wt_audit_conf_defaults(c);
	c->enabled = 1;
	snprintf(c->sensor, sizeof(c->sensor), "sensor-\"a\"");
	c->checkpoint_events = ckpt_events;
	c->checkpoint_ms = 0;
}

static size_t
event_json(char *buf, size_t cap, uint64_t i)
{
	return (size_t)snprintf(buf, cap,
				"{\"timestamp\":\"2024-01-01T00:00:00.000000+0000\",\"flow_id\":%" PRIu64
				",\"sensor\":\"t\",\"event_type\":\"flow\",\"src_ip\":\"10.0.%u.%u\","
				"\"bytes\":%" PRIu64 "}",
				i, (unsigned int)(i >> 8) & 255, (unsigned int)i & 255, i * 7);
}

static int
append_event(struct wt_audit_stream *as, uint64_t i)
{
	char buf[4096];
	size_t n = event_json(buf, sizeof(buf), i);

	return wt_audit_append(as, "flow", 0, "k", 1, buf, &n, sizeof(buf));
}

/* A memory-only stream of @p n events (a gap record every @p gap_every) into @p out. */
static void
make_stream(struct lines *out, uint64_t n, uint32_t ckpt, uint64_t gap_every,
	    const struct wt_audit_key *key)
{
	struct wt_audit_conf c;
	struct wt_audit_stream *as;
	char err[256];
	int rc = 0;

	conf_mem(&c, ckpt);
	as = wt_audit_stream_open(&c, key, 0, collect_cb, out, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(as);
	for (uint64_t i = 1; i <= n; i++) {
		rc |= append_event(as, i);
		if (gap_every && i % gap_every == 0) {
			struct wt_audit_gap_item g[2] = { { "port.imissed", i / gap_every },
							  { "pipeline.event_ring_full", 3 } };

			rc |= wt_audit_gap(as, g, 2);
		}
		rc |= wt_audit_tick(as, wt_monotonic_ns());
	}
	CU_ASSERT_EQUAL(rc, 0);
	wt_audit_stream_close(as); /* closing checkpoint */
}

static int
verify_lines(const struct lines *l, const struct wt_audit_key *pub, bool order, bool live,
	     struct wt_audit_verify_result *r)
{
	struct wt_audit_verify_opts o = { .pub = pub, .check_order = order, .live = live };
	struct wt_audit_verifier *v = wt_audit_verify_create(&o);
	int rc;

	for (size_t i = 0; i < l->n; i++)
		if (l->v[i] != NULL)
			wt_audit_verify_line(v, 0, i + 1, l->v[i], strlen(l->v[i]));
	rc = wt_audit_verify_finish(v, r);
	wt_audit_verify_free(v);
	return rc;
}

static void
dump_problems(const struct wt_audit_verify_result *r)
{
	if (r->n_problems)
		wt_audit_verify_print(stderr, r);
}

/* Index of the line whose audit seq is @p seq. */
static size_t
line_of_seq(const struct lines *l, uint64_t seq)
{
	char pat[48];

	snprintf(pat, sizeof(pat), ",\"seq\":%" PRIu64 ",\"prev\"", seq);
	for (size_t i = 0; i < l->n; i++)
		if (strstr(l->v[i], pat) != NULL)
			return i;
	return SIZE_MAX;
}

static uint64_t
count_checkpoints(const struct lines *l)
{
	uint64_t n = 0;

	for (size_t i = 0; i < l->n; i++)
		n += strstr(l->v[i], "\"event_type\":\"checkpoint\"") != NULL;
	return n;
}

/* Seq of the @p k-th (0-based) checkpoint line. */
static uint64_t
checkpoint_seq(const struct lines *l, unsigned int k)
{
	for (size_t i = 0; i < l->n; i++) {
		if (strstr(l->v[i], "\"event_type\":\"checkpoint\"") != NULL && k-- == 0)
			return strtoull(strstr(l->v[i], ",\"seq\":") + 7, NULL, 10);
	}
	return 0;
}

/* Recompute the hash member of @p line (an attacker can: the chain is not keyed). */
static void
rehash(char *line)
{
	size_t n = strlen(line), body = n - 76;
	uint8_t h[32];
	unsigned int hl;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	static const char hex[] = "0123456789abcdef";

	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	EVP_DigestUpdate(ctx, line, body);
	EVP_DigestUpdate(ctx, "}}", 2);
	EVP_DigestFinal_ex(ctx, h, &hl);
	EVP_MD_CTX_free(ctx);
	for (int i = 0; i < 32; i++) {
		line[body + 9 + 2 * i] = hex[h[i] >> 4];
		line[body + 9 + 2 * i + 1] = hex[h[i] & 15];
	}
}

/* ---- chain and verifier ---- */

#define N_BIG 100000

static void
test_roundtrip_100k(void)
{
	struct lines l = { 0 };
	struct wt_audit_verify_result *r = calloc(1, sizeof(*r));
	char path[] = "/tmp/wt_audit_rt_XXXXXX";
	struct wt_audit_verify_opts o = { .pub = g_pub, .check_order = true };
	struct wt_audit_verifier *v;
	char err[256];
	uint64_t ck;
	FILE *f;
	int fd;

	make_stream(&l, N_BIG, 1000, 10000, g_priv);
	/* events + 10 gaps + 101 checkpoints (100 on the way, one at close) */
	ck = count_checkpoints(&l);
	CU_ASSERT_EQUAL(l.n, N_BIG + 10 + ck);
	CU_ASSERT(ck >= 99 && ck <= 101);
	CU_ASSERT_PTR_NOT_NULL(strstr(l.v[l.n - 1], "\"event_type\":\"checkpoint\""));
	CU_ASSERT_EQUAL(verify_lines(&l, g_pub, true, false, r), 0);
	dump_problems(r);
	CU_ASSERT_EQUAL(r->records, l.n);
	CU_ASSERT_EQUAL(r->checkpoints, ck);
	CU_ASSERT_EQUAL(r->duplicates, 0);
	CU_ASSERT_EQUAL(r->n_streams, 1);
	CU_ASSERT_EQUAL(r->gap_lost, 55 + 30);
	CU_ASSERT_EQUAL(r->streams[0].unsigned_tail, 0);

	/* Through a file, and every line twice (a re-delivery): duplicates dropped, still clean. */
	fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	f = fdopen(fd, "w");
	for (size_t i = 0; i < l.n; i++)
		fprintf(f, "%s\n", l.v[i]);
	fclose(f);
	v = wt_audit_verify_create(&o);
	CU_ASSERT_EQUAL(wt_audit_verify_file(v, 0, path, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(wt_audit_verify_file(v, 1, path, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(wt_audit_verify_finish(v, r), 0);
	dump_problems(r);
	CU_ASSERT_EQUAL(r->records, l.n);
	CU_ASSERT_EQUAL(r->duplicates, l.n);
	wt_audit_verify_free(v);
	unlink(path);
	lines_free(&l);
	free(r);
}

static void
test_seal_format(void)
{
	struct wt_audit_conf c;
	struct wt_audit_stream *as;
	char err[256], buf[512], small[120];
	size_t n;

	conf_mem(&c, 0);
	as = wt_audit_stream_open(&c, NULL, 3, NULL, NULL, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(as);
	n = (size_t)snprintf(buf, sizeof(buf), "{\"event_type\":\"flow\",\"x\":1}");
	CU_ASSERT_EQUAL(wt_audit_seal(as, "flow", buf, &n, sizeof(buf)), 0);
	CU_ASSERT_EQUAL(n, strlen(buf));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, ",\"x\":1,\"audit\":{\"sensor\":\"sensor-\\\"a\\\"\","
					  "\"stream\":3,\"epoch\":"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, ",\"seq\":1,\"prev\":\"00000000000000000000000000000000"
					  "00000000000000000000000000000000\",\"hash\":\""));
	CU_ASSERT_EQUAL(strcmp(buf + n - 3, "\"}}"), 0);
	CU_ASSERT_EQUAL(wt_audit_head_seq(as), 1);
	/* Too small: refused, line untouched, seq unchanged. */
	n = (size_t)snprintf(small, sizeof(small), "{\"event_type\":\"flow\",\"x\":2}");
	CU_ASSERT_EQUAL(wt_audit_seal(as, "flow", small, &n, sizeof(small)), -EMSGSIZE);
	CU_ASSERT_STRING_EQUAL(small, "{\"event_type\":\"flow\",\"x\":2}");
	CU_ASSERT_EQUAL(wt_audit_head_seq(as), 1);
	n = 2;
	CU_ASSERT_EQUAL(wt_audit_seal(as, "flow", memcpy(small, "{}", 3), &n, sizeof(small)),
			-EINVAL);
	wt_audit_stream_close(as);
}

/* Base stream for the tampering tests: 3000 events, a checkpoint every 500. */
static struct lines g_base;

static void
base_copy(struct lines *dst)
{
	if (g_base.n == 0)
		make_stream(&g_base, 3000, 500, 1000, g_priv);
	memset(dst, 0, sizeof(*dst));
	for (size_t i = 0; i < g_base.n; i++)
		lines_add(dst, g_base.v[i], strlen(g_base.v[i]));
}

static void
expect_first(const struct lines *l, const struct wt_audit_key *pub, enum wt_audit_bad kind,
	     uint64_t seq, const char *what)
{
	struct wt_audit_verify_result *r = calloc(1, sizeof(*r));

	CU_ASSERT_EQUAL(verify_lines(l, pub, true, false, r), 1);
	CU_ASSERT(r->n_problems >= 1);
	CU_ASSERT_EQUAL(r->problems[0].kind, kind);
	CU_ASSERT_EQUAL(r->problems[0].seq, seq);
	if (r->n_problems == 0 || r->problems[0].kind != kind || r->problems[0].seq != seq) {
		fprintf(stderr, "\n%s: want %s at seq %" PRIu64 "\n", what, wt_audit_bad_names[kind],
			seq);
		wt_audit_verify_print(stderr, r);
	}
	free(r);
}

static void
test_tamper_clean_base(void)
{
	struct wt_audit_verify_result *r = calloc(1, sizeof(*r));
	struct lines l;

	base_copy(&l);
	lines_free(&l);
	CU_ASSERT_EQUAL(verify_lines(&g_base, g_pub, true, false, r), 0);
	dump_problems(r);
	CU_ASSERT_EQUAL(r->checkpoints, count_checkpoints(&g_base));
	CU_ASSERT_EQUAL(r->checkpoints, 6);
	free(r);
}

static void
test_tamper_modify(void)
{
	struct lines l;
	size_t i;
	char *p;

	base_copy(&l);
	i = line_of_seq(&l, 1000);
	CU_ASSERT_FATAL(i != SIZE_MAX);
	p = strstr(l.v[i], "\"bytes\":");
	CU_ASSERT_FATAL(p != NULL);
	p[8] = p[8] == '9' ? '1' : (char)(p[8] + 1);
	expect_first(&l, g_pub, WT_AUDIT_BAD_MODIFIED, 1000, "modify");

	/* Modified and re-hashed (the hash is not a MAC): the next link breaks. */
	rehash(l.v[i]);
	expect_first(&l, g_pub, WT_AUDIT_BAD_MODIFIED, 1001, "modify+rehash");
	lines_free(&l);
}

static void
test_tamper_delete(void)
{
	struct lines l;
	size_t i;

	base_copy(&l);
	i = line_of_seq(&l, 1200);
	CU_ASSERT_FATAL(i != SIZE_MAX);
	free(l.v[i]);
	l.v[i] = NULL;
	expect_first(&l, g_pub, WT_AUDIT_BAD_DELETED, 1200, "delete");
	lines_free(&l);
}

static void
test_tamper_reorder(void)
{
	struct lines l;
	size_t i, j;
	char *t;

	base_copy(&l);
	i = line_of_seq(&l, 1500);
	j = line_of_seq(&l, 1501);
	CU_ASSERT_FATAL(i != SIZE_MAX && j != SIZE_MAX);
	t = l.v[i];
	l.v[i] = l.v[j];
	l.v[j] = t;
	expect_first(&l, g_pub, WT_AUDIT_BAD_REORDERED, 1500, "reorder");
	lines_free(&l);
}

/* Insert @p line so that it becomes l->v[at]. */
static void
insert_at(struct lines *l, size_t at, char *line)
{
	lines_add(l, "", 0);
	free(l->v[l->n - 1]);
	memmove(&l->v[at + 1], &l->v[at], (l->n - 1 - at) * sizeof(char *));
	l->v[at] = line;
}

static void
test_tamper_insert(void)
{
	struct wt_audit_verify_result *r = calloc(1, sizeof(*r));
	struct lines l;
	size_t i, j;
	char *forged, *p;

	/* A forged record with a valid hash claiming an existing seq, placed later. */
	base_copy(&l);
	i = line_of_seq(&l, 1700);
	j = line_of_seq(&l, 1800);
	CU_ASSERT_FATAL(i != SIZE_MAX && j != SIZE_MAX);
	forged = strdup(l.v[i]);
	p = strstr(forged, "\"src_ip\":\"10.");
	CU_ASSERT_FATAL(p != NULL);
	p[11] = '9';
	rehash(forged);
	insert_at(&l, j + 1, forged);
	expect_first(&l, g_pub, WT_AUDIT_BAD_INSERTED, 1700, "insert forged seq");
	lines_free(&l);

	/* A line from no chain at all. */
	base_copy(&l);
	insert_at(&l, 10, strdup("{\"event_type\":\"flow\",\"src_ip\":\"1.2.3.4\"}"));
	CU_ASSERT_EQUAL(verify_lines(&l, g_pub, true, false, r), 1);
	CU_ASSERT_EQUAL(r->problems[0].kind, WT_AUDIT_BAD_INSERTED);
	CU_ASSERT_EQUAL(r->problems[0].line, 11);
	CU_ASSERT_EQUAL(r->n_problems, 1);
	lines_free(&l);
	free(r);
}

static void
test_tamper_truncate(void)
{
	struct lines l;
	uint64_t last_ck = 0;
	char pat[] = "\"event_type\":\"checkpoint\"";

	/* The last 10 lines removed (closing checkpoint included): what follows the last
	 * remaining checkpoint is unproven. */
	base_copy(&l);
	for (int k = 0; k < 10; k++)
		free(l.v[--l.n]);
	for (size_t i = 0; i < l.n; i++) {
		if (strstr(l.v[i], pat) != NULL) {
			const char *s = strstr(l.v[i], ",\"seq\":");

			last_ck = strtoull(s + 7, NULL, 10);
		}
	}
	CU_ASSERT_FATAL(last_ck > 0);
	expect_first(&l, g_pub, WT_AUDIT_BAD_TRUNCATED, last_ck + 1, "truncate lines");
	lines_free(&l);

	/* Cut inside the last line of a file. */
	{
		char path[] = "/tmp/wt_audit_tr_XXXXXX";
		int fd = mkstemp(path);
		FILE *f = fdopen(fd, "w");
		struct wt_audit_verify_opts o = { .pub = g_pub, .check_order = true };
		struct wt_audit_verifier *v = wt_audit_verify_create(&o);
		struct wt_audit_verify_result *r = calloc(1, sizeof(*r));
		char err[256];
		bool torn = false;

		for (size_t i = 0; i < g_base.n; i++)
			fprintf(f, i + 1 < g_base.n ? "%s\n" : "%.100s", g_base.v[i]);
		fclose(f);
		CU_ASSERT_EQUAL(wt_audit_verify_file(v, 0, path, err, sizeof(err)), 0);
		CU_ASSERT_EQUAL(wt_audit_verify_finish(v, r), 1);
		CU_ASSERT_EQUAL(r->problems[0].kind, WT_AUDIT_BAD_TRUNCATED);
		for (uint32_t i = 0; i < r->n_kept; i++)
			torn |= r->problems[i].kind == WT_AUDIT_BAD_TRUNCATED &&
				r->problems[i].line == g_base.n;
		CU_ASSERT(torn);
		wt_audit_verify_free(v);
		free(r);
		unlink(path);
	}
}

static void
test_tamper_signature(void)
{
	struct lines l;
	size_t i;
	uint64_t seq;
	char *sig, *end;
	uint8_t s[64];
	static const char hex[] = "0123456789abcdef";

	/* Verified with the wrong public key: the first checkpoint fails. */
	base_copy(&l);
	seq = checkpoint_seq(&l, 0);
	CU_ASSERT_FATAL(seq > 0);
	expect_first(&l, g_pub2, WT_AUDIT_BAD_BAD_SIGNATURE, seq, "wrong public key");

	/* A checkpoint's counts changed and re-signed with another key, hash recomputed. */
	seq = checkpoint_seq(&l, 2);
	i = line_of_seq(&l, seq);
	CU_ASSERT_FATAL(i != SIZE_MAX && strstr(l.v[i], "\"checkpoint\"") != NULL);
	sig = strstr(l.v[i], ",\"sig\":\"");
	end = strstr(l.v[i], "\"flow\":");
	if (sig == NULL || end == NULL)
		fprintf(stderr, "\nline: %s\n", l.v[i]);
	CU_ASSERT_FATAL(sig != NULL && end != NULL);
	CU_ASSERT_FATAL(end != NULL);
	end[7] = end[7] == '9' ? '1' : (char)(end[7] + 1); /* another count signed */
	CU_ASSERT_EQUAL(wt_audit_sign(g_priv2, l.v[i], (size_t)(sig - l.v[i]), s), 0);
	for (int k = 0; k < 64; k++) {
		sig[8 + 2 * k] = hex[s[k] >> 4];
		sig[8 + 2 * k + 1] = hex[s[k] & 15];
	}
	rehash(l.v[i]);
	expect_first(&l, g_pub, WT_AUDIT_BAD_BAD_SIGNATURE, seq, "re-signed with another key");
	lines_free(&l);
}

/* State restored from a backup: the next run reuses seqs in a later epoch. */
static void
test_tamper_rollback(void)
{
	struct wt_audit_conf c;
	struct wt_audit_stream *as;
	struct lines l = { 0 };
	char dir[64], cmd[256], err[256];
	int rc = 0;

	mk_tmp(dir, sizeof(dir));
	conf_mem(&c, 0);
	snprintf(c.dir, sizeof(c.dir), "%s/spool", dir);
	for (int run = 0; run < 3; run++) {
		if (run == 1) {
			snprintf(cmd, sizeof(cmd), "cp -a %s/spool %s/backup", dir, dir);
			CU_ASSERT_EQUAL(system(cmd), 0);
		}
		if (run == 2) {
			snprintf(cmd, sizeof(cmd), "rm -rf %s/spool && mv %s/backup %s/spool", dir,
				 dir, dir);
			CU_ASSERT_EQUAL(system(cmd), 0);
		}
		as = wt_audit_stream_open(&c, g_priv, 0, collect_cb, &l, err, sizeof(err));
		CU_ASSERT_PTR_NOT_NULL_FATAL(as);
		for (uint64_t i = 0; i < 50; i++)
			rc |= append_event(as, i);
		wt_audit_stream_close(as);
	}
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(l.n, 153);
	/* run 1: 1..50 + checkpoint 51; run 2: 52..101 + 102; run 3 again from 52 */
	expect_first(&l, g_pub, WT_AUDIT_BAD_ROLLED_BACK_EPOCH, 52, "rollback");
	lines_free(&l);
	rm_rf(dir);
}

/* ---- keys ---- */

static void
test_key_files(void)
{
	char dir[64], path[128], err[512];
	struct wt_audit_key *k;
	struct stat st;

	mk_tmp(dir, sizeof(dir));
	CU_ASSERT_EQUAL_FATAL(wt_audit_keygen(dir, err, sizeof(err)), 0);
	snprintf(path, sizeof(path), "%s/audit.key", dir);
	CU_ASSERT_EQUAL(stat(path, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);
	CU_ASSERT_EQUAL(wt_audit_keygen(dir, err, sizeof(err)), -EEXIST);

	k = wt_audit_key_load_private(path, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL(k);
	wt_audit_key_free(k);

	chmod(path, 0640);
	errno = 0;
	k = wt_audit_key_load_private(path, err, sizeof(err));
	CU_ASSERT_PTR_NULL(k);
	CU_ASSERT_EQUAL(errno, EPERM);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "must be 0600"));
	chmod(path, 0644);
	CU_ASSERT_PTR_NULL(wt_audit_key_load_private(path, err, sizeof(err)));
	chmod(path, 0600);
	if (geteuid() == 0) {
		CU_ASSERT_EQUAL(chown(path, 65534, 65534), 0);
		errno = 0;
		k = wt_audit_key_load_private(path, err, sizeof(err));
		CU_ASSERT_PTR_NULL(k);
		CU_ASSERT_EQUAL(errno, EPERM);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "not by the service user"));
		CU_ASSERT_EQUAL(chown(path, 0, 0), 0);
	}
	/* A symlink to the key is refused (its target's permissions would be what counts). */
	{
		char link[160];

		snprintf(link, sizeof(link), "%s/link.key", dir);
		CU_ASSERT_EQUAL(symlink(path, link), 0);
		CU_ASSERT_PTR_NULL(wt_audit_key_load_private(link, err, sizeof(err)));
	}
	/* The public file is not a private key. */
	snprintf(path, sizeof(path), "%s/audit.pub", dir);
	chmod(path, 0600);
	CU_ASSERT_PTR_NULL(wt_audit_key_load_private(path, err, sizeof(err)));
	k = wt_audit_key_load_public(path, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL(k);
	wt_audit_key_free(k);
	rm_rf(dir);
}

/* ---- spool ---- */

static void
conf_spool(struct wt_audit_conf *c, const char *dir, uint64_t seg, uint64_t max)
{
	conf_mem(c, 0);
	snprintf(c->dir, sizeof(c->dir), "%s", dir);
	c->spool_segment_bytes = seg;
	c->spool_max_bytes = max;
	c->ack_persist_ms = 0;
}

static void
test_spool_restart(void)
{
	struct wt_audit_conf c;
	struct wt_audit_stream *as;
	struct wt_audit_spool *sp;
	struct wt_audit_stats st;
	struct lines l = { 0 };
	struct wt_audit_verify_result *r = calloc(1, sizeof(*r));
	char dir[64], err[256], path[256];
	uint64_t head, epoch1, segs;
	int rc = 0, bad = 0;

	mk_tmp(dir, sizeof(dir));
	conf_spool(&c, dir, 16 * 1024, 1 << 20);
	as = wt_audit_stream_open(&c, g_priv, 0, collect_cb, &l, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(as);
	sp = wt_audit_stream_spool(as);
	epoch1 = wt_audit_epoch(as);
	errno = 0;
	CU_ASSERT_PTR_NULL(wt_audit_stream_open(&c, g_priv, 0, NULL, NULL, err, sizeof(err)));
	CU_ASSERT_EQUAL(errno, EBUSY);              /* one owner per stream directory */
	for (uint64_t i = 0; i < 500; i++)
		rc |= append_event(as, i);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT(l.n < 500);                   /* not all durable yet */
	CU_ASSERT_EQUAL(wt_audit_sync(as), 0);
	CU_ASSERT_EQUAL(l.n, 500);
	CU_ASSERT_EQUAL(wt_audit_spool_durable(sp), 500);
	wt_audit_spool_bytes(sp, &segs);
	CU_ASSERT(segs >= 8);                   /* ~300 B a record: rotated */

	/* Delivery reports in any order: the mark moves over contiguous seqs only. */
	for (uint64_t s = 1; s <= 198; s++)
		wt_audit_spool_delivered(sp, s);
	wt_audit_spool_delivered(sp, 202);
	wt_audit_spool_delivered(sp, 200);
	CU_ASSERT_EQUAL(wt_audit_spool_acked(sp), 198);
	CU_ASSERT(wt_audit_spool_is_delivered(sp, 202));
	CU_ASSERT(!wt_audit_spool_is_delivered(sp, 201));
	wt_audit_spool_delivered(sp, 199);
	wt_audit_spool_delivered(sp, 201);
	CU_ASSERT_EQUAL(wt_audit_spool_acked(sp), 202);
	CU_ASSERT_EQUAL(wt_audit_spool_persist(sp, wt_monotonic_ns(), true), 0);
	wt_audit_stats_get(as, &st);
	CU_ASSERT(st.cnt[WT_AUDIT_CNT_SPOOL_SEGMENTS_DELETED] >= 3);
	CU_ASSERT(wt_audit_spool_oldest(sp) <= 203);
	CU_ASSERT(wt_audit_spool_oldest(sp) > 100);
	wt_audit_stream_close(as);             /* closing checkpoint = seq 501 */
	CU_ASSERT_EQUAL(l.n, 501);

	/* A torn append after the last record (crash mid-write). */
	snprintf(path, sizeof(path), "cd %s/stream-0 && f=$(ls seg-*.wal | tail -1) && "
				     "printf 'garbage-torn-tail' >> $f", dir);
	CU_ASSERT_EQUAL(system(path), 0);

	as = wt_audit_stream_open(&c, g_priv, 0, collect_cb, &l, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(as);
	sp = wt_audit_stream_spool(as);
	head = wt_audit_head_seq(as);
	CU_ASSERT_EQUAL(head, 501);
	CU_ASSERT(wt_audit_epoch(as) > epoch1);
	CU_ASSERT_EQUAL(wt_audit_spool_acked(sp), 202);
	wt_audit_stats_get(as, &st);
	CU_ASSERT_EQUAL(st.cnt[WT_AUDIT_CNT_SPOOL_TORN_BYTES], strlen("garbage-torn-tail"));
	CU_ASSERT_EQUAL(st.cnt[WT_AUDIT_CNT_SPOOL_RECOVERED], 501 - 202);
	/* The unacknowledged tail reads back, byte for byte what the callback saw. */
	for (uint64_t s = 203; s <= head; s++) {
		struct wt_audit_rec rec;

		if (wt_audit_spool_read(sp, s, &rec) != 0 || rec.seq != s ||
		    rec.len != strlen(l.v[s - 1]) || memcmp(rec.data, l.v[s - 1], rec.len) != 0 ||
		    rec.keylen != (s == head ? strlen("sensor-\"a\"/0") : 1))
			bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);
	{
		struct wt_audit_rec rec;

		CU_ASSERT_EQUAL(wt_audit_spool_read(sp, 50, &rec), -ENOENT); /* deleted */
		CU_ASSERT_EQUAL(wt_audit_spool_read(sp, head + 1, &rec), -ENOENT);
		CU_ASSERT_EQUAL(wt_audit_spool_read(sp, 300, &rec), 0);     /* back and forth */
		CU_ASSERT_EQUAL(wt_audit_spool_read(sp, 250, &rec), 0);
		CU_ASSERT_EQUAL(rec.seq, 250);
	}
	/* The chain continues across the restart. */
	for (uint64_t i = 0; i < 100; i++)
		rc |= append_event(as, i);
	wt_audit_stream_close(as);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(l.n, 602);
	CU_ASSERT_EQUAL(verify_lines(&l, g_pub, true, false, r), 0);
	dump_problems(r);
	CU_ASSERT_EQUAL(r->streams[0].epochs, 2);
	lines_free(&l);
	free(r);
	rm_rf(dir);
}

static void
test_spool_full(void)
{
	struct wt_audit_conf c;
	struct wt_audit_stream *as;
	struct wt_audit_spool *sp;
	struct wt_audit_stats st;
	struct lines l = { 0 };
	struct wt_audit_verify_result *r = calloc(1, sizeof(*r));
	char dir[64], err[256];
	uint64_t ok = 0, full = 0, head;

	mk_tmp(dir, sizeof(dir));
	conf_spool(&c, dir, 16 * 1024, 64 * 1024);
	as = wt_audit_stream_open(&c, g_priv, 0, collect_cb, &l, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(as);
	sp = wt_audit_stream_spool(as);
	for (uint64_t i = 0; i < 400; i++) {
		int rc = append_event(as, i);

		ok += rc == 0;
		full += rc == -ENOSPC;
	}
	CU_ASSERT(full > 0);
	CU_ASSERT_EQUAL(ok + full, 400);
	wt_audit_stats_get(as, &st);
	CU_ASSERT_EQUAL(st.cnt[WT_AUDIT_CNT_SPOOL_FULL_DROPS], full);
	CU_ASSERT(st.spool_bytes <= 64 * 1024);
	/* Kafka catches up: everything acknowledged, segments go, the gap record comes. */
	CU_ASSERT_EQUAL(wt_audit_sync(as), 0);
	head = wt_audit_head_seq(as);
	for (uint64_t s = 1; s <= head; s++)
		wt_audit_spool_delivered(sp, s);
	CU_ASSERT_EQUAL(wt_audit_tick(as, wt_monotonic_ns()), 0);
	CU_ASSERT_EQUAL(wt_audit_tick(as, wt_monotonic_ns()), 0);
	wt_audit_stats_get(as, &st);
	CU_ASSERT_EQUAL(st.cnt[WT_AUDIT_CNT_GAPS], 1);
	CU_ASSERT_EQUAL(st.cnt[WT_AUDIT_CNT_GAP_LOST], full);
	CU_ASSERT_EQUAL(append_event(as, 9999), 0);
	wt_audit_stream_close(as);
	CU_ASSERT_EQUAL(verify_lines(&l, g_pub, true, false, r), 0);
	dump_problems(r);
	CU_ASSERT_EQUAL(r->gap_lost, full);
	CU_ASSERT_EQUAL(r->n_gap_reasons, 1);
	CU_ASSERT_STRING_EQUAL(r->gap_reasons[0].reason, "audit.spool_full");
	lines_free(&l);
	free(r);
	rm_rf(dir);
}

/* kill -9 during append, sync, rotation and mark persistence: whatever was reported durable
 * is there after the restart, readable, and the chain goes on. */
#define CRASH_ROUNDS 30

static void
crash_child(const char *dir, int wfd)
{
	struct wt_audit_conf c;
	struct wt_audit_stream *as;
	char err[256];

	conf_spool(&c, dir, 8 * 1024, 64 << 20);
	c.spool_sync_records = 16;
	c.spool_sync_us = 1000;
	c.ack_persist_ms = 3;
	as = wt_audit_stream_open(&c, g_priv, 0, NULL, NULL, err, sizeof(err));
	if (as == NULL)
		_exit(3);
	for (uint64_t i = 0;; i++) {
		struct wt_audit_spool *sp = wt_audit_stream_spool(as);
		uint64_t d;

		if (append_event(as, i) != 0)
			_exit(4);
		(void)wt_audit_tick(as, wt_monotonic_ns());
		d = wt_audit_spool_durable(sp);
		if (write(wfd, &d, sizeof(d)) != sizeof(d))
			_exit(5);
		/* Acknowledge up to half of what is durable. */
		for (uint64_t s = wt_audit_spool_acked(sp) + 1; s <= d / 2; s++)
			wt_audit_spool_delivered(sp, s);
	}
}

static void
test_spool_kill9(void)
{
	char dir[64], err[256];
	uint64_t head = 0;
	int bad = 0;

	mk_tmp(dir, sizeof(dir));
	srand(42);
	for (int round = 0; round < CRASH_ROUNDS; round++) {
		struct wt_audit_conf c;
		struct wt_audit_stream *as;
		struct wt_audit_spool *sp;
		uint64_t durable = head, d;
		int p[2], status;
		pid_t pid;

		CU_ASSERT_FATAL(pipe(p) == 0);
		pid = fork();
		CU_ASSERT_FATAL(pid >= 0);
		if (pid == 0) {
			close(p[0]);
			crash_child(dir, p[1]);
		}
		close(p[1]);
		usleep((useconds_t)(5000 + rand() % 100000));
		kill(pid, SIGKILL);
		while (read(p[0], &d, sizeof(d)) == sizeof(d))
			durable = WT_MAX(durable, d);
		close(p[0]);
		waitpid(pid, &status, 0);
		CU_ASSERT(WIFSIGNALED(status));

		/* Restart: nothing reported durable is lost; the tail reads back in order. */
		conf_spool(&c, dir, 8 * 1024, 64 << 20);
		as = wt_audit_stream_open(&c, g_priv, 0, NULL, NULL, err, sizeof(err));
		CU_ASSERT_PTR_NOT_NULL_FATAL(as);
		sp = wt_audit_stream_spool(as);
		head = wt_audit_head_seq(as);
		if (head < durable) {
			fprintf(stderr, "\nround %d: head %" PRIu64 " < durable %" PRIu64 "\n", round,
				head, durable);
			bad++;
		}
		for (uint64_t s = wt_audit_spool_acked(sp) + 1; s <= head; s++) {
			struct wt_audit_rec rec;

			if (wt_audit_spool_read(sp, s, &rec) != 0 || rec.seq != s)
				bad++;
		}
		wt_audit_stream_close(as); /* nothing sealed since open: no checkpoint */
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT(head > 100);

	rm_rf(dir);
}

/* ---- exporter + embedded Kafka ---- */

static void
ev_fill(struct wt_event *ev, uint64_t i)
{
	memset(ev, 0, sizeof(*ev));
	ev->ts_ns = 1700000000000000000ull + i * 1000;
	ev->flow_id = i;
	ev->src_ip[0] = 10;
	ev->src_ip[3] = (uint8_t)i;
	ev->dst_ip[0] = 10;
	ev->dst_ip[3] = 200;
	ev->sport = (uint16_t)(1024 + i % 60000);
	ev->dport = 80;
	ev->type = WT_EVENT_FLOW;
	ev->ipver = 4;
	ev->proto = 6;
	ev->u.flow.pkts_toserver = i;
	ev->u.flow.start_ns = ev->ts_ns - 1000000000ull;
	ev->u.flow.end_ns = ev->ts_ns;
}

struct kfix {
	char dir[64];
	struct wt_conf conf;
	struct wt_export_ctx *ctx;
	struct wt_export_lcore *lc;
	rd_kafka_mock_cluster_t *mock;
};

static int
kfix_lcore(struct kfix *k)
{
	char err[512];

	k->lc = wt_export_lcore_create(k->ctx, 0, err, sizeof(err));
	if (k->lc == NULL)
		fprintf(stderr, "lcore: %s\n", err);
	return k->lc != NULL ? 0 : -1;
}

static int
kfix_start(struct kfix *k, int nprops, const char *const *props)
{
	struct wt_audit_conf ac;
	char err[512];

	memset(k, 0, sizeof(*k));
	mk_tmp(k->dir, sizeof(k->dir));
	snprintf(k->conf.sensor_name, sizeof(k->conf.sensor_name), "kafka-sensor");
	snprintf(k->conf.kafka_topic_template, sizeof(k->conf.kafka_topic_template),
		 "wiretrail.{event_type}");
	snprintf(k->conf.kafka_brokers, sizeof(k->conf.kafka_brokers), "embedded");
	k->conf.kafka_embedded_brokers = 3;
	k->conf.kafka_flush_timeout_ms = 10000;
	k->conf.out_kafka_enabled = 1;
	for (int i = 0; i < nprops; i++) {
		snprintf(k->conf.kafka_props[i].key, WT_CONF_STR, "%s", props[2 * i]);
		snprintf(k->conf.kafka_props[i].value, WT_CONF_STR, "%s", props[2 * i + 1]);
	}
	k->conf.n_kafka_props = nprops;
	k->ctx = wt_export_ctx_create(&k->conf, err, sizeof(err));
	if (k->ctx == NULL) {
		fprintf(stderr, "ctx: %s\n", err);
		return -1;
	}
	wt_audit_conf_defaults(&ac);
	ac.enabled = 1;
	snprintf(ac.dir, sizeof(ac.dir), "%s/spool", k->dir);
	snprintf(ac.key_path, sizeof(ac.key_path), "%s/audit.key", g_keydir);
	ac.checkpoint_events = 500;
	ac.spool_segment_bytes = 128 * 1024;
	ac.spool_max_bytes = 64 << 20;
	ac.ack_persist_ms = 50;
	if (wt_export_ctx_set_audit(k->ctx, &ac, err, sizeof(err)) != 0) {
		fprintf(stderr, "set_audit: %s\n", err);
		return -1;
	}
	k->mock = wt_export_mock_cluster(k->ctx);
	return kfix_lcore(k);
}

static void
kfix_stop(struct kfix *k)
{
	wt_export_lcore_free(k->lc);
	wt_export_ctx_free(k->ctx);
	rm_rf(k->dir);
}

/* Read every audit topic back and verify: each seq once after dedup, nothing missing. */
static void
kfix_verify(struct kfix *k, uint64_t want, bool order)
{
	struct wt_audit_verify_opts o = { .pub = g_pub, .check_order = order };
	struct wt_audit_verifier *v = wt_audit_verify_create(&o);
	struct wt_audit_verify_result *r = calloc(1, sizeof(*r));
	char err[512];
	int rc;

	rc = wt_audit_verify_kafka(v, wt_export_bootstrap(k->ctx),
				   "wiretrail.flow,wiretrail.checkpoint,wiretrail.gap", 10000, err,
				   sizeof(err));
	if (rc != 0)
		fprintf(stderr, "verify kafka: %s\n", err);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(wt_audit_verify_finish(v, r), 0);
	dump_problems(r);
	CU_ASSERT_EQUAL(r->records, want);
	CU_ASSERT_EQUAL(r->n_streams, 1);
	if (r->n_streams == 1) {
		CU_ASSERT_EQUAL(r->streams[0].first_seq, 1);
		CU_ASSERT_EQUAL(r->streams[0].last_seq, want);
	}
	wt_audit_verify_free(v);
	free(r);
}

static void
kfix_check_drained(struct kfix *k)
{
	struct wt_export_stats st;

	wt_export_stats_get(k->lc, &st);
	CU_ASSERT_EQUAL(st.audit.acked_seq, st.audit.head_seq);
	CU_ASSERT_EQUAL(st.audit.durable_seq, st.audit.head_seq);
	CU_ASSERT_EQUAL(st.audit.spool_segments, 1);  /* the rest deleted: the spool emptied */
	CU_ASSERT_EQUAL(st.cnt[WT_EXPORT_CNT_FLUSH_TIMEOUTS], 0);
}

#define N_OUTAGE 3000

static void
test_kafka_outage(void)
{
	static const char *const props[] = {
		"queue.buffering.max.messages", "50",
		"reconnect.backoff.ms", "20",
		"reconnect.backoff.max.ms", "200",
		"linger.ms", "2",
	};
	struct kfix k;
	struct wt_export_stats st;
	struct wt_event ev;
	int lvl = wt_log_level, rc = 0;
	uint64_t head;

	wt_log_level = -1;   /* connection errors are the point here */
	CU_ASSERT_FATAL(kfix_start(&k, 4, props) == 0);
	for (uint64_t i = 1; i <= 200; i++) {
		ev_fill(&ev, i);
		rc |= wt_export_event(k.lc, &ev);
		wt_export_poll(k.lc);
	}
	for (int b = 1; b <= 3; b++)
		rd_kafka_mock_broker_set_down(k.mock, b);
	for (uint64_t i = 201; i <= N_OUTAGE; i++) {
		ev_fill(&ev, i);
		rc |= wt_export_event(k.lc, &ev);
		if (i % 50 == 0)
			wt_export_poll(k.lc);
	}
	for (int t = 0; t < 50; t++) {
		wt_export_poll(k.lc);
		usleep(10000);
	}
	CU_ASSERT_EQUAL(rc, 0);
	wt_export_stats_get(k.lc, &st);
	CU_ASSERT(st.cnt[WT_EXPORT_CNT_AUDIT_QUEUE_FULL] > 0);
	CU_ASSERT(st.audit.head_seq - st.audit.acked_seq > 1000); /* the spool holds the backlog */
	CU_ASSERT(st.audit.spool_segments > 2);
	for (int b = 1; b <= 3; b++)
		rd_kafka_mock_broker_set_up(k.mock, b);
	CU_ASSERT_EQUAL(wt_export_lcore_flush(k.lc, 30000), 0);
	kfix_check_drained(&k);
	wt_export_stats_get(k.lc, &st);
	CU_ASSERT(st.cnt[WT_EXPORT_CNT_AUDIT_REPRODUCED] > 1000);
	head = st.audit.head_seq;
	CU_ASSERT(head > N_OUTAGE);            /* + checkpoints */
	kfix_verify(&k, head, true);           /* per partition order kept too */
	kfix_stop(&k);
	wt_log_level = lvl;
}

/* Injected produce errors: retried, or the producer is recreated; no loss, no exit. */
static void
kafka_errors(rd_kafka_resp_err_t e, int count)
{
	static const char *const props[] = {
		"reconnect.backoff.ms", "20",
		"reconnect.backoff.max.ms", "200",
		"linger.ms", "2",
		"retry.backoff.ms", "20",
	};
	struct kfix k;
	struct wt_export_stats st;
	struct wt_event ev;
	int lvl = wt_log_level, rc = 0;

	wt_log_level = -1;
	CU_ASSERT_FATAL(kfix_start(&k, 4, props) == 0);
	for (uint64_t i = 1; i <= 100; i++) {
		ev_fill(&ev, i);
		rc |= wt_export_event(k.lc, &ev);
	}
	CU_ASSERT_EQUAL(wt_export_lcore_flush(k.lc, 10000), 0);
	for (int i = 0; i < count; i++)
		rd_kafka_mock_push_request_errors(k.mock, 0 /* Produce */, 1, e);
	for (uint64_t i = 101; i <= 2000; i++) {
		ev_fill(&ev, i);
		rc |= wt_export_event(k.lc, &ev);
		if (i % 20 == 0) {
			wt_export_poll(k.lc);
			usleep(500);
		}
	}
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(wt_export_lcore_flush(k.lc, 30000), 0);
	kfix_check_drained(&k);
	wt_export_stats_get(k.lc, &st);
	kfix_verify(&k, st.audit.head_seq, false);
	kfix_stop(&k);
	wt_log_level = lvl;
}

static void
test_kafka_err_transport(void)
{
	kafka_errors(RD_KAFKA_RESP_ERR__TRANSPORT, 5);
}

static void
test_kafka_err_replicas(void)
{
	kafka_errors(RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS, 5);
}

static void
test_kafka_err_sequence(void)
{
	kafka_errors(RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER, 3);
}

/* Deliveries time out during an outage (message.timeout.ms shorter than it): the failed
 * reports rewind to the mark and everything is produced again. */
static void
test_kafka_timeouts(void)
{
	static const char *const props[] = {
		"message.timeout.ms", "400",
		"reconnect.backoff.ms", "20",
		"reconnect.backoff.max.ms", "200",
		"linger.ms", "2",
	};
	struct kfix k;
	struct wt_export_stats st;
	struct wt_event ev;
	int lvl = wt_log_level, rc = 0;

	wt_log_level = -1;
	CU_ASSERT_FATAL(kfix_start(&k, 4, props) == 0);
	for (uint64_t i = 1; i <= 100; i++) {
		ev_fill(&ev, i);
		rc |= wt_export_event(k.lc, &ev);
	}
	CU_ASSERT_EQUAL(wt_export_lcore_flush(k.lc, 10000), 0);
	for (int b = 1; b <= 3; b++)
		rd_kafka_mock_broker_set_down(k.mock, b);
	for (uint64_t i = 101; i <= 1000; i++) {
		ev_fill(&ev, i);
		rc |= wt_export_event(k.lc, &ev);
	}
	for (int t = 0; t < 100; t++) {
		wt_export_poll(k.lc);
		usleep(10000);
	}
	wt_export_stats_get(k.lc, &st);
	CU_ASSERT(st.cnt[WT_EXPORT_CNT_DR_FAILED] > 0);
	for (int b = 1; b <= 3; b++)
		rd_kafka_mock_broker_set_up(k.mock, b);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(wt_export_lcore_flush(k.lc, 30000), 0);
	kfix_check_drained(&k);
	wt_export_stats_get(k.lc, &st);
	kfix_verify(&k, st.audit.head_seq, false);
	kfix_stop(&k);
	wt_log_level = lvl;
}

/* A spooled record damaged on disk before it was delivered: named lost in a gap record with
 * its seq, the rest delivered, the stream still verifies. */
static void
test_kafka_corrupt_spool(void)
{
	static const char *const props[] = {
		"reconnect.backoff.ms", "20",
		"reconnect.backoff.max.ms", "200",
		"linger.ms", "2",
	};
	struct wt_audit_verify_opts o = { .pub = g_pub };
	struct wt_audit_verify_result *r = calloc(1, sizeof(*r));
	struct wt_audit_verifier *v;
	struct kfix k;
	struct wt_export_stats st;
	struct wt_event ev;
	char path[256], err[512];
	int lvl = wt_log_level, rc = 0, fd;

	wt_log_level = -1;
	CU_ASSERT_FATAL(kfix_start(&k, 3, props) == 0);
	for (int b = 1; b <= 3; b++)
		rd_kafka_mock_broker_set_down(k.mock, b);
	for (uint64_t i = 1; i <= 300; i++) {
		ev_fill(&ev, i);
		rc |= wt_export_event(k.lc, &ev);
	}
	CU_ASSERT_EQUAL(wt_export_lcore_flush(k.lc, 200), -ETIMEDOUT);
	wt_export_lcore_free(k.lc);
	/* one byte of seq 1's line (segment header 72 + record header 56 + key + 100) */
	snprintf(path, sizeof(path), "%s/spool/stream-0/seg-%020d.wal", k.dir, 1);
	fd = open(path, O_RDWR);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(pwrite(fd, "#", 1, 72 + 56 + 100), 1);
	close(fd);
	for (int b = 1; b <= 3; b++)
		rd_kafka_mock_broker_set_up(k.mock, b);
	CU_ASSERT_FATAL(kfix_lcore(&k) == 0);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(wt_export_lcore_flush(k.lc, 30000), 0);
	kfix_check_drained(&k);
	wt_export_stats_get(k.lc, &st);
	CU_ASSERT_EQUAL(st.audit.cnt[WT_AUDIT_CNT_SPOOL_CORRUPT], 1);
	v = wt_audit_verify_create(&o);
	CU_ASSERT_EQUAL(wt_audit_verify_kafka(v, wt_export_bootstrap(k.ctx),
					      "wiretrail.flow,wiretrail.checkpoint,wiretrail.gap",
					      10000, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(wt_audit_verify_finish(v, r), 0);
	dump_problems(r);
	CU_ASSERT_EQUAL(r->records, st.audit.head_seq - 1);
	CU_ASSERT_EQUAL(r->n_gap_reasons, 1);
	CU_ASSERT_STRING_EQUAL(r->gap_reasons[0].reason, "audit.spool_corrupt");
	CU_ASSERT_EQUAL(r->gap_lost, 1);
	wt_audit_verify_free(v);
	free(r);
	kfix_stop(&k);
	wt_log_level = lvl;
}

/* Exporter stopped with brokers down (nothing acknowledged), started again: the spool's
 * unacknowledged tail is re-sent. */
static void
test_kafka_restart_resend(void)
{
	static const char *const props[] = {
		"reconnect.backoff.ms", "20",
		"reconnect.backoff.max.ms", "200",
		"linger.ms", "2",
	};
	struct kfix k;
	struct wt_export_stats st;
	struct wt_event ev;
	int lvl = wt_log_level, rc = 0;

	wt_log_level = -1;
	CU_ASSERT_FATAL(kfix_start(&k, 3, props) == 0);
	for (int b = 1; b <= 3; b++)
		rd_kafka_mock_broker_set_down(k.mock, b);
	for (uint64_t i = 1; i <= 700; i++) {
		ev_fill(&ev, i);
		rc |= wt_export_event(k.lc, &ev);
	}
	CU_ASSERT_EQUAL(wt_export_lcore_flush(k.lc, 300), -ETIMEDOUT);
	wt_export_stats_get(k.lc, &st);
	CU_ASSERT_EQUAL(st.audit.acked_seq, 0);
	wt_export_lcore_free(k.lc);
	for (int b = 1; b <= 3; b++)
		rd_kafka_mock_broker_set_up(k.mock, b);
	CU_ASSERT_FATAL(kfix_lcore(&k) == 0);
	for (uint64_t i = 701; i <= 800; i++) {
		ev_fill(&ev, i);
		rc |= wt_export_event(k.lc, &ev);
	}
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(wt_export_lcore_flush(k.lc, 30000), 0);
	kfix_check_drained(&k);
	wt_export_stats_get(k.lc, &st);
	CU_ASSERT(st.audit.cnt[WT_AUDIT_CNT_SPOOL_RECOVERED] >= 700);
	kfix_verify(&k, st.audit.head_seq, false);
	kfix_stop(&k);
	wt_log_level = lvl;
}

/* Kafka off, file output on: every record reaches the file once it is durable; the file
 * verifies; the exporter's own drops are named in a gap record. Bad key files are refused. */
static void
test_export_file(void)
{
	struct wt_audit_verify_opts o = { .pub = g_pub, .check_order = true };
	struct wt_audit_verify_result *r = calloc(1, sizeof(*r));
	struct wt_audit_verifier *v;
	struct wt_export_ctx *ctx;
	struct wt_export_lcore *lc;
	struct wt_audit_conf ac;
	struct wt_export_stats st;
	struct wt_event ev;
	struct wt_conf c;
	char dir[64], path[128], err[512], cmd[256];
	int rc = 0;

	mk_tmp(dir, sizeof(dir));
	memset(&c, 0, sizeof(c));
	snprintf(c.sensor_name, sizeof(c.sensor_name), "file-sensor");
	c.out_file_enabled = 1;
	snprintf(c.out_file_path, sizeof(c.out_file_path), "%s/eve.json", dir);
	ctx = wt_export_ctx_create(&c, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	wt_audit_conf_defaults(&ac);
	ac.enabled = 1;
	snprintf(ac.dir, sizeof(ac.dir), "%s/spool", dir);
	/* A private key readable by others is refused with a message naming the key. */
	snprintf(cmd, sizeof(cmd), "cp %s/audit.key %s/open.key && chmod 644 %s/open.key", g_keydir,
		 dir, dir);
	CU_ASSERT_EQUAL(system(cmd), 0);
	snprintf(ac.key_path, sizeof(ac.key_path), "%s/open.key", dir);
	CU_ASSERT_EQUAL(wt_export_ctx_set_audit(ctx, &ac, err, sizeof(err)), -EPERM);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "audit.key"));
	snprintf(ac.key_path, sizeof(ac.key_path), "%s/audit.key", g_keydir);
	CU_ASSERT_EQUAL_FATAL(wt_export_ctx_set_audit(ctx, &ac, err, sizeof(err)), 0);
	lc = wt_export_lcore_create(ctx, 2, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(lc);
	for (uint64_t i = 1; i <= 500; i++) {
		ev_fill(&ev, i);
		rc |= wt_export_event(lc, &ev);
		wt_export_poll(lc);
	}
	ev.type = WT_EVENT__MAX;
	CU_ASSERT_EQUAL(wt_export_event(lc, &ev), -EINVAL);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(wt_export_lcore_flush(lc, 1000), 0);
	wt_export_stats_get(lc, &st);
	CU_ASSERT_EQUAL(st.audit.acked_seq, st.audit.head_seq);
	CU_ASSERT_EQUAL(st.audit.cnt[WT_AUDIT_CNT_GAPS], 1);
	CU_ASSERT_EQUAL(st.cnt[WT_EXPORT_CNT_FILE_LINES], st.audit.head_seq);
	wt_export_lcore_free(lc);
	wt_export_ctx_free(ctx);

	snprintf(path, sizeof(path), "%s/eve.json", dir);
	v = wt_audit_verify_create(&o);
	CU_ASSERT_EQUAL(wt_audit_verify_file(v, 0, path, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(wt_audit_verify_finish(v, r), 0);
	dump_problems(r);
	CU_ASSERT_EQUAL(r->records, st.audit.head_seq);
	CU_ASSERT_EQUAL(r->streams[0].stream, 2);
	CU_ASSERT_EQUAL(r->n_gap_reasons, 1);
	CU_ASSERT_STRING_EQUAL(r->gap_reasons[0].reason, "export.bad_event");
	wt_audit_verify_free(v);
	free(r);
	rm_rf(dir);
}

/* ---- suite ---- */

static int
suite_init(void)
{
	char path[128], err[512];

	mk_tmp(g_keydir, sizeof(g_keydir));
	if (wt_audit_keygen(g_keydir, err, sizeof(err)) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/audit.key", g_keydir);
	g_priv = wt_audit_key_load_private(path, err, sizeof(err));
	snprintf(path, sizeof(path), "%s/audit.pub", g_keydir);
	g_pub = wt_audit_key_load_public(path, err, sizeof(err));
	snprintf(path, sizeof(path), "%s/k2", g_keydir);
	if (wt_audit_keygen(path, err, sizeof(err)) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/k2/audit.key", g_keydir);
	g_priv2 = wt_audit_key_load_private(path, err, sizeof(err));
	snprintf(path, sizeof(path), "%s/k2/audit.pub", g_keydir);
	g_pub2 = wt_audit_key_load_public(path, err, sizeof(err));
	if (!g_priv || !g_pub || !g_priv2 || !g_pub2)
		return -1;
	return 0;
}

static int
suite_clean(void)
{
	lines_free(&g_base);
	wt_audit_key_free(g_priv);
	wt_audit_key_free(g_pub);
	wt_audit_key_free(g_priv2);
	wt_audit_key_free(g_pub2);
	rm_rf(g_keydir);
	return 0;
}

int
wt_test_audit(void)
{
	CU_pSuite s = CU_add_suite("audit", suite_init, suite_clean);

	if (s == NULL)
		return -1;
	if (!CU_add_test(s, "seal format and refusals", test_seal_format) ||
	    !CU_add_test(s, "100k events: seal, verify, no false alarm", test_roundtrip_100k) ||
	    !CU_add_test(s, "tamper: clean base", test_tamper_clean_base) ||
	    !CU_add_test(s, "tamper: modify", test_tamper_modify) ||
	    !CU_add_test(s, "tamper: delete", test_tamper_delete) ||
	    !CU_add_test(s, "tamper: reorder", test_tamper_reorder) ||
	    !CU_add_test(s, "tamper: insert", test_tamper_insert) ||
	    !CU_add_test(s, "tamper: truncate", test_tamper_truncate) ||
	    !CU_add_test(s, "tamper: wrong key signature", test_tamper_signature) ||
	    !CU_add_test(s, "tamper: rolled-back epoch", test_tamper_rollback) ||
	    !CU_add_test(s, "key files: permissions, owner, symlink", test_key_files) ||
	    !CU_add_test(s, "spool: append, ack, rotate, restart, torn tail", test_spool_restart) ||
	    !CU_add_test(s, "spool: full policy writes a gap", test_spool_full) ||
	    !CU_add_test(s, "spool: kill -9 at random points", test_spool_kill9) ||
	    !CU_add_test(s, "export: file output only, key refusal", test_export_file) ||
	    !CU_add_test(s, "kafka: outage longer than the queue", test_kafka_outage) ||
	    !CU_add_test(s, "kafka: injected transport errors", test_kafka_err_transport) ||
	    !CU_add_test(s, "kafka: injected NOT_ENOUGH_REPLICAS", test_kafka_err_replicas) ||
	    !CU_add_test(s, "kafka: injected OUT_OF_ORDER_SEQUENCE_NUMBER",
			 test_kafka_err_sequence) ||
	    !CU_add_test(s, "kafka: delivery timeouts rewind to the mark", test_kafka_timeouts) ||
	    !CU_add_test(s, "kafka: restart re-sends the spool", test_kafka_restart_resend) ||
	    !CU_add_test(s, "kafka: damaged spool record named lost", test_kafka_corrupt_spool))
		return -1;
	return 0;
}
