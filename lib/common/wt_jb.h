/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The bounded JSON appender every library that writes JSON shares (the exporter's events, the
 * audit chain's records), so a string is escaped to the same bytes everywhere: the hash chain
 * depends on it. It writes into a caller buffer and stops (remembering it) when the buffer is
 * full: no heap. Header-only (static inline).
 */
#ifndef WT_JB_H
#define WT_JB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "wt_common.h"

/* Bounded appender: on overflow it stops writing and remembers it. */
struct jb {
	char *p;
	char *end;   /* last usable byte + 1 (one byte is kept for the NUL) */
	bool ovf;
};

/* Start appending at @p buf; at most @p cap bytes are written. */
static inline void
jb_init(struct jb *b, char *buf, size_t cap)
{
	b->p = buf;
	b->end = buf + cap;
	b->ovf = false;
}

static inline void
jb_mem(struct jb *b, const void *s, size_t n)
{
	if (WT_UNLIKELY((size_t)(b->end - b->p) < n)) {
		b->ovf = true;
		return;
	}
	memcpy(b->p, s, n);
	b->p += n;
}

#define JB_LIT(b, s) jb_mem((b), (s), sizeof(s) - 1)

static inline void
jb_chr(struct jb *b, char c)
{
	if (WT_UNLIKELY(b->p >= b->end)) {
		b->ovf = true;
		return;
	}
	*b->p++ = c;
}

static inline void
jb_u64(struct jb *b, uint64_t v)
{
	char tmp[20];
	char *q = tmp + sizeof(tmp);

	do {
		*--q = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	jb_mem(b, q, (size_t)(tmp + sizeof(tmp) - q));
}

/* A JSON string: quotes, backslashes and control characters escaped; other bytes as they are. */
static inline void
jb_str(struct jb *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const char *run = s;

	jb_chr(b, '"');
	for (;; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[6];
		size_t n;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		jb_mem(b, run, (size_t)(s - run));
		if (c == '\0')
			break;
		run = s + 1;
		esc[0] = '\\';
		n = 2;
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 0xf];
			n = 6;
		}
		jb_mem(b, esc, n);
	}
	jb_chr(b, '"');
}

/* A string known to need no escaping. */
static inline void
jb_qraw(struct jb *b, const char *s, size_t n)
{
	jb_chr(b, '"');
	jb_mem(b, s, n);
	jb_chr(b, '"');
}

static inline void
jb_bool(struct jb *b, bool v)
{
	if (v)
		JB_LIT(b, "true");
	else
		JB_LIT(b, "false");
}

static inline void
jb_i64(struct jb *b, int64_t v)
{
	if (v < 0) {
		jb_chr(b, '-');
		jb_u64(b, (uint64_t)0 - (uint64_t)v);
	} else {
		jb_u64(b, (uint64_t)v);
	}
}

/* Length of the valid UTF-8 sequence at @p s (at most @p n bytes), 0 if invalid. */
static inline size_t
jb_utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t k;
	unsigned char lo = 0x80, hi = 0xbf;

	if (c >= 0xc2 && c <= 0xdf)
		k = 2;
	else if (c >= 0xe0 && c <= 0xef)
		k = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		k = 4;
	else
		return 0;
	if (k > n)
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < k; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return k;
}

/*
 * A JSON string from @p n bytes (NULs allowed): quotes, backslashes, control characters and
 * bytes that are not valid UTF-8 escaped (the latter as \u00XX). At most @p max output bytes
 * between the quotes; the string is cut at a character boundary past that, so one hostile
 * value cannot crowd the others out of the line.
 */
static inline void
jb_strn(struct jb *b, const char *s, size_t n, size_t max)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	size_t used = 0, i = 0;

	jb_chr(b, '"');
	while (i < n) {
		size_t run = i, k = 0;
		bool full = false;
		char esc[6];

		/* plain printable ASCII and valid UTF-8 sequences go out as they are */
		while (i < n) {
			if (u[i] >= 0x20 && u[i] < 0x80 && u[i] != '"' && u[i] != '\\')
				k = 1;
			else if (u[i] < 0x80 || (k = jb_utf8_len(u + i, n - i)) == 0)
				break;
			if (used + (i - run) + k > max) {
				full = true;
				break;
			}
			i += k;
		}
		jb_mem(b, u + run, i - run);
		used += i - run;
		if (full || i >= n)
			break;
		esc[0] = '\\';
		k = 2;
		switch (u[i]) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[u[i] >> 4];
			esc[5] = hex[u[i] & 0xf];
			k = 6;
		}
		if (used + k > max)
			break;
		jb_mem(b, esc, k);
		used += k;
		i++;
	}
	jb_chr(b, '"');
}

/* Bytes as a lower-case hex string. */
static inline void
jb_hex(struct jb *b, const uint8_t *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	jb_chr(b, '"');
	for (size_t i = 0; i < n; i++) {
		jb_chr(b, hex[p[i] >> 4]);
		jb_chr(b, hex[p[i] & 0xf]);
	}
	jb_chr(b, '"');
}

/* Bytes as lower-case hex digits, without quotes. */
static inline void
jb_hex_raw(struct jb *b, const uint8_t *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	if (WT_UNLIKELY((size_t)(b->end - b->p) < 2 * n)) {
		b->ovf = true;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		*b->p++ = hex[p[i] >> 4];
		*b->p++ = hex[p[i] & 0xf];
	}
}

#endif /* WT_JB_H */
