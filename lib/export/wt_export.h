/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Exporter: turns audit events into EVE-compatible JSON (one line each) and ships them to Kafka
 * (one librdkafka producer per exporter lcore, key = Community ID) and/or appends them to a file.
 * `kafka.brokers: embedded` starts librdkafka's mock cluster in-process, so a sensor runs and
 * can be tested without a real cluster.
 *
 * Threading: one struct wt_export_ctx per process (read-mostly, built before the lcores start),
 * one struct wt_export_lcore per exporter lcore, used only by that lcore. Delivery reports and
 * librdkafka errors are served from wt_export_poll() / wt_export_lcore_flush() on that lcore.
 * Nothing here runs on a worker.
 */
#ifndef WT_EXPORT_H
#define WT_EXPORT_H

#include <stddef.h>
#include <stdint.h>

#include "wt_audit.h"
#include "wt_common.h"
#include "wt_conf.h"
#include "wt_event.h"

/** Largest JSON line an event may produce (bytes, without the trailing newline). */
#define WT_EXPORT_JSON_MAX 8192
/** Per-lcore file output buffer, written at line boundaries. */
#define WT_EXPORT_FILE_BUF (64 * 1024)
/** File buffer is written on wt_export_poll() once it is this old. */
#define WT_EXPORT_FILE_FLUSH_NS (100ull * 1000 * 1000)
/** Distinct librdkafka error codes counted per table; later codes count as "other". */
#define WT_EXPORT_MAX_REASONS 16

/*
 * Exporter counters (X-macro): enum WT_EXPORT_CNT_<SYM>; wt_export_counter_names[] holds the
 * upper-case symbols (lower-case them with wt_lower_name()), wt_export_counter_descs[] the text.
 */
#define foreach_wt_export_counter \
	_(EVENTS, "events given to wt_export_event()") \
	_(BAD_EVENT, "events dropped: event type out of range") \
	_(JSON_TOO_BIG, "events dropped: JSON did not fit WT_EXPORT_JSON_MAX") \
	_(JSON_BYTES, "bytes of JSON formatted") \
	_(NO_COMMUNITY_ID, "events without a community id (bad ip version), sent unkeyed") \
	_(PRODUCED, "messages accepted by rd_kafka_produce()") \
	_(PRODUCE_FAILED, "messages refused by rd_kafka_produce() (by reason: produce_err)") \
	_(PRODUCE_RETRIED, "produce retried once after the local queue was full") \
	_(DELIVERED, "messages acknowledged by the cluster") \
	_(DR_FAILED, "messages whose delivery failed (by reason: dr_err)") \
	_(KAFKA_ERRORS, "librdkafka error callbacks (by reason: kafka_err)") \
	_(KAFKA_LOG_SUPPRESSED, "librdkafka errors not logged (rate limit)") \
	_(FLUSH_TIMEOUTS, "flushes that timed out") \
	_(FLUSH_LEFT, "messages still queued when a flush timed out") \
	_(FILE_LINES, "lines written to the output file") \
	_(FILE_BYTES, "bytes written to the output file") \
	_(FILE_ERRORS, "write(2) failures on the output file") \
	_(FILE_LINES_LOST, "lines lost to write(2) failures") \
	_(AUDIT_QUEUE_FULL, "audit: produce deferred, local queue full (the record waits in the spool)") \
	_(AUDIT_REPRODUCED, "audit: records produced from the spool (backlog, failed delivery, restart)") \
	_(AUDIT_PRODUCER_RESTARTS, "audit: producers recreated after a fatal (idempotence) error")

enum wt_export_counter {
#define _(sym, desc) WT_EXPORT_CNT_##sym,
	foreach_wt_export_counter
#undef _
	WT_EXPORT_CNT__MAX
};
extern const char *const wt_export_counter_names[WT_EXPORT_CNT__MAX];
extern const char *const wt_export_counter_descs[WT_EXPORT_CNT__MAX];

/** One librdkafka error code and how often it was seen. */
struct wt_export_reason {
	int code;            /* rd_kafka_resp_err_t */
	const char *name;    /* rd_kafka_err2name(code), a static string */
	uint64_t count;
};

/** Small fixed table of error codes: the first WT_EXPORT_MAX_REASONS distinct ones, then "other". */
struct wt_export_reasons {
	uint32_t n;
	struct wt_export_reason r[WT_EXPORT_MAX_REASONS];
	uint64_t other;
};

/** Counters of one exporter lcore (or a sum, see wt_export_stats_add()). */
struct wt_export_stats {
	uint64_t cnt[WT_EXPORT_CNT__MAX];
	uint64_t events[WT_EVENT__MAX];        /* by event type */
	struct wt_export_reasons produce_err;  /* rd_kafka_produce() failures */
	struct wt_export_reasons dr_err;       /* delivery report failures */
	struct wt_export_reasons kafka_err;    /* error_cb */
	struct wt_audit_stats audit;           /* chain + spool (zeros when audit is off) */
};

struct wt_export_ctx;
struct wt_export_lcore;

/**
 * Create the shared exporter context from @p c (copied; @p c may be freed afterwards). Resolves
 * one topic per event type from kafka_topic_template ("{event_type}" is replaced by the type
 * name). When Kafka output is enabled and kafka_brokers is "embedded", starts librdkafka's mock
 * cluster with kafka_embedded_brokers brokers and creates every topic (3 partitions).
 * When file output is enabled, checks that out_file_path can be opened for appending.
 * @return the context, or NULL with errno set (EINVAL bad topic template or broker count,
 *   ENOMEM, EIO mock cluster failure, or open(2)'s errno) and a message in @p err.
 */
struct wt_export_ctx *wt_export_ctx_create(const struct wt_conf *c, char *err, size_t errlen);

/**
 * Bootstrap servers producers use: the embedded cluster's address list or kafka_brokers.
 * @return a string owned by @p ctx ("" when Kafka output is disabled).
 */
const char *wt_export_bootstrap(const struct wt_export_ctx *ctx);

/**
 * Topic name for event type @p type. @return a string owned by @p ctx, or NULL if out of range.
 */
const char *wt_export_topic(const struct wt_export_ctx *ctx, unsigned int type);

/**
 * Stop the embedded cluster (if any) and free @p ctx. Every lcore context must be freed first.
 * NULL is a no-op.
 */
void wt_export_ctx_free(struct wt_export_ctx *ctx);

/**
 * Turn on tamper-evident, loss-free delivery (docs/audit.md) for every exporter lcore created
 * afterwards: each event line is sealed into the chain of its lcore's stream, appended to the
 * spool in ac->dir/stream-<idx>, produced once durable and acknowledged by delivery reports;
 * checkpoints go to topic "checkpoint" and gap records to "gap" of kafka.topic-template.
 * Loads ac->key_path (refused unless 0600 and owned by the effective user). An empty
 * ac->sensor takes sensor.name. Without this call (or with ac->enabled == 0) audit is off.
 * @return 0; -EINVAL bad settings; -EPERM key file permissions; another negative errno; the
 *   message is in @p err.
 */
int wt_export_ctx_set_audit(struct wt_export_ctx *ctx, const struct wt_audit_conf *ac, char *err,
			    size_t errlen);

/**
 * Write one `gap` record into the lcore's chain naming losses by reason (audit on; a no-op
 * returning 0 when off). Call it on the exporter lcore with the loss deltas since the last call.
 * @return 0 or a negative errno (wt_audit_gap()).
 */
int wt_export_gap(struct wt_export_lcore *lc, const struct wt_audit_gap_item *items,
		  unsigned int n);

struct rd_kafka_mock_cluster_s;
/** The embedded mock cluster (tests: outages, injected errors), or NULL. */
struct rd_kafka_mock_cluster_s *wt_export_mock_cluster(const struct wt_export_ctx *ctx);

/**
 * Check the producer configuration of @p c without connecting: our defaults plus every
 * kafka.librdkafka pair through rd_kafka_conf_set (for --check-config and start-up).
 * @return 0, or -EINVAL with a message naming the property and librdkafka's reason.
 */
int wt_export_conf_check(const struct wt_conf *c, char *err, size_t errlen);

/**
 * Create exporter lcore @p idx: its producer (defaults bootstrap.servers, enable.idempotence=true,
 * compression.codec=zstd, linger.ms=10, client.id=wiretrail-<sensor>-<idx>, then every
 * kafka.librdkafka pair of the config), one topic handle per event type, and its file writer.
 * @return the context, or NULL with errno set and a message in @p err: EINVAL for an unknown
 *   librdkafka property or a bad value (the message names the property and librdkafka's reason),
 *   ENOMEM, EIO producer creation failed, or open(2)'s errno for the output file.
 */
struct wt_export_lcore *wt_export_lcore_create(struct wt_export_ctx *ctx, unsigned int idx,
					       char *err, size_t errlen);

/**
 * Format @p ev and hand it to every enabled output: Kafka (copied, key = community id, topic of
 * its type) and the file buffer. Never blocks, except for one rd_kafka_poll(1 ms) and one retry
 * when the producer's local queue is full. Every failure is counted by reason.
 * @return 0; -EINVAL bad event type; -EMSGSIZE JSON too big; -ENOBUFS producer queue full;
 *   another negative errno from rd_kafka_produce() or write(2). When both outputs are enabled
 *   the event still goes to the other output after one failed, and the first error is returned.
 */
int wt_export_event(struct wt_export_lcore *lc, const struct wt_event *ev);

/**
 * Serve delivery reports and librdkafka errors (rd_kafka_poll(rk, 0)) and write the file
 * buffer if it is older than WT_EXPORT_FILE_FLUSH_NS. Call it in the exporter loop.
 */
void wt_export_poll(struct wt_export_lcore *lc);

/**
 * Wait up to @p timeout_ms for every queued message to be delivered (rd_kafka_flush) and write
 * the file buffer.
 * @return 0; -ETIMEDOUT when messages were still queued (their number is added to FLUSH_LEFT);
 *   or the negative errno of a failed file write.
 */
int wt_export_lcore_flush(struct wt_export_lcore *lc, int timeout_ms);

/**
 * Write what the file buffer holds, destroy the producer (call wt_export_lcore_flush() first:
 * undelivered messages are dropped), close the file and free @p lc. NULL is a no-op.
 */
void wt_export_lcore_free(struct wt_export_lcore *lc);

/** Copy the counters of @p lc into @p st (may run on another thread; values are monotonic). */
void wt_export_stats_get(const struct wt_export_lcore *lc, struct wt_export_stats *st);

/** Add @p s into @p sum, merging reason tables by error code. */
void wt_export_stats_add(struct wt_export_stats *sum, const struct wt_export_stats *s);

/**
 * Format @p ev as one line of EVE-compatible JSON (no trailing newline, NUL-terminated) into
 * @p buf. Pure: no allocation, no I/O. @p sensor is JSON-escaped.
 * @return the length written (without the NUL), or 0 if it did not fit in @p len bytes or the
 *   event type is out of range.
 */
size_t wt_export_format_json(const struct wt_event *ev, const char *sensor, char *buf, size_t len);

#endif /* WT_EXPORT_H */
