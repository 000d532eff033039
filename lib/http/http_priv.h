/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to lib/http: per-flow and per-worker layouts and the helpers the http_*.c files share. */
#ifndef HTTP_PRIV_H
#define HTTP_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <http_parser.h>
#include <openssl/sha.h>

#include "wt_http.h"

#define HTTP_NONE         UINT32_MAX
#define HTTP_SCRATCH      2048  /* request header values that need a second look (auth, trace) */
#define HTTP_NAME_BUF     40    /* header name being read; longer names match nothing */
#define HTTP_VBUF         48    /* small values: content type, upgrade */
#define HTTP_SHAPE_KEYS   48    /* top-level keys kept per JSON body */
#define HTTP_SHAPE_KEY_MAX 64   /* bytes kept per key */
#define HTTP_SHAPE_ARENA  768   /* bytes of keys kept per JSON body */
#define HTTP_CAND_MAX     16    /* resync: bytes of a candidate message start */

/* ---- JSON body key scanner (http_body.c) ---- */

struct http_scan {
	uint32_t seen;            /* body bytes scanned */
	uint32_t limit;           /* json_inspect_bytes */
	uint16_t depth;
	uint16_t n_keys;          /* keys stored */
	uint16_t total;           /* keys seen */
	uint16_t arena_used;
	uint16_t cur_len;         /* bytes of the key being read */
	uint8_t st;               /* SCAN_* */
	uint8_t bits;             /* SCAN_B_* */
	uint16_t off[HTTP_SHAPE_KEYS];
	uint8_t len[HTTP_SHAPE_KEYS];
	char arena[HTTP_SHAPE_ARENA];
};

void http_scan_init(struct http_scan *s, uint32_t limit);
void http_scan_feed(struct http_scan *s, const uint8_t *p, size_t n);
/** Fingerprint what was seen into @p out (nothing when the body was not a JSON object). */
bool http_scan_finish(struct http_scan *s, struct wt_http_shape *out);

/* ---- transaction records (pool) ---- */

/* http_rec.state */
#define REC_QUEUED    0x01 /* in the flow's queue, waiting for its final response */
#define REC_REQ       0x02 /* the request half is parsing its request (h[0].rec) */
#define REC_REQ_HDRS  0x04 /* request headers complete (scratch free for body scanners) */
#define REC_RESP      0x08 /* the response half is parsing its response (h[1].rec) */
#define REC_ORPHAN    0x10 /* response without request */

/* b3 multi pieces (http_rec.b3_have) */
#define B3_TID     0x01
#define B3_SID     0x02
#define B3_PID     0x04
#define B3_SAMPLED 0x08
#define B3_BAD     0x10

struct http_rec {
	struct wt_http_tx tx;
	uint32_t next_free;
	uint8_t state;            /* REC_* */
	uint8_t method;           /* enum http_method */
	uint8_t trace_prio;       /* carrier that gave tx.trace ids (NONE: none yet) */
	uint8_t trace_bad;        /* first malformed carrier seen (NONE: none) */
	uint8_t host_from_url;
	uint8_t upgrade_req;      /* enum wt_http_upgrade named by the request's Upgrade header */
	uint8_t b3_have;          /* B3_* */
	uint8_t b3_sampled;
	char b3_tid[33], b3_sid[17], b3_pid[17];
	/* credential value state (http_cred.c) */
	uint8_t cphase;           /* CRED_* phase of the value being read */
	uint8_t cpend;            /* whitespace held back (trailing whitespace is not hashed) */
	uint8_t cscheme_len;
	uint8_t cscheme_ovf;
	uint8_t ctok;             /* credential bytes were hashed */
	char cscheme[20];         /* scheme token, lower case */
	uint8_t ck_state;         /* cookie name reader */
	uint8_t ck_len;
	uint8_t sovf;             /* scratch overflowed */
	uint16_t slen;            /* bytes in scratch */
	SHA256_CTX hctx;          /* HMAC inner hash of the value being read */
	union {
		char scratch[HTTP_SCRATCH];
		struct http_scan sc[2];   /* JSON bodies: [0] request, [1] response */
	} u;
};
_Static_assert(sizeof(struct http_scan) * 2 <= HTTP_SCRATCH, "scanners share the scratch");

/* ---- per-flow state ---- */

/* http_half.mode */
#define HALF_PARSE   0
#define HALF_RESYNC  1 /* searching for a message start */
#define HALF_EOF     2 /* direction ended */

/* header kinds (http_half.hk) */
enum http_hk {
	HK_NONE = 0, HK_HOST, HK_UA, HK_CTYPE, HK_AUTH, HK_COOKIE, HK_APIKEY, HK_TRACE, HK_UPGRADE,
};

/* http_half.hstate */
#define HS_NONE  0
#define HS_FIELD 1
#define HS_VALUE 2

/* http_half.from */
#define FROM_QUEUE  1
#define FROM_UNREC  2
#define FROM_ORPHAN 3

/* url masking state (http_half.url_st) */
#define URL_PATH 0
#define URL_KEY  1
#define URL_VAL  2
#define URL_DONE 3

/** One direction of a flow. */
struct http_half {
	http_parser p;
	uint64_t msg_ts;          /* first byte of the current message */
	uint32_t rec;             /* record of the message being parsed, HTTP_NONE */
	uint32_t hdr_bytes;       /* start line + headers of this message */
	uint32_t url_raw;         /* request target bytes */
	uint32_t resync_seen;     /* bytes searched since the resync started */
	uint16_t n_hdrs;
	uint16_t mark;            /* WT_HTTP_TX_F_* for the next message (gap) */
	uint8_t dir;
	uint8_t mode;             /* HALF_* */
	uint8_t started;          /* a byte was seen */
	uint8_t in_msg;
	uint8_t hstate;           /* HS_*: where the header callbacks are */
	uint8_t claimed;          /* response: it answers something (queue head, unrecorded, orphan) */
	uint8_t from;             /* response: FROM_* what it answers */
	uint8_t qslot;            /* request: its queue position, 0xff when none */
	uint8_t hk, hk_arg;       /* kind of the header being read, its role / index */
	uint8_t name_len;         /* 0xff: longer than the buffer */
	uint8_t url_st;
	uint8_t limited;          /* header limit hit: the rest is not inspected */
	uint8_t at_bol;           /* resync: at a line start */
	uint8_t cand_len;
	uint8_t vlen;
	uint8_t json;             /* this message's body is JSON */
	uint8_t scan;             /* 1: rec's scanner [dir] is in use */
	uint8_t interim;          /* this response is a 1xx */
	uint8_t hdrs_done;        /* headers complete: later ones are chunked trailers, ignored */
	uint8_t method;           /* response: method of the request it answers */
	uint8_t upgrade;          /* response: enum wt_http_upgrade it switches to */
	char name[HTTP_NAME_BUF];
	char cand[HTTP_CAND_MAX];
	char vbuf[HTTP_VBUF];
};

/** One flow slot. */
struct http_flow {
	struct http_half h[2];    /* [WT_DIR_TOSERVER] requests, [WT_DIR_TOCLIENT] responses */
	uint64_t next_tx_id;
	uint32_t q[WT_HTTP_MAX_PIPELINE];  /* records waiting for their response, oldest first */
	uint8_t qm[WT_HTTP_MAX_PIPELINE];  /* their methods */
	uint32_t unrec;           /* requests after the queue that were not recorded */
	uint8_t qhead, qlen;
	uint8_t open;
	uint8_t stopped;          /* upgrade or gave up: no more parsing */
	uint8_t upgraded;         /* enum wt_http_upgrade */
	uint8_t midstream;
};

/** Worker context. */
struct wt_http_lcore {
	struct wt_http_conf conf;
	SHA256_CTX hmac_in;       /* SHA-256 state after (key ^ ipad) */
	SHA256_CTX hmac_out;      /* SHA-256 state after (key ^ opad) */
	bool have_key;
	uint8_t api_key_len[WT_HTTP_MAX_APIKEY_HDRS];   /* lengths of the configured names */
	uint8_t trace_len[WT_HTTP_MAX_TRACE_HDRS];
	uint32_t capacity;
	uint32_t n_recs;
	uint32_t free_head;       /* free record list */
	uint32_t used_recs;
	struct http_flow *flows;
	struct http_rec *recs;
	wt_http_tx_cb on_tx;
	void *arg;
	/* the call in progress */
	struct http_flow *cf;
	uint64_t now;
	uint64_t cnt[WT_HTTP_CNT__MAX];
	uint64_t memory;
};

static inline void
http_cnt(struct wt_http_lcore *lc, enum wt_http_counter c)
{
	lc->cnt[c]++;
}

static inline struct http_rec *
http_rec_of(struct wt_http_lcore *lc, uint32_t idx)
{
	return idx == HTTP_NONE ? NULL : &lc->recs[idx];
}

static inline char
http_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

static inline bool
http_is_ws(char c)
{
	return c == ' ' || c == '\t';
}

/** Append @p n bytes to a bounded string field; cut and return false when it does not fit. */
static inline bool
http_str_append(char *dst, uint32_t cap, uint32_t *len, const char *s, size_t n)
{
	uint32_t room = cap - 1 - *len;
	bool fit = n <= room;

	if (!fit)
		n = room;
	memcpy(dst + *len, s, n);
	*len += (uint32_t)n;
	dst[*len] = '\0';
	return fit;
}

/* http_tx.c: records, the pipeline queue, pairing and emission */
uint32_t http_rec_alloc(struct wt_http_lcore *lc, struct http_flow *fs);
void http_tx_request_begin(struct wt_http_lcore *lc, struct http_flow *fs, struct http_half *h);
int http_tx_request_headers(struct wt_http_lcore *lc, struct http_flow *fs, struct http_half *h);
void http_tx_request_end(struct wt_http_lcore *lc, struct http_flow *fs, struct http_half *h,
			 bool complete, uint32_t why);
void http_tx_response_begin(struct wt_http_lcore *lc, struct http_flow *fs, struct http_half *h);
int http_tx_response_headers(struct wt_http_lcore *lc, struct http_flow *fs, struct http_half *h);
void http_tx_response_end(struct wt_http_lcore *lc, struct http_flow *fs, struct http_half *h,
			  bool complete, uint32_t why, enum wt_http_noresp reason);
void http_tx_flush(struct wt_http_lcore *lc, struct http_flow *fs, enum wt_http_noresp reason);
void http_tx_reset(struct wt_http_lcore *lc, struct http_flow *fs);

/* http_header.c: header names, values, url */
void http_hdr_field(struct wt_http_lcore *lc, struct http_flow *fs, struct http_half *h,
		    const char *at, size_t n);
void http_hdr_abort(struct http_half *h, struct http_rec *r);
void http_hdr_bytes(struct wt_http_lcore *lc, struct http_half *h, struct http_rec *r, size_t n);
void http_hdr_value(struct wt_http_lcore *lc, struct http_flow *fs, struct http_half *h,
		    const char *at, size_t n);
void http_hdr_end(struct wt_http_lcore *lc, struct http_flow *fs, struct http_half *h);
void http_url_append(struct wt_http_lcore *lc, struct http_half *h, struct http_rec *r,
		     const char *at, size_t n);
void http_url_finish(struct http_rec *r);
void http_host_finish(struct http_rec *r);
bool http_ctype_is_json(const char *s, size_t n);
enum wt_http_upgrade http_upgrade_of(const char *s, size_t n);

/* http_trace.c */
bool http_trace_parse(enum wt_http_carrier c, const char *v, size_t n, struct wt_http_trace *out);
void http_trace_value(struct wt_http_lcore *lc, struct http_rec *r, enum wt_http_trace_role role,
		      const char *v, size_t n, bool ovf);
void http_trace_finish(struct wt_http_lcore *lc, struct http_rec *r);

/* http_cred.c */
void http_hmac_setup(struct wt_http_lcore *lc);
void http_hmac(const struct wt_http_lcore *lc, const void *p, size_t n, uint8_t out[WT_HTTP_FP_LEN]);
void http_sha256(const void *p, size_t n, uint8_t out[32]);
void http_cred_begin(struct wt_http_lcore *lc, struct http_rec *r, bool auth);
void http_cred_chunk(struct wt_http_lcore *lc, struct http_rec *r, const char *at, size_t n);
void http_cred_auth_end(struct wt_http_lcore *lc, struct http_rec *r);
void http_cred_apikey_end(struct wt_http_lcore *lc, struct http_rec *r, const char *hdr);
void http_cookie_chunk(struct http_rec *r, const char *at, size_t n);
void http_cookie_end(struct http_rec *r);
int http_b64_decode(const char *in, size_t n, bool url, uint8_t *out, size_t cap);

/* http_jwt.c */
void http_jwt_decode(struct wt_http_lcore *lc, struct http_rec *r, const char *tok, size_t n,
		     bool cut);

/* http_parse.c */
extern const http_parser_settings http_settings;

#endif /* HTTP_PRIV_H */
