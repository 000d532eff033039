/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Verification of block-mode candidates: the prefilter only said "this rule's fast pattern is
 * in the buffer"; here every content and pcre of the rule is checked with its position
 * (offset/depth, distance/within relative to the previous match), negation, and the luhn check,
 * backtracking over earlier matches the way Suricata's content inspection does. Runs on the
 * worker: recursion bounded by MATCH_MAX_ELEMS, search steps by MATCH_VERIFY_BUDGET.
 */
#include <ctype.h>
#include <string.h>

#include "match_priv.h"

/* Luhn check over the digits of a card-number match (separators ignored): 12..19 digits. */
bool
match_luhn(const uint8_t *p, size_t n)
{
	unsigned int sum = 0, nd = 0;

	for (size_t i = n; i-- > 0;) {
		unsigned int d;

		if (p[i] < '0' || p[i] > '9')
			continue;
		d = (unsigned int)(p[i] - '0');
		if (nd & 1) {
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum += d;
		nd++;
	}
	return nd >= 12 && nd <= 19 && sum % 10 == 0;
}

static inline uint8_t
lc(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

/* First occurrence of @p nee in @p hay (case-insensitive when @p nocase), or NULL. */
const uint8_t *
match_find(const uint8_t *hay, size_t hlen, const uint8_t *nee, size_t nlen, bool nocase)
{
	if (nlen == 0 || nlen > hlen)
		return NULL;
	if (!nocase)
		return memmem(hay, hlen, nee, nlen);
	uint8_t f = lc(nee[0]);

	for (size_t i = 0; i + nlen <= hlen; i++) {
		if (lc(hay[i]) != f)
			continue;
		size_t j = 1;

		while (j < nlen && lc(hay[i + j]) == lc(nee[j]))
			j++;
		if (j == nlen)
			return hay + i;
	}
	return NULL;
}

struct vstate {
	struct wt_match_lcore *ml;
	const struct match_rule *r;
	const uint8_t *data;
	uint32_t len;
	uint8_t buf;
	uint32_t from[MATCH_MAX_ELEMS];
	uint32_t to[MATCH_MAX_ELEMS];
	bool exhausted;
};

struct pcre_collect {
	struct match_pcre_hit *hits;
	uint32_t n;
	bool first_only;
	bool truncated;
};

static int
pcre_cb(unsigned int id, unsigned long long from, unsigned long long to, unsigned int flags,
	void *arg)
{
	struct pcre_collect *c = arg;

	(void)id;
	(void)flags;
	if (c->n == MATCH_PCRE_HITS) {
		c->truncated = true;
		return 1;
	}
	c->hits[c->n].from = (uint32_t)from;
	c->hits[c->n].to = (uint32_t)to;
	c->n++;
	return c->first_only ? 1 : 0;
}

/* Scan pcre database @p db over @p p/@p n into ml->pcre_hits[slot]. @return hits, -1 error. */
int
match_pcre_scan(struct wt_match_lcore *ml, const struct match_pcre_db *db, unsigned slot,
	  const uint8_t *p, uint32_t n, bool first_only)
{
	struct pcre_collect c = { ml->pcre_hits[slot], 0, first_only, false };
	hs_error_t e;

	if (!db->db)
		return -1;
	e = hs_scan(db->db, (const char *)p, n, 0, ml->scratch, pcre_cb, &c);
	if (e != HS_SUCCESS && e != HS_SCAN_TERMINATED) {
		ml->cnt[WT_MATCH_CNT_SCAN_ERRORS]++;
		return -1;
	}
	if (c.truncated)
		ml->cnt[WT_MATCH_CNT_PCRE_HITS_TRUNCATED]++;
	if (!db->som) /* no start of match: approximate by the shortest width */
		for (uint32_t i = 0; i < c.n; i++)
			c.hits[i].from = c.hits[i].to > db->db_min_width ?
					 c.hits[i].to - db->db_min_width : 0;
	return (int)c.n;
}

/* Is any later element of this buffer relative (does it depend on where this one matched)? */
static bool
later_relative(const struct vstate *v, unsigned j)
{
	for (unsigned k = j + 1; k < v->r->n_el; k++)
		if (v->r->el[k].buf == v->buf)
			return (v->r->el[k].flags & MEF_REL) != 0;
	return false;
}

static bool verify_from(struct vstate *v, unsigned i, uint32_t prev_end);

/* Search window of element @p e given the previous match end (Suricata's rules). */
static void
window(const struct vstate *v, const struct match_elem *e, uint32_t prev_end, int64_t *start,
       int64_t *end)
{
	int64_t s = 0, d = v->len;

	if (e->kind == ME_PCRE) {
		*start = (e->flags & MEF_RELATIVE_PCRE) ? prev_end : 0;
		*end = v->len;
		return;
	}
	if (e->flags & (MEF_DISTANCE | MEF_WITHIN)) {
		s = prev_end;
		if (e->flags & MEF_DISTANCE)
			s = s + e->distance < 0 ? 0 : s + e->distance;
		if ((e->flags & MEF_WITHIN) &&
		    d > (int64_t)prev_end + e->within + ((e->flags & MEF_DISTANCE) ? e->distance : 0))
			d = (int64_t)prev_end + e->within +
			    ((e->flags & MEF_DISTANCE) ? e->distance : 0);
	} else if (e->flags & MEF_STARTSWITH) {
		d = WT_MIN((int64_t)e->len, d);
	} else {
		s = e->offset;
		if (e->flags & MEF_DEPTH)
			d = WT_MIN(d, (int64_t)e->offset + e->depth);
	}
	*start = s;
	*end = d;
}

static bool
verify_content(struct vstate *v, unsigned j, uint32_t prev_end)
{
	const struct match_elem *e = &v->r->el[j];
	int64_t s, d;
	bool neg = e->flags & MEF_NEGATED;

	window(v, e, prev_end, &s, &d);
	if (e->flags & MEF_ENDSWITH) {
		if (d < (int64_t)v->len || d - s < (int64_t)e->len)
			return neg ? verify_from(v, j + 1, prev_end) : false;
		s = d - e->len; /* only a match ending at the end of the buffer counts */
	}
	for (int64_t p = s;;) {
		const uint8_t *f = NULL;

		if (v->ml->budget == 0) {
			v->exhausted = true;
			return false;
		}
		v->ml->budget--;
		if (d - p >= (int64_t)e->len && p >= 0)
			f = match_find(v->data + p, (size_t)(d - p), e->bytes, e->len,
				       e->flags & MEF_NOCASE);
		if (!f)
			return neg ? verify_from(v, j + 1, prev_end) : false;
		if (neg)
			return false;
		uint32_t at = (uint32_t)(f - v->data);

		p = at + 1;
		if ((e->flags & MEF_LUHN) && !match_luhn(f, e->len)) {
			v->ml->cnt[WT_MATCH_CNT_LUHN_REJECTED]++;
			continue;
		}
		v->from[j] = at;
		v->to[j] = at + e->len;
		if (verify_from(v, j + 1, at + e->len))
			return true;
		if (!later_relative(v, j) || v->exhausted)
			return false;
	}
}

static bool
verify_pcre(struct vstate *v, unsigned j, uint32_t prev_end)
{
	const struct match_elem *e = &v->r->el[j];
	const struct match_pcre_db *db = &v->ml->rs->pcre[e->pcre_db];
	bool neg = e->flags & MEF_NEGATED;
	int64_t s, d;
	int n;

	window(v, e, prev_end, &s, &d);
	if (s > d)
		return neg ? verify_from(v, j + 1, prev_end) : false;
	n = match_pcre_scan(v->ml, db, j, v->data + s, (uint32_t)(d - s),
		      neg || (!later_relative(v, j) && !(e->flags & MEF_LUHN)));
	if (n < 0)
		return false;
	if (neg)
		return n == 0 ? verify_from(v, j + 1, prev_end) : false;
	for (int i = 0; i < n; i++) {
		const struct match_pcre_hit *h = &v->ml->pcre_hits[j][i];
		uint32_t from = (uint32_t)s + h->from, to = (uint32_t)s + h->to;

		if (v->ml->budget == 0) {
			v->exhausted = true;
			return false;
		}
		v->ml->budget--;
		if ((e->flags & MEF_LUHN) && !match_luhn(v->data + from, to - from)) {
			v->ml->cnt[WT_MATCH_CNT_LUHN_REJECTED]++;
			continue;
		}
		v->from[j] = from;
		v->to[j] = to;
		if (verify_from(v, j + 1, to))
			return true;
		if (!later_relative(v, j) || v->exhausted)
			return false;
	}
	return false;
}

/* Elements i.. of the current buffer, the previous match ending at @p prev_end. */
static bool
verify_from(struct vstate *v, unsigned i, uint32_t prev_end)
{
	while (i < v->r->n_el && v->r->el[i].buf != v->buf)
		i++;
	if (i >= v->r->n_el)
		return true;
	const struct match_elem *e = &v->r->el[i];

	if (e->kind == ME_ISDATAAT) {
		/* Suricata: relative needs prev_end + N <= len, absolute N < len */
		bool ok = (e->flags & MEF_REL_DATAAT) ? (uint64_t)prev_end + (uint32_t)e->offset <= v->len :
							(uint32_t)e->offset < v->len;

		if (ok == !(e->flags & MEF_NEGATED))
			return verify_from(v, i + 1, prev_end);
		return false;
	}
	return e->kind == ME_CONTENT ? verify_content(v, i, prev_end) : verify_pcre(v, i, prev_end);
}

/*
 * Verify every buffer of candidate @p r in @p b. On success @p reg holds the region of the
 * rule's last positive element (in that element's buffer). @return 1 match, 0 no match.
 */
int
match_verify_buf(struct wt_match_lcore *ml, const struct match_rule *r,
		 const struct wt_match_bufs *b, struct match_region *reg)
{
	struct vstate v;

	v.ml = ml;
	v.r = r;
	v.exhausted = false;
	ml->budget = MATCH_VERIFY_BUDGET;
	for (unsigned k = 0; k < WT_MATCH_BUF__MAX; k++) {
		if (!(r->buf_mask & (1u << k)))
			continue;
		v.buf = (uint8_t)k;
		v.data = b->data[k];
		v.len = b->len[k];
		if (!verify_from(&v, 0, 0)) {
			if (v.exhausted)
				ml->cnt[WT_MATCH_CNT_VERIFY_BUDGET]++;
			return 0;
		}
		if ((int)(r->el[r->region_elem].buf) == (int)k) {
			reg->from = v.from[r->region_elem];
			reg->to = v.to[r->region_elem];
		}
	}
	reg->valid = 1;
	reg->partial = 0;
	if (r->el[r->region_elem].kind == ME_PCRE && !ml->rs->pcre[r->el[r->region_elem].pcre_db].som)
		reg->partial = 1;
	return 1;
}
