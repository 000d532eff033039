/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Kafka side of the exporter: librdkafka's mock cluster for `kafka.brokers: embedded`, one
 * idempotent producer per exporter lcore, and the callbacks that turn delivery reports and
 * client errors into counters by reason.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "export_priv.h"

#define EXPORT_MOCK_PARTITIONS 3
#define EXPORT_ERR_LOG_NS 1000000000ull /* at most one error_cb log line per second per lcore */

void
export_reasons_count(struct wt_export_reasons *t, int code)
{
	uint32_t i;

	for (i = 0; i < t->n; i++) {
		if (t->r[i].code == code) {
			t->r[i].count++;
			return;
		}
	}
	if (t->n == WT_EXPORT_MAX_REASONS) {
		t->other++;
		return;
	}
	t->r[i].code = code;
	t->r[i].name = rd_kafka_err2name((rd_kafka_resp_err_t)code);
	t->r[i].count = 1;
	t->n = i + 1;
}

/* librdkafka's own log lines (from its threads) go to the control-plane log. */
static void
log_cb(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
	if (level <= 3)
		WT_ERR("kafka %s: %s: %s", rd_kafka_name(rk), fac, buf);
	else if (level == 4)
		WT_WARN("kafka %s: %s: %s", rd_kafka_name(rk), fac, buf);
	else
		WT_DBG("kafka %s: %s: %s", rd_kafka_name(rk), fac, buf);
}

/* Served by rd_kafka_poll()/rd_kafka_flush() on the lcore: no locking needed. */
static void
dr_msg_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
	struct wt_export_lcore *lc = opaque;

	(void)rk;
	if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
		export_cnt_add(lc, WT_EXPORT_CNT_DELIVERED, 1);
	} else {
		export_cnt_add(lc, WT_EXPORT_CNT_DR_FAILED, 1);
		export_reasons_count(&lc->st.dr_err, m->err);
	}
	/* Audit records carry their seq as the opaque (seq >= 1): advance the mark. */
	if (lc->audit != NULL && m->_private != NULL)
		export_audit_dr(lc, (uint64_t)(uintptr_t)m->_private, m->err);
}

static void
error_cb(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
	struct wt_export_lcore *lc = opaque;
	uint64_t now = wt_monotonic_ns();
	char fatal[512];

	export_cnt_add(lc, WT_EXPORT_CNT_KAFKA_ERRORS, 1);
	export_reasons_count(&lc->st.kafka_err, err);
	if (err == RD_KAFKA_RESP_ERR__FATAL) {
		/* Once per producer: the instance is unusable (e.g. idempotence sequence lost). */
		rd_kafka_resp_err_t orig = rd_kafka_fatal_error(rk, fatal, sizeof(fatal));

		WT_ERR("export lcore %u: kafka fatal error %s: %s", lc->idx, rd_kafka_err2name(orig),
		       fatal);
		if (lc->audit != NULL)
			export_audit_fatal(lc); /* recreated on the next poll, resent from the spool */
		return;
	}
	if (lc->last_log_ns != 0 && now - lc->last_log_ns < EXPORT_ERR_LOG_NS) {
		export_cnt_add(lc, WT_EXPORT_CNT_KAFKA_LOG_SUPPRESSED, 1);
		return;
	}
	lc->last_log_ns = now;
	WT_WARN("export lcore %u: kafka error %s: %s (%" PRIu64 " not logged so far)", lc->idx,
		rd_kafka_err2name((rd_kafka_resp_err_t)err), reason,
		lc->st.cnt[WT_EXPORT_CNT_KAFKA_LOG_SUPPRESSED]);
}

int
export_mock_start(struct wt_export_ctx *ctx, char *err, size_t errlen)
{
	const struct wt_conf *c = &ctx->conf;
	char es[512];
	rd_kafka_conf_t *kc;
	const char *bs;
	int n = c->kafka_embedded_brokers;

	if (n < 1) {
		snprintf(err, errlen, "kafka.embedded-brokers: %d, need at least 1", n);
		return -EINVAL;
	}
	kc = rd_kafka_conf_new();
	if (kc == NULL) {
		snprintf(err, errlen, "kafka embedded cluster: out of memory");
		return -ENOMEM;
	}
	rd_kafka_conf_set_log_cb(kc, log_cb);
	if (rd_kafka_conf_set(kc, "client.id", "wiretrail-embedded", es, sizeof(es)) !=
	    RD_KAFKA_CONF_OK) {
		rd_kafka_conf_destroy(kc);
		snprintf(err, errlen, "kafka embedded cluster: %s", es);
		return -EINVAL;
	}
	ctx->mock_rk = rd_kafka_new(RD_KAFKA_PRODUCER, kc, es, sizeof(es));
	if (ctx->mock_rk == NULL) {
		rd_kafka_conf_destroy(kc);
		snprintf(err, errlen, "kafka embedded cluster: rd_kafka_new: %s", es);
		return -EIO;
	}
	ctx->mock = rd_kafka_mock_cluster_new(ctx->mock_rk, n);
	if (ctx->mock == NULL) {
		snprintf(err, errlen, "kafka embedded cluster: cannot start %d brokers", n);
		return -EIO;
	}
	bs = rd_kafka_mock_cluster_bootstraps(ctx->mock);
	if (strlen(bs) >= sizeof(ctx->bootstrap)) {
		snprintf(err, errlen, "kafka embedded cluster: bootstrap list too long");
		return -EINVAL;
	}
	strcpy(ctx->bootstrap, bs);
	/* Topics exist before the first produce so consumers can subscribe at once. */
	for (unsigned int t = 0; t < WT_EVENT__MAX; t++) {
		int rc = export_mock_topic(ctx, ctx->topics[t], err, errlen);

		if (rc != 0)
			return rc;
	}
	return 0;
}

int
export_mock_topic(struct wt_export_ctx *ctx, const char *topic, char *err, size_t errlen)
{
	rd_kafka_resp_err_t e = rd_kafka_mock_topic_create(
		ctx->mock, topic, EXPORT_MOCK_PARTITIONS, WT_MIN(ctx->conf.kafka_embedded_brokers, 3));

	if (e != RD_KAFKA_RESP_ERR_NO_ERROR && e != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
		snprintf(err, errlen, "kafka embedded cluster: topic '%s': %s", topic,
			 rd_kafka_err2str(e));
		return -EIO;
	}
	return 0;
}

struct rd_kafka_mock_cluster_s *
wt_export_mock_cluster(const struct wt_export_ctx *ctx)
{
	return ctx->mock;
}

void
export_mock_stop(struct wt_export_ctx *ctx)
{
	if (ctx->mock != NULL)
		rd_kafka_mock_cluster_destroy(ctx->mock);
	ctx->mock = NULL;
	if (ctx->mock_rk != NULL)
		rd_kafka_destroy(ctx->mock_rk);
	ctx->mock_rk = NULL;
}

static int
prop_set(rd_kafka_conf_t *kc, const char *key, const char *val, char *err, size_t errlen)
{
	char es[512];

	if (rd_kafka_conf_set(kc, key, val, es, sizeof(es)) == RD_KAFKA_CONF_OK)
		return 0;
	snprintf(err, errlen, "kafka.librdkafka: property '%s' = '%s': %s", key, val, es);
	return -EINVAL;
}

/*
 * Producer configuration: our defaults first, then every kafka.librdkafka pair of the config,
 * which may override any of them. Shared by the producers and by the start-up check.
 */
static rd_kafka_conf_t *
export_producer_conf(const struct wt_conf *c, const char *bootstrap, unsigned int idx, char *err,
		     size_t errlen)
{
	char cid[WT_CONF_STR + 32];
	rd_kafka_conf_t *kc;
	int rc = 0;

	kc = rd_kafka_conf_new();
	if (kc == NULL) {
		snprintf(err, errlen, "kafka producer: out of memory");
		return NULL;
	}
	snprintf(cid, sizeof(cid), "wiretrail-%s-%u", c->sensor_name, idx);
	rc = rc ? rc : prop_set(kc, "bootstrap.servers", bootstrap, err, errlen);
	rc = rc ? rc : prop_set(kc, "enable.idempotence", "true", err, errlen);
	rc = rc ? rc : prop_set(kc, "compression.codec", "zstd", err, errlen);
	rc = rc ? rc : prop_set(kc, "linger.ms", "10", err, errlen);
	rc = rc ? rc : prop_set(kc, "client.id", cid, err, errlen);
	for (int i = 0; rc == 0 && i < c->n_kafka_props; i++)
		rc = prop_set(kc, c->kafka_props[i].key, c->kafka_props[i].value, err, errlen);
	if (rc != 0) {
		rd_kafka_conf_destroy(kc);
		return NULL;
	}
	return kc;
}

int
wt_export_conf_check(const struct wt_conf *c, char *err, size_t errlen)
{
	rd_kafka_conf_t *kc;

	if (!c->out_kafka_enabled)
		return 0;
	kc = export_producer_conf(c, "127.0.0.1:9092", 0, err, errlen);
	if (kc == NULL)
		return -EINVAL;
	rd_kafka_conf_destroy(kc);
	return 0;
}

int
export_producer_create(struct wt_export_lcore *lc, char *err, size_t errlen)
{
	const struct wt_conf *c = &lc->ctx->conf;
	char es[512];
	rd_kafka_conf_t *kc;

	kc = export_producer_conf(c, lc->ctx->bootstrap, lc->idx, err, errlen);
	if (kc == NULL)
		return -EINVAL;
	rd_kafka_conf_set_opaque(kc, lc);
	rd_kafka_conf_set_dr_msg_cb(kc, dr_msg_cb);
	rd_kafka_conf_set_error_cb(kc, error_cb);
	rd_kafka_conf_set_log_cb(kc, log_cb);
	lc->rk = rd_kafka_new(RD_KAFKA_PRODUCER, kc, es, sizeof(es));
	if (lc->rk == NULL) {
		rd_kafka_conf_destroy(kc);
		snprintf(err, errlen, "kafka producer %u: %s", lc->idx, es);
		return -EIO;
	}
	for (unsigned int t = 0; t < WT_EVENT__MAX; t++) {
		lc->rkt[t] = rd_kafka_topic_new(lc->rk, lc->ctx->topics[t], NULL);
		if (lc->rkt[t] == NULL) {
			snprintf(err, errlen, "kafka topic '%s': %s", lc->ctx->topics[t],
				 rd_kafka_err2str(rd_kafka_last_error()));
			return -EINVAL;
		}
	}
	return 0;
}

void
export_producer_destroy(struct wt_export_lcore *lc)
{
	for (unsigned int t = 0; t < WT_EVENT__MAX; t++) {
		if (lc->rkt[t] != NULL)
			rd_kafka_topic_destroy(lc->rkt[t]);
		lc->rkt[t] = NULL;
	}
	if (lc->rk != NULL)
		rd_kafka_destroy(lc->rk);
	lc->rk = NULL;
}

static int
produce_errno(rd_kafka_resp_err_t e)
{
	switch (e) {
	case RD_KAFKA_RESP_ERR__QUEUE_FULL: return -ENOBUFS;
	case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE: return -EMSGSIZE;
	case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
	case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC: return -ENOENT;
	default: return -EIO;
	}
}

int
export_kafka_produce(struct wt_export_lcore *lc, unsigned int type, const char *json, size_t n,
		     const char *key, size_t keylen)
{
	rd_kafka_resp_err_t e;
	int retried = 0;

	for (;;) {
		if (rd_kafka_produce(lc->rkt[type], RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY,
				     (void *)(uintptr_t)json, n, key, keylen, NULL) == 0) {
			export_cnt_add(lc, WT_EXPORT_CNT_PRODUCED, 1);
			return 0;
		}
		e = rd_kafka_last_error();
		if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL || retried)
			break;
		/* Local queue full: serve delivery reports for up to 1 ms, then try once more. */
		retried = 1;
		export_cnt_add(lc, WT_EXPORT_CNT_PRODUCE_RETRIED, 1);
		rd_kafka_poll(lc->rk, 1);
	}
	export_cnt_add(lc, WT_EXPORT_CNT_PRODUCE_FAILED, 1);
	export_reasons_count(&lc->st.produce_err, e);
	return produce_errno(e);
}
