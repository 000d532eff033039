/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * HTTP/1.x transactions from reassembled TCP payload, per worker. Each direction of a flow is
 * parsed incrementally by its own http_parser (Debian's libhttp-parser, zero-copy callbacks):
 * data may be split at any byte. Requests are queued (pipelining) and paired with responses in
 * order; each pair becomes one fixed-size struct wt_http_tx handed to a callback. Along the way:
 * trace context (W3C, B3, Jaeger, X-Ray, request ids), credentials described by keyed
 * fingerprints (never exported raw), JWT claims, and the key set of JSON bodies.
 *
 * Threading: one struct wt_http_lcore per worker, used only by that worker. No allocation, lock
 * or syscall after wt_http_lcore_create(); every string is bounded and copied into preallocated
 * per-flow state as it is parsed. Raw credentials stay in that state only until they are
 * fingerprinted, then they are wiped.
 */
#ifndef WT_HTTP_H
#define WT_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "wt_common.h"
#include "wt_flow.h"

/* ---- bounds ---- */

#define WT_HTTP_HOST_MAX       128  /* hostname bytes + NUL */
#define WT_HTTP_URL_MAX        512  /* url (path + masked query) bytes + NUL */
#define WT_HTTP_METHOD_MAX     16
#define WT_HTTP_PROTO_MAX      12   /* "HTTP/1.1" */
#define WT_HTTP_UA_MAX         192
#define WT_HTTP_CTYPE_MAX      64
#define WT_HTTP_TRACE_ID_MAX   65   /* hex ids are 32; opaque request ids up to 64 */
#define WT_HTTP_SPAN_ID_MAX    17   /* 16 hex + NUL */
#define WT_HTTP_USER_MAX       64   /* basic auth username */
#define WT_HTTP_HDR_NAME_MAX   32   /* configured header names, api key header name */
#define WT_HTTP_COOKIES        6    /* cookie names kept per request */
#define WT_HTTP_COOKIE_MAX     32
#define WT_HTTP_FP_LEN         16   /* credential fingerprint: HMAC-SHA-256, first 16 bytes */
#define WT_HTTP_SHAPE_FP_LEN   8    /* body key-set fingerprint: SHA-256, first 8 bytes */
#define WT_HTTP_JWT_ALG_MAX    16
#define WT_HTTP_JWT_STR_MAX    80   /* kid, iss, sub, aud */
#define WT_HTTP_MAX_PIPELINE   16   /* outstanding requests per flow, upper bound */
#define WT_HTTP_MAX_TRACE_HDRS 24
#define WT_HTTP_MAX_APIKEY_HDRS 8
#define WT_HTTP_KEY_MAX        64   /* HMAC key bytes (SHA-256 block size) */

/* wt_http_data() flags (the values of WT_STREAM_F_GAP / WT_STREAM_F_MIDSTREAM). */
#define WT_HTTP_DATA_GAP       0x01 /* bytes before these were never seen */
#define WT_HTTP_DATA_MIDSTREAM 0x02 /* the direction was picked up without its start */

/* ---- enums (X-macros: enum WT_HTTP_<KIND>_<SYM>, names used in JSON) ---- */

/* Which header carried the trace context (wt_http_trace.header). */
#define foreach_wt_http_carrier \
	_(NONE, "none") \
	_(TRACEPARENT, "traceparent") \
	_(B3, "b3") \
	_(B3MULTI, "x-b3") \
	_(UBER, "uber-trace-id") \
	_(XRAY, "x-amzn-trace-id") \
	_(REQUEST_ID, "x-request-id") \
	_(CORRELATION_ID, "x-correlation-id")

enum wt_http_carrier {
#define _(sym, name) WT_HTTP_CARRIER_##sym,
	foreach_wt_http_carrier
#undef _
	WT_HTTP_CARRIER__MAX
};
extern const char *const wt_http_carrier_names[WT_HTTP_CARRIER__MAX];

/*
 * Role of a configured trace header (wt_http_conf.trace_hdrs). The default names are the
 * role names; several names may share a role. Lower roles win: the first carrier in this order
 * whose value is valid gives the ids.
 */
#define foreach_wt_http_trace_role \
	_(TRACEPARENT, "traceparent") \
	_(TRACESTATE, "tracestate") \
	_(B3, "b3") \
	_(B3_TRACEID, "x-b3-traceid") \
	_(B3_SPANID, "x-b3-spanid") \
	_(B3_PARENTSPANID, "x-b3-parentspanid") \
	_(B3_SAMPLED, "x-b3-sampled") \
	_(UBER, "uber-trace-id") \
	_(XRAY, "x-amzn-trace-id") \
	_(REQUEST_ID, "x-request-id") \
	_(CORRELATION_ID, "x-correlation-id")

enum wt_http_trace_role {
#define _(sym, name) WT_HTTP_ROLE_##sym,
	foreach_wt_http_trace_role
#undef _
	WT_HTTP_ROLE__MAX
};
extern const char *const wt_http_trace_role_names[WT_HTTP_ROLE__MAX];

/* Authorization scheme (wt_http_cred.scheme). */
#define foreach_wt_http_auth \
	_(NONE, "none") \
	_(BASIC, "basic") \
	_(BEARER, "bearer") \
	_(DIGEST, "digest") \
	_(AWS4, "aws4-hmac-sha256") \
	_(OTHER, "other")

enum wt_http_auth {
#define _(sym, name) WT_HTTP_AUTH_##sym,
	foreach_wt_http_auth
#undef _
	WT_HTTP_AUTH__MAX
};
extern const char *const wt_http_auth_names[WT_HTTP_AUTH__MAX];

/* Why a transaction has no (complete) response (wt_http_tx.no_response). */
#define foreach_wt_http_noresp \
	_(NONE, "none") \
	_(FLOW_END, "flow_end") /* the flow ended (fin, rst, timeout, eviction, shutdown) */ \
	_(GAP, "gap") /* bytes of the response were lost */ \
	_(PARSE_ERROR, "parse_error") /* the response did not parse */ \
	_(GAVE_UP, "gave_up") /* no resync point found after a gap or parse error */ \
	_(UPGRADE, "upgrade") /* the connection switched protocol first */

enum wt_http_noresp {
#define _(sym, name) WT_HTTP_NORESP_##sym,
	foreach_wt_http_noresp
#undef _
	WT_HTTP_NORESP__MAX
};
extern const char *const wt_http_noresp_names[WT_HTTP_NORESP__MAX];

/* What a 101 (or a 2xx to CONNECT) switched the connection to (wt_http_upgraded()). */
#define foreach_wt_http_upgrade \
	_(NONE, "none") \
	_(H2C, "h2c") \
	_(WEBSOCKET, "websocket") \
	_(CONNECT, "connect") \
	_(OTHER, "other")

enum wt_http_upgrade {
#define _(sym, name) WT_HTTP_UPGRADE_##sym,
	foreach_wt_http_upgrade
#undef _
	WT_HTTP_UPGRADE__MAX
};
extern const char *const wt_http_upgrade_names[WT_HTTP_UPGRADE__MAX];

/*
 * Counters (X-macro): enum WT_HTTP_CNT_<SYM>; wt_http_counter_names[] holds lower-case names
 * ("parse_errors"), wt_http_counter_descs[] the text.
 */
#define foreach_wt_http_counter \
	_(BYTES, "payload bytes given to wt_http_data()") \
	_(REQUESTS, "request messages started") \
	_(RESPONSES, "final response messages started") \
	_(INTERIM, "1xx interim responses (not paired)") \
	_(TRANSACTIONS, "transactions emitted") \
	_(NO_RESPONSE, "transactions emitted without a complete response") \
	_(ORPHANS, "responses without a request (emitted alone)") \
	_(PARSE_ERRORS, "http_parser errors (the direction resyncs)") \
	_(HEADER_LIMIT, "messages over max-header-bytes or max-headers (rest not inspected)") \
	_(URL_LIMIT, "request urls over max-url-bytes") \
	_(TRUNCATED, "transactions with a value truncated to its field") \
	_(PIPELINE_OVERFLOW, "requests beyond max-pipeline outstanding (not recorded)") \
	_(TX_POOL_EMPTY, "requests not recorded: transaction pool empty") \
	_(GAPS, "gaps in a direction's bytes") \
	_(RESYNCS, "message starts found again after a gap or parse error") \
	_(GAVE_UP, "flows given up: no message start within resync-max-bytes") \
	_(MIDSTREAM, "directions picked up midstream") \
	_(UPGRADES, "connections switched protocol (101, CONNECT)") \
	_(IGNORED_BYTES, "bytes after an upgrade or give-up (not parsed)") \
	_(TRACE, "transactions with trace context") \
	_(TRACE_MALFORMED, "trace headers with a malformed value") \
	_(AUTH, "requests with an Authorization header") \
	_(API_KEYS, "requests with an api-key header") \
	_(JWT, "bearer tokens decoded as JWT") \
	_(JWT_MALFORMED, "bearer tokens that look like JWT but do not decode") \
	_(JWT_EXPIRED, "JWTs expired at request time") \
	_(BODY_SHAPES, "JSON bodies whose key set was fingerprinted") \
	_(BODY_SKIPPED, "JSON bodies not inspected (scanner busy)")

enum wt_http_counter {
#define _(sym, desc) WT_HTTP_CNT_##sym,
	foreach_wt_http_counter
#undef _
	WT_HTTP_CNT__MAX
};
extern const char *const wt_http_counter_names[WT_HTTP_CNT__MAX];
extern const char *const wt_http_counter_descs[WT_HTTP_CNT__MAX];

/* ---- the transaction record ---- */

/* wt_http_tx.flags */
#define WT_HTTP_TX_F_REQUEST      0x0001 /* request line seen */
#define WT_HTTP_TX_F_REQ_DONE     0x0002 /* request message complete */
#define WT_HTTP_TX_F_RESPONSE     0x0004 /* final response headers seen (status valid) */
#define WT_HTTP_TX_F_RESP_DONE    0x0008 /* response message complete */
#define WT_HTTP_TX_F_GAP          0x0010 /* bytes lost before or inside this transaction */
#define WT_HTTP_TX_F_TRUNCATED    0x0020 /* a value was cut to its field size */
#define WT_HTTP_TX_F_HEADER_LIMIT 0x0040 /* headers beyond max-header-bytes/max-headers ignored */
#define WT_HTTP_TX_F_URL_LIMIT    0x0080 /* url longer than max-url-bytes */
#define WT_HTTP_TX_F_MIDSTREAM    0x0100 /* the flow was picked up midstream */
#define WT_HTTP_TX_F_PARSE_ERROR  0x0200 /* a message of this transaction did not parse */
#define WT_HTTP_TX_F_INTERIM      0x0400 /* a 1xx came before the final response */
#define WT_HTTP_TX_F_UPGRADE      0x0800 /* this response switched protocol (see upgrade) */

/* wt_http_trace.flags */
#define WT_HTTP_TRACE_F_TRACESTATE 0x01 /* a tracestate header was present (traceparent) */
#define WT_HTTP_TRACE_F_SAMPLED    0x02 /* sampled decision: yes (valid with SAMPLED_SET) */
#define WT_HTTP_TRACE_F_SAMPLED_SET 0x04 /* the carrier gave a sampling decision */
#define WT_HTTP_TRACE_F_MALFORMED  0x08 /* a trace header was present but not valid */

/**
 * Trace context of the request. ids are normalized: W3C, B3, Jaeger and X-Ray trace ids become
 * 32 lower-case hex digits (64-bit ids left-padded with zeros, X-Ray "1-8hex-24hex" joined),
 * span ids 16. span_id is the id of the calling span that sent this request (traceparent
 * parent-id, B3 SpanId, Jaeger span-id, X-Ray Parent); parent_id that span's parent when the
 * carrier has it (B3 ParentSpanId, Jaeger parent-span-id). Request/correlation ids are opaque:
 * a UUID becomes 32 hex digits, other tokens are kept as sent.
 */
struct wt_http_trace {
	char id[WT_HTTP_TRACE_ID_MAX];
	char span_id[WT_HTTP_SPAN_ID_MAX];
	char parent_id[WT_HTTP_SPAN_ID_MAX];
	uint8_t id_len;           /* 0 = no trace id */
	uint8_t span_id_len;      /* 0 or 16 */
	uint8_t parent_id_len;    /* 0 or 16 */
	uint8_t header;           /* enum wt_http_carrier */
	uint8_t flags;            /* WT_HTTP_TRACE_F_* */
};

/* wt_http_cred.flags */
#define WT_HTTP_CRED_F_FP         0x01 /* fp is set */
#define WT_HTTP_CRED_F_API_KEY    0x02 /* api_key_header is set */
#define WT_HTTP_CRED_F_API_KEY_FP 0x04 /* api_key_fp is set */
#define WT_HTTP_CRED_F_TRUNCATED  0x08 /* username or cookie names cut, or more cookies than kept */

/**
 * Credentials, described: scheme, Basic username, keyed fingerprints (HMAC-SHA-256 with the
 * appliance key, first WT_HTTP_FP_LEN bytes) and cookie names. The fingerprint covers the
 * credential after the scheme (Basic: the base64 token, Bearer: the token, other schemes: the
 * parameters), except Digest (the username parameter) and AWS4-HMAC-SHA256 (the access key id
 * of Credential=), whose other parameters change on every request. No fingerprint when no key
 * is configured.
 */
struct wt_http_cred {
	uint8_t scheme;           /* enum wt_http_auth */
	uint8_t flags;            /* WT_HTTP_CRED_F_* */
	uint8_t n_cookies;        /* names kept in cookie[] */
	uint8_t cookies_total;    /* cookie names seen (saturates at 255) */
	uint8_t username_len;
	uint8_t api_key_header_len;
	uint8_t cookie_len[WT_HTTP_COOKIES];
	char username[WT_HTTP_USER_MAX];
	char api_key_header[WT_HTTP_HDR_NAME_MAX];   /* lower case, as configured */
	char cookie[WT_HTTP_COOKIES][WT_HTTP_COOKIE_MAX];
	uint8_t fp[WT_HTTP_FP_LEN];
	uint8_t api_key_fp[WT_HTTP_FP_LEN];
};

/* wt_http_jwt.flags */
#define WT_HTTP_JWT_F_PRESENT       0x0001 /* the bearer token has three base64url parts */
#define WT_HTTP_JWT_F_MALFORMED     0x0002 /* ... but the header or payload is not a JSON object */
#define WT_HTTP_JWT_F_ALG_NONE      0x0004
#define WT_HTTP_JWT_F_EXPIRED       0x0008 /* exp < request time */
#define WT_HTTP_JWT_F_NOT_YET_VALID 0x0010 /* nbf > request time */
#define WT_HTTP_JWT_F_IAT           0x0020 /* iat is set */
#define WT_HTTP_JWT_F_NBF           0x0040
#define WT_HTTP_JWT_F_EXP           0x0080
#define WT_HTTP_JWT_F_TRUNCATED     0x0100 /* a claim string was cut, or the token exceeded
					    * the scratch buffer */
#define WT_HTTP_JWT_F_AUD_MULTI     0x0200 /* aud was an array: aud holds its first member */

/** JWT of a Bearer token, decoded without verification. Strings are JSON-unescaped. */
struct wt_http_jwt {
	uint16_t flags;           /* WT_HTTP_JWT_F_* */
	uint8_t alg_len, kid_len, iss_len, sub_len, aud_len;
	char alg[WT_HTTP_JWT_ALG_MAX];
	char kid[WT_HTTP_JWT_STR_MAX];
	char iss[WT_HTTP_JWT_STR_MAX];
	char sub[WT_HTTP_JWT_STR_MAX];
	char aud[WT_HTTP_JWT_STR_MAX];
	int64_t iat, nbf, exp;    /* seconds since the epoch, valid per flags */
};

/* wt_http_shape.flags */
#define WT_HTTP_SHAPE_F_PRESENT   0x01 /* a JSON object body was inspected */
#define WT_HTTP_SHAPE_F_TRUNCATED 0x02 /* past json-inspect-bytes, or too many/long keys */

/**
 * Shape of a JSON body: count of distinct top-level keys and the first WT_HTTP_SHAPE_FP_LEN
 * bytes of SHA-256 over those keys (raw bytes between the quotes), sorted and joined by '\n'.
 */
struct wt_http_shape {
	uint8_t fp[WT_HTTP_SHAPE_FP_LEN];
	uint16_t keys;
	uint8_t flags;            /* WT_HTTP_SHAPE_F_* */
	uint8_t pad;
};

/**
 * One request/response pair. Fixed size, no pointers: the event record embeds it. Strings are
 * bounded, NUL-terminated, with their length; a value longer than its field is cut and the
 * transaction flagged WT_HTTP_TX_F_TRUNCATED.
 */
struct wt_http_tx {
	uint64_t tx_id;           /* per flow, from 0, in request order */
	uint64_t ts_request;      /* ns: first byte of the request (0: none seen) */
	uint64_t ts_response;     /* ns: first byte of the final response (0: none) */
	uint64_t ts_response_end; /* ns: last byte of the response (0: not complete) */
	uint64_t request_len;     /* request body bytes (de-chunked) */
	uint64_t response_len;    /* response body bytes (de-chunked) */
	uint32_t flags;           /* WT_HTTP_TX_F_* */
	uint16_t status;          /* 0 = no final response */
	uint8_t no_response;      /* enum wt_http_noresp */
	uint8_t upgrade;          /* enum wt_http_upgrade, with WT_HTTP_TX_F_UPGRADE */
	uint8_t hostname_len;
	uint8_t http_method_len;
	uint8_t protocol_len;
	uint8_t http_user_agent_len;
	uint8_t http_content_type_len;
	uint8_t pad;
	uint16_t url_len;
	char hostname[WT_HTTP_HOST_MAX];     /* Host (or absolute-form url host), no port, lower case */
	char url[WT_HTTP_URL_MAX];           /* path + query; query values "***" when masked */
	char http_method[WT_HTTP_METHOD_MAX];
	char protocol[WT_HTTP_PROTO_MAX];    /* of the request ("HTTP/1.1") */
	char http_user_agent[WT_HTTP_UA_MAX];
	char http_content_type[WT_HTTP_CTYPE_MAX]; /* of the response */
	struct wt_http_trace trace;
	struct wt_http_cred cred;
	struct wt_http_jwt jwt;
	struct wt_http_shape shape[2];       /* [WT_DIR_TOSERVER] request, [WT_DIR_TOCLIENT] response */
};

/* ---- configuration ---- */

/** One configured trace header: its name (lower case) and role. */
struct wt_http_trace_hdr {
	char name[WT_HTTP_HDR_NAME_MAX];
	uint8_t role;             /* enum wt_http_trace_role */
};

/** Parser configuration; fill with wt_http_conf_defaults(), then adjust. */
struct wt_http_conf {
	struct wt_http_trace_hdr trace_hdrs[WT_HTTP_MAX_TRACE_HDRS];
	uint32_t n_trace_hdrs;
	char api_key_hdrs[WT_HTTP_MAX_APIKEY_HDRS][WT_HTTP_HDR_NAME_MAX]; /* lower case */
	uint32_t n_api_key_hdrs;
	uint8_t mask_query_values; /* 1: "?a=1&b=2" is kept as "?a=***&b=***" */
	uint32_t max_header_bytes; /* request/status line + headers inspected per message */
	uint32_t max_headers;      /* header lines inspected per message */
	uint32_t max_url_bytes;    /* longer request targets are flagged */
	uint32_t json_inspect_bytes; /* body bytes scanned for the JSON key set */
	uint32_t max_pipeline;     /* outstanding requests recorded per flow, <= WT_HTTP_MAX_PIPELINE */
	uint32_t resync_max_bytes; /* after a gap/error, bytes searched for a message start */
	uint32_t tx_pool;          /* transaction records per worker; 0 = one per flow slot */
	uint8_t key[WT_HTTP_KEY_MAX]; /* HMAC key, see wt_http_conf_set_key() */
	uint32_t key_len;          /* 0 = no key: no fingerprints */
};

/**
 * Fill @p conf with defaults: every trace role under its own name, api-key headers x-api-key,
 * api-key, x-auth-token, query values masked, 16 KiB / 100 headers, 4 KiB urls, 8 KiB of JSON
 * body, 16 pipelined requests, 64 KiB resync, tx_pool 0, no key.
 */
void wt_http_conf_defaults(struct wt_http_conf *conf);

/**
 * Set the HMAC key used for credential fingerprints (the appliance secret, 32 bytes advised).
 * @return 0, or -EINVAL when @p len is below 16 or above WT_HTTP_KEY_MAX.
 */
int wt_http_conf_set_key(struct wt_http_conf *conf, const uint8_t *key, size_t len);

/** Remove every trace header (to build a custom list with wt_http_conf_add_trace_header()). */
void wt_http_conf_clear_trace_headers(struct wt_http_conf *conf);

/**
 * Add header @p name (case-insensitive) with role @p role.
 * @return 0; -EINVAL bad role, empty name or name of WT_HTTP_HDR_NAME_MAX bytes or more;
 *   -ENOSPC list full; -EEXIST name already listed.
 */
int wt_http_conf_add_trace_header(struct wt_http_conf *conf, const char *name,
				  enum wt_http_trace_role role);

/** Remove every api-key header name. */
void wt_http_conf_clear_api_key_headers(struct wt_http_conf *conf);

/**
 * Add api-key header @p name (case-insensitive).
 * @return 0; -EINVAL empty or too long; -ENOSPC list full; -EEXIST already listed.
 */
int wt_http_conf_add_api_key_header(struct wt_http_conf *conf, const char *name);

/** @return the role named @p name ("traceparent", "x-b3-traceid", ...), or -EINVAL. */
int wt_http_trace_role_from_name(const char *name);

/* ---- per-worker state ---- */

struct wt_http_lcore;

/** Transaction callback: runs on the worker, must not block; @p tx is valid only during the call. */
typedef void (*wt_http_tx_cb)(void *arg, const struct wt_http_tx *tx);

/** Counters of one worker. */
struct wt_http_stats {
	uint64_t cnt[WT_HTTP_CNT__MAX];   /* enum wt_http_counter */
	uint64_t active_txs;              /* transaction records in use now */
	uint64_t capacity;                /* flow slots */
	uint64_t tx_pool;                 /* transaction records */
	uint64_t memory;                  /* bytes allocated at creation */
};

/**
 * Create a worker's HTTP state on @p socket: @p capacity per-flow states (indexed by the slot
 * the caller gives, 0 .. capacity-1) and conf->tx_pool transaction records. @p conf is copied
 * (the HMAC pads are precomputed here). @p name labels the allocations.
 * @return the context, or NULL with rte_errno set: EINVAL (bad conf, capacity 0 or above 2^24,
 *   no callback), ENOMEM.
 */
struct wt_http_lcore *wt_http_lcore_create(const char *name, const struct wt_http_conf *conf,
					   uint32_t capacity, int socket,
					   void (*on_tx)(void *arg, const struct wt_http_tx *tx),
					   void *arg);

/** Free @p lc (NULL is fine); the key material is wiped. Open flows are dropped silently. */
void wt_http_lcore_free(struct wt_http_lcore *lc);

/** Bytes per flow slot plus a transaction record, for sizing. */
uint64_t wt_http_bytes_per_flow(void);

/**
 * Does a direction start like HTTP/1.x? To server: a known method followed by a space; to
 * client: "HTTP/1.". Decides within 16 bytes.
 * @return 1 yes, 0 no, -1 need more bytes.
 */
int wt_http_detect(const uint8_t *data, uint32_t len, uint8_t dir);

/** Start slot @p slot for flow @p f: reset both parsers and the transaction queue. */
void wt_http_open(struct wt_http_lcore *lc, uint32_t slot, const struct wt_flow *f);

/**
 * Parse @p len in-order bytes of direction @p dir (WT_DIR_*). @p flags: WT_HTTP_DATA_GAP when
 * bytes before these were lost (the open message is ended and marked, the parser resyncs on
 * the next line that starts a message, or gives the flow up after resync_max_bytes),
 * WT_HTTP_DATA_MIDSTREAM when the direction was picked up midstream (same search for a start).
 * @p ts_ns is the packet time of these bytes. Completed transactions go to the callback.
 */
void wt_http_data(struct wt_http_lcore *lc, uint32_t slot, const struct wt_flow *f, uint8_t dir,
		  const uint8_t *data, uint32_t len, uint32_t flags, uint64_t ts_ns);

/** Direction @p dir ended (FIN): a response read until close is complete. */
void wt_http_eof(struct wt_http_lcore *lc, uint32_t slot, const struct wt_flow *f, uint8_t dir,
		 uint64_t ts_ns);

/**
 * The flow ended: end both directions as wt_http_eof() does, then emit every request still
 * waiting with no_response "flow_end" (a response cut short keeps its status, flagged
 * truncated). The slot is free afterwards.
 */
void wt_http_close(struct wt_http_lcore *lc, uint32_t slot, const struct wt_flow *f,
		   uint64_t ts_ns);

/**
 * @return what slot @p slot switched to after a 101 or a 2xx to CONNECT (the caller sets the
 *   flow's app_proto; HTTP parsing has stopped), or WT_HTTP_UPGRADE_NONE.
 */
enum wt_http_upgrade wt_http_upgraded(const struct wt_http_lcore *lc, uint32_t slot);

/** @return 1 when parsing of slot @p slot stopped (upgrade or gave up), else 0. */
int wt_http_stopped(const struct wt_http_lcore *lc, uint32_t slot);

/** Copy the counters of @p lc into @p st (values are monotonic). */
void wt_http_stats_get(const struct wt_http_lcore *lc, struct wt_http_stats *st);

#endif /* WT_HTTP_H */
