/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Exporter throughput: pushes N prebuilt flow events through wt_export_event() (lib/export: EVE
 * JSON, Community ID key, librdkafka produce) the way the exporter lcore does (bursts of 64, then
 * wt_export_poll), and times until every delivery report is in. --dump writes the exact
 * key/value bytes it produces, so bench/kafka_bare.c can send the same messages with a bare
 * producer for the ratio.
 *
 *   export_bench --events N [--brokers embedded|HOST:PORT,...] [--dump FILE] [--seed S]
 *   export_bench --events N --format-only      (Community ID + EVE JSON only, no Kafka)
 *   export_bench --events N --audit DIR        (also hash chain, signed checkpoints and the
 *                                               crash-safe spool in DIR: the audited exporter)
 * Prints one JSON object: events, seconds, events_per_s, cpu_s, delivered, failures.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "wt_conf.h"
#include "wt_event.h"
#include "wt_audit.h"
#include "wt_export.h"
#include "wt_flow.h"

#define BURST 64

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

static uint64_t
mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* A plausible ended flow: M2M client -> service, counters and durations of the bench mix. */
static void
make_event(struct wt_event *ev, uint64_t seed, uint64_t i)
{
	static const uint16_t ports[] = { 8080, 50051, 443, 1883 };
	uint64_t h = mix64(seed ^ mix64(i));
	uint32_t cip = htonl(0x0a100000u | (uint32_t)(h & 0xffff));
	uint32_t sip = htonl(0x0ac80000u | (uint32_t)((h >> 16) & 0x3ff));
	uint64_t start = 1733240000ull * 1000000000ull + (h >> 20) % (3600ull * 1000000000ull);
	uint64_t age = 1000000ull * (1 + (h >> 8) % 300000);

	memset(ev, 0, sizeof(*ev));
	ev->type = WT_EVENT_FLOW;
	ev->ipver = 4;
	ev->proto = IPPROTO_TCP;
	ev->flow_id = (h >> 1) & 0x0fffffffffffffull;
	memcpy(ev->src_ip, &cip, 4);
	memcpy(ev->dst_ip, &sip, 4);
	ev->sport = (uint16_t)(32768 + (h >> 24) % 28000);
	ev->dport = ports[(h >> 40) % 4];
	ev->ts_ns = start + age;
	ev->u.flow.start_ns = start;
	ev->u.flow.end_ns = start + age;
	ev->u.flow.pkts_toserver = 3 + (h >> 12) % 400;
	ev->u.flow.pkts_toclient = 2 + (h >> 22) % 400;
	ev->u.flow.bytes_toserver = ev->u.flow.pkts_toserver * (66 + (h >> 32) % 600);
	ev->u.flow.bytes_toclient = ev->u.flow.pkts_toclient * (66 + (h >> 42) % 900);
	ev->u.flow.state = (uint8_t)((h >> 50) & 1 ? 5 : 4);
	ev->u.flow.reason = (uint8_t)((h >> 52) % 3);
	ev->u.flow.tcp_flags_ts = 0x1b;
	ev->u.flow.tcp_flags_tc = 0x1b;
	ev->u.flow.flags = 0x3;
}

static int
dump_events(const char *path, const struct wt_event *evs, uint64_t n, const char *sensor)
{
	static char json[WT_EXPORT_JSON_MAX + 1];
	FILE *f = fopen(path, "wb");

	if (f == NULL)
		return -errno;
	for (uint64_t i = 0; i < n; i++) {
		const struct wt_event *ev = &evs[i];
		char cid[64];
		uint32_t kl = 0, vl;
		size_t len = wt_export_format_json(ev, sensor, json, sizeof(json));

		if (wt_community_id(0, ev->ipver, ev->src_ip, ev->dst_ip, ev->proto, ev->sport,
				    ev->dport, cid, sizeof(cid)) == 0)
			kl = (uint32_t)strlen(cid);
		vl = (uint32_t)len;
		if (fwrite(&kl, 4, 1, f) != 1 || fwrite(cid, 1, kl, f) != kl ||
		    fwrite(&vl, 4, 1, f) != 1 || fwrite(json, 1, vl, f) != vl) {
			fclose(f);
			return -EIO;
		}
	}
	return fclose(f) == 0 ? 0 : -errno;
}

/* The exporter's own per-event work without Kafka: Community ID (SHA-1) + EVE JSON. */
static int
format_bench(const struct wt_event *evs, uint64_t n, const char *sensor)
{
	static char json[WT_EXPORT_JSON_MAX + 1];
	uint64_t bytes = 0;
	double t0, t1, c0, c1;

	c0 = cpu_s();
	t0 = now_s();
	for (uint64_t i = 0; i < n; i++) {
		const struct wt_event *ev = &evs[i];
		char cid[64];

		wt_community_id(0, ev->ipver, ev->src_ip, ev->dst_ip, ev->proto, ev->sport,
				ev->dport, cid, sizeof(cid));
		bytes += wt_export_format_json(ev, sensor, json, sizeof(json));
		bytes += (uint8_t)cid[3];   /* keep the id computation alive */
	}
	t1 = now_s();
	c1 = cpu_s();
	printf("{\"program\":\"export_bench\",\"mode\":\"format_only\",\"events\":%llu,"
	       "\"seconds\":%.6f,\"events_per_s\":%.1f,\"cpu_s\":%.6f,\"cpu_ns_per_event\":%.1f,"
	       "\"avg_message_bytes\":%.1f}\n", (unsigned long long)n, t1 - t0,
	       (double)n / (t1 - t0), c1 - c0, n ? (c1 - c0) * 1e9 / (double)n : 0.0,
	       n ? (double)bytes / (double)n : 0.0);
	return 0;
}

static int
conf_set(struct wt_conf *c, const char *k, const char *v)
{
	char err[512];

	if (wt_conf_set(c, k, v, err, sizeof(err)) != 0) {
		fprintf(stderr, "export_bench: %s=%s: %s\n", k, v, err);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "events", required_argument, NULL, 'n' },
		{ "brokers", required_argument, NULL, 'b' },
		{ "dump", required_argument, NULL, 'd' },
		{ "seed", required_argument, NULL, 's' },
		{ "flush-ms", required_argument, NULL, 'f' },
		{ "format-only", no_argument, NULL, 'F' },
		{ "audit", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	static struct wt_conf conf;
	static char err[4096];
	const char *brokers = "embedded", *dump = NULL, *audit_dir = NULL;
	uint64_t n = 100000, seed = 1, retried = 0, failed = 0, json_bytes = 0;
	int flush_ms = 120000, format_only = 0, ch, rc;
	struct wt_export_ctx *ctx;
	struct wt_export_lcore *lc;
	struct wt_export_stats st;
	struct wt_event *evs;
	double t0, t1, c0, c1;

	while ((ch = getopt_long(argc, argv, "n:b:d:s:f:Fa:", lo, NULL)) != -1) {
		switch (ch) {
		case 'n': n = strtoull(optarg, NULL, 10); break;
		case 'b': brokers = optarg; break;
		case 'd': dump = optarg; break;
		case 's': seed = strtoull(optarg, NULL, 10); break;
		case 'f': flush_ms = atoi(optarg); break;
		case 'F': format_only = 1; break;
		case 'a': audit_dir = optarg; break;
		default:
			fprintf(stderr, "usage: export_bench --events N [--brokers embedded|LIST] "
				"[--dump FILE] [--seed S] [--flush-ms MS]\n");
			return 2;
		}
	}
	evs = calloc(n ? n : 1, sizeof(*evs));
	if (evs == NULL)
		return 1;
	for (uint64_t i = 0; i < n; i++)
		make_event(&evs[i], seed, i);

	wt_conf_defaults(&conf);
	if (conf_set(&conf, "sensor.name", "bench-sensor") || conf_set(&conf, "kafka.brokers", brokers) ||
	    conf_set(&conf, "outputs.kafka.enabled", "true") ||
	    conf_set(&conf, "outputs.file.enabled", "false"))
		return 1;
	if (dump != NULL) {
		rc = dump_events(dump, evs, n, conf.sensor_name);
		if (rc != 0) {
			fprintf(stderr, "export_bench: --dump %s: %s\n", dump, strerror(-rc));
			return 1;
		}
	}
	if (format_only)
		return format_bench(evs, n, conf.sensor_name);
	ctx = wt_export_ctx_create(&conf, err, sizeof(err));
	if (ctx == NULL) {
		fprintf(stderr, "export_bench: %s\n", err);
		return 1;
	}
	if (audit_dir != NULL) {
		/* key pair in DIR/keys, chain state and spool in DIR/state (fresh directories) */
		snprintf(conf.audit.key_path, sizeof(conf.audit.key_path), "%s/keys", audit_dir);
		if (wt_audit_keygen(conf.audit.key_path, err, sizeof(err)) != 0) {
			fprintf(stderr, "export_bench: keygen: %s\n", err);
			return 1;
		}
		snprintf(conf.audit.key_path, sizeof(conf.audit.key_path), "%s/keys/audit.key",
			 audit_dir);
		snprintf(conf.audit.dir, sizeof(conf.audit.dir), "%s/state", audit_dir);
		snprintf(conf.audit.sensor, sizeof(conf.audit.sensor), "%s", conf.sensor_name);
		conf.audit.enabled = 1;
		if (wt_export_ctx_set_audit(ctx, &conf.audit, err, sizeof(err)) != 0) {
			fprintf(stderr, "export_bench: audit: %s\n", err);
			return 1;
		}
	}
	lc = wt_export_lcore_create(ctx, 0, err, sizeof(err));
	if (lc == NULL) {
		fprintf(stderr, "export_bench: %s\n", err);
		return 1;
	}
	/* connect and fetch metadata before the clock starts, as a running exporter has */
	wt_export_poll(lc);
	wt_export_lcore_flush(lc, 2000);

	c0 = cpu_s();
	t0 = now_s();
	for (uint64_t i = 0; i < n; i += BURST) {
		uint64_t end = i + BURST < n ? i + BURST : n;

		for (uint64_t k = i; k < end; k++) {
			/* the exporter lcore drops on a full queue; the bench waits and retries so
			 * that every event is delivered and the rate is the sustainable one */
			while ((rc = wt_export_event(lc, &evs[k])) == -ENOBUFS) {
				retried++;
				wt_export_poll(lc);
			}
			if (rc != 0)
				failed++;
		}
		wt_export_poll(lc);
	}
	rc = wt_export_lcore_flush(lc, flush_ms);
	t1 = now_s();
	c1 = cpu_s();
	wt_export_stats_get(lc, &st);
	json_bytes = st.cnt[WT_EXPORT_CNT_JSON_BYTES];
	printf("{\"program\":\"export_bench\",\"brokers\":\"%s\",\"events\":%llu,\"seconds\":%.6f,"
	       "\"events_per_s\":%.1f,\"cpu_s\":%.6f,\"cpu_ns_per_event\":%.1f,"
	       "\"delivered\":%llu,\"dr_failed\":%llu,\"produce_failed\":%llu,"
	       "\"queue_full_retries\":%llu,\"failed\":%llu,\"avg_message_bytes\":%.1f,"
	       "\"flush_rc\":%d}\n",
	       strcmp(brokers, "embedded") == 0 ? "embedded" : "external",
	       (unsigned long long)n, t1 - t0, (double)n / (t1 - t0), c1 - c0,
	       n ? (c1 - c0) * 1e9 / (double)n : 0.0,
	       (unsigned long long)st.cnt[WT_EXPORT_CNT_DELIVERED],
	       (unsigned long long)st.cnt[WT_EXPORT_CNT_DR_FAILED],
	       (unsigned long long)st.cnt[WT_EXPORT_CNT_PRODUCE_FAILED],
	       (unsigned long long)retried, (unsigned long long)failed,
	       n ? (double)json_bytes / (double)st.cnt[WT_EXPORT_CNT_EVENTS] : 0.0, rc);
	wt_export_lcore_free(lc);
	wt_export_ctx_free(ctx);
	wt_conf_free(&conf);
	free(evs);
	/* with audit on, checkpoint records are delivered too */
	return st.cnt[WT_EXPORT_CNT_DELIVERED] >= n ? 0 : 3;
}
