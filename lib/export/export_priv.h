/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to lib/export: the context layouts and the helpers the export_*.c files share. */
#ifndef EXPORT_PRIV_H
#define EXPORT_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "wt_export.h"

/** Community ID strings are "1:" + 28 base64 characters. */
#define EXPORT_CID_LEN 32

/** Per-lcore file writer: lines are buffered and written whole with write(2). */
struct export_file {
	int fd;                   /* -1 when file output is off */
	size_t used;              /* bytes in buf */
	uint32_t lines;           /* lines in buf */
	uint64_t first_ns;        /* monotonic time the oldest buffered line was added */
	char *buf;                /* WT_EXPORT_FILE_BUF bytes */
};

struct wt_export_ctx {
	struct wt_conf conf;                          /* copy; eal_args cleared (not ours) */
	char topics[WT_EVENT__MAX][WT_CONF_STR];
	char bootstrap[WT_CONF_PATH];
	rd_kafka_t *mock_rk;                          /* handle that owns the mock cluster */
	rd_kafka_mock_cluster_t *mock;                /* NULL unless kafka.brokers is "embedded" */
	struct wt_audit_conf audit;                   /* audit.enabled == 0: no chain, no spool */
	struct wt_audit_key *audit_key;               /* signs checkpoints (export_audit.c) */
	char audit_topics[2][WT_CONF_STR];            /* checkpoint, gap */
};

struct wt_export_lcore {
	struct wt_export_ctx *ctx;
	unsigned int idx;
	rd_kafka_t *rk;                               /* NULL when Kafka output is off */
	rd_kafka_topic_t *rkt[WT_EVENT__MAX];
	struct export_file file;
	uint64_t last_log_ns;                         /* error_cb log rate limit */
	struct wt_export_stats st;                    /* written by this lcore only */
	struct export_audit *audit;                   /* NULL unless audit.enabled */
	char json[WT_EXPORT_JSON_MAX];
};

static inline void
export_cnt_add(struct wt_export_lcore *lc, enum wt_export_counter c, uint64_t n)
{
	lc->st.cnt[c] += n;
}

/* export_json.c: format with a precomputed community id (NULL or "" to omit it). */
size_t export_json_format(const struct wt_event *ev, const char *sensor, const char *cid,
			  char *buf, size_t len);

/* export_kafka.c */
void export_reasons_count(struct wt_export_reasons *t, int code);
int export_mock_start(struct wt_export_ctx *ctx, char *err, size_t errlen);
int export_mock_topic(struct wt_export_ctx *ctx, const char *topic, char *err, size_t errlen);
void export_mock_stop(struct wt_export_ctx *ctx);
int export_producer_create(struct wt_export_lcore *lc, char *err, size_t errlen);
void export_producer_destroy(struct wt_export_lcore *lc);
int export_kafka_produce(struct wt_export_lcore *lc, unsigned int type, const char *json,
			 size_t n, const char *key, size_t keylen);

/* export_audit.c: sealed, spooled, loss-free delivery (only when lc->audit != NULL) */
int export_audit_create(struct wt_export_lcore *lc, char *err, size_t errlen);
void export_audit_free(struct wt_export_lcore *lc);
int export_audit_event(struct wt_export_lcore *lc, unsigned int type, const char *json, size_t n,
		       const char *key, size_t keylen);
void export_audit_poll(struct wt_export_lcore *lc);
int export_audit_flush(struct wt_export_lcore *lc, int timeout_ms);
void export_audit_dr(struct wt_export_lcore *lc, uint64_t seq, int err);
void export_audit_fatal(struct wt_export_lcore *lc);
void export_audit_loss(struct wt_export_lcore *lc, const char *reason);
int export_audit_gap(struct wt_export_lcore *lc, const struct wt_audit_gap_item *items,
		     unsigned int n);
void export_audit_stats(const struct wt_export_lcore *lc, struct wt_audit_stats *st);

/* export_file.c */
int export_file_open(struct export_file *f, const char *path, char *err, size_t errlen);
int export_file_append(struct export_file *f, struct wt_export_stats *st, const char *line,
		       size_t n);
int export_file_write(struct export_file *f, struct wt_export_stats *st);
void export_file_close(struct export_file *f, struct wt_export_stats *st);

struct jb;
/* export_json_http.c: the members of an `http` event after the common ones. */
void export_json_http(struct jb *b, const struct wt_event *ev);

#endif /* EXPORT_PRIV_H */
