/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Inputs of the verifier: JSON-lines files (a last line without its newline is a cut) and
 * Kafka topics read from the beginning to the end offsets seen at start, every partition.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>

#include "audit_priv.h"

int
wt_audit_verify_file(struct wt_audit_verifier *v, uint32_t source, const char *path, char *err,
		     size_t errlen)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	uint64_t no = 0;
	ssize_t n;
	int rc = 0;

	if (f == NULL) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return rc;
	}
	while (rc == 0 && (n = getline(&line, &cap, f)) > 0) {
		no++;
		if (line[n - 1] == '\n')
			rc = wt_audit_verify_line(v, source, no, line, (size_t)n - 1);
		else
			rc = audit_verify_line_torn(v, source, no, line, (size_t)n);
	}
	if (rc == 0 && ferror(f)) {
		rc = -EIO;
		snprintf(err, errlen, "%s: read error", path);
	} else if (rc != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(-rc));
	}
	free(line);
	if (f != stdin)
		fclose(f);
	return rc;
}

struct kpart {
	char topic[256];
	int32_t partition;
	int64_t lo, hi;       /* offsets to read: [lo, hi) */
	int64_t next;
};

static int
kafka_parts(rd_kafka_t *rk, const char *topics, int timeout_ms, struct kpart **out, size_t *n_out,
	    char *err, size_t errlen)
{
	char *list = strdup(topics), *save = NULL;
	struct kpart *parts = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	if (list == NULL)
		return -ENOMEM;
	for (char *t = strtok_r(list, ",", &save); t != NULL && rc == 0;
	     t = strtok_r(NULL, ",", &save)) {
		rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, t, NULL);
		const struct rd_kafka_metadata *md = NULL;
		rd_kafka_resp_err_t e;

		if (rkt == NULL || strlen(t) >= sizeof(parts[0].topic)) {
			snprintf(err, errlen, "topic '%s': invalid", t);
			rc = -EINVAL;
			if (rkt)
				rd_kafka_topic_destroy(rkt);
			break;
		}
		e = rd_kafka_metadata(rk, 0, rkt, &md, timeout_ms);
		if (e == RD_KAFKA_RESP_ERR_NO_ERROR && md->topic_cnt == 1 && md->topics[0].err)
			e = md->topics[0].err;
		if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
			snprintf(err, errlen, "topic '%s': metadata: %s", t, rd_kafka_err2str(e));
			rc = -EIO;
		}
		for (int p = 0; rc == 0 && p < md->topics[0].partition_cnt; p++) {
			int64_t lo = 0, hi = 0;

			e = rd_kafka_query_watermark_offsets(rk, t, md->topics[0].partitions[p].id,
							     &lo, &hi, timeout_ms);
			if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
				snprintf(err, errlen, "topic '%s' partition %d: offsets: %s", t,
					 md->topics[0].partitions[p].id, rd_kafka_err2str(e));
				rc = -EIO;
				break;
			}
			if (n == cap) {
				struct kpart *np = realloc(parts, (cap ? cap * 2 : 16) * sizeof(*np));

				if (np == NULL) {
					rc = -ENOMEM;
					break;
				}
				parts = np;
				cap = cap ? cap * 2 : 16;
			}
			snprintf(parts[n].topic, sizeof(parts[n].topic), "%s", t);
			parts[n].partition = md->topics[0].partitions[p].id;
			parts[n].lo = lo;
			parts[n].hi = hi;
			parts[n].next = lo;
			n++;
		}
		if (md != NULL)
			rd_kafka_metadata_destroy(md);
		rd_kafka_topic_destroy(rkt);
	}
	free(list);
	if (rc != 0) {
		free(parts);
		return rc;
	}
	*out = parts;
	*n_out = n;
	return 0;
}

int
wt_audit_verify_kafka(struct wt_audit_verifier *v, const char *brokers, const char *topics,
		      int timeout_ms, char *err, size_t errlen)
{
	rd_kafka_conf_t *kc = rd_kafka_conf_new();
	rd_kafka_topic_partition_list_t *tp = NULL;
	struct kpart *parts = NULL;
	size_t n = 0, left = 0;
	char es[512], gid[64];
	rd_kafka_t *rk;
	uint64_t idle_deadline;
	int rc;

	snprintf(gid, sizeof(gid), "wiretrail-verify-%d", (int)getpid());
	if (kc == NULL || rd_kafka_conf_set(kc, "bootstrap.servers", brokers, es, sizeof(es)) ||
	    rd_kafka_conf_set(kc, "group.id", gid, es, sizeof(es)) ||
	    rd_kafka_conf_set(kc, "enable.auto.commit", "false", es, sizeof(es)) ||
	    rd_kafka_conf_set(kc, "enable.partition.eof", "false", es, sizeof(es))) {
		snprintf(err, errlen, "kafka consumer: %s", kc ? es : "out of memory");
		if (kc)
			rd_kafka_conf_destroy(kc);
		return -EINVAL;
	}
	rk = rd_kafka_new(RD_KAFKA_CONSUMER, kc, es, sizeof(es));
	if (rk == NULL) {
		rd_kafka_conf_destroy(kc);
		snprintf(err, errlen, "kafka consumer: %s", es);
		return -EIO;
	}
	rc = kafka_parts(rk, topics, timeout_ms, &parts, &n, err, errlen);
	if (rc != 0)
		goto out;
	tp = rd_kafka_topic_partition_list_new((int)n);
	for (size_t i = 0; i < n; i++) {
		if (parts[i].hi <= parts[i].lo)
			continue;
		rd_kafka_topic_partition_list_add(tp, parts[i].topic, parts[i].partition)->offset =
			parts[i].lo;
		left++;
	}
	if (left && rd_kafka_assign(rk, tp) != RD_KAFKA_RESP_ERR_NO_ERROR) {
		snprintf(err, errlen, "kafka consumer: assign failed");
		rc = -EIO;
		goto out;
	}
	idle_deadline = wt_monotonic_ns() + (uint64_t)timeout_ms * 1000000ull;
	while (left > 0) {
		rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 100);
		const char *topic;
		size_t i;

		if (m == NULL) {
			if (wt_monotonic_ns() > idle_deadline) {
				snprintf(err, errlen, "kafka: no message for %d ms with %zu "
						      "partition(s) not read to their end", timeout_ms,
					 left);
				rc = -ETIMEDOUT;
				break;
			}
			continue;
		}
		if (m->err) {
			rd_kafka_message_destroy(m);
			continue;
		}
		topic = rd_kafka_topic_name(m->rkt);
		for (i = 0; i < n; i++)
			if (parts[i].partition == m->partition && strcmp(parts[i].topic, topic) == 0)
				break;
		if (i < n && m->offset >= parts[i].next && m->offset < parts[i].hi) {
			rc = wt_audit_verify_line(v, (uint32_t)i, (uint64_t)m->offset, m->payload,
						  m->len);
			parts[i].next = m->offset + 1;
			if (parts[i].next >= parts[i].hi)
				left--;
			idle_deadline = wt_monotonic_ns() + (uint64_t)timeout_ms * 1000000ull;
		}
		rd_kafka_message_destroy(m);
		if (rc != 0) {
			snprintf(err, errlen, "verify: %s", strerror(-rc));
			break;
		}
	}
out:
	if (tp != NULL)
		rd_kafka_topic_partition_list_destroy(tp);
	free(parts);
	rd_kafka_consumer_close(rk);
	rd_kafka_destroy(rk);
	return rc;
}
