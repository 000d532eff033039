/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Body shape, not body content: an incremental scanner over the first json_inspect_bytes of a
 * JSON body that keeps only the names of the top-level members, then a fingerprint of their
 * sorted set. Two bodies with the same keys in any order and any values match; a new or
 * missing key changes it (payload drift). Values are never stored.
 */
#include "http_priv.h"

/* http_scan.st */
#define SCAN_START  0 /* before the first non-blank byte */
#define SCAN_IN     1 /* inside the top-level object */
#define SCAN_DONE   2 /* top-level object closed */
#define SCAN_NOT_OBJ 3

/* http_scan.bits */
#define SB_STR      0x01 /* inside a string */
#define SB_ESC      0x02 /* after a backslash in a string */
#define SB_KEY      0x04 /* the string is a top-level key */
#define SB_EXPECT   0x08 /* the next string at depth 1 is a key */
#define SB_CUT      0x10 /* a key was cut or not stored */

void
http_scan_init(struct http_scan *s, uint32_t limit)
{
	s->seen = 0;
	s->limit = limit;
	s->depth = 0;
	s->n_keys = 0;
	s->total = 0;
	s->arena_used = 0;
	s->cur_len = 0;
	s->st = SCAN_START;
	s->bits = 0;
}

static void
key_byte(struct http_scan *s, uint8_t c)
{
	if (s->n_keys >= HTTP_SHAPE_KEYS || s->cur_len >= HTTP_SHAPE_KEY_MAX ||
	    s->arena_used + s->cur_len >= HTTP_SHAPE_ARENA) {
		s->bits |= SB_CUT;
		return;
	}
	s->arena[s->arena_used + s->cur_len++] = (char)c;
}

static void
key_end(struct http_scan *s)
{
	if (s->total < UINT16_MAX)
		s->total++;
	if (s->n_keys >= HTTP_SHAPE_KEYS) {
		s->bits |= SB_CUT;
		return;
	}
	s->off[s->n_keys] = s->arena_used;
	s->len[s->n_keys] = (uint8_t)s->cur_len;
	s->arena_used = (uint16_t)(s->arena_used + s->cur_len);
	s->n_keys++;
}

void
http_scan_feed(struct http_scan *s, const uint8_t *p, size_t n)
{
	size_t room = s->limit - s->seen;

	if (n > room)
		n = room;
	s->seen += (uint32_t)n;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];

		if (s->st != SCAN_IN) {
			if (s->st != SCAN_START || c == ' ' || c == '\t' || c == '\r' || c == '\n')
				continue;
			if (c != '{') {
				s->st = SCAN_NOT_OBJ;
				continue;
			}
			s->st = SCAN_IN;
			s->depth = 1;
			s->bits = SB_EXPECT;
			continue;
		}
		if (s->bits & SB_STR) {
			if (s->bits & SB_ESC)
				s->bits &= (uint8_t)~SB_ESC;
			else if (c == '\\')
				s->bits |= SB_ESC;
			else if (c == '"') {
				s->bits &= (uint8_t)~SB_STR;
				if (s->bits & SB_KEY) {
					s->bits &= (uint8_t)~SB_KEY;
					key_end(s);
				}
				continue;
			}
			if (s->bits & SB_KEY)
				key_byte(s, c);   /* raw: escapes are kept as written */
			continue;
		}
		switch (c) {
		case '"':
			s->bits |= SB_STR;
			if (s->depth == 1 && (s->bits & SB_EXPECT)) {
				s->bits = (uint8_t)((s->bits & ~SB_EXPECT) | SB_KEY);
				s->cur_len = 0;
			}
			break;
		case '{':
		case '[':
			if (s->depth == UINT16_MAX)
				s->st = SCAN_NOT_OBJ;
			s->depth++;
			break;
		case '}':
		case ']':
			if (--s->depth == 0)
				s->st = SCAN_DONE;
			break;
		case ',':
			if (s->depth == 1)
				s->bits |= SB_EXPECT;
			break;
		default:
			break;
		}
	}
}

static int
key_cmp(const struct http_scan *s, uint16_t a, uint16_t b)
{
	size_t la = s->len[a], lb = s->len[b];
	int c = memcmp(s->arena + s->off[a], s->arena + s->off[b], WT_MIN(la, lb));

	return c != 0 ? c : (la > lb) - (la < lb);
}

bool
http_scan_finish(struct http_scan *s, struct wt_http_shape *out)
{
	uint16_t idx[HTTP_SHAPE_KEYS];
	char joined[HTTP_SHAPE_ARENA + HTTP_SHAPE_KEYS];
	uint8_t md[32];
	size_t jn = 0;
	uint16_t distinct = 0;

	if (s->st != SCAN_IN && s->st != SCAN_DONE)
		return false;
	for (uint16_t i = 0; i < s->n_keys; i++) {   /* insertion sort: at most 48 keys */
		uint16_t j = i;

		while (j > 0 && key_cmp(s, idx[j - 1], i) > 0) {
			idx[j] = idx[j - 1];
			j--;
		}
		idx[j] = i;
	}
	for (uint16_t i = 0; i < s->n_keys; i++) {
		if (i > 0 && key_cmp(s, idx[i - 1], idx[i]) == 0)
			continue;   /* a set: duplicate members count once */
		if (distinct++ > 0)
			joined[jn++] = '\n';
		memcpy(joined + jn, s->arena + s->off[idx[i]], s->len[idx[i]]);
		jn += s->len[idx[i]];
	}
	http_sha256(joined, jn, md);
	memcpy(out->fp, md, sizeof(out->fp));
	out->keys = (uint16_t)(distinct + (s->total - s->n_keys));
	out->flags = WT_HTTP_SHAPE_F_PRESENT;
	if (s->st != SCAN_DONE || (s->bits & SB_CUT))
		out->flags |= WT_HTTP_SHAPE_F_TRUNCATED;
	return true;
}
