/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Audit delivery on an exporter lcore: every event line is sealed into the chain and
 * appended to the spool; once durable it is produced with its seq as the message opaque;
 * delivery reports advance the acknowledged mark. When the local queue is full or brokers are
 * down the spool holds the backlog and the exporter produces it from disk as room comes back;
 * a failed delivery rewinds to the mark; a fatal (idempotence) error recreates the producer.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "export_priv.h"

#define EXPORT_AUDIT_BACKLOG_BURST 512   /* records produced from disk per pump */
#define EXPORT_AUDIT_TOPIC_CKPT 0
#define EXPORT_AUDIT_TOPIC_GAP 1

struct export_audit {
	struct wt_audit_stream *as;
	struct wt_audit_spool *sp;
	rd_kafka_topic_t *rkt[2];        /* checkpoint, gap */
	uint64_t next;                   /* next seq to produce */
	bool resend;                     /* a delivery failed: rewind once the queue drained */
	bool fatal;                      /* the producer is unusable: recreate it */
	bool destroying;                 /* ignore delivery reports of a producer going away */
	char buf[WT_EXPORT_JSON_MAX + WT_AUDIT_SEAL_MAX];
};

static rd_kafka_topic_t *
rec_topic(struct wt_export_lcore *lc, uint8_t topic)
{
	if (topic < WT_EVENT__MAX)
		return lc->rkt[topic];
	if (topic == WT_AUDIT_TOPIC_CHECKPOINT)
		return lc->audit->rkt[EXPORT_AUDIT_TOPIC_CKPT];
	if (topic == WT_AUDIT_TOPIC_GAP)
		return lc->audit->rkt[EXPORT_AUDIT_TOPIC_GAP];
	return NULL;
}

/* One produce attempt: 0 accepted, -ENOBUFS queue full (stays in the spool), -EIO other. */
static int
audit_produce(struct wt_export_lcore *lc, const struct wt_audit_rec *r)
{
	rd_kafka_topic_t *rkt = rec_topic(lc, r->topic);
	rd_kafka_resp_err_t e;

	if (WT_UNLIKELY(rkt == NULL))
		return -EINVAL;
	if (rd_kafka_produce(rkt, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY, (void *)(uintptr_t)r->data,
			     r->len, r->keylen ? r->key : NULL, r->keylen,
			     (void *)(uintptr_t)r->seq) == 0) {
		export_cnt_add(lc, WT_EXPORT_CNT_PRODUCED, 1);
		return 0;
	}
	e = rd_kafka_last_error();
	if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
		export_cnt_add(lc, WT_EXPORT_CNT_AUDIT_QUEUE_FULL, 1);
		return -ENOBUFS;
	}
	export_cnt_add(lc, WT_EXPORT_CNT_PRODUCE_FAILED, 1);
	export_reasons_count(&lc->st.produce_err, e);
	return -EIO;
}

static inline bool
can_produce(const struct export_audit *ea)
{
	return !ea->resend && !ea->fatal &&
	       ea->next - wt_audit_spool_acked(ea->sp) < WT_AUDIT_ACK_WINDOW;
}

/* Durable callback: the file gets every record once; Kafka gets it now unless a backlog
 * is waiting ahead of it (then the pump reads it back from the spool, in order). */
static void
audit_durable(void *arg, const struct wt_audit_rec *r)
{
	struct wt_export_lcore *lc = arg;
	struct export_audit *ea = lc->audit;

	if (lc->file.fd >= 0)
		(void)export_file_append(&lc->file, &lc->st, r->data, r->len); /* counted */
	if (!lc->ctx->conf.out_kafka_enabled) {
		/* No Kafka: the file output is the delivery. */
		wt_audit_spool_delivered(ea->sp, r->seq);
		ea->next = r->seq + 1;
		return;
	}
	if (r->seq == ea->next && lc->rk != NULL && can_produce(ea) && audit_produce(lc, r) == 0)
		ea->next++;
}

static void
audit_topics_destroy(struct export_audit *ea)
{
	for (int i = 0; i < 2; i++) {
		if (ea->rkt[i] != NULL)
			rd_kafka_topic_destroy(ea->rkt[i]);
		ea->rkt[i] = NULL;
	}
}

static int
audit_topics_create(struct wt_export_lcore *lc, char *err, size_t errlen)
{
	struct export_audit *ea = lc->audit;

	for (int i = 0; i < 2; i++) {
		ea->rkt[i] = rd_kafka_topic_new(lc->rk, lc->ctx->audit_topics[i], NULL);
		if (ea->rkt[i] == NULL) {
			snprintf(err, errlen, "kafka topic '%s': %s", lc->ctx->audit_topics[i],
				 rd_kafka_err2str(rd_kafka_last_error()));
			return -EINVAL;
		}
	}
	return 0;
}

/* The producer raised a fatal error (idempotence state lost): a new one resends from the
 * acknowledged mark; what the old one delivered without telling us comes twice (dedup). */
static void
audit_recreate(struct wt_export_lcore *lc)
{
	struct export_audit *ea = lc->audit;
	char err[512];

	ea->destroying = true;
	audit_topics_destroy(ea);
	if (lc->rk != NULL)
		rd_kafka_purge(lc->rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT |
					       RD_KAFKA_PURGE_F_NON_BLOCKING);
	export_producer_destroy(lc);
	ea->destroying = false;
	if (export_producer_create(lc, err, sizeof(err)) != 0 ||
	    audit_topics_create(lc, err, sizeof(err)) != 0) {
		/* Keep the spool; try again on the next pump. */
		WT_ERR("export lcore %u: cannot recreate the kafka producer: %s", lc->idx, err);
		audit_topics_destroy(ea);
		export_producer_destroy(lc);
		return;
	}
	export_cnt_add(lc, WT_EXPORT_CNT_AUDIT_PRODUCER_RESTARTS, 1);
	WT_WARN("export lcore %u: kafka producer recreated; resending from seq %" PRIu64, lc->idx,
		wt_audit_spool_acked(ea->sp) + 1);
	ea->fatal = false;
	ea->resend = false;
	ea->next = wt_audit_spool_acked(ea->sp) + 1;
}

/* Produce what the spool holds from ea->next on, in seq order, while the queue takes it. */
static void
audit_backlog(struct wt_export_lcore *lc)
{
	struct export_audit *ea = lc->audit;
	struct wt_audit_rec r;

	for (unsigned int i = 0; i < EXPORT_AUDIT_BACKLOG_BURST; i++) {
		uint64_t s = ea->next;
		int rc;

		if (s > wt_audit_spool_durable(ea->sp) || !can_produce(ea))
			return;
		if (wt_audit_spool_is_delivered(ea->sp, s)) {
			ea->next++;
			continue;
		}
		rc = wt_audit_spool_read(ea->sp, s, &r);
		if (rc == -EBADMSG || rc == -ENOTRECOVERABLE) {
			uint64_t last = rc == -EBADMSG ? s : wt_audit_spool_seg_last(ea->sp, s);

			/* Unreadable on disk: name the loss in the chain, move on. */
			WT_ERR("export lcore %u: spool records %" PRIu64 "..%" PRIu64
			       " unreadable, written as lost in a gap record", lc->idx, s, last);
			(void)wt_audit_gap_lost(ea->as, s, last);
			for (uint64_t q = s; q <= last; q++)
				wt_audit_spool_delivered(ea->sp, q);
			ea->next = last + 1;
			continue;
		}
		if (rc == -ENOENT) {
			uint64_t oldest = wt_audit_spool_oldest(ea->sp);

			if (s < oldest) {
				ea->next = oldest;
				continue;
			}
			return;
		}
		if (rc != 0 || audit_produce(lc, &r) != 0)
			return;
		ea->next++;
		export_cnt_add(lc, WT_EXPORT_CNT_AUDIT_REPRODUCED, 1);
	}
}

static void
audit_pump(struct wt_export_lcore *lc, uint64_t now)
{
	struct export_audit *ea = lc->audit;

	if (lc->rk == NULL && lc->ctx->conf.out_kafka_enabled)
		ea->fatal = true;      /* an earlier recreate failed */
	if (ea->fatal && lc->ctx->conf.out_kafka_enabled)
		audit_recreate(lc);
	if (ea->resend && lc->rk != NULL && rd_kafka_outq_len(lc->rk) == 0) {
		ea->resend = false;
		ea->next = wt_audit_spool_acked(ea->sp) + 1;
	}
	(void)wt_audit_tick(ea->as, now); /* failures are counted in the audit stats */
	if (lc->rk != NULL)
		audit_backlog(lc);
}

int
export_audit_event(struct wt_export_lcore *lc, unsigned int type, const char *json, size_t n,
		   const char *key, size_t keylen)
{
	struct export_audit *ea = lc->audit;
	size_t len = n;
	int rc;

	memcpy(ea->buf, json, n);
	rc = wt_audit_append(ea->as, wt_event_type_names[type], (uint8_t)type, key, keylen, ea->buf,
			     &len, sizeof(ea->buf));
	audit_pump(lc, wt_monotonic_ns());
	return rc;
}

void
export_audit_poll(struct wt_export_lcore *lc)
{
	audit_pump(lc, wt_monotonic_ns());
}

void
export_audit_dr(struct wt_export_lcore *lc, uint64_t seq, int err)
{
	struct export_audit *ea = lc->audit;

	if (ea->destroying)
		return;
	if (err == RD_KAFKA_RESP_ERR_NO_ERROR)
		wt_audit_spool_delivered(ea->sp, seq);
	else
		ea->resend = true;
}

void
export_audit_loss(struct wt_export_lcore *lc, const char *reason)
{
	wt_audit_loss(lc->audit->as, reason, 1);
}

void
export_audit_fatal(struct wt_export_lcore *lc)
{
	lc->audit->fatal = true;
}

int
export_audit_gap(struct wt_export_lcore *lc, const struct wt_audit_gap_item *items,
		 unsigned int n)
{
	int rc = wt_audit_gap(lc->audit->as, items, n);

	audit_pump(lc, wt_monotonic_ns());
	return rc;
}

int
export_audit_flush(struct wt_export_lcore *lc, int timeout_ms)
{
	struct export_audit *ea = lc->audit;
	uint64_t deadline = wt_monotonic_ns() + (uint64_t)timeout_ms * 1000000ull;
	uint64_t head = 0;

	/* Close the range with a checkpoint, deliver everything; records written meanwhile
	 * (a gap named by the backlog) get one more checkpoint, so the stream ends signed. */
	while (head != wt_audit_head_seq(ea->as) && wt_monotonic_ns() < deadline) {
		(void)wt_audit_checkpoint(ea->as);
		(void)wt_audit_sync(ea->as);
		head = wt_audit_head_seq(ea->as);
		while (wt_audit_spool_acked(ea->sp) < wt_audit_head_seq(ea->as)) {
			uint64_t now = wt_monotonic_ns();

			if (now >= deadline)
				break;
			audit_pump(lc, now);
			if (lc->rk != NULL)
				rd_kafka_poll(lc->rk, 5);
		}
	}
	head = wt_audit_head_seq(ea->as);
	(void)wt_audit_spool_persist(ea->sp, wt_monotonic_ns(), true);
	if (wt_audit_spool_acked(ea->sp) < head) {
		export_cnt_add(lc, WT_EXPORT_CNT_FLUSH_TIMEOUTS, 1);
		export_cnt_add(lc, WT_EXPORT_CNT_FLUSH_LEFT, head - wt_audit_spool_acked(ea->sp));
		return -ETIMEDOUT;
	}
	return 0;
}

int
export_audit_create(struct wt_export_lcore *lc, char *err, size_t errlen)
{
	struct export_audit *ea = calloc(1, sizeof(*ea));
	int rc;

	if (ea == NULL) {
		snprintf(err, errlen, "export lcore %u: out of memory", lc->idx);
		return -ENOMEM;
	}
	lc->audit = ea;
	if (lc->rk != NULL) {
		rc = audit_topics_create(lc, err, errlen);
		if (rc != 0)
			return rc;
	}
	ea->as = wt_audit_stream_open(&lc->ctx->audit, lc->ctx->audit_key, lc->idx, audit_durable,
				      lc, err, errlen);
	if (ea->as == NULL)
		return -errno;
	ea->sp = wt_audit_stream_spool(ea->as);
	ea->next = wt_audit_spool_acked(ea->sp) + 1;
	if (ea->next <= wt_audit_head_seq(ea->as))
		WT_INFO("export lcore %u: audit spool holds seq %" PRIu64 "..%" PRIu64
			" not acknowledged: resending", lc->idx, ea->next, wt_audit_head_seq(ea->as));
	return 0;
}

void
export_audit_free(struct wt_export_lcore *lc)
{
	struct export_audit *ea = lc->audit;

	if (ea == NULL)
		return;
	/* Whatever is not acknowledged stays in the spool and is re-sent at the next start. */
	ea->destroying = true;
	wt_audit_stream_close(ea->as);
	audit_topics_destroy(ea);
	free(ea);
	lc->audit = NULL;
}

void
export_audit_stats(const struct wt_export_lcore *lc, struct wt_audit_stats *st)
{
	if (lc->audit != NULL && lc->audit->as != NULL)
		wt_audit_stats_get(lc->audit->as, st);
	else
		memset(st, 0, sizeof(*st));
}
