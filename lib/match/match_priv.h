/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private to lib/match: the parsed rule model shared by the parser, the compiler, the verifier
 * and the scanners. Control-plane structures may hold pointers (built once per load); the
 * per-worker structures are preallocated at lcore creation.
 */
#ifndef MATCH_PRIV_H
#define MATCH_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <hs/hs.h>

#include "wt_match.h"

/* snprintf whose truncation is intended (messages into fixed report fields). */
#define match_fmt(buf, len, ...) ((void)(snprintf((buf), (len), __VA_ARGS__) < 0))

#define MATCH_MAX_ELEMS      32     /* content + pcre per rule */
#define MATCH_MAX_CONTENT    1024   /* bytes of one content */
#define MATCH_MAX_RULE_TEXT  65536  /* one rule, continuation lines joined */
#define MATCH_MAX_ADDR_NODES 256    /* one address or port expression, variables expanded */
#define MATCH_VAR_DEPTH      8      /* variables referring to variables */
#define MATCH_STREAM_TAIL    128    /* payload bytes kept per stream direction for the region */
#define MATCH_REGION_MAX     256    /* longest region looked back for in a stream */
#define MATCH_PCRE_HITS      64     /* pcre matches kept per verification step */
#define MATCH_STREAM_HITS    1024   /* stream database matches kept per scan call */
#define MATCH_VERIFY_BUDGET  4096   /* search steps per candidate verification */
#define MATCH_SUBEXPR_BASE   0x20000000u /* ids of quiet stream sub-expressions (Hyperscan: < 2^30) */

/* Rule protocols (the header's second field). */
enum match_proto { MP_TCP = 0, MP_UDP, MP_HTTP, MP_TLS, MP_MQTT, MP_GRPC, MP__MAX };
extern const char *const match_proto_names[MP__MAX];

/* struct match_elem.kind */
enum { ME_CONTENT = 0, ME_PCRE = 1, ME_ISDATAAT = 2 };

/* struct match_elem.flags */
#define MEF_NOCASE     0x0001
#define MEF_NEGATED    0x0002
#define MEF_OFFSET     0x0004
#define MEF_DEPTH      0x0008
#define MEF_DISTANCE   0x0010
#define MEF_WITHIN     0x0020
#define MEF_FAST       0x0040 /* fast_pattern */
#define MEF_LUHN       0x0080
#define MEF_RELATIVE_PCRE 0x0100 /* pcre /R */
#define MEF_STARTSWITH 0x0200
#define MEF_ENDSWITH   0x0400
#define MEF_FP_CHOP    0x0800 /* fast_pattern:off,len */
#define MEF_SOM        0x1000 /* pcre db reports start of match */
#define MEF_REL_DATAAT 0x2000 /* isdataat:N,relative */
#define MEF_REL (MEF_DISTANCE | MEF_WITHIN | MEF_RELATIVE_PCRE | MEF_REL_DATAAT)

/** One content or pcre of a rule, in rule order. */
struct match_elem {
	uint8_t kind;             /* ME_* */
	uint8_t buf;              /* enum wt_match_buf */
	uint16_t flags;           /* MEF_* */
	uint32_t len;             /* content bytes */
	uint8_t *bytes;           /* content */
	int32_t offset, depth, distance, within; /* isdataat: offset = N */
	uint16_t fp_off, fp_len;  /* fast_pattern chop */
	char *pcre;               /* pcre body (Hyperscan syntax) */
	unsigned int hs_flags;    /* HS_FLAG_CASELESS / DOTALL / MULTILINE from the pcre modifiers */
	uint32_t min_width, max_width; /* of the pcre (hs_expression_info) or content */
	int pcre_db;              /* index in ruleset pcre dbs, -1 none */
};

/* Address / port expressions: a tree flattened in preorder; span = nodes in the subtree. */
enum { MA_ANY = 0, MA_NET, MA_GROUP };
struct match_addr {
	uint8_t type;             /* MA_* */
	uint8_t neg;
	uint8_t ipver;            /* MA_NET: 4 or 6 */
	uint8_t plen;             /* prefix length */
	uint16_t span;
	uint16_t pad;
	uint8_t ip[16];
};
struct match_port {
	uint8_t type;             /* MA_* (MA_NET: range) */
	uint8_t neg;
	uint16_t span;
	uint16_t lo, hi;
};

/* flow keyword bits */
#define MFL_TO_SERVER   0x01
#define MFL_TO_CLIENT   0x02
#define MFL_ESTABLISHED 0x04
#define MFL_NOT_ESTAB   0x08

/* threshold types; detection_filter is its own type */
enum { MT_NONE = 0, MT_LIMIT, MT_THRESHOLD, MT_BOTH, MT_DETECTION };
enum { MTR_SRC = 0, MTR_DST, MTR_RULE };

/* Inspection direction of a block rule. */
enum { MD_ANY = 0, MD_TOSERVER, MD_TOCLIENT };

/** One parsed rule. */
struct match_rule {
	uint32_t sid, gid, rev, priority;
	uint8_t action;           /* enum wt_match_action */
	uint8_t proto;            /* enum match_proto */
	uint8_t bidir;            /* <> */
	uint8_t flow;             /* MFL_* */
	uint8_t th_type, th_track;
	uint8_t insp_dir;         /* MD_* (block rules) */
	uint8_t stream;           /* 1: raw payload rule (stream database) */
	uint32_t th_count, th_seconds;
	uint32_t buf_mask;        /* buffers inspected */
	uint8_t fp_buf;           /* prefilter buffer (block rules) */
	int8_t fp_elem;           /* prefilter element (block rules) */
	int8_t region_elem;       /* last positive element: the described region */
	uint8_t has_luhn;
	uint8_t n_el;
	uint8_t has_priority;
	uint8_t disabled;         /* loaded by the parser, refused by the compiler */
	char *disabled_why;
	char *msg;
	char *classtype;
	const char *category;     /* from the classification table */
	struct match_elem el[MATCH_MAX_ELEMS];
	struct match_addr *src, *dst;
	struct match_port *sport, *dport;
	uint16_t n_src, n_dst, n_sport, n_dport;
	const char *file;
	uint32_t line;
	uint32_t verdict_idx;     /* index into the load report */
};

/** classification.config entry. */
struct match_class {
	char *name;
	char *desc;
	uint32_t priority;
};

/** Parser context (control plane). */
struct match_parser {
	const struct wt_match_vars *vars;
	const struct match_class *classes;
	uint32_t n_classes;
};

/* Parse result codes: the verdict of one rule. */
enum { MPR_OK = 0, MPR_SKIP = 1, MPR_ERROR = 2 };

/* match_parse.c */
int match_parse_rule(const struct match_parser *p, const char *text, size_t len,
		     struct match_rule *r, char *why, size_t whylen);
void match_rule_clear(struct match_rule *r);
int match_parse_string(const char *v, size_t vlen, char *out, size_t outlen, size_t *olen,
		       bool allow_hex, char *why, size_t whylen);

/* match_keywords.c: option handlers */
int match_option(const struct match_parser *p, struct match_rule *r, const char *name,
		 const char *val, size_t vlen, uint8_t *cur_buf, char *why, size_t whylen);
int match_rule_finish(struct match_rule *r, char *why, size_t whylen);

/* match_addr.c */
int match_parse_addr(const struct wt_match_vars *vars, const char *s, struct match_addr **out,
		     uint16_t *n, char *why, size_t whylen);
int match_parse_port(const struct wt_match_vars *vars, const char *s, struct match_port **out,
		     uint16_t *n, char *why, size_t whylen);
bool match_addr_match(const struct match_addr *a, uint16_t n, uint8_t ipver, const uint8_t *ip);
bool match_port_match(const struct match_port *p, uint16_t n, uint16_t port);

/* match_class.c */
int match_class_load(const char *path, struct match_class **out, uint32_t *n, char *why,
		     size_t whylen);
void match_class_free(struct match_class *c, uint32_t n);

/* match_regex.c: rule -> Hyperscan expressions */
struct match_sb {
	char *s;
	size_t len, cap;
	int oom;
};
void match_sb_free(struct match_sb *sb);
void match_sb_add(struct match_sb *sb, const char *s, size_t n);
void match_sb_fmt(struct match_sb *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void match_regex_literal(struct match_sb *sb, const uint8_t *b, size_t n);
/* Stream expressions of a raw-payload rule: up to MATCH_MAX_ELEMS sub-expressions (positive and
 * negated chains) and the combination, or one expression. */
struct match_stream_expr {
	uint32_t n_sub;
	char *sub[MATCH_MAX_ELEMS];
	uint8_t sub_neg[MATCH_MAX_ELEMS];
	char *combo;              /* NULL when one positive chain and nothing negated */
};
int match_stream_exprs(const struct match_rule *r, struct match_stream_expr *x, char *why,
		       size_t whylen);
void match_stream_expr_free(struct match_stream_expr *x);

/* ---- compiled ruleset ---- */

struct match_pcre_db {
	hs_database_t *db;
	uint32_t rule, elem;
	uint32_t db_min_width;    /* the pcre's shortest match (start estimate without SOM) */
	uint8_t som;              /* compiled with HS_FLAG_SOM_LEFTMOST */
};

struct wt_match_ruleset {
	struct match_rule *rules;
	uint32_t n_rules;
	hs_database_t *db[WT_MATCH_BUF__MAX];   /* STREAM: streaming; others: block prefilter */
	struct match_pcre_db *pcre;
	uint32_t n_pcre;
	hs_scratch_t *proto;                     /* prototype scratch */
	size_t stream_size;
	uint32_t n_per_buf[WT_MATCH_BUF__MAX];
	struct match_class *classes;
	uint32_t n_classes;
	int lcores;                              /* live lcores (checked at free) */
};

/* What the compiler feeds Hyperscan for one database. */
struct match_spec {
	unsigned int mode;
	uint32_t n, cap;
	char **expr;
	unsigned int *flags;
	unsigned int *ids;
	uint32_t *rule;           /* rule index of each expression (error attribution) */
};

/* match_compile.c */
int match_compile(struct wt_match_ruleset *rs, const char *cache_dir,
		  struct wt_match_load_report *rep);
void match_disable(struct wt_match_ruleset *rs, struct wt_match_load_report *rep, uint32_t ri,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* match_cache.c */
struct match_cache_in {
	const struct match_spec *kind;           /* WT_MATCH_BUF__MAX specs */
	const struct match_spec *pcre;           /* one spec per pcre database */
	uint32_t n_pcre;
	const hs_platform_info_t *plat;
};
void match_cache_key(const struct match_cache_in *in, uint8_t key[32]);
int match_cache_load(const char *path, const uint8_t key[32], struct wt_match_ruleset *rs,
		     struct wt_match_load_report *rep, char *why, size_t whylen);
int match_cache_store(const char *path, const uint8_t key[32], const struct wt_match_ruleset *rs,
		      char *why, size_t whylen);

/* match_verify.c (worker) */
struct match_region {
	uint64_t from, to;
	uint8_t partial;
	uint8_t valid;
};
struct wt_match_lcore;
int match_verify_buf(struct wt_match_lcore *ml, const struct match_rule *r,
		     const struct wt_match_bufs *b, struct match_region *reg);
bool match_luhn(const uint8_t *p, size_t n);
int match_pcre_scan(struct wt_match_lcore *ml, const struct match_pcre_db *db, unsigned slot,
		    const uint8_t *p, uint32_t n, bool first_only);
const uint8_t *match_find(const uint8_t *hay, size_t hlen, const uint8_t *nee, size_t nlen,
			  bool nocase);

/* ---- per worker ---- */

/* One stream direction of a flow slot. */
struct match_sdir {
	hs_stream_t *hs;
	uint64_t off;             /* bytes scanned so far */
	uint16_t tail_len;
	uint8_t tail[MATCH_STREAM_TAIL];
};
struct match_flow {
	struct match_sdir d[2];
	uint8_t passed;
};

/* Fixed pool of equal stream-state slots, routed from hs_set_stream_allocator(). */
struct match_pool {
	uint8_t *base;
	size_t slot;
	uint32_t n, free_top;
	uint32_t *free;
	uint64_t in_use, peak;
};

struct match_th_entry {
	uint32_t rule1;           /* rule index + 1, 0 = empty */
	uint32_t count;
	uint64_t start_ns;
	uint8_t ip[16];
	uint8_t track;
	uint8_t done;
	uint8_t pad[6];
};

struct match_hit {
	uint32_t rule;
	uint64_t to;
};

struct match_pcre_hit {
	uint32_t from, to;
};

struct match_hmac {
	uint8_t ipad[64];         /* key ^ 0x36 */
	uint8_t opad[64];         /* key ^ 0x5c */
	uint8_t istate[128];      /* SHA-256 state after the ipad block (opaque) */
	uint8_t ostate[128];
};

struct wt_match_lcore {
	const struct wt_match_ruleset *rs;
	hs_scratch_t *scratch;
	wt_match_alert_cb on_alert;
	void *arg;
	uint32_t max_flows;
	struct match_flow *flows;
	struct match_pool pool;
	struct match_th_entry *th;
	uint32_t th_mask;
	uint32_t *cand;           /* candidate rule indices (block scans) */
	struct match_region *cand_reg; /* their verified regions */
	uint32_t n_cand, cap_cand;
	struct match_hit hits[MATCH_STREAM_HITS];
	uint32_t n_hits;
	struct match_pcre_hit pcre_hits[MATCH_MAX_ELEMS][MATCH_PCRE_HITS];
	uint32_t n_pcre_hits;     /* scratch of the pcre collector */
	struct match_pcre_hit *pcre_cur;
	uint64_t pcre_want_to;    /* region search: match ending exactly here (UINT64_MAX: any) */
	uint32_t budget;
	uint8_t win[MATCH_REGION_MAX + MATCH_STREAM_TAIL];
	struct match_hmac hmac;
	uint64_t cnt[WT_MATCH_CNT__MAX];
	uint64_t memory;
	uint8_t registered;       /* counted in rs->lcores */
};

/* match_pool.c */
int match_pool_init(struct match_pool *p, uint32_t n, size_t slot, int socket);
void match_pool_fini(struct match_pool *p);
void match_pool_enter(struct match_pool *p);
void match_pool_leave(void);

/* match_alert.c */
void match_hmac_init(struct match_hmac *h, const uint8_t *key, uint32_t len);
void match_fingerprint(const struct match_hmac *h, const uint8_t *a, size_t alen,
		       const uint8_t *b, size_t blen, char out[33]);
bool match_header_ok(const struct match_rule *r, const struct wt_match_ctx *ctx);
bool match_threshold_ok(struct wt_match_lcore *ml, uint32_t ridx, const struct match_rule *r,
			const struct wt_match_ctx *ctx, uint64_t ts);
void match_emit(struct wt_match_lcore *ml, const struct match_rule *r, uint8_t buf,
		const struct wt_match_ctx *ctx, uint64_t ts, uint64_t offset,
		const uint8_t *a, size_t alen, const uint8_t *b, size_t blen, uint8_t partial);

#endif /* MATCH_PRIV_H */
