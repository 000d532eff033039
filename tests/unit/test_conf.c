/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/conf: defaults, a file with every key, interface inheritance, the shipped configs, the
 * corpus of bad files in tests/conf_bad (each names its expected error on line 1), --set,
 * cross-field validation and --dump-config round trips. Run from the project root.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "wt_conf.h"

int wt_test_conf(void);

#define ERRLEN 8192
#define BAD_DIR "tests/conf_bad"
#define GOOD_DIR "tests/conf_good"

static char tmpdir[64];
static int tmpseq;

static int
suite_init(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/wt_test_conf.XXXXXX");
	return mkdtemp(tmpdir) != NULL ? 0 : -1;
}

static int
suite_clean(void)
{
	char p[128];

	for (int i = 0; i < tmpseq; i++) {
		snprintf(p, sizeof(p), "%s/t%d.yaml", tmpdir, i);
		unlink(p);
	}
	rmdir(tmpdir);
	return 0;
}

/* Write @text to a fresh file in the suite's temp dir; returns its path (static storage). */
static const char *
tmpfile_with(const char *text)
{
	static char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/t%d.yaml", tmpdir, tmpseq++);
	f = fopen(path, "w");
	if (f == NULL)
		return NULL;
	fputs(text, f);
	fclose(f);
	return path;
}

static void
check_defaults(const struct wt_conf *c)
{
	const struct wt_conf_iface *d = &c->iface_default;

	CU_ASSERT(c->sensor_name[0] != '\0');
	CU_ASSERT_EQUAL(c->n_eal_args, 0);
	CU_ASSERT_STRING_EQUAL(d->name, "default");
	CU_ASSERT_EQUAL(d->rx_queues, 1);
	CU_ASSERT_EQUAL(d->rx_descriptors, 1024);
	CU_ASSERT_EQUAL(d->mempool_size, 16383);
	CU_ASSERT_EQUAL(d->mempool_cache, 256);
	CU_ASSERT_EQUAL(d->promisc, 1);
	CU_ASSERT_EQUAL(c->n_ifaces, 0);
	CU_ASSERT_EQUAL(c->n_rx_lcores, 1);
	CU_ASSERT_EQUAL(c->rx_lcores[0], 1);
	CU_ASSERT_EQUAL(c->n_worker_lcores, 1);
	CU_ASSERT_EQUAL(c->worker_lcores[0], 2);
	CU_ASSERT_EQUAL(c->n_exporter_lcores, 1);
	CU_ASSERT_EQUAL(c->exporter_lcores[0], 3);
	CU_ASSERT_EQUAL(c->idle_sleep_us, 0);
	CU_ASSERT_EQUAL(c->burst_size, 32);
	CU_ASSERT_EQUAL(c->flow.max_flows, 65536);
	CU_ASSERT_EQUAL(c->flow.memcap, 256ull << 20);
	CU_ASSERT_EQUAL(c->flow.timeout_new, 30);
	CU_ASSERT_EQUAL(c->flow.timeout_established, 300);
	CU_ASSERT_EQUAL(c->flow.timeout_closed, 10);
	CU_ASSERT_EQUAL(c->flow.timeout_udp, 30);
	CU_ASSERT_EQUAL(c->flow.timeout_icmp, 30);
	CU_ASSERT_EQUAL(c->flow.timeout_other, 30);
	CU_ASSERT_EQUAL(c->flow.timeout_hard, 3600);
	CU_ASSERT_EQUAL(c->flow.sweep_budget, 64);
	CU_ASSERT_EQUAL(c->event_pool_size, 16383);
	CU_ASSERT_EQUAL(c->event_ring_size, 4096);
	CU_ASSERT_STRING_EQUAL(c->kafka_brokers, "embedded");
	CU_ASSERT_EQUAL(c->kafka_embedded_brokers, 3);
	CU_ASSERT_STRING_EQUAL(c->kafka_topic_template, "wiretrail.{event_type}");
	CU_ASSERT_EQUAL(c->n_kafka_props, 0);
	CU_ASSERT_EQUAL(c->kafka_flush_timeout_ms, 10000);
	CU_ASSERT_EQUAL(c->out_kafka_enabled, 1);
	CU_ASSERT_EQUAL(c->out_file_enabled, 0);
	CU_ASSERT_STRING_EQUAL(c->out_file_path, "");
	CU_ASSERT_EQUAL(c->stats_interval_s, 0);
}

static void
test_defaults(void)
{
	struct wt_conf c;
	char err[ERRLEN], host[256] = "";

	wt_conf_defaults(&c);
	check_defaults(&c);
	if (gethostname(host, sizeof(host)) == 0 && host[0] != '\0')
		CU_ASSERT_STRING_EQUAL(c.sensor_name, host);
	CU_ASSERT_PTR_EQUAL(wt_conf_iface_get(&c, "net_pcap0"), &c.iface_default);
	CU_ASSERT_PTR_EQUAL(wt_conf_iface_get(&c, NULL), &c.iface_default);
	CU_ASSERT_EQUAL(wt_conf_validate(&c, err, sizeof(err)), 0);
	wt_conf_free(&c);
	wt_conf_free(&c);  /* idempotent */
}

static void
test_empty_file(void)
{
	struct wt_conf c;
	char err[ERRLEN];

	CU_ASSERT_EQUAL(wt_conf_load(&c, tmpfile_with(""), err, sizeof(err)), 0);
	check_defaults(&c);
	wt_conf_free(&c);
	CU_ASSERT_EQUAL(wt_conf_load(&c, tmpfile_with("# only a comment\n---\n"), err, sizeof(err)), 0);
	check_defaults(&c);
	wt_conf_free(&c);
	/* Empty sections are allowed and change nothing. */
	CU_ASSERT_EQUAL(wt_conf_load(&c, tmpfile_with("flow:\nkafka: ~\n"), err, sizeof(err)), 0);
	check_defaults(&c);
	wt_conf_free(&c);
}

static void
test_full(void)
{
	static const char *const eal[] = { "--no-huge", "--no-pci", "--vdev",
					   "net_pcap0,rx_pcap=a.pcap", "--file-prefix", "full" };
	struct wt_conf c;
	const struct wt_conf_iface *f;
	char err[ERRLEN] = "";
	int rc;

	rc = wt_conf_load(&c, GOOD_DIR "/full.yaml", err, sizeof(err));
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	if (rc != 0)
		fprintf(stderr, "%s\n", err);
	CU_ASSERT_STRING_EQUAL(c.path, GOOD_DIR "/full.yaml");
	CU_ASSERT_STRING_EQUAL(c.sensor_name, "full-sensor");
	CU_ASSERT_EQUAL_FATAL(c.n_eal_args, (int)WT_ARRAY_SIZE(eal));
	for (size_t i = 0; i < WT_ARRAY_SIZE(eal); i++)
		CU_ASSERT_STRING_EQUAL(c.eal_args[i], eal[i]);

	f = &c.iface_default;
	CU_ASSERT_STRING_EQUAL(f->name, "default");
	CU_ASSERT_EQUAL(f->rx_queues, 3);
	CU_ASSERT_EQUAL(f->rx_descriptors, 2048);
	CU_ASSERT_EQUAL(f->mempool_size, 32767);
	CU_ASSERT_EQUAL(f->mempool_cache, 128);
	CU_ASSERT_EQUAL(f->promisc, 0);
	CU_ASSERT_EQUAL_FATAL(c.n_ifaces, 2);
	f = wt_conf_iface_get(&c, "net_pcap0");
	CU_ASSERT_PTR_EQUAL(f, &c.ifaces[0]);
	CU_ASSERT_STRING_EQUAL(f->name, "net_pcap0");
	CU_ASSERT_EQUAL(f->rx_queues, 2);
	CU_ASSERT_EQUAL(f->rx_descriptors, 2048);  /* inherited from the later default entry */
	CU_ASSERT_EQUAL(f->mempool_size, 32767);
	CU_ASSERT_EQUAL(f->mempool_cache, 128);
	CU_ASSERT_EQUAL(f->promisc, 0);
	f = wt_conf_iface_get(&c, "0000:3b:00.0");
	CU_ASSERT_PTR_EQUAL(f, &c.ifaces[1]);
	CU_ASSERT_EQUAL(f->rx_queues, 8);
	CU_ASSERT_EQUAL(f->rx_descriptors, 4096);
	CU_ASSERT_EQUAL(f->mempool_size, 65535);
	CU_ASSERT_EQUAL(f->mempool_cache, 512);
	CU_ASSERT_EQUAL(f->promisc, 0);
	CU_ASSERT_PTR_EQUAL(wt_conf_iface_get(&c, "net_pcap9"), &c.iface_default);

	CU_ASSERT_EQUAL(c.n_rx_lcores, 2);
	CU_ASSERT_EQUAL(c.rx_lcores[0], 7);
	CU_ASSERT_EQUAL(c.rx_lcores[1], 1);
	CU_ASSERT_EQUAL_FATAL(c.n_worker_lcores, 4);
	for (int i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(c.worker_lcores[i], 2 + i);
	CU_ASSERT_EQUAL(c.n_exporter_lcores, 2);
	CU_ASSERT_EQUAL(c.exporter_lcores[0], 6);
	CU_ASSERT_EQUAL(c.exporter_lcores[1], 8);
	CU_ASSERT_EQUAL(c.idle_sleep_us, 100);
	CU_ASSERT_EQUAL(c.burst_size, 64);

	CU_ASSERT_EQUAL(c.flow.max_flows, 1048576);
	CU_ASSERT_EQUAL(c.flow.memcap, 2ull << 30);
	CU_ASSERT_EQUAL(c.flow.timeout_new, 31);
	CU_ASSERT_EQUAL(c.flow.timeout_established, 301);
	CU_ASSERT_EQUAL(c.flow.timeout_closed, 11);
	CU_ASSERT_EQUAL(c.flow.timeout_udp, 32);
	CU_ASSERT_EQUAL(c.flow.timeout_icmp, 33);
	CU_ASSERT_EQUAL(c.flow.timeout_other, 34);
	CU_ASSERT_EQUAL(c.flow.timeout_hard, 7200);
	CU_ASSERT_EQUAL(c.flow.sweep_budget, 128);

	CU_ASSERT_EQUAL(c.event_pool_size, 65535);
	CU_ASSERT_EQUAL(c.event_ring_size, 8192);

	CU_ASSERT_STRING_EQUAL(c.kafka_brokers, "kafka1:9092,kafka2:9092");
	CU_ASSERT_EQUAL(c.kafka_embedded_brokers, 5);
	CU_ASSERT_STRING_EQUAL(c.kafka_topic_template, "audit-{event_type}-v1");
	CU_ASSERT_EQUAL_FATAL(c.n_kafka_props, 4);
	CU_ASSERT_STRING_EQUAL(c.kafka_props[0].key, "linger.ms");
	CU_ASSERT_STRING_EQUAL(c.kafka_props[0].value, "5");
	CU_ASSERT_STRING_EQUAL(c.kafka_props[1].key, "acks");
	CU_ASSERT_STRING_EQUAL(c.kafka_props[1].value, "all");
	CU_ASSERT_STRING_EQUAL(c.kafka_props[2].key, "enable.idempotence");
	CU_ASSERT_STRING_EQUAL(c.kafka_props[2].value, "true");  /* bools kept as text */
	CU_ASSERT_STRING_EQUAL(c.kafka_props[3].key, "batch.size");
	CU_ASSERT_STRING_EQUAL(c.kafka_props[3].value, "1000000");
	CU_ASSERT_EQUAL(c.kafka_flush_timeout_ms, 2500);

	CU_ASSERT_EQUAL(c.out_kafka_enabled, 0);
	CU_ASSERT_EQUAL(c.out_file_enabled, 1);
	CU_ASSERT_STRING_EQUAL(c.out_file_path, "/tmp/wiretrail-full.json");
	CU_ASSERT_EQUAL(c.stats_interval_s, 15);
	wt_conf_free(&c);
	CU_ASSERT_EQUAL(c.n_eal_args, 0);
}

static void
test_iface_inheritance(void)
{
	struct wt_conf a, b;
	const struct wt_conf_iface *f;
	char err[ERRLEN];

	CU_ASSERT_EQUAL_FATAL(wt_conf_load(&a, GOOD_DIR "/iface_default_first.yaml", err,
					   sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(wt_conf_load(&b, GOOD_DIR "/iface_default_last.yaml", err,
					   sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(a.n_ifaces, 2);
	CU_ASSERT_EQUAL_FATAL(b.n_ifaces, 2);
	CU_ASSERT(memcmp(&a.iface_default, &b.iface_default, sizeof(a.iface_default)) == 0);
	CU_ASSERT(memcmp(a.ifaces, b.ifaces, 2 * sizeof(a.ifaces[0])) == 0);

	CU_ASSERT_EQUAL(a.iface_default.rx_queues, 2);
	CU_ASSERT_EQUAL(a.iface_default.rx_descriptors, 512);
	CU_ASSERT_EQUAL(a.iface_default.mempool_size, 16383);  /* not in the file: built-in */
	CU_ASSERT_EQUAL(a.iface_default.promisc, 0);
	f = wt_conf_iface_get(&b, "net_pcap0");
	CU_ASSERT_STRING_EQUAL(f->name, "net_pcap0");
	CU_ASSERT_EQUAL(f->rx_queues, 2);        /* inherited */
	CU_ASSERT_EQUAL(f->rx_descriptors, 256); /* own */
	CU_ASSERT_EQUAL(f->mempool_size, 16383);
	CU_ASSERT_EQUAL(f->mempool_cache, 256);
	CU_ASSERT_EQUAL(f->promisc, 0);          /* inherited */
	f = wt_conf_iface_get(&b, "net_pcap1");
	CU_ASSERT_STRING_EQUAL(f->name, "net_pcap1");
	CU_ASSERT_EQUAL(f->rx_queues, 2);
	CU_ASSERT_EQUAL(f->rx_descriptors, 512);
	CU_ASSERT_EQUAL(f->promisc, 1);          /* own, overriding the default's false */
	wt_conf_free(&a);
	wt_conf_free(&b);

	/* No default entry: entries fall back to the built-in defaults. */
	CU_ASSERT_EQUAL_FATAL(wt_conf_load(&a, tmpfile_with("dpdk:\n  interfaces:\n"
							    "    - interface: eth0\n"
							    "      rx-queues: 4\n"), err,
					   sizeof(err)), 0);
	f = wt_conf_iface_get(&a, "eth0");
	CU_ASSERT_EQUAL(f->rx_queues, 4);
	CU_ASSERT_EQUAL(f->rx_descriptors, 1024);
	CU_ASSERT_EQUAL(f->promisc, 1);
	CU_ASSERT_EQUAL(a.iface_default.rx_queues, 1);
	wt_conf_free(&a);
}

static void
test_shipped(void)
{
	struct wt_conf c;
	char err[ERRLEN] = "";
	const struct wt_conf_iface *f;
	int rc;

	rc = wt_conf_load(&c, "config/wiretrail.yaml", err, sizeof(err));
	if (rc != 0)
		fprintf(stderr, "\nconfig/wiretrail.yaml: %s\n", err);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT(c.n_eal_args >= 2);
	CU_ASSERT_STRING_EQUAL(c.eal_args[0], "-a");
	f = wt_conf_iface_get(&c, "0000:3b:00.0");
	CU_ASSERT_PTR_NOT_EQUAL(f, &c.iface_default);
	CU_ASSERT_EQUAL(f->rx_queues, 4);
	CU_ASSERT_EQUAL(c.n_rx_lcores, 1);
	CU_ASSERT_EQUAL(c.rx_lcores[0], 1);
	CU_ASSERT_EQUAL_FATAL(c.n_worker_lcores, 4);
	CU_ASSERT_EQUAL(c.worker_lcores[0], 2);
	CU_ASSERT_EQUAL(c.worker_lcores[3], 5);
	CU_ASSERT_EQUAL(c.n_exporter_lcores, 1);
	CU_ASSERT_EQUAL(c.exporter_lcores[0], 6);
	CU_ASSERT_STRING_EQUAL(c.kafka_brokers, "kafka1:9092,kafka2:9092");
	CU_ASSERT(c.n_kafka_props >= 3);
	wt_conf_free(&c);

	if (access("config/demo.yaml", F_OK) == 0) {
		rc = wt_conf_load(&c, "config/demo.yaml", err, sizeof(err));
		if (rc != 0)
			fprintf(stderr, "\nconfig/demo.yaml: %s\n", err);
		CU_ASSERT_EQUAL(rc, 0);
		wt_conf_free(&c);
	}
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every tests/conf_bad/NN-name.yaml starts with "# expect: <part of the error>". */
static void
test_bad_corpus(void)
{
	char *names[256];
	int n = 0, failed = 0;
	struct dirent *de;
	DIR *d = opendir(BAD_DIR);

	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	while ((de = readdir(d)) != NULL && n < (int)WT_ARRAY_SIZE(names)) {
		size_t l = strlen(de->d_name);

		if (l > 5 && strcmp(de->d_name + l - 5, ".yaml") == 0)
			names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof(names[0]), cmp_names);
	CU_ASSERT(n >= 20);

	for (int i = 0; i < n; i++) {
		char path[512], line[1024], err[ERRLEN] = "", *expect;
		struct wt_conf c;
		FILE *f;
		int rc, ok;

		snprintf(path, sizeof(path), BAD_DIR "/%s", names[i]);
		f = fopen(path, "r");
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		if (fgets(line, sizeof(line), f) == NULL)
			line[0] = '\0';
		fclose(f);
		line[strcspn(line, "\n")] = '\0';
		expect = strncmp(line, "# expect: ", 10) == 0 ? line + 10 : NULL;
		CU_ASSERT_PTR_NOT_NULL(expect);
		rc = wt_conf_load(&c, path, err, sizeof(err));
		ok = expect != NULL && rc == -EINVAL && strstr(err, expect) != NULL &&
		     strncmp(err, path, strlen(path)) == 0 && err[strlen(path)] == ':';
		CU_ASSERT(ok);
		if (!ok) {
			fprintf(stderr, "\n%s: rc %d\n  want: %s\n  got:  %s\n", path, rc,
				expect != NULL ? expect : "(no '# expect:' line)", err);
			failed++;
		}
		/* Rejected whole: nothing from the file may be left behind. */
		check_defaults(&c);
		wt_conf_free(&c);
		free(names[i]);
	}
	CU_ASSERT_EQUAL(failed, 0);
}

static int
count_lines(const char *s)
{
	int n = s[0] != '\0';

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

static void
test_all_errors_reported(void)
{
	struct wt_conf c;
	char err[ERRLEN] = "";
	const char *p = tmpfile_with("flow:\n"
				     "  max-flows: 12\n"                 /* 2: range */
				     "  timeouts:\n"
				     "    udp: abc\n"                    /* 4: type */
				     "    udp: 5\n"                      /* 5: duplicate */
				     "events:\n"
				     "  ring-size: 100\n"                /* 7: power of two */
				     "kafka:\n"
				     "  topic-template: x\n"             /* 9: template */
				     "  brokerz: a\n"                    /* 10: unknown */
				     "dpdk:\n"
				     "  interfaces:\n"
				     "    - rx-queues: 2\n"              /* 13: missing interface */
				     "    - interface: a\n"
				     "      rx-queues: 0\n");            /* 15: range */

	CU_ASSERT_EQUAL(wt_conf_load(&c, p, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ":2: key 'flow.max-flows': must be between 1024"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ":4: key 'flow.timeouts.udp': expected an integer"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ":5: key 'flow.timeouts.udp': duplicate key"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ":7: key 'events.ring-size': must be a power of two"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ":9: key 'kafka.topic-template': must contain"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ":10: key 'kafka.brokerz': unknown key; did you mean "
					   "'kafka.brokers'?"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ":13: key 'dpdk.interfaces[0]': missing required key"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ":15: key 'dpdk.interfaces.a.rx-queues': must be between"));
	CU_ASSERT_EQUAL(count_lines(err), 8);
	check_defaults(&c);
	wt_conf_free(&c);

	/* A small buffer truncates cleanly; the return code is the same. */
	CU_ASSERT_EQUAL(wt_conf_load(&c, p, err, 40), -EINVAL);
	CU_ASSERT_EQUAL(strlen(err), 39);
	CU_ASSERT_EQUAL(wt_conf_load(&c, p, NULL, 0), -EINVAL);
	wt_conf_free(&c);
}

static void
test_rejected_whole(void)
{
	struct wt_conf c, good;
	char err[ERRLEN];

	/* Valid keys before and after a bad one are not applied either. */
	const char *p = tmpfile_with("dpdk:\n  eal-params: [\"--no-huge\"]\n"
				     "flow:\n  max-flows: 2048\n  memcap: 2mb\n"
				     "stats:\n  interval: 99999\n"
				     "outputs:\n  file:\n    enabled: true\n    path: /tmp/x\n");

	CU_ASSERT_EQUAL_FATAL(wt_conf_load(&good, GOOD_DIR "/full.yaml", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(wt_conf_load(&c, p, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ":7: key 'stats.interval': must be between 0 and 3600"));
	check_defaults(&c);
	wt_conf_free(&c);
	/* A failed load into another struct leaves a loaded conf untouched (reload keeps old). */
	CU_ASSERT_EQUAL(good.flow.max_flows, 1048576);
	CU_ASSERT_EQUAL(good.n_eal_args, 6);
	wt_conf_free(&good);

	/* Cross-field errors reject the file too. */
	p = tmpfile_with("flow:\n  max-flows: 2048\nthreading:\n  worker-lcores: [3]\n");
	CU_ASSERT_EQUAL(wt_conf_load(&c, p, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ":4: key 'threading.worker-lcores': lcore 3 is also in "
					   "'threading.exporter-lcores'"));
	check_defaults(&c);
	wt_conf_free(&c);
}

static void
test_unreadable(void)
{
	struct wt_conf c;
	char err[ERRLEN];

	CU_ASSERT_EQUAL(wt_conf_load(&c, "tests/conf_good/no-such-file.yaml", err, sizeof(err)),
			-ENOENT);
	CU_ASSERT_STRING_EQUAL(err, "tests/conf_good/no-such-file.yaml: cannot open: "
			       "No such file or directory");
	check_defaults(&c);
	wt_conf_free(&c);
	CU_ASSERT_EQUAL(wt_conf_load(&c, GOOD_DIR, err, sizeof(err)), -EISDIR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, GOOD_DIR ": cannot open:"));
	wt_conf_free(&c);
}

static void
test_set_good(void)
{
	struct wt_conf c;
	char err[ERRLEN];
	const struct wt_conf_iface *f;

	wt_conf_defaults(&c);
	CU_ASSERT_EQUAL(wt_conf_set(&c, "flow.timeouts.udp", "60", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.flow.timeout_udp, 60);
	CU_ASSERT_EQUAL(wt_conf_set(&c, "flow.memcap", "2g", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.flow.memcap, 2ull << 30);
	CU_ASSERT_EQUAL(wt_conf_set(&c, "sensor.name", "s1", err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(c.sensor_name, "s1");
	CU_ASSERT_EQUAL(wt_conf_set(&c, "threading.worker-lcores", "4, 5,6", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(c.n_worker_lcores, 3);
	CU_ASSERT_EQUAL(c.worker_lcores[0], 4);
	CU_ASSERT_EQUAL(c.worker_lcores[2], 6);
	CU_ASSERT_EQUAL(wt_conf_set(&c, "threading.rx-lcores", "", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.n_rx_lcores, 0);
	CU_ASSERT_EQUAL(wt_conf_set(&c, "outputs.file.enabled", "yes", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(wt_conf_set(&c, "outputs.file.path", "/tmp/e.json", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.out_file_enabled, 1);
	CU_ASSERT_STRING_EQUAL(c.out_file_path, "/tmp/e.json");
	CU_ASSERT_EQUAL(wt_conf_set(&c, "events.ring-size", "65536", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.event_ring_size, 65536);

	/* Interfaces: default section, a new entry (inherits the default), an existing one. */
	CU_ASSERT_EQUAL(wt_conf_set(&c, "dpdk.interfaces.default.rx-descriptors", "2048", err,
				    sizeof(err)), 0);
	CU_ASSERT_EQUAL(wt_conf_set(&c, "dpdk.interfaces.0000:3b:00.0.rx-queues", "4", err,
				    sizeof(err)), 0);
	f = wt_conf_iface_get(&c, "0000:3b:00.0");
	CU_ASSERT_PTR_NOT_EQUAL_FATAL(f, &c.iface_default);
	CU_ASSERT_EQUAL(f->rx_queues, 4);
	CU_ASSERT_EQUAL(f->rx_descriptors, 2048);
	CU_ASSERT_EQUAL(wt_conf_set(&c, "dpdk.interfaces.0000:3b:00.0.promisc", "off", err,
				    sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.n_ifaces, 1);
	CU_ASSERT_EQUAL(f->promisc, 0);
	CU_ASSERT_EQUAL(f->rx_queues, 4);
	CU_ASSERT_EQUAL(wt_conf_set(&c, "dpdk.interfaces", "net_pcap0,0000:3b:00.0", err,
				    sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(c.n_ifaces, 2);
	CU_ASSERT_STRING_EQUAL(c.ifaces[0].name, "net_pcap0");
	CU_ASSERT_EQUAL(c.ifaces[0].rx_descriptors, 2048);
	CU_ASSERT_EQUAL(c.ifaces[1].rx_queues, 4);  /* kept */

	/* librdkafka properties: add, replace, clear. */
	CU_ASSERT_EQUAL(wt_conf_set(&c, "kafka.librdkafka.linger.ms", "5", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(wt_conf_set(&c, "kafka.librdkafka.acks", "all", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(wt_conf_set(&c, "kafka.librdkafka.linger.ms", "7", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(c.n_kafka_props, 2);
	CU_ASSERT_STRING_EQUAL(c.kafka_props[0].key, "linger.ms");
	CU_ASSERT_STRING_EQUAL(c.kafka_props[0].value, "7");
	CU_ASSERT_EQUAL(wt_conf_set(&c, "kafka.librdkafka", "", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.n_kafka_props, 0);

	/* EAL arguments: whitespace separated, replacing; then appended. */
	CU_ASSERT_EQUAL(wt_conf_set(&c, "dpdk.eal-params", " --no-huge  -m 512 ", err,
				    sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(c.n_eal_args, 3);
	CU_ASSERT_STRING_EQUAL(c.eal_args[2], "512");
	CU_ASSERT_EQUAL(wt_conf_add_eal_arg(&c, "--vdev=net_pcap0,rx_pcap=x.pcap"), 0);
	CU_ASSERT_EQUAL(c.n_eal_args, 4);
	CU_ASSERT_STRING_EQUAL(c.eal_args[3], "--vdev=net_pcap0,rx_pcap=x.pcap");
	CU_ASSERT_EQUAL(wt_conf_set(&c, "dpdk.eal-params", "--no-pci", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.n_eal_args, 1);

	CU_ASSERT_EQUAL(wt_conf_validate(&c, err, sizeof(err)), 0);
	wt_conf_free(&c);
}

static void
expect_set_error(struct wt_conf *c, const char *key, const char *value, const char *want)
{
	char err[ERRLEN] = "";
	int rc = wt_conf_set(c, key, value, err, sizeof(err));

	CU_ASSERT_EQUAL(rc, -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
	CU_ASSERT(strncmp(err, "--set: ", 7) == 0);
	if (rc != -EINVAL || strstr(err, want) == NULL)
		fprintf(stderr, "\n--set %s=%s\n  want: %s\n  got:  %s\n", key, value, want, err);
}

static void
test_set_bad(void)
{
	struct wt_conf c, before;

	wt_conf_defaults(&c);
	CU_ASSERT_EQUAL(wt_conf_set(&c, "threading.worker-lcores", "2,4", NULL, 0), 0);
	before = c;
	expect_set_error(&c, "flow.timeouts.udp", "0",
			 "--set: key 'flow.timeouts.udp': must be between 1 and 86400");
	expect_set_error(&c, "flow.timeouts.upd", "5",
			 "--set: key 'flow.timeouts.upd': unknown key; did you mean "
			 "'flow.timeouts.udp'?");
	expect_set_error(&c, "nothing.like.this", "5", "--set: key 'nothing.like.this': unknown key");
	expect_set_error(&c, "flow", "5", "key 'flow': is a section");
	expect_set_error(&c, "flow.max-flows", "4096 ", "expected an integer, got '4096 '");
	expect_set_error(&c, "flow.max-flows", "+4096", "without a sign");
	expect_set_error(&c, "flow.max-flows", "", "expected an integer, got ''");
	expect_set_error(&c, "flow.max-flows", "18446744073709551616", "integer too large");
	expect_set_error(&c, "flow.max-flows", "18446744073709551615", "must be between 1024 and "
			 "16777216");
	expect_set_error(&c, "events.ring-size", "1000", "must be a power of two");
	expect_set_error(&c, "kafka.topic-template", "events", "must contain '{event_type}'");
	expect_set_error(&c, "outputs.kafka.enabled", "enabled", "expected a boolean");
	expect_set_error(&c, "threading.worker-lcores", "5,6,x", "expected an integer, got 'x'");
	expect_set_error(&c, "threading.worker-lcores", "5,6,128", "lcore id must be between 0 and "
			 "127");
	expect_set_error(&c, "threading.worker-lcores", "5,6,5", "lcore 5 is listed twice");
	expect_set_error(&c, "threading.exporter-lcores", "1,2,3,4,5,6,7,8,9", "at most 8 lcores");
	expect_set_error(&c, "kafka.librdkafka", "linger.ms=5", "kafka.librdkafka.NAME=VALUE");
	expect_set_error(&c, "dpdk.interfaces.eth0.rx-queue", "2", "did you mean 'rx-queues'?");
	expect_set_error(&c, "dpdk.interfaces.eth0.rx-queues", "65", "must be between 1 and 64");
	expect_set_error(&c, "dpdk.interfaces.eth0.interface", "x", "the name is part of the key");
	expect_set_error(&c, "dpdk.interfaces", "a,a", "duplicate interface 'a'");
	expect_set_error(&c, "dpdk.interfaces", "default", "bad interface name");
	expect_set_error(&c, "", "x", "--set: expected key=value");
	/* Nothing changed by any failed --set (a bad list item keeps the whole old list). */
	CU_ASSERT(memcmp(&c, &before, sizeof(c)) == 0);
	wt_conf_free(&c);
}

static void
test_validate(void)
{
	struct wt_conf c;
	char err[ERRLEN];

	wt_conf_defaults(&c);
	CU_ASSERT_EQUAL(wt_conf_validate(&c, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(wt_conf_set(&c, "threading.rx-lcores", "", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(wt_conf_validate(&c, err, sizeof(err)), 0);  /* 0 rx lcores is allowed */

	CU_ASSERT_EQUAL(wt_conf_set(&c, "threading.exporter-lcores", "2", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(wt_conf_validate(&c, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "key 'threading.exporter-lcores': lcore 2 is also in "
					   "'threading.worker-lcores'"));
	CU_ASSERT_EQUAL(wt_conf_set(&c, "threading.exporter-lcores", "", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(wt_conf_set(&c, "threading.worker-lcores", "", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(wt_conf_validate(&c, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "at least one worker lcore"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "at least one exporter lcore"));
	CU_ASSERT_EQUAL(count_lines(err), 2);

	wt_conf_defaults(&c);
	CU_ASSERT_EQUAL(wt_conf_set(&c, "outputs.kafka.enabled", "false", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(wt_conf_validate(&c, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "key 'outputs': no output enabled"));
	CU_ASSERT_EQUAL(wt_conf_set(&c, "outputs.file.enabled", "true", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(wt_conf_validate(&c, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "key 'outputs.file.path': required when "
					   "outputs.file.enabled is true"));
	CU_ASSERT_EQUAL(wt_conf_set(&c, "outputs.file.path", "eve.json", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(wt_conf_validate(&c, err, sizeof(err)), 0);
	wt_conf_free(&c);
}

static void
test_sizes(void)
{
	static const struct { const char *s; uint64_t v; } good[] = {
		{ "1mb", 1ull << 20 }, { "1MB", 1ull << 20 }, { "1m", 1ull << 20 },
		{ "1M", 1ull << 20 }, { "1048576", 1ull << 20 }, { "1024k", 1ull << 20 },
		{ "1024KB", 1ull << 20 }, { "1024Kb", 1ull << 20 }, { "3g", 3ull << 30 },
		{ "64gb", 64ull << 30 }, { "64GB", 64ull << 30 }, { "512 mb", 512ull << 20 },
		{ "65536k", 64ull << 20 }, { "68719476736", 64ull << 30 },
	};
	static const struct { const char *s; const char *why; } bad[] = {
		{ "1048575", "must be between 1mb and 64gb (got 1048575)" },
		{ "1023k", "must be between 1mb and 64gb (got 1023kb)" },
		{ "65g", "must be between 1mb and 64gb (got 65gb)" },
		{ "68719476737", "must be between 1mb and 64gb" },
		{ "1.5g", "expected a size" }, { "", "expected a size" }, { "mb", "expected a size" },
		{ "1tb", "expected a size" }, { "1b", "expected a size" }, { "-1mb", "expected a size" },
		{ "1mb ", "expected a size" }, { " 1mb", "expected a size" },
		{ "99999999999999999999", "too large" }, { "17179869184g", "size too large" },
		{ "01mb", "leading zeros" },
	};
	struct wt_conf c;

	wt_conf_defaults(&c);
	for (size_t i = 0; i < WT_ARRAY_SIZE(good); i++) {
		char err[ERRLEN] = "";

		CU_ASSERT_EQUAL(wt_conf_set(&c, "flow.memcap", good[i].s, err, sizeof(err)), 0);
		CU_ASSERT_EQUAL(c.flow.memcap, good[i].v);
		if (c.flow.memcap != good[i].v)
			fprintf(stderr, "\nmemcap '%s': %s\n", good[i].s, err);
	}
	for (size_t i = 0; i < WT_ARRAY_SIZE(bad); i++)
		expect_set_error(&c, "flow.memcap", bad[i].s, bad[i].why);
	CU_ASSERT_EQUAL(c.flow.memcap, 64ull << 30);  /* the last good value */
	wt_conf_free(&c);
}

static void
test_scalars(void)
{
	static const char *const yes[] = { "true", "yes", "on", "TRUE", "Yes", "On" };
	static const char *const no[] = { "false", "no", "off", "FALSE", "No", "OFF" };
	struct wt_conf c;
	char err[ERRLEN];

	wt_conf_defaults(&c);
	for (size_t i = 0; i < WT_ARRAY_SIZE(yes); i++) {
		CU_ASSERT_EQUAL(wt_conf_set(&c, "outputs.kafka.enabled", no[i], err, sizeof(err)), 0);
		CU_ASSERT_EQUAL(c.out_kafka_enabled, 0);
		CU_ASSERT_EQUAL(wt_conf_set(&c, "outputs.kafka.enabled", yes[i], err, sizeof(err)), 0);
		CU_ASSERT_EQUAL(c.out_kafka_enabled, 1);
	}
	expect_set_error(&c, "outputs.kafka.enabled", "1", "expected a boolean");
	expect_set_error(&c, "outputs.kafka.enabled", "y", "expected a boolean");
	/* Bounds are inclusive. */
	CU_ASSERT_EQUAL(wt_conf_set(&c, "threading.idle-sleep-us", "0", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(wt_conf_set(&c, "threading.idle-sleep-us", "100000", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.idle_sleep_us, 100000);
	expect_set_error(&c, "threading.idle-sleep-us", "100001", "must be between 0 and 100000");
	CU_ASSERT_EQUAL(wt_conf_set(&c, "flow.max-flows", "16777216", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.flow.max_flows, 16777216);
	CU_ASSERT_EQUAL(wt_conf_set(&c, "events.ring-size", "1048576", err, sizeof(err)), 0);
	expect_set_error(&c, "events.ring-size", "2097152", "must be between 64 and 1048576");
	CU_ASSERT_EQUAL(wt_conf_set(&c, "threading.burst-size", "256", err, sizeof(err)), 0);
	expect_set_error(&c, "threading.burst-size", "65537", "must be between 1 and 256");
	/* A 16-bit field never sees a truncated value. */
	CU_ASSERT_EQUAL(c.burst_size, 256);
	expect_set_error(&c, "sensor.name",
			 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
			 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
			 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
			 "xxxxxxxxxxxxxxxx", "longer than 255 characters");
	wt_conf_free(&c);
}

/* --dump-config prints "key = value" lines that --set reads back to the same configuration. */
static void
test_dump_roundtrip(void)
{
	struct wt_conf c, d;
	char err[ERRLEN], *buf1 = NULL, *buf2 = NULL, *line, *save = NULL, *copy;
	size_t len1 = 0, len2 = 0;
	FILE *f;
	int lines = 0;

	CU_ASSERT_EQUAL_FATAL(wt_conf_load(&c, GOOD_DIR "/full.yaml", err, sizeof(err)), 0);
	f = open_memstream(&buf1, &len1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	wt_conf_dump(&c, f);
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf1, "\nflow.memcap = 2gb\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf1, "\nthreading.worker-lcores = 2,3,4,5\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf1, "\nkafka.librdkafka.acks = all\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf1, "\ndpdk.interfaces.0000:3b:00.0.rx-queues = 8\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf1, "\noutputs.file.enabled = true\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf1, "\nstats.interval = 15\n"));

	wt_conf_defaults(&d);
	copy = strdup(buf1);
	for (line = strtok_r(copy, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		char *eq = strstr(line, " = ");
		int rc;

		CU_ASSERT_PTR_NOT_NULL_FATAL(eq);
		*eq = '\0';
		rc = wt_conf_set(&d, line, eq + 3, err, sizeof(err));
		CU_ASSERT_EQUAL(rc, 0);
		if (rc != 0)
			fprintf(stderr, "\n%s\n", err);
		lines++;
	}
	free(copy);
	CU_ASSERT(lines > 40);
	f = open_memstream(&buf2, &len2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	wt_conf_dump(&d, f);
	fclose(f);
	CU_ASSERT_STRING_EQUAL(buf1, buf2);
	free(buf1);
	free(buf2);
	wt_conf_free(&c);
	wt_conf_free(&d);
}

static void
test_add_eal_arg(void)
{
	struct wt_conf c;

	wt_conf_defaults(&c);
	for (int i = 0; i < WT_CONF_MAX_EAL_ARGS; i++)
		CU_ASSERT_EQUAL(wt_conf_add_eal_arg(&c, "--no-huge"), 0);
	CU_ASSERT_EQUAL(wt_conf_add_eal_arg(&c, "--one-too-many"), -ENOSPC);
	CU_ASSERT_EQUAL(c.n_eal_args, WT_CONF_MAX_EAL_ARGS);
	wt_conf_free(&c);
	CU_ASSERT_EQUAL(c.n_eal_args, 0);
}

static void
test_yaml_forms(void)
{
	struct wt_conf c;
	char err[ERRLEN] = "";
	int rc;

	/* Flow style, quoted scalars, anchors and aliases are plain YAML and fine. */
	rc = wt_conf_load(&c, tmpfile_with("flow: {max-flows: \"4096\", timeouts: {udp: 45}}\n"
					   "threading:\n  worker-lcores: &w [4, 5]\n"
					   "  rx-lcores: ~\n"
					   "kafka:\n  librdkafka:\n    linger.ms: 0\n"
					   "    client.id: 'a b'\n"
					   "sensor:\n  name: \"quoted name\"\n"),
			  err, sizeof(err));
	if (rc != 0)
		fprintf(stderr, "\n%s\n", err);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_EQUAL(c.flow.max_flows, 4096);
	CU_ASSERT_EQUAL(c.flow.timeout_udp, 45);
	CU_ASSERT_EQUAL(c.n_worker_lcores, 2);
	CU_ASSERT_EQUAL(c.n_rx_lcores, 0);
	CU_ASSERT_EQUAL(c.n_kafka_props, 2);
	CU_ASSERT_STRING_EQUAL(c.kafka_props[1].value, "a b");
	CU_ASSERT_STRING_EQUAL(c.sensor_name, "quoted name");
	wt_conf_free(&c);
}

int
wt_test_conf(void)
{
	CU_pSuite s = CU_add_suite("conf", suite_init, suite_clean);

	if (s == NULL)
		return -1;
	if (CU_add_test(s, "defaults", test_defaults) == NULL ||
	    CU_add_test(s, "empty file", test_empty_file) == NULL ||
	    CU_add_test(s, "every key", test_full) == NULL ||
	    CU_add_test(s, "interface default inheritance", test_iface_inheritance) == NULL ||
	    CU_add_test(s, "shipped configs", test_shipped) == NULL ||
	    CU_add_test(s, "bad file corpus", test_bad_corpus) == NULL ||
	    CU_add_test(s, "all errors reported", test_all_errors_reported) == NULL ||
	    CU_add_test(s, "rejected whole", test_rejected_whole) == NULL ||
	    CU_add_test(s, "unreadable file", test_unreadable) == NULL ||
	    CU_add_test(s, "set good", test_set_good) == NULL ||
	    CU_add_test(s, "set bad", test_set_bad) == NULL ||
	    CU_add_test(s, "cross-field validate", test_validate) == NULL ||
	    CU_add_test(s, "size suffixes", test_sizes) == NULL ||
	    CU_add_test(s, "booleans and bounds", test_scalars) == NULL ||
	    CU_add_test(s, "dump round trip", test_dump_roundtrip) == NULL ||
	    CU_add_test(s, "add eal arg", test_add_eal_arg) == NULL ||
	    CU_add_test(s, "yaml forms", test_yaml_forms) == NULL)
		return -1;
	return 0;
}
