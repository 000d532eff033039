/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A librdkafka mock cluster in its own process (3 brokers, topic wiretrail.flow with 3
 * partitions, as `kafka.brokers: embedded` creates), so the exporter benchmarks can pin the
 * brokers to one CPU and the producer under test to another: the producer's figure is then the
 * sensor's cost alone. Prints the bootstrap list on one line, runs until stdin closes or a
 * SIGTERM/SIGINT arrives.
 *
 *   kafka_mock [--brokers 3] [--topic wiretrail.flow] [--partitions 3]
 */
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

static volatile sig_atomic_t g_stop;

static void
on_signal(int sig)
{
	(void)sig;
	g_stop = 1;
}

int
main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "brokers", required_argument, NULL, 'b' },
		{ "topic", required_argument, NULL, 't' },
		{ "partitions", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	const char *topic = "wiretrail.flow";
	int brokers = 3, parts = 3, ch;
	rd_kafka_mock_cluster_t *mock;
	rd_kafka_conf_t *c;
	rd_kafka_t *rk;
	char es[512];

	while ((ch = getopt_long(argc, argv, "b:t:p:", lo, NULL)) != -1) {
		switch (ch) {
		case 'b': brokers = atoi(optarg); break;
		case 't': topic = optarg; break;
		case 'p': parts = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: kafka_mock [--brokers N] [--topic T] [--partitions P]\n");
			return 2;
		}
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	c = rd_kafka_conf_new();
	/* it only hosts the cluster: no "no bootstrap.servers" warning */
	rd_kafka_conf_set(c, "log_level", "3", es, sizeof(es));
	rk = rd_kafka_new(RD_KAFKA_PRODUCER, c, es, sizeof(es));
	if (rk == NULL) {
		fprintf(stderr, "kafka_mock: %s\n", es);
		return 1;
	}
	mock = rd_kafka_mock_cluster_new(rk, brokers);
	if (mock == NULL) {
		fprintf(stderr, "kafka_mock: cannot start %d brokers\n", brokers);
		return 1;
	}
	rd_kafka_mock_topic_create(mock, topic, parts, brokers < 3 ? brokers : 3);
	printf("%s\n", rd_kafka_mock_cluster_bootstraps(mock));
	fflush(stdout);
	while (!g_stop) {
		struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
		char b[64];

		if (poll(&p, 1, 200) > 0 && read(STDIN_FILENO, b, sizeof(b)) <= 0)
			break;
	}
	rd_kafka_mock_cluster_destroy(mock);
	rd_kafka_destroy(rk);
	return 0;
}
