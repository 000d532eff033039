/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The exporter's reference: a bare librdkafka producer sending the messages bench/export_bench
 * dumped (same keys, same JSON bytes, same count) with the same producer configuration as
 * lib/export (enable.idempotence=true, compression.codec=zstd, linger.ms=10, keyed produce with
 * RD_KAFKA_MSG_F_COPY, poll after every 64 messages), timed until every delivery report is in.
 *
 *   kafka_bare --messages FILE [--brokers embedded|HOST:PORT,...] [--topic T]
 * Prints one JSON object: messages, seconds, messages_per_s, cpu_s, delivered.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#define BURST 64

struct msg {
	uint32_t kl, vl;
	char *k, *v;
};

static uint64_t g_delivered, g_failed;

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static void
dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
	(void)rk;
	(void)opaque;
	if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR)
		g_delivered++;
	else
		g_failed++;
}

static struct msg *
load(const char *path, size_t *n_out, size_t *bytes)
{
	FILE *f = fopen(path, "rb");
	struct msg *m = NULL;
	size_t n = 0, cap = 0;

	if (f == NULL) {
		perror(path);
		return NULL;
	}
	*bytes = 0;
	for (;;) {
		struct msg x;

		if (fread(&x.kl, 4, 1, f) != 1)
			break;
		x.k = malloc(x.kl + 1);
		if (x.k == NULL || fread(x.k, 1, x.kl, f) != x.kl || fread(&x.vl, 4, 1, f) != 1)
			break;
		x.v = malloc(x.vl + 1);
		if (x.v == NULL || fread(x.v, 1, x.vl, f) != x.vl)
			break;
		if (n == cap) {
			cap = cap ? cap * 2 : 4096;
			m = realloc(m, cap * sizeof(*m));
			if (m == NULL)
				break;
		}
		m[n++] = x;
		*bytes += x.vl;
	}
	fclose(f);
	*n_out = n;
	return m;
}

static int
set(rd_kafka_conf_t *c, const char *k, const char *v)
{
	char es[512];

	if (rd_kafka_conf_set(c, k, v, es, sizeof(es)) != RD_KAFKA_CONF_OK) {
		fprintf(stderr, "kafka_bare: %s=%s: %s\n", k, v, es);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "messages", required_argument, NULL, 'm' },
		{ "brokers", required_argument, NULL, 'b' },
		{ "topic", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL, *brokers = "embedded", *topic = "wiretrail.flow";
	rd_kafka_t *mock_rk = NULL, *rk;
	rd_kafka_mock_cluster_t *mock = NULL;
	rd_kafka_topic_t *rkt;
	rd_kafka_conf_t *c;
	char es[512];
	size_t n = 0, bytes = 0;
	struct msg *msgs;
	uint64_t retried = 0, failed = 0;
	double t0, t1, c0, c1;
	int ch, left;

	while ((ch = getopt_long(argc, argv, "m:b:t:", lo, NULL)) != -1) {
		switch (ch) {
		case 'm': path = optarg; break;
		case 'b': brokers = optarg; break;
		case 't': topic = optarg; break;
		default:
			fprintf(stderr, "usage: kafka_bare --messages FILE [--brokers embedded|LIST]\n");
			return 2;
		}
	}
	if (path == NULL || (msgs = load(path, &n, &bytes)) == NULL)
		return 2;

	if (strcmp(brokers, "embedded") == 0) {
		/* the same in-process mock cluster lib/export starts: 3 brokers, 3 partitions */
		c = rd_kafka_conf_new();
		set(c, "log_level", "3"); /* it only hosts the cluster: no bootstrap warning */
		mock_rk = rd_kafka_new(RD_KAFKA_PRODUCER, c, es, sizeof(es));
		if (mock_rk == NULL || (mock = rd_kafka_mock_cluster_new(mock_rk, 3)) == NULL) {
			fprintf(stderr, "kafka_bare: mock cluster: %s\n", es);
			return 1;
		}
		rd_kafka_mock_topic_create(mock, topic, 3, 3);
		brokers = rd_kafka_mock_cluster_bootstraps(mock);
	}
	c = rd_kafka_conf_new();
	if (set(c, "bootstrap.servers", brokers) || set(c, "enable.idempotence", "true") ||
	    set(c, "compression.codec", "zstd") || set(c, "linger.ms", "10") ||
	    set(c, "client.id", "wiretrail-bare-0"))
		return 1;
	rd_kafka_conf_set_dr_msg_cb(c, dr_cb);
	rk = rd_kafka_new(RD_KAFKA_PRODUCER, c, es, sizeof(es));
	if (rk == NULL) {
		fprintf(stderr, "kafka_bare: %s\n", es);
		return 1;
	}
	rkt = rd_kafka_topic_new(rk, topic, NULL);
	rd_kafka_poll(rk, 0);
	rd_kafka_flush(rk, 2000);

	c0 = cpu_s();
	t0 = now_s();
	for (size_t i = 0; i < n; i += BURST) {
		size_t end = i + BURST < n ? i + BURST : n;

		for (size_t k = i; k < end; k++) {
			while (rd_kafka_produce(rkt, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY,
						msgs[k].v, msgs[k].vl, msgs[k].kl ? msgs[k].k : NULL,
						msgs[k].kl, NULL) != 0) {
				if (rd_kafka_last_error() != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
					failed++;
					break;
				}
				retried++;
				rd_kafka_poll(rk, 1);
			}
		}
		rd_kafka_poll(rk, 0);
	}
	rd_kafka_flush(rk, 120000);
	t1 = now_s();
	c1 = cpu_s();
	left = rd_kafka_outq_len(rk);
	printf("{\"program\":\"kafka_bare\",\"brokers\":\"%s\",\"messages\":%zu,\"seconds\":%.6f,"
	       "\"events_per_s\":%.1f,\"cpu_s\":%.6f,\"cpu_ns_per_event\":%.1f,\"delivered\":%llu,"
	       "\"dr_failed\":%llu,\"queue_full_retries\":%llu,\"failed\":%llu,"
	       "\"avg_message_bytes\":%.1f,\"left\":%d}\n",
	       mock ? "embedded" : "external", n, t1 - t0, (double)n / (t1 - t0), c1 - c0,
	       n ? (c1 - c0) * 1e9 / (double)n : 0.0, (unsigned long long)g_delivered,
	       (unsigned long long)g_failed, (unsigned long long)retried,
	       (unsigned long long)failed, n ? (double)bytes / (double)n : 0.0, left);
	rd_kafka_topic_destroy(rkt);
	rd_kafka_destroy(rk);
	if (mock != NULL)
		rd_kafka_mock_cluster_destroy(mock);
	if (mock_rk != NULL)
		rd_kafka_destroy(mock_rk);
	return g_delivered == n ? 0 : 3;
}
