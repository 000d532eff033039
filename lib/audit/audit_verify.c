/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The verifier core: takes sealed JSON lines in any order (files, Kafka partitions),
 * deduplicates by (sensor, stream, seq), recomputes every hash, follows every prev link,
 * checks checkpoint signatures, ranges, heads and counts, accounts gap records, and names
 * each bad point with its kind; the first one by input position is reported first.
 * The line parser reads only the fixed shapes the sealer writes (docs/audit.md).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "audit_priv.h"

#define F_HASH_BAD 0x01
#define F_CKPT 0x02
#define F_GAP 0x04
#define F_PRIMARY 0x08
#define F_MALFORMED 0x10       /* checkpoint or gap body did not parse */

#define MAX_NAMES 1024
#define MAX_PROBLEMS_STORED 100000

struct vrec {
	uint64_t seq;
	uint64_t epoch;
	uint64_t line;
	uint8_t hash[WT_AUDIT_HASH_LEN];
	uint8_t prev[WT_AUDIT_HASH_LEN];
	uint32_t source;
	int32_t aux;              /* index in ckpts[] or gaps[], -1 */
	uint16_t type;            /* interned event_type */
	uint8_t flags;
};

struct vcount {
	uint16_t name;
	uint64_t n;
};

struct vckpt {
	uint64_t stream, epoch, first, last;
	uint8_t head[WT_AUDIT_HASH_LEN];
	bool sig_ok;
	char why[96];             /* why the signature is not good */
	uint32_t n_types, n_reasons;
	struct vcount types[WT_AUDIT_MAX_TYPES + 1];
	struct vcount reasons[WT_AUDIT_MAX_REASONS];
};

struct vgap {
	uint64_t total;
	uint64_t lost_first, lost_last;
	uint32_t n_reasons;
	struct vcount reasons[WT_AUDIT_MAX_REASONS];
};

struct vstream {
	char *sensor;             /* escaped, as in the record */
	size_t sensor_len;
	uint64_t stream;
	struct vrec *recs;
	size_t n, cap;
	struct vckpt *ckpts;
	size_t nc, capc;
	struct vgap *gaps;
	size_t ng, capg;
};

struct vproblem {
	struct wt_audit_problem p;
	uint64_t order;
};

struct wt_audit_verifier {
	struct wt_audit_verify_opts o;
	char pub_id[17];
	struct vstream **st;
	uint32_t n_st, cap_st;
	char *names[MAX_NAMES];
	uint32_t n_names;
	uint16_t t_checkpoint, t_gap;
	uint64_t lines;
	uint32_t max_source;
	EVP_MD *md;
	EVP_MD_CTX *ctx;
	struct vproblem *pr;
	size_t n_pr, cap_pr;
	uint64_t n_pr_total;
};

/* ---- problems ---- */

static void
problem(struct wt_audit_verifier *v, enum wt_audit_bad kind, const struct vstream *s,
	uint64_t seq, uint32_t source, uint64_t line, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

static void
problem(struct wt_audit_verifier *v, enum wt_audit_bad kind, const struct vstream *s,
	uint64_t seq, uint32_t source, uint64_t line, const char *fmt, ...)
{
	struct vproblem *p;
	va_list ap;

	v->n_pr_total++;
	if (v->n_pr == v->cap_pr) {
		size_t cap = v->cap_pr ? v->cap_pr * 2 : 64;
		struct vproblem *n;

		if (cap > MAX_PROBLEMS_STORED)
			return;
		n = realloc(v->pr, cap * sizeof(*n));
		if (n == NULL)
			return;
		v->pr = n;
		v->cap_pr = cap;
	}
	p = &v->pr[v->n_pr];
	memset(p, 0, sizeof(*p));
	p->order = v->n_pr++;
	p->p.kind = kind;
	if (s != NULL) {
		snprintf(p->p.sensor, sizeof(p->p.sensor), "%.*s", (int)WT_MIN(s->sensor_len, 63),
			 s->sensor);
		p->p.stream = (uint32_t)s->stream;
	}
	p->p.seq = seq;
	p->p.source = source;
	p->p.line = line;
	va_start(ap, fmt);
	vsnprintf(p->p.detail, sizeof(p->p.detail), fmt, ap);
	va_end(ap);
}

/* ---- interning ---- */

static uint16_t
intern(struct wt_audit_verifier *v, const char *s, size_t n)
{
	for (uint32_t i = 0; i < v->n_names; i++)
		if (strlen(v->names[i]) == n && memcmp(v->names[i], s, n) == 0)
			return (uint16_t)i;
	if (v->n_names == MAX_NAMES)
		return 0;
	v->names[v->n_names] = strndup(s, n);
	if (v->names[v->n_names] == NULL)
		return 0;
	return (uint16_t)v->n_names++;
}

/* ---- a cursor over the fixed shapes the sealer writes ---- */

struct cur {
	const char *p, *end;
	bool bad;
};

static bool
lit(struct cur *c, const char *s)
{
	size_t n = strlen(s);

	if (c->bad || (size_t)(c->end - c->p) < n || memcmp(c->p, s, n) != 0) {
		c->bad = true;
		return false;
	}
	c->p += n;
	return true;
}

static uint64_t
num(struct cur *c)
{
	uint64_t v = 0;
	const char *s = c->p;

	while (!c->bad && c->p < c->end && *c->p >= '0' && *c->p <= '9' && c->p - s < 20) {
		v = v * 10 + (uint64_t)(*c->p - '0');
		c->p++;
	}
	if (c->p == s || (c->p - s > 1 && *s == '0'))
		c->bad = true;
	return v;
}

/* A JSON string: returns its raw (escaped) contents. */
static bool
str(struct cur *c, const char **s, size_t *n)
{
	if (!lit(c, "\""))
		return false;
	*s = c->p;
	while (c->p < c->end && *c->p != '"') {
		if ((unsigned char)*c->p < 0x20) {
			c->bad = true;
			return false;
		}
		if (*c->p == '\\')
			c->p++;
		c->p++;
	}
	if (c->p >= c->end) {
		c->bad = true;
		return false;
	}
	*n = (size_t)(c->p - *s);
	c->p++;
	return true;
}

static void
hexn(struct cur *c, uint8_t *out, size_t n)
{
	if (c->bad || (size_t)(c->end - c->p) < 2 * n || audit_unhex(out, c->p, n) != 0) {
		c->bad = true;
		return;
	}
	c->p += 2 * n;
}

/* {"name":n,...} */
static uint32_t
count_map(struct wt_audit_verifier *v, struct cur *c, struct vcount *out, uint32_t max)
{
	uint32_t n = 0;

	if (!lit(c, "{"))
		return 0;
	if (c->p < c->end && *c->p == '}') {
		c->p++;
		return 0;
	}
	for (;;) {
		const char *s;
		size_t len;

		if (!str(c, &s, &len) || !lit(c, ":"))
			return n;
		if (n == max) {
			c->bad = true;
			return n;
		}
		out[n].name = intern(v, s, len);
		out[n].n = num(c);
		n++;
		if (c->bad || c->p >= c->end)
			return n;
		if (*c->p == '}') {
			c->p++;
			return n;
		}
		if (!lit(c, ","))
			return n;
	}
}

static const char *
memrmem(const char *h, size_t hn, const char *n, size_t nn)
{
	if (hn < nn)
		return NULL;
	for (const char *p = h + hn - nn;; p--) {
		if (memcmp(p, n, nn) == 0)
			return p;
		if (p == h)
			return NULL;
	}
}

/* ---- streams ---- */

static struct vstream *
stream_get(struct wt_audit_verifier *v, const char *sensor, size_t slen, uint64_t id)
{
	struct vstream *s;

	for (uint32_t i = 0; i < v->n_st; i++) {
		s = v->st[i];
		if (s->stream == id && s->sensor_len == slen && memcmp(s->sensor, sensor, slen) == 0)
			return s;
	}
	if (v->n_st == v->cap_st) {
		uint32_t cap = v->cap_st ? v->cap_st * 2 : 8;
		struct vstream **n = realloc(v->st, cap * sizeof(*n));

		if (n == NULL)
			return NULL;
		v->st = n;
		v->cap_st = cap;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	s->sensor = strndup(sensor, slen);
	if (s->sensor == NULL) {
		free(s);
		return NULL;
	}
	s->sensor_len = slen;
	s->stream = id;
	v->st[v->n_st++] = s;
	return s;
}

#define GROW(arr, n, cap) \
	do { \
		if ((n) == (cap)) { \
			size_t c_ = (cap) ? (cap) * 2 : 1024; \
			void *p_ = realloc((arr), c_ * sizeof(*(arr))); \
			if (p_ == NULL) \
				return -ENOMEM; \
			(arr) = p_; \
			(cap) = c_; \
		} \
	} while (0)

/* ---- parsing one line ---- */

static void
parse_checkpoint(struct wt_audit_verifier *v, struct vckpt *k, const char *line,
		 const char *apos, bool *malformed)
{
	static const char tag[] = ",\"checkpoint\":{\"stream\":";
	const char *p = memmem(line, (size_t)(apos - line), tag, sizeof(tag) - 1);
	uint8_t sig[WT_AUDIT_SIG_LEN];
	struct cur c = { p, apos, false };
	const char *kid, *msg_end;
	size_t kidn = 0;

	memset(k, 0, sizeof(*k));
	if (p == NULL) {
		*malformed = true;
		snprintf(k->why, sizeof(k->why), "checkpoint object missing");
		return;
	}
	c.p += sizeof(tag) - 1;
	k->stream = num(&c);
	lit(&c, ",\"epoch\":");
	k->epoch = num(&c);
	lit(&c, ",\"first\":");
	k->first = num(&c);
	lit(&c, ",\"last\":");
	k->last = num(&c);
	lit(&c, ",\"head\":\"");
	hexn(&c, k->head, WT_AUDIT_HASH_LEN);
	lit(&c, "\",\"events\":");
	k->n_types = count_map(v, &c, k->types, WT_AUDIT_MAX_TYPES + 1);
	lit(&c, ",\"gaps\":");
	k->n_reasons = count_map(v, &c, k->reasons, WT_AUDIT_MAX_REASONS);
	lit(&c, ",\"key_id\":");
	if (!c.bad)
		str(&c, &kid, &kidn);
	msg_end = c.p;
	lit(&c, ",\"sig\":\"");
	if (!c.bad && c.p < c.end && *c.p == '"') {
		snprintf(k->why, sizeof(k->why), "checkpoint is not signed");
		c.p++;
		lit(&c, "}");
		if (c.bad || c.p != apos)
			*malformed = true;
		return;
	}
	hexn(&c, sig, WT_AUDIT_SIG_LEN);
	lit(&c, "\"}");
	if (c.bad || c.p != apos) {
		*malformed = true;
		snprintf(k->why, sizeof(k->why), "checkpoint object malformed");
		return;
	}
	if (v->o.pub == NULL) {
		snprintf(k->why, sizeof(k->why), "no public key given");
		return;
	}
	if (kidn != 16 || memcmp(kid, v->pub_id, 16) != 0) {
		snprintf(k->why, sizeof(k->why), "signed by key %.*s, not by the given key %s",
			 (int)WT_MIN(kidn, (size_t)16), kidn ? kid : "", v->pub_id);
		return;
	}
	k->sig_ok = wt_audit_sig_check(v->o.pub, line, (size_t)(msg_end - line), sig) == 1;
	if (!k->sig_ok)
		snprintf(k->why, sizeof(k->why), "Ed25519 signature does not verify");
}

static void
parse_gap(struct wt_audit_verifier *v, struct vgap *g, const char *line, const char *apos,
	  bool *malformed)
{
	static const char tag[] = ",\"gap\":{\"reasons\":";
	const char *p = memmem(line, (size_t)(apos - line), tag, sizeof(tag) - 1);
	struct cur c = { p, apos, false };

	memset(g, 0, sizeof(*g));
	if (p == NULL) {
		*malformed = true;
		return;
	}
	c.p += sizeof(tag) - 1;
	g->n_reasons = count_map(v, &c, g->reasons, WT_AUDIT_MAX_REASONS);
	lit(&c, ",\"total\":");
	g->total = num(&c);
	if (!c.bad && c.p < c.end && *c.p == ',') {
		lit(&c, ",\"lost_seq\":[");
		g->lost_first = num(&c);
		lit(&c, ",");
		g->lost_last = num(&c);
		lit(&c, "]");
	}
	lit(&c, "}");
	if (c.bad || c.p != apos || g->lost_last < g->lost_first)
		*malformed = true;
}

static int
feed(struct wt_audit_verifier *v, uint32_t source, uint64_t lineno, const char *s, size_t len,
     bool torn)
{
	static const char atag[] = ",\"audit\":{\"sensor\":";
	static const char ttag[] = "\"event_type\":\"";
	const char *apos, *hpos, *sensor, *tp;
	size_t slen, tlen = 1;
	struct cur c;
	struct vrec r;
	struct vstream *st;
	uint8_t h[WT_AUDIT_HASH_LEN];
	uint64_t id;
	bool malformed = false;

	memset(&r, 0, sizeof(r));
	r.source = source;
	r.line = lineno;
	r.aux = -1;
	apos = memrmem(s, len, atag, sizeof(atag) - 1);
	if (apos == NULL) {
		problem(v, torn ? WT_AUDIT_BAD_TRUNCATED : WT_AUDIT_BAD_INSERTED, NULL, 0, source,
			lineno, torn ? "input ends inside a line" :
				       "line carries no audit object (not from any chain)");
		return 0;
	}
	hpos = len >= AUDIT_HASH_TAIL_LEN ? s + len - AUDIT_HASH_TAIL_LEN : s;
	c.p = apos + sizeof(atag) - 1;
	c.end = s + len;
	c.bad = false;
	str(&c, &sensor, &slen);
	lit(&c, ",\"stream\":");
	id = num(&c);
	lit(&c, ",\"epoch\":");
	r.epoch = num(&c);
	lit(&c, ",\"seq\":");
	r.seq = num(&c);
	lit(&c, ",\"prev\":\"");
	hexn(&c, r.prev, WT_AUDIT_HASH_LEN);
	lit(&c, "\"");
	if (!c.bad && c.p != hpos)
		c.bad = true;
	lit(&c, ",\"hash\":\"");
	hexn(&c, r.hash, WT_AUDIT_HASH_LEN);
	lit(&c, "\"}}");
	if (c.bad || c.p != s + len || r.seq == 0) {
		problem(v, torn ? WT_AUDIT_BAD_TRUNCATED : WT_AUDIT_BAD_MODIFIED, NULL, 0, source,
			lineno, torn ? "input ends inside a line" : "audit object malformed");
		return 0;
	}
	st = stream_get(v, sensor, slen, id);
	if (st == NULL)
		return -ENOMEM;
	if (audit_sha256(v->ctx, v->md, s, (size_t)(hpos - s), "}}", 2, h) != 0)
		return -EIO;
	if (memcmp(h, r.hash, WT_AUDIT_HASH_LEN) != 0)
		r.flags |= F_HASH_BAD;
	tp = memmem(s, (size_t)(apos - s), ttag, sizeof(ttag) - 1);
	if (tp != NULL) {
		c.p = tp + sizeof(ttag) - 2;
		c.end = apos;
		c.bad = false;
		if (!str(&c, &tp, &tlen))
			tp = NULL;
	}
	r.type = tp != NULL ? intern(v, tp, tlen) : intern(v, "?", 1);
	if (r.type == v->t_checkpoint) {
		GROW(st->ckpts, st->nc, st->capc);
		parse_checkpoint(v, &st->ckpts[st->nc], s, apos, &malformed);
		r.flags |= F_CKPT;
		r.aux = (int32_t)st->nc++;
	} else if (r.type == v->t_gap) {
		GROW(st->gaps, st->ng, st->capg);
		parse_gap(v, &st->gaps[st->ng], s, apos, &malformed);
		r.flags |= F_GAP;
		r.aux = (int32_t)st->ng++;
	}
	if (malformed)
		r.flags |= F_MALFORMED;
	GROW(st->recs, st->n, st->cap);
	st->recs[st->n++] = r;
	v->max_source = WT_MAX(v->max_source, source);
	return 0;
}

int
wt_audit_verify_line(struct wt_audit_verifier *v, uint32_t source, uint64_t line, const char *s,
		     size_t len)
{
	while (len > 0 && (s[len - 1] == '\r' || s[len - 1] == ' '))
		len--;
	if (len == 0)
		return 0;
	v->lines++;
	return feed(v, source, line, s, len, false);
}

int
audit_verify_line_torn(struct wt_audit_verifier *v, uint32_t source, uint64_t line,
		       const char *s, size_t len)
{
	if (len == 0)
		return 0;
	v->lines++;
	return feed(v, source, line, s, len, true);
}

void
wt_audit_verify_torn(struct wt_audit_verifier *v, uint32_t source, uint64_t line)
{
	problem(v, WT_AUDIT_BAD_TRUNCATED, NULL, 0, source, line, "input ends inside a line");
}

/* ---- whole-stream checks ---- */

static int
idx_cmp(const void *a, const void *b, void *arg)
{
	const struct vstream *s = arg;
	const struct vrec *x = &s->recs[*(const uint32_t *)a];
	const struct vrec *y = &s->recs[*(const uint32_t *)b];

	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return *(const uint32_t *)a < *(const uint32_t *)b ? -1 : 1;
}

/* Index (into P) of the primary with @p seq, or -1. */
static long
find_seq(const struct vstream *s, const uint32_t *P, size_t np, uint64_t seq)
{
	size_t lo = 0, hi = np;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (s->recs[P[mid]].seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < np && s->recs[P[lo]].seq == seq ? (long)lo : -1;
}

/* Uncovered parts of the hole [a, b] (gap records with lost_seq cover holes). */
static void
hole(struct wt_audit_verifier *v, struct vstream *s, uint64_t a, uint64_t b, const struct vrec *next)
{
	while (a <= b) {
		uint64_t cut = b + 1;
		bool covered = false;

		for (size_t g = 0; g < s->ng; g++) {
			const struct vgap *gp = &s->gaps[g];

			if (gp->lost_first == 0)
				continue;
			if (gp->lost_first <= a && gp->lost_last >= a) {
				a = gp->lost_last + 1;
				covered = true;
				break;
			}
			if (gp->lost_first > a && gp->lost_first < cut)
				cut = gp->lost_first;
		}
		if (covered)
			continue;
		problem(v, WT_AUDIT_BAD_DELETED, s, a, next->source, next->line,
			"seq %" PRIu64 "..%" PRIu64 " missing (no gap record names them)", a,
			cut - 1);
		a = cut;
	}
}

/* Seqs in [a, b] absent from the stream and named by a gap record's lost_seq. */
static uint64_t
lost_in(const struct vstream *s, const uint32_t *P, size_t np, uint64_t a, uint64_t b)
{
	uint64_t n = 0;

	for (size_t g = 0; g < s->ng; g++) {
		const struct vgap *gp = &s->gaps[g];

		if (gp->lost_first == 0)
			continue;
		for (uint64_t q = WT_MAX(a, gp->lost_first); q <= WT_MIN(b, gp->lost_last); q++) {
			bool again = false;

			for (size_t h = 0; h < g && !again; h++)   /* named twice counts once */
				again = s->gaps[h].lost_first && s->gaps[h].lost_first <= q &&
					s->gaps[h].lost_last >= q;
			n += !again && find_seq(s, P, np, q) < 0;
		}
	}
	return n;
}

static void
check_checkpoint(struct wt_audit_verifier *v, struct vstream *s, const uint32_t *P, size_t np,
		 size_t pi, struct wt_audit_verify_stream_sum *sum)
{
	const struct vrec *r = &s->recs[P[pi]];
	const struct vckpt *k = &s->ckpts[r->aux];
	uint64_t types[MAX_NAMES];
	uint64_t reasons[MAX_NAMES];
	uint64_t max_epoch = 0, shortfall = 0, lost;
	long li, fi;

	if (r->flags & F_MALFORMED) {
		problem(v, WT_AUDIT_BAD_MODIFIED, s, r->seq, r->source, r->line,
			"checkpoint malformed");
		return;
	}
	if (!k->sig_ok) {
		if (v->o.pub != NULL)
			problem(v, WT_AUDIT_BAD_BAD_SIGNATURE, s, r->seq, r->source, r->line,
				"checkpoint: %s", k->why);
	} else {
		sum->checkpoints++;
	}
	if (k->stream != s->stream || k->last + 1 != r->seq || k->first > k->last + 1) {
		problem(v, WT_AUDIT_BAD_MODIFIED, s, r->seq, r->source, r->line,
			"checkpoint names stream %" PRIu64 " range %" PRIu64 "..%" PRIu64
			" but sits at seq %" PRIu64, k->stream, k->first, k->last, r->seq);
		return;
	}
	li = find_seq(s, P, np, k->last);
	if (li >= 0 && memcmp(s->recs[P[li]].hash, k->head, WT_AUDIT_HASH_LEN) != 0) {
		const struct vrec *l = &s->recs[P[li]];

		problem(v, WT_AUDIT_BAD_MODIFIED, s, l->seq, l->source, l->line,
			"hash of seq %" PRIu64 " differs from the head signed at seq %" PRIu64,
			l->seq, r->seq);
	}
	if (np && k->first < s->recs[P[0]].seq &&
	    lost_in(s, P, np, k->first, s->recs[P[0]].seq - 1) != s->recs[P[0]].seq - k->first)
		problem(v, WT_AUDIT_BAD_DELETED, s, k->first, s->recs[P[0]].source,
			s->recs[P[0]].line,
			"seq %" PRIu64 "..%" PRIu64 " signed at seq %" PRIu64 " are missing",
			k->first, s->recs[P[0]].seq - 1, r->seq);
	/* Counts per type and losses per reason in [first, last] against the signed ones. */
	memset(types, 0, sizeof(uint64_t) * v->n_names);
	memset(reasons, 0, sizeof(uint64_t) * v->n_names);
	fi = find_seq(s, P, np, k->first);
	for (size_t i = fi >= 0 ? (size_t)fi : 0; i < pi; i++) {
		const struct vrec *x = &s->recs[P[i]];

		if (x->seq < k->first)
			continue;
		types[x->type]++;
		max_epoch = WT_MAX(max_epoch, x->epoch);
		if ((x->flags & F_GAP) && !(x->flags & F_MALFORMED)) {
			const struct vgap *g = &s->gaps[x->aux];

			for (uint32_t j = 0; j < g->n_reasons; j++)
				reasons[g->reasons[j].name] += g->reasons[j].n;
		}
	}
	/* Records named lost by gap records (lost_seq) are signed but absent: their types are
	 * unknown, so only their number is checked against the shortfall. */
	lost = lost_in(s, P, np, k->first, k->last);
	for (uint32_t j = 0; j < k->n_types; j++) {
		uint16_t t = k->types[j].name;

		if (types[t] > k->types[j].n) {
			problem(v, WT_AUDIT_BAD_INSERTED, s, r->seq, r->source, r->line,
				"checkpoint signs %" PRIu64 " '%s' records in %" PRIu64 "..%" PRIu64
				", the chain has %" PRIu64, k->types[j].n, v->names[t], k->first,
				k->last, types[t]);
			return;
		}
		shortfall += k->types[j].n - types[t];
		types[t] = 0;
	}
	if (shortfall != lost) {
		problem(v, WT_AUDIT_BAD_MODIFIED, s, r->seq, r->source, r->line,
			"checkpoint counts %" PRIu64 " more records in %" PRIu64 "..%" PRIu64
			" than the chain has (%" PRIu64 " named lost)", shortfall, k->first, k->last,
			lost);
		return;
	}
	for (uint32_t t = 0; t < v->n_names; t++) {
		if (types[t] != 0) {
			problem(v, WT_AUDIT_BAD_INSERTED, s, r->seq, r->source, r->line,
				"%" PRIu64 " '%s' records in %" PRIu64 "..%" PRIu64
				" that the checkpoint does not sign", types[t], v->names[t], k->first,
				k->last);
			return;
		}
	}
	for (uint32_t j = 0; j < k->n_reasons; j++) {
		uint16_t t = k->reasons[j].name;

		if (reasons[t] != k->reasons[j].n) {
			problem(v, WT_AUDIT_BAD_MODIFIED, s, r->seq, r->source, r->line,
				"checkpoint signs %" PRIu64 " losses '%s', gap records in the range "
				"name %" PRIu64, k->reasons[j].n, v->names[t], reasons[t]);
			return;
		}
	}
	if (k->epoch < max_epoch)
		problem(v, WT_AUDIT_BAD_ROLLED_BACK_EPOCH, s, r->seq, r->source, r->line,
			"checkpoint epoch %" PRIu64 " is older than records it covers (%" PRIu64 ")",
			k->epoch, max_epoch);
}

static int
finish_stream(struct wt_audit_verifier *v, struct vstream *s, struct wt_audit_verify_stream_sum *sum)
{
	uint32_t *idx = NULL, *P = NULL;
	uint64_t *maxsrc = NULL, max_epoch = 0;
	size_t np = 0, last_ck = SIZE_MAX;
	uint64_t epochs = 0, last_epoch = 0;

	memset(sum, 0, sizeof(*sum));
	snprintf(sum->sensor, sizeof(sum->sensor), "%.*s", (int)WT_MIN(s->sensor_len, 63), s->sensor);
	sum->stream = (uint32_t)s->stream;
	if (s->n == 0)
		return 0;
	idx = malloc(s->n * sizeof(*idx));
	P = malloc(s->n * sizeof(*P));
	maxsrc = calloc((size_t)v->max_source + 1, sizeof(*maxsrc));
	if (idx == NULL || P == NULL || maxsrc == NULL) {
		free(idx);
		free(P);
		free(maxsrc);
		return -ENOMEM;
	}
	for (size_t i = 0; i < s->n; i++)
		idx[i] = (uint32_t)i;
	qsort_r(idx, s->n, sizeof(*idx), idx_cmp, s);

	/* One primary per seq (the first copy whose hash holds); the rest are duplicates or
	 * conflicting records. */
	for (size_t i = 0; i < s->n;) {
		size_t j = i, prim = SIZE_MAX;
		uint64_t seq = s->recs[idx[i]].seq;

		while (j < s->n && s->recs[idx[j]].seq == seq) {
			struct vrec *x = &s->recs[idx[j]];

			if (x->flags & F_HASH_BAD)
				problem(v, WT_AUDIT_BAD_MODIFIED, s, seq, x->source, x->line,
					"hash does not match the record (content changed)");
			else if (prim == SIZE_MAX)
				prim = j;
			j++;
		}
		if (prim == SIZE_MAX)
			prim = i;       /* every copy is bad: keep one for the links */
		s->recs[idx[prim]].flags |= F_PRIMARY;
		P[np++] = idx[prim];
		for (size_t k = i; k < j; k++) {
			struct vrec *x = &s->recs[idx[k]], *p = &s->recs[idx[prim]];

			if (k == prim || (x->flags & F_HASH_BAD))
				continue;
			if (memcmp(x->hash, p->hash, WT_AUDIT_HASH_LEN) == 0) {
				sum->duplicates++;
				continue;
			}
			if (x->epoch != p->epoch)
				problem(v, WT_AUDIT_BAD_ROLLED_BACK_EPOCH, s, seq, x->source, x->line,
					"seq %" PRIu64 " written again in epoch %" PRIu64
					" (first in epoch %" PRIu64 "): sensor state rolled back",
					seq, x->epoch, p->epoch);
			else
				problem(v, WT_AUDIT_BAD_INSERTED, s, seq, x->source, x->line,
					"a second, different record claims seq %" PRIu64, seq);
		}
		i = j;
	}

	/* Links, holes and epochs in seq order. */
	for (size_t i = 0; i < np; i++) {
		const struct vrec *r = &s->recs[P[i]];
		static const uint8_t zero[WT_AUDIT_HASH_LEN];

		if (i == 0) {
			if (r->seq == 1 && memcmp(r->prev, zero, WT_AUDIT_HASH_LEN) != 0)
				problem(v, WT_AUDIT_BAD_MODIFIED, s, r->seq, r->source, r->line,
					"seq 1 must have a zero prev");
		} else {
			const struct vrec *q = &s->recs[P[i - 1]];

			if (r->seq > q->seq + 1)
				hole(v, s, q->seq + 1, r->seq - 1, r);
			else if (memcmp(r->prev, q->hash, WT_AUDIT_HASH_LEN) != 0)
				problem(v, WT_AUDIT_BAD_MODIFIED, s, r->seq, r->source, r->line,
					"prev does not match the hash of seq %" PRIu64, q->seq);
		}
		if (r->epoch < max_epoch)
			problem(v, WT_AUDIT_BAD_ROLLED_BACK_EPOCH, s, r->seq, r->source, r->line,
				"epoch %" PRIu64 " after epoch %" PRIu64 " at a lower seq", r->epoch,
				max_epoch);
		max_epoch = WT_MAX(max_epoch, r->epoch);
		if (r->epoch != last_epoch) {
			epochs++;
			last_epoch = r->epoch;
		}
		if (r->flags & F_CKPT) {
			check_checkpoint(v, s, P, np, i, sum);
			last_ck = i;
		}
		if ((r->flags & F_GAP) && !(r->flags & F_MALFORMED)) {
			const struct vgap *g = &s->gaps[r->aux];

			sum->gaps++;
			sum->gap_lost += g->total;
		} else if ((r->flags & F_GAP)) {
			problem(v, WT_AUDIT_BAD_MODIFIED, s, r->seq, r->source, r->line,
				"gap record malformed");
		}
	}

	/* Order inside each source: a first copy arriving after a higher seq was moved. */
	if (v->o.check_order) {
		for (size_t i = 0; i < s->n; i++) {
			const struct vrec *r = &s->recs[i];

			if ((r->flags & F_PRIMARY) && r->seq < maxsrc[r->source])
				problem(v, WT_AUDIT_BAD_REORDERED, s, r->seq, r->source, r->line,
					"seq %" PRIu64 " comes after seq %" PRIu64 " in this input",
					r->seq, maxsrc[r->source]);
			maxsrc[r->source] = WT_MAX(maxsrc[r->source], r->seq);
		}
	}

	/* What follows the last signature is not proven. */
	{
		const struct vrec *last = &s->recs[P[np - 1]];
		uint64_t from = last_ck == SIZE_MAX ? s->recs[P[0]].seq : s->recs[P[last_ck]].seq + 1;

		sum->unsigned_tail = last_ck == SIZE_MAX ? np : np - 1 - last_ck;
		if (sum->unsigned_tail && !v->o.live)
			problem(v, WT_AUDIT_BAD_TRUNCATED, s, from, last->source, last->line,
				"seq %" PRIu64 "..%" PRIu64 " follow the last signed checkpoint: the "
				"stream was cut (or is still open: --live)", from, last->seq);
	}
	sum->first_seq = s->recs[P[0]].seq;
	sum->last_seq = s->recs[P[np - 1]].seq;
	sum->records = np;
	sum->epochs = epochs;
	free(idx);
	free(P);
	free(maxsrc);
	return 0;
}

static int
pr_cmp(const void *a, const void *b)
{
	const struct vproblem *x = a, *y = b;

	if (x->p.source != y->p.source)
		return x->p.source < y->p.source ? -1 : 1;
	if (x->p.line != y->p.line)
		return x->p.line < y->p.line ? -1 : 1;
	if (x->p.seq != y->p.seq)
		return x->p.seq < y->p.seq ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

int
wt_audit_verify_finish(struct wt_audit_verifier *v, struct wt_audit_verify_result *r)
{
	uint64_t reasons[MAX_NAMES];

	memset(r, 0, sizeof(*r));
	memset(reasons, 0, sizeof(reasons));
	for (uint32_t i = 0; i < v->n_st; i++) {
		struct wt_audit_verify_stream_sum sum;
		struct vstream *s = v->st[i];

		if (finish_stream(v, s, &sum) != 0) {
			problem(v, WT_AUDIT_BAD_TRUNCATED, s, 0, 0, 0, "out of memory while verifying");
			continue;
		}
		r->records += sum.records;
		r->duplicates += sum.duplicates;
		r->checkpoints += sum.checkpoints;
		r->gap_lost += sum.gap_lost;
		if (i < WT_AUDIT_VERIFY_MAX_STREAMS)
			r->streams[i] = sum;
		for (size_t k = 0; k < s->n; k++) {
			const struct vrec *x = &s->recs[k];

			if ((x->flags & (F_PRIMARY | F_GAP | F_MALFORMED)) == (F_PRIMARY | F_GAP)) {
				const struct vgap *g = &s->gaps[x->aux];

				for (uint32_t j = 0; j < g->n_reasons; j++)
					reasons[g->reasons[j].name] += g->reasons[j].n;
			}
		}
	}
	r->n_streams = v->n_st;
	r->lines = v->lines;
	for (uint32_t t = 0; t < v->n_names && r->n_gap_reasons < WT_AUDIT_MAX_REASONS; t++) {
		if (reasons[t] == 0)
			continue;
		snprintf(r->gap_reasons[r->n_gap_reasons].reason, sizeof(r->gap_reasons[0].reason),
			 "%s", v->names[t]);
		r->gap_reasons[r->n_gap_reasons++].count = reasons[t];
	}
	if (v->n_pr)
		qsort(v->pr, v->n_pr, sizeof(*v->pr), pr_cmp);
	r->n_problems = v->n_pr_total;
	r->n_kept = (uint32_t)WT_MIN(v->n_pr, (size_t)WT_AUDIT_VERIFY_MAX_PROBLEMS);
	for (uint32_t i = 0; i < r->n_kept; i++)
		r->problems[i] = v->pr[i].p;
	return r->n_problems ? 1 : 0;
}

static void
print_problem(FILE *out, const struct wt_audit_problem *p)
{
	fprintf(out, "  %s: input %u line %" PRIu64, wt_audit_bad_names[p->kind], p->source,
		p->line);
	if (p->seq)
		fprintf(out, ", sensor \"%s\" stream %u seq %" PRIu64, p->sensor, p->stream, p->seq);
	fprintf(out, ": %s\n", p->detail);
}

void
wt_audit_verify_print(FILE *out, const struct wt_audit_verify_result *r)
{
	if (r->n_problems) {
		fprintf(out, "FIRST BAD POINT:\n");
		print_problem(out, &r->problems[0]);
		if (r->n_kept > 1)
			fprintf(out, "then (%" PRIu64 " problems in all):\n", r->n_problems);
		for (uint32_t i = 1; i < r->n_kept; i++)
			print_problem(out, &r->problems[i]);
		if (r->n_problems > r->n_kept)
			fprintf(out, "  ... %" PRIu64 " more\n", r->n_problems - r->n_kept);
	}
	fprintf(out, "summary: %" PRIu64 " lines, %" PRIu64 " records, %" PRIu64
		" duplicates dropped, %" PRIu64 " checkpoint signatures verified, %" PRIu64
		" losses named in gap records, %u stream(s)\n",
		r->lines, r->records, r->duplicates, r->checkpoints, r->gap_lost, r->n_streams);
	for (uint32_t i = 0; i < r->n_streams && i < WT_AUDIT_VERIFY_MAX_STREAMS; i++) {
		const struct wt_audit_verify_stream_sum *s = &r->streams[i];

		fprintf(out, "  sensor \"%s\" stream %u: seq %" PRIu64 "..%" PRIu64 ", %" PRIu64
			" records, %" PRIu64 " duplicates, %" PRIu64 " checkpoints, %" PRIu64
			" epochs, %" PRIu64 " gap records naming %" PRIu64 " losses, %" PRIu64
			" unsigned at the end\n",
			s->sensor, s->stream, s->first_seq, s->last_seq, s->records, s->duplicates,
			s->checkpoints, s->epochs, s->gaps, s->gap_lost, s->unsigned_tail);
	}
	for (uint32_t i = 0; i < r->n_gap_reasons; i++)
		fprintf(out, "  gap %s: %" PRIu64 "\n", r->gap_reasons[i].reason,
			r->gap_reasons[i].count);
	fprintf(out, "%s\n", r->n_problems ? "RESULT: FAILED" : "RESULT: OK");
}

struct wt_audit_verifier *
wt_audit_verify_create(const struct wt_audit_verify_opts *o)
{
	struct wt_audit_verifier *v = calloc(1, sizeof(*v));

	if (v == NULL)
		goto nomem;
	v->o = *o;
	if (o->pub != NULL)
		memcpy(v->pub_id, wt_audit_key_id(o->pub), 16);
	v->md = EVP_MD_fetch(NULL, "SHA256", NULL);
	v->ctx = EVP_MD_CTX_new();
	if (v->md == NULL || v->ctx == NULL)
		goto nomem;
	intern(v, "?", 1);
	v->t_checkpoint = intern(v, AUDIT_TYPE_CHECKPOINT, strlen(AUDIT_TYPE_CHECKPOINT));
	v->t_gap = intern(v, AUDIT_TYPE_GAP, strlen(AUDIT_TYPE_GAP));
	if (v->n_names != 3)
		goto nomem;
	return v;
nomem:
	wt_audit_verify_free(v);
	errno = ENOMEM;
	return NULL;
}

void
wt_audit_verify_free(struct wt_audit_verifier *v)
{
	if (v == NULL)
		return;
	for (uint32_t i = 0; i < v->n_st; i++) {
		free(v->st[i]->sensor);
		free(v->st[i]->recs);
		free(v->st[i]->ckpts);
		free(v->st[i]->gaps);
		free(v->st[i]);
	}
	free(v->st);
	for (uint32_t i = 0; i < v->n_names; i++)
		free(v->names[i]);
	free(v->pr);
	EVP_MD_CTX_free(v->ctx);
	EVP_MD_free(v->md);
	free(v);
}
