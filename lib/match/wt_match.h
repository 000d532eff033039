/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Policy signatures: a Suricata-compatible rule subset compiled to Hyperscan databases, matched
 * per worker without locks or allocation, alerts described without the matched bytes.
 *
 * Control plane: wt_match_load() parses rule files (one verdict per rule: loaded, skipped with
 * the reason, or error), compiles one Hyperscan database per buffer kind (or loads them from the
 * cache) and returns a read-only ruleset shared by every worker.
 *
 * Data plane: each worker creates its own struct wt_match_lcore (scratch cloned from the
 * ruleset's prototype, stream-state pool, threshold table, HMAC key). Raw TCP/UDP payload goes
 * to wt_match_stream_data() (Hyperscan streaming mode per flow direction: a pattern split across
 * segments matches without reassembly); L7 fields go to wt_match_buffers() / wt_match_buffer()
 * (block mode, literal prefilter then verification of candidates). Alerts come out through the
 * lcore's callback, on the worker, during the call.
 *
 * Rule language reference: rules/README.md.
 */
#ifndef WT_MATCH_H
#define WT_MATCH_H

#include <stddef.h>
#include <stdint.h>

#include "wt_common.h"

/*
 * Buffer kinds (X-macro: enum WT_MATCH_BUF_<SYM>, wt_match_buf_names[] = rule keyword).
 * STREAM is the raw TCP/UDP payload of one flow direction (streaming mode); the others are
 * sticky buffers matched in block mode on the field the L7 parser extracted.
 */
#define foreach_wt_match_buf \
	_(STREAM, "stream") \
	_(HTTP_METHOD, "http.method") \
	_(HTTP_URI, "http.uri") \
	_(HTTP_HOST, "http.host") \
	_(HTTP_HEADER, "http.header") \
	_(HTTP_USER_AGENT, "http.user_agent") \
	_(HTTP_REQUEST_BODY, "http.request_body") \
	_(HTTP_RESPONSE_BODY, "http.response_body") \
	_(HTTP_STAT_CODE, "http.stat_code") \
	_(TLS_SNI, "tls.sni") \
	_(MQTT_PUBLISH_TOPIC, "mqtt.publish.topic") \
	_(GRPC_METHOD, "grpc.method")

enum wt_match_buf {
#define _(sym, name) WT_MATCH_BUF_##sym,
	foreach_wt_match_buf
#undef _
	WT_MATCH_BUF__MAX
};
extern const char *const wt_match_buf_names[WT_MATCH_BUF__MAX];

/* Application protocol of a flow as the caller knows it (wt_match_ctx.app). */
#define foreach_wt_match_app \
	_(UNKNOWN, "unknown") \
	_(HTTP, "http") \
	_(TLS, "tls") \
	_(MQTT, "mqtt") \
	_(GRPC, "grpc")

enum wt_match_app {
#define _(sym, name) WT_MATCH_APP_##sym,
	foreach_wt_match_app
#undef _
	WT_MATCH_APP__MAX
};
extern const char *const wt_match_app_names[WT_MATCH_APP__MAX];

/* Rule actions. pass: a match suppresses the alerts of the same call and, on a stream, stops
 * inspection of the flow (both directions) until wt_match_stream_close(). */
enum wt_match_action { WT_MATCH_ACTION_ALERT = 0, WT_MATCH_ACTION_PASS = 1 };

/* Per-rule verdict of a load. */
enum wt_match_verdict { WT_MATCH_LOADED = 0, WT_MATCH_SKIPPED = 1, WT_MATCH_ERROR = 2 };
extern const char *const wt_match_verdict_names[3];

/* How the databases of a load were obtained (wt_match_load_report.cache). */
enum wt_match_cache_result {
	WT_MATCH_CACHE_OFF = 0,     /* no cache directory: compiled */
	WT_MATCH_CACHE_HIT,         /* deserialized from the cache file */
	WT_MATCH_CACHE_MISS,        /* compiled, then stored in the cache file */
	WT_MATCH_CACHE_STORE_FAILED /* compiled; the cache file could not be written (cache_msg) */
};
extern const char *const wt_match_cache_names[4];

/** Variables for rule headers ($HOME_NET, $HTTP_PORTS): names without '$', Suricata values. */
struct wt_match_vars {
	const char *const *names;
	const char *const *values;
	unsigned int n;
};

/** suricata.yaml's default address and port groups (HOME_NET = RFC 1918 space, etc.). */
extern const struct wt_match_vars wt_match_default_vars;

/** Optional load settings (wt_match_load_opts()). */
struct wt_match_load_opts {
	const char *classification; /* classification.config; NULL: next to the first rule file */
	const char *cache_dir;      /* serialized databases; NULL: no cache */
};

/** One rule's verdict. */
struct wt_match_rule_verdict {
	const char *file;           /* points into the report (valid until wt_match_report_free) */
	uint32_t line;              /* first line of the rule */
	uint32_t sid;               /* 0 when not parsed */
	uint8_t verdict;            /* enum wt_match_verdict */
	char msg[200];              /* "file:line: reason" for skipped and error, "" for loaded */
};

/** What a load did. Filled by wt_match_load(); release with wt_match_report_free(). */
struct wt_match_load_report {
	uint32_t rules;             /* rules seen (commented-out rules are not rules) */
	uint32_t loaded;
	uint32_t skipped;
	uint32_t errors;
	struct wt_match_rule_verdict *verdicts; /* rules entries, file order */
	uint8_t cache;              /* enum wt_match_cache_result */
	char cache_path[512];
	char cache_msg[200];
	double build_ms;            /* compile or cache load, milliseconds */
	char fatal[300];            /* why wt_match_load returned NULL ("" otherwise) */
	char **files_;              /* internal: copies of file names */
	uint32_t cap_;              /* internal */
	uint32_t nfiles_;           /* internal */
};

struct wt_match_ruleset;
struct wt_match_lcore;

/**
 * Parse, compile (or load from the cache) the rules of @p files with @p vars (NULL: none defined).
 * Never stops at one bad rule: every rule gets a verdict in @p rep. The classification file is
 * looked up next to the first rule file; no cache. See wt_match_load_opts().
 * @return the ruleset (possibly with zero rules), or NULL with rep->fatal set and errno:
 *   ENOENT/EACCES (a file cannot be read), EINVAL (classification file invalid, no files),
 *   ENOMEM, EIO (Hyperscan failure that no rule explains).
 */
struct wt_match_ruleset *wt_match_load(const char *const *files, int n,
				       const struct wt_match_vars *vars,
				       struct wt_match_load_report *rep);

/** wt_match_load() with explicit settings; @p opts may be NULL. Same returns. */
struct wt_match_ruleset *wt_match_load_opts(const char *const *files, int n,
					    const struct wt_match_vars *vars,
					    const struct wt_match_load_opts *opts,
					    struct wt_match_load_report *rep);

/** Free what a report holds (not the struct itself). Safe on a zeroed report. */
void wt_match_report_free(struct wt_match_load_report *rep);

/** Free a ruleset. Every lcore created from it must be freed first. */
void wt_match_ruleset_free(struct wt_match_ruleset *rs);

/** Ruleset figures. */
struct wt_match_ruleset_info {
	uint32_t rules;                       /* loaded rules */
	uint32_t rules_per_buf[WT_MATCH_BUF__MAX]; /* by the buffer of their prefilter pattern */
	uint32_t pcre_dbs;                    /* per-rule pcre verification databases */
	size_t db_bytes;                      /* all databases */
	size_t stream_state_bytes;            /* hs_stream_size() of the stream database, 0 if none */
	size_t scratch_bytes;                 /* one scratch (per worker) */
};
void wt_match_ruleset_info(const struct wt_match_ruleset *rs, struct wt_match_ruleset_info *info);

/* ---- data path ---- */

/** What a call matches against: the flow direction's endpoints and state. */
struct wt_match_ctx {
	uint8_t src_ip[16];       /* sender of these bytes; network order, IPv4 in the first 4 */
	uint8_t dst_ip[16];
	uint16_t sport;           /* host order */
	uint16_t dport;
	uint8_t ipver;            /* 4 or 6 */
	uint8_t ipproto;          /* IPPROTO_TCP, IPPROTO_UDP */
	uint8_t app;              /* enum wt_match_app */
	uint8_t dir;              /* WT_DIR_TOSERVER (0) or WT_DIR_TOCLIENT (1) */
	uint8_t established;      /* tcp handshake seen (flow:established) */
	uint8_t pad[3];
	uint64_t flow_id;         /* copied to alerts */
};

/** An alert. Every pointer is valid only during the callback. */
struct wt_match_alert {
	uint8_t action;           /* enum wt_match_action (pass matches are not reported) */
	uint8_t dir;              /* WT_DIR_* */
	uint8_t buf;              /* enum wt_match_buf the rule matched in */
	uint8_t partial;          /* region began before the bytes still held: described as seen */
	uint32_t gid;
	uint32_t sid;
	uint32_t rev;
	uint32_t severity;        /* priority (classtype's unless the rule sets one) */
	const char *msg;
	const char *classtype;    /* "" when none */
	const char *category;     /* classtype description, "" when none */
	uint64_t ts;              /* as given to the call */
	uint64_t flow_id;
	const struct wt_match_ctx *ctx;
	/* The matched region, described, never raw. */
	uint64_t offset;          /* region start: buffer offset, or stream offset in the direction */
	uint32_t len;             /* region length */
	char head[3];             /* first two characters ('.' for non-printable); "" if len < 8 */
	char tail[3];             /* last two characters; "" if len < 8 */
	char fp[33];              /* HMAC-SHA-256(key, region), first 16 bytes, lower-case hex */
};

typedef void (*wt_match_alert_cb)(void *arg, const struct wt_match_alert *a);

/** Per-worker settings. */
struct wt_match_lcore_conf {
	uint32_t max_flows;       /* flow slots: wt_match_stream_*() take slot < max_flows */
	uint32_t max_streams;     /* stream states in the pool; 0: 2 * max_flows */
	uint32_t threshold_slots; /* threshold/detection_filter entries (power of 2); 0: 4096 */
	const uint8_t *key;       /* fingerprint key (32 bytes recommended) */
	uint32_t key_len;         /* 1..64 */
	wt_match_alert_cb on_alert;
	void *arg;
};

/**
 * Create a worker's matcher on NUMA @p socket (rte_malloc memory: the EAL must be running):
 * scratch cloned from the ruleset's prototype (hs_clone_scratch), a pool of
 * max_streams stream states of hs_stream_size() bytes each (Hyperscan's stream allocator is
 * routed to it, so hs_open_stream never reaches the system allocator on a worker), per-flow
 * slots, the threshold table and the HMAC pads. Call on the control thread.
 * @return the lcore, or NULL with errno: EINVAL (bad conf), ENOMEM, EIO (scratch clone failed).
 */
struct wt_match_lcore *wt_match_lcore_create(const struct wt_match_ruleset *rs,
					     const struct wt_match_lcore_conf *conf, int socket);

/** Close every open stream (no end-of-stream matching) and free the lcore. */
void wt_match_lcore_free(struct wt_match_lcore *ml);

/**
 * Match @p len payload bytes of flow slot @p flow_slot, direction @p dir (must equal ctx->dir),
 * continuing the direction's stream. The first call on a direction opens its stream from the
 * pool. Alerts are delivered through on_alert before the call returns.
 * @return alerts emitted (>= 0), or -EINVAL (slot or dir out of range), -ENOSPC (stream pool
 *   empty: the bytes are not matched, counted as stream_pool_empty), -EIO (scan failed).
 */
int wt_match_stream_data(struct wt_match_lcore *ml, uint32_t flow_slot, uint8_t dir,
			 const struct wt_match_ctx *ctx, const uint8_t *data, uint32_t len,
			 uint64_t ts);

/**
 * End the stream of @p flow_slot direction @p dir: patterns anchored at the end of data ('$')
 * are matched, the state returns to the pool and the slot is ready for a new flow. Must be
 * called for both directions when a flow ends (a no-op for a direction that never had data).
 * @return alerts emitted (>= 0), or -EINVAL.
 */
int wt_match_stream_close(struct wt_match_lcore *ml, uint32_t flow_slot, uint8_t dir,
			  const struct wt_match_ctx *ctx, uint64_t ts);

/**
 * L7 buffers of one message, extracted by a parser. A rule is evaluated when every buffer it
 * inspects is present, its inspection direction equals ctx->dir (rules with response buffers
 * inspect to_client, with request buffers to_server) and its prefilter buffer is new in this
 * call: pass a request's buffers as new, then the response's as new with the request's still
 * present, and each rule is evaluated once.
 */
struct wt_match_bufs {
	const uint8_t *data[WT_MATCH_BUF__MAX];
	uint32_t len[WT_MATCH_BUF__MAX];
	uint32_t present;         /* bit (1u << kind) per buffer given */
	uint32_t fresh;           /* subset of present: buffers not given in an earlier call */
};

/**
 * Match the buffers of @p b (block mode: prefilter scan of each new buffer, verification of
 * the candidates). @return alerts emitted (>= 0), or -EINVAL (bad mask), -EIO (scan failed).
 */
int wt_match_buffers(struct wt_match_lcore *ml, const struct wt_match_ctx *ctx,
		     const struct wt_match_bufs *b, uint64_t ts);

/** wt_match_buffers() with one buffer, present and new. Same returns. */
int wt_match_buffer(struct wt_match_lcore *ml, enum wt_match_buf kind,
		    const struct wt_match_ctx *ctx, const uint8_t *data, uint32_t len, uint64_t ts);

/*
 * Counters (X-macro): enum WT_MATCH_CNT_<SYM>, wt_match_counter_names[] (lower case),
 * wt_match_counter_descs[].
 */
#define foreach_wt_match_counter \
	_(STREAM_SEGMENTS, "payload segments given to wt_match_stream_data()") \
	_(STREAM_BYTES, "payload bytes scanned in streaming mode") \
	_(STREAMS_OPENED, "stream states opened") \
	_(STREAMS_CLOSED, "stream states closed") \
	_(STREAM_POOL_EMPTY, "segments not matched: stream-state pool empty") \
	_(PASSED_BYTES, "bytes not inspected: flow passed by a pass rule") \
	_(BUF_SCANS, "buffers scanned in block mode") \
	_(BUF_BYTES, "buffer bytes scanned in block mode") \
	_(CANDIDATES, "rules selected by the prefilter") \
	_(CANDIDATE_OVERFLOW, "prefilter hits dropped: candidate list full") \
	_(STREAM_HITS, "rule matches reported by the stream database") \
	_(HIT_OVERFLOW, "stream matches dropped: hit list full") \
	_(HEADER_MISS, "matches failing protocol, address, port or flow checks") \
	_(VERIFY_FAIL, "candidates failing content, pcre or luhn verification") \
	_(VERIFY_BUDGET, "verifications stopped at the backtracking budget (no match)") \
	_(PCRE_HITS_TRUNCATED, "pcre verifications with more matches than kept") \
	_(LUHN_REJECTED, "card-number matches failing the Luhn check") \
	_(REGION_PARTIAL, "alerts whose region began before the bytes still held") \
	_(THRESHOLD_SUPPRESSED, "matches suppressed by threshold/detection_filter") \
	_(THRESHOLD_TABLE_FULL, "threshold lookups with no free entry (alerted)") \
	_(PASS_MATCHES, "pass rule matches") \
	_(PASS_SUPPRESSED, "alerts suppressed by a pass match in the same call") \
	_(ALERTS, "alerts emitted") \
	_(SCAN_ERRORS, "Hyperscan scan errors")

enum wt_match_counter {
#define _(sym, desc) WT_MATCH_CNT_##sym,
	foreach_wt_match_counter
#undef _
	WT_MATCH_CNT__MAX
};
extern const char *const wt_match_counter_names[WT_MATCH_CNT__MAX];
extern const char *const wt_match_counter_descs[WT_MATCH_CNT__MAX];

/** A worker's counters and memory. */
struct wt_match_stats {
	uint64_t cnt[WT_MATCH_CNT__MAX];
	uint64_t streams_in_use;
	uint64_t streams_peak;
	uint64_t streams_capacity;
	uint64_t stream_state_bytes;   /* one stream state (pool slot) */
	uint64_t bytes_per_flow;       /* flow slot + two stream states */
	uint64_t memory;               /* everything the lcore allocated */
};

/** Read a worker's counters (from any thread; values may be mid-update). */
void wt_match_stats_get(const struct wt_match_lcore *ml, struct wt_match_stats *st);

#endif /* WT_MATCH_H */
