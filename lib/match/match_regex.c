/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A raw-payload rule as Hyperscan expressions for streaming mode. Verification after the fact
 * would need the payload, which streaming mode does not keep, so the content chain itself is
 * compiled: each absolute content/pcre starts a chain, relative ones extend it with a bounded
 * gap (distance/within), negated ones become quiet sub-expressions, and a logical combination
 * ANDs them. Positions follow Suricata's content inspection (depth from offset, within from the
 * previous match plus distance); offsets count from the first byte of the direction.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match_priv.h"

void
match_sb_free(struct match_sb *sb)
{
	free(sb->s);
	memset(sb, 0, sizeof(*sb));
}

void
match_sb_add(struct match_sb *sb, const char *s, size_t n)
{
	if (sb->oom)
		return;
	if (sb->len + n + 1 > sb->cap) {
		size_t cap = sb->cap ? sb->cap : 64;
		char *ns;

		while (cap < sb->len + n + 1)
			cap *= 2;
		ns = realloc(sb->s, cap);
		if (!ns) {
			sb->oom = 1;
			return;
		}
		sb->s = ns;
		sb->cap = cap;
	}
	memcpy(sb->s + sb->len, s, n);
	sb->len += n;
	sb->s[sb->len] = '\0';
}

void
match_sb_fmt(struct match_sb *sb, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf)) {
		sb->oom = 1;
		return;
	}
	match_sb_add(sb, buf, (size_t)n);
}

/* Bytes as a regex literal: alphanumerics as is, everything else as \xHH. */
void
match_regex_literal(struct match_sb *sb, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if ((b[i] >= '0' && b[i] <= '9') || (b[i] >= 'a' && b[i] <= 'z') ||
		    (b[i] >= 'A' && b[i] <= 'Z'))
			match_sb_add(sb, (const char *)&b[i], 1);
		else
			match_sb_fmt(sb, "\\x%02x", b[i]);
	}
}

static void
body(struct match_sb *sb, const struct match_elem *e, bool strip_caret)
{
	if (e->kind == ME_CONTENT) {
		if (e->flags & MEF_NOCASE)
			match_sb_add(sb, "(?i:", 4);
		else
			match_sb_add(sb, "(?:", 3);
		match_regex_literal(sb, e->bytes, e->len);
		match_sb_add(sb, ")", 1);
		return;
	}
	const char *p = e->pcre;

	if (strip_caret && *p == '^')
		p++;
	match_sb_fmt(sb, "(?%s%s%s:", (e->hs_flags & HS_FLAG_CASELESS) ? "i" : "",
		     (e->hs_flags & HS_FLAG_DOTALL) ? "s" : "",
		     (e->hs_flags & HS_FLAG_MULTILINE) ? "m" : "");
	match_sb_add(sb, p, strlen(p));
	match_sb_add(sb, ")", 1);
}

/* Any-byte repeat {lo,hi} (hi < 0: unbounded). */
static void
gap(struct match_sb *sb, int64_t lo, int64_t hi)
{
	if (hi == 0)
		return;
	if (hi < 0) {
		if (lo == 0)
			match_sb_add(sb, "[\\x00-\\xff]*", 12);
		else
			match_sb_fmt(sb, "[\\x00-\\xff]{%lld,}", (long long)lo);
	} else if (lo == hi) {
		match_sb_fmt(sb, "[\\x00-\\xff]{%lld}", (long long)lo);
	} else {
		match_sb_fmt(sb, "[\\x00-\\xff]{%lld,%lld}", (long long)lo, (long long)hi);
	}
}

static int
take(struct match_stream_expr *x, struct match_sb *sb, bool neg, char *why, size_t whylen)
{
	if (sb->oom) {
		snprintf(why, whylen, "out of memory");
		return MPR_ERROR;
	}
	if (x->n_sub >= MATCH_MAX_ELEMS) {
		snprintf(why, whylen, "too many sub-expressions");
		return MPR_SKIP;
	}
	x->sub[x->n_sub] = sb->s;
	x->sub_neg[x->n_sub] = neg;
	x->n_sub++;
	memset(sb, 0, sizeof(*sb));
	return MPR_OK;
}

void
match_stream_expr_free(struct match_stream_expr *x)
{
	for (uint32_t i = 0; i < x->n_sub; i++)
		free(x->sub[i]);
	free(x->combo);
	memset(x, 0, sizeof(*x));
}

/*
 * Build @p x for raw-payload rule @p r. @return MPR_OK, or MPR_SKIP with the construct that
 * streaming mode cannot express (negative distance, endswith), or MPR_ERROR (memory).
 */
int
match_stream_exprs(const struct match_rule *r, struct match_stream_expr *x, char *why,
		   size_t whylen)
{
	struct match_sb cur = { 0 }, tmp = { 0 };
	int rc = MPR_OK;
	uint32_t n_pos = 0, n_neg = 0;

	memset(x, 0, sizeof(*x));
	for (unsigned i = 0; i < r->n_el && rc == MPR_OK; i++) {
		const struct match_elem *e = &r->el[i];
		bool neg = e->flags & MEF_NEGATED;
		bool rel = e->flags & MEF_REL;
		int64_t hi = (e->flags & MEF_WITHIN) ? (int64_t)e->distance + e->within - e->len : -1;

		if (e->flags & MEF_ENDSWITH) {
			snprintf(why, whylen, "endswith in a raw payload rule not supported");
			rc = MPR_SKIP;
			break;
		}
		if (e->kind == ME_ISDATAAT) {
			/* a positive pad: N more bytes after the chain (or N+1 from the start) */
			if (neg) {
				snprintf(why, whylen, "negated isdataat in a raw payload rule not supported");
				rc = MPR_SKIP;
				break;
			}
			if ((e->flags & MEF_REL_DATAAT) && cur.len) {
				match_sb_add(&tmp, cur.s, cur.len);
				gap(&tmp, e->offset, e->offset);
			} else {
				match_sb_add(&tmp, "^", 1);
				gap(&tmp, (int64_t)e->offset + 1, (int64_t)e->offset + 1);
			}
			if ((rc = take(x, &tmp, false, why, whylen)) == MPR_OK)
				n_pos++;
			continue;
		}
		if ((e->flags & MEF_DISTANCE) && e->distance < 0) {
			snprintf(why, whylen, "negative distance in a raw payload rule not supported");
			rc = MPR_SKIP;
			break;
		}
		if (rel && cur.len == 0 && e->kind == ME_PCRE)
			rel = false; /* relative to the start: the pcre's own '^' anchors there */
		if (rel && cur.len) {
			/* extends the current chain (a negated element: a copy of it) */
			struct match_sb *sb = &cur;

			if (neg) {
				match_sb_add(&tmp, cur.s, cur.len);
				sb = &tmp;
			}
			if (e->kind == ME_PCRE) {
				if (e->pcre[0] != '^')
					gap(sb, 0, -1);
				body(sb, e, true);
			} else {
				gap(sb, e->distance, hi);
				body(sb, e, false);
			}
		} else {
			/* starts a chain: close the current positive one first */
			struct match_sb *sb = neg ? &tmp : &cur;

			if (!neg && cur.len) {
				if ((rc = take(x, &cur, false, why, whylen)) != MPR_OK)
					break;
				n_pos++;
			}
			if (rel) { /* content relative to the start of the data */
				match_sb_add(sb, "^", 1);
				gap(sb, e->distance, hi);
			} else if (e->kind == ME_CONTENT && (e->flags & MEF_STARTSWITH)) {
				match_sb_add(sb, "^", 1);
			} else if (e->kind == ME_CONTENT && (e->flags & MEF_DEPTH)) {
				match_sb_add(sb, "^", 1);
				gap(sb, e->offset, (int64_t)e->offset + e->depth - e->len);
			} else if (e->kind == ME_CONTENT && e->offset > 0) {
				match_sb_add(sb, "^", 1);
				gap(sb, e->offset, -1);
			}
			body(sb, e, false);
		}
		if (neg) {
			rc = take(x, &tmp, true, why, whylen);
			n_neg++;
			/*
			 * Hyperscan evaluates "A & !N" at the offset where the positives complete. When
			 * the negated element's window is bounded, a positive pad that completes at the
			 * window's end makes the absence certain (Suricata's semantics); unbounded
			 * negations see only the bytes before the positives complete.
			 */
			int64_t pad = -1;

			if (rel && cur.len && (e->flags & MEF_WITHIN)) {
				match_sb_add(&tmp, cur.s, cur.len);
				pad = (int64_t)e->distance + e->within;
			} else if (rel && !cur.len && (e->flags & MEF_WITHIN)) {
				match_sb_add(&tmp, "^", 1);
				pad = (int64_t)e->distance + e->within;
			} else if (!rel && e->kind == ME_CONTENT && (e->flags & MEF_DEPTH)) {
				match_sb_add(&tmp, "^", 1);
				pad = (int64_t)e->offset + e->depth;
			} else if (!rel && e->kind == ME_CONTENT && (e->flags & MEF_STARTSWITH)) {
				match_sb_add(&tmp, "^", 1);
				pad = e->len;
			}
			if (rc == MPR_OK && pad > 0) {
				gap(&tmp, pad, pad);
				rc = take(x, &tmp, false, why, whylen);
				n_pos++;
			} else {
				match_sb_free(&tmp);
			}
		}
	}
	if (rc == MPR_OK && cur.len) {
		rc = take(x, &cur, false, why, whylen);
		n_pos++;
	}
	match_sb_free(&cur);
	match_sb_free(&tmp);
	if (rc != MPR_OK) {
		match_stream_expr_free(x);
		return rc;
	}
	if (n_pos == 1 && n_neg == 0)
		return MPR_OK;
	/* combination: ids are assigned by the compiler; here "%u" placeholders in order */
	struct match_sb c = { 0 };

	match_sb_add(&c, "(", 1);
	for (uint32_t i = 0; i < x->n_sub; i++)
		match_sb_fmt(&c, "%s%s@%u", i ? " & " : "", x->sub_neg[i] ? "!" : "", i);
	match_sb_add(&c, ")", 1);
	if (c.oom) {
		match_sb_free(&c);
		match_stream_expr_free(x);
		snprintf(why, whylen, "out of memory");
		return MPR_ERROR;
	}
	x->combo = c.s;
	return MPR_OK;
}
