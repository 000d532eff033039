/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Exporter contexts and the per-event path: the shared context resolves topics and the broker
 * list once; each exporter lcore formats an event once and hands the same bytes to Kafka and to
 * the file, counting every failure by reason.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export_priv.h"

#define EXPORT_TOPIC_MAX 249 /* Kafka's limit */
#define EXPORT_TOPIC_DEFAULT "wiretrail.{event_type}"
#define EXPORT_TOPIC_VAR "{event_type}"

const char *const wt_export_counter_names[WT_EXPORT_CNT__MAX] = {
#define _(sym, desc) #sym,
	foreach_wt_export_counter
#undef _
};

const char *const wt_export_counter_descs[WT_EXPORT_CNT__MAX] = {
#define _(sym, desc) desc,
	foreach_wt_export_counter
#undef _
};

static int
topic_valid(const char *t)
{
	size_t n = strlen(t);

	if (n == 0 || n > EXPORT_TOPIC_MAX)
		return 0;
	for (; *t; t++)
		if (!((*t >= 'a' && *t <= 'z') || (*t >= 'A' && *t <= 'Z') ||
		      (*t >= '0' && *t <= '9') || *t == '.' || *t == '_' || *t == '-'))
			return 0;
	return 1;
}

/* "{event_type}" in the template becomes @p name; a template without it is one topic. */
static int
topic_make(const struct wt_export_ctx *ctx, const char *name, char *out, char *err, size_t errlen)
{
	const char *tpl = ctx->conf.kafka_topic_template[0] ? ctx->conf.kafka_topic_template :
							       EXPORT_TOPIC_DEFAULT;
	const char *var = strstr(tpl, EXPORT_TOPIC_VAR);
	int n;

	if (var == NULL)
		n = snprintf(out, WT_CONF_STR, "%s", tpl);
	else
		n = snprintf(out, WT_CONF_STR, "%.*s%s%s", (int)(var - tpl), tpl, name,
			     var + strlen(EXPORT_TOPIC_VAR));
	if (n < 0 || n >= WT_CONF_STR || !topic_valid(out)) {
		snprintf(err, errlen,
			 "kafka.topic-template '%s': topic for '%s' is not a valid Kafka "
			 "topic name (1..249 of [a-zA-Z0-9._-])",
			 tpl, name);
		return -EINVAL;
	}
	return 0;
}

static int
topics_resolve(struct wt_export_ctx *ctx, char *err, size_t errlen)
{
	for (unsigned int t = 0; t < WT_EVENT__MAX; t++) {
		int rc = topic_make(ctx, wt_event_type_names[t], ctx->topics[t], err, errlen);

		if (rc != 0)
			return rc;
	}
	return 0;
}

struct wt_export_ctx *
wt_export_ctx_create(const struct wt_conf *c, char *err, size_t errlen)
{
	struct wt_export_ctx *ctx;
	int rc = 0;

	if (errlen > 0)
		err[0] = '\0';
	ctx = calloc(1, sizeof(*ctx));
	if (ctx == NULL) {
		snprintf(err, errlen, "export: out of memory");
		errno = ENOMEM;
		return NULL;
	}
	ctx->conf = *c;
	memset(ctx->conf.eal_args, 0, sizeof(ctx->conf.eal_args)); /* owned by the caller's conf */
	ctx->conf.n_eal_args = 0;

	rc = topics_resolve(ctx, err, errlen);
	if (rc == 0 && ctx->conf.out_kafka_enabled) {
		if (strcmp(ctx->conf.kafka_brokers, "embedded") == 0) {
			rc = export_mock_start(ctx, err, errlen);
		} else if (ctx->conf.kafka_brokers[0] == '\0') {
			snprintf(err, errlen, "kafka.brokers: empty");
			rc = -EINVAL;
		} else {
			memcpy(ctx->bootstrap, ctx->conf.kafka_brokers, sizeof(ctx->bootstrap));
		}
	}
	if (rc == 0 && ctx->conf.out_file_enabled) {
		/* Fail at start-up, not on the first event, when the file cannot be opened. */
		int fd = open(ctx->conf.out_file_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
			      0640);

		if (fd < 0) {
			rc = -errno;
			snprintf(err, errlen, "outputs.file.path '%s': %s", ctx->conf.out_file_path,
				 strerror(-rc));
		} else {
			close(fd);
		}
	}
	if (rc != 0) {
		wt_export_ctx_free(ctx);
		errno = -rc;
		return NULL;
	}
	return ctx;
}

const char *
wt_export_bootstrap(const struct wt_export_ctx *ctx)
{
	return ctx->bootstrap;
}

const char *
wt_export_topic(const struct wt_export_ctx *ctx, unsigned int type)
{
	return type < WT_EVENT__MAX ? ctx->topics[type] : NULL;
}

void
wt_export_ctx_free(struct wt_export_ctx *ctx)
{
	if (ctx == NULL)
		return;
	export_mock_stop(ctx);
	wt_audit_key_free(ctx->audit_key);
	free(ctx);
}

int
wt_export_ctx_set_audit(struct wt_export_ctx *ctx, const struct wt_audit_conf *ac, char *err,
			size_t errlen)
{
	struct wt_audit_conf c = *ac;
	struct wt_audit_key *key;
	int rc;

	if (errlen > 0)
		err[0] = '\0';
	if (!c.enabled) {
		ctx->audit.enabled = 0;
		return 0;
	}
	if (c.sensor[0] == '\0')
		snprintf(c.sensor, sizeof(c.sensor), "%s", ctx->conf.sensor_name);
	rc = wt_audit_conf_check(&c, err, errlen);
	if (rc == 0)
		rc = topic_make(ctx, "checkpoint", ctx->audit_topics[0], err, errlen);
	if (rc == 0)
		rc = topic_make(ctx, "gap", ctx->audit_topics[1], err, errlen);
	for (int i = 0; rc == 0 && i < 2 && ctx->mock != NULL; i++)
		rc = export_mock_topic(ctx, ctx->audit_topics[i], err, errlen);
	if (rc != 0)
		return rc;
	key = wt_audit_key_load_private(c.key_path, err, errlen);
	if (key == NULL) {
		char m[512];

		rc = -errno;
		snprintf(m, sizeof(m), "%s", err);
		snprintf(err, errlen, "audit.key: %s", m);
		return rc;
	}
	wt_audit_key_free(ctx->audit_key);
	ctx->audit_key = key;
	ctx->audit = c;
	return 0;
}

struct wt_export_lcore *
wt_export_lcore_create(struct wt_export_ctx *ctx, unsigned int idx, char *err, size_t errlen)
{
	struct wt_export_lcore *lc;
	int rc = 0;

	if (errlen > 0)
		err[0] = '\0';
	lc = calloc(1, sizeof(*lc));
	if (lc == NULL) {
		snprintf(err, errlen, "export lcore %u: out of memory", idx);
		errno = ENOMEM;
		return NULL;
	}
	lc->ctx = ctx;
	lc->idx = idx;
	lc->file.fd = -1;
	if (ctx->conf.out_kafka_enabled)
		rc = export_producer_create(lc, err, errlen);
	if (rc == 0 && ctx->conf.out_file_enabled)
		rc = export_file_open(&lc->file, ctx->conf.out_file_path, err, errlen);
	if (rc == 0 && ctx->audit.enabled)
		rc = export_audit_create(lc, err, errlen);
	if (rc != 0) {
		wt_export_lcore_free(lc);
		errno = -rc;
		return NULL;
	}
	return lc;
}

void
wt_export_lcore_free(struct wt_export_lcore *lc)
{
	if (lc == NULL)
		return;
	export_audit_free(lc);
	export_file_close(&lc->file, &lc->st);
	export_producer_destroy(lc);
	free(lc);
}

int
wt_export_event(struct wt_export_lcore *lc, const struct wt_event *ev)
{
	char cid[EXPORT_CID_LEN];
	size_t n, cidlen = 0;
	int rc = 0, rc2;

	if (WT_UNLIKELY(ev->type >= WT_EVENT__MAX)) {
		export_cnt_add(lc, WT_EXPORT_CNT_BAD_EVENT, 1);
		if (lc->audit != NULL)
			export_audit_loss(lc, "export.bad_event");
		return -EINVAL;
	}
	export_cnt_add(lc, WT_EXPORT_CNT_EVENTS, 1);
	lc->st.events[ev->type]++;
	if (wt_community_id(0, ev->ipver, ev->src_ip, ev->dst_ip, ev->proto, ev->sport, ev->dport,
			    cid, sizeof(cid)) == 0) {
		cidlen = strlen(cid);
	} else {
		cid[0] = '\0';
		export_cnt_add(lc, WT_EXPORT_CNT_NO_COMMUNITY_ID, 1);
	}
	n = export_json_format(ev, lc->ctx->conf.sensor_name, cid, lc->json, sizeof(lc->json));
	if (WT_UNLIKELY(n == 0)) {
		export_cnt_add(lc, WT_EXPORT_CNT_JSON_TOO_BIG, 1);
		if (lc->audit != NULL)
			export_audit_loss(lc, "export.json_too_big");
		return -EMSGSIZE;
	}
	export_cnt_add(lc, WT_EXPORT_CNT_JSON_BYTES, n);
	if (lc->audit != NULL)
		return export_audit_event(lc, ev->type, lc->json, n, cidlen ? cid : NULL, cidlen);
	if (lc->rk != NULL)
		rc = export_kafka_produce(lc, ev->type, lc->json, n, cidlen ? cid : NULL, cidlen);
	if (lc->file.fd >= 0) {
		rc2 = export_file_append(&lc->file, &lc->st, lc->json, n);
		rc = rc != 0 ? rc : rc2;
	}
	return rc;
}

void
wt_export_poll(struct wt_export_lcore *lc)
{
	if (lc->rk != NULL)
		rd_kafka_poll(lc->rk, 0);
	if (lc->audit != NULL)
		export_audit_poll(lc);
	if (lc->file.used > 0 && wt_monotonic_ns() - lc->file.first_ns >= WT_EXPORT_FILE_FLUSH_NS)
		(void)export_file_write(&lc->file, &lc->st); /* counted */
}

int
wt_export_lcore_flush(struct wt_export_lcore *lc, int timeout_ms)
{
	int rc = 0, rc2;

	if (lc->audit != NULL) {
		/* Until every sealed record is acknowledged (or the timeout, counted): the spool
		 * keeps the rest for the next start. */
		rc = export_audit_flush(lc, timeout_ms);
	} else if (lc->rk != NULL && rd_kafka_flush(lc->rk, timeout_ms) != RD_KAFKA_RESP_ERR_NO_ERROR) {
		export_cnt_add(lc, WT_EXPORT_CNT_FLUSH_TIMEOUTS, 1);
		export_cnt_add(lc, WT_EXPORT_CNT_FLUSH_LEFT, (uint64_t)rd_kafka_outq_len(lc->rk));
		rc = -ETIMEDOUT;
	}
	if (lc->file.fd >= 0 && lc->file.used > 0) {
		rc2 = export_file_write(&lc->file, &lc->st);
		rc = rc != 0 ? rc : rc2;
	}
	return rc;
}

void
wt_export_stats_get(const struct wt_export_lcore *lc, struct wt_export_stats *st)
{
	memcpy(st, &lc->st, sizeof(*st));
	export_audit_stats(lc, &st->audit);
}

int
wt_export_gap(struct wt_export_lcore *lc, const struct wt_audit_gap_item *items, unsigned int n)
{
	if (lc->audit == NULL)
		return 0;
	return export_audit_gap(lc, items, n);
}

static void
reasons_add(struct wt_export_reasons *sum, const struct wt_export_reasons *s)
{
	for (uint32_t i = 0; i < s->n && i < WT_EXPORT_MAX_REASONS; i++) {
		uint32_t j;

		for (j = 0; j < sum->n; j++)
			if (sum->r[j].code == s->r[i].code)
				break;
		if (j == sum->n) {
			if (sum->n == WT_EXPORT_MAX_REASONS) {
				sum->other += s->r[i].count;
				continue;
			}
			sum->r[j].code = s->r[i].code;
			sum->r[j].name = s->r[i].name;
			sum->r[j].count = 0;
			sum->n++;
		}
		sum->r[j].count += s->r[i].count;
	}
	sum->other += s->other;
}

void
wt_export_stats_add(struct wt_export_stats *sum, const struct wt_export_stats *s)
{
	for (unsigned int i = 0; i < WT_EXPORT_CNT__MAX; i++)
		sum->cnt[i] += s->cnt[i];
	for (unsigned int i = 0; i < WT_EVENT__MAX; i++)
		sum->events[i] += s->events[i];
	reasons_add(&sum->produce_err, &s->produce_err);
	reasons_add(&sum->dr_err, &s->dr_err);
	reasons_add(&sum->kafka_err, &s->kafka_err);
	wt_audit_stats_add(&sum->audit, &s->audit);
}
