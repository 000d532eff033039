/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The option table: every key wiretrail reads, with its type, bounds, default, place in struct
 * wt_conf and validator. The YAML walk, --set, the defaults and --dump-config are all driven
 * from here, so adding an option is one line (Redis standardConfig, nginx ngx_command_t).
 */
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "conf_priv.h"

#define FSIZE(type, field) sizeof(((type *)0)->field)
#define FCAP(type, field) (sizeof(((type *)0)->field) / sizeof(((type *)0)->field[0]))

#define C_STR(key, field, dflt, chk, hlp) \
	{ .name = key, .type = CONF_T_STR, .off = offsetof(struct wt_conf, field), \
	  .size = FSIZE(struct wt_conf, field), .def = dflt, .check = chk, .help = hlp }
#define C_UINT(key, field, lo, hi, dflt, chk, hlp) \
	{ .name = key, .type = CONF_T_UINT, .min = lo, .max = hi, \
	  .off = offsetof(struct wt_conf, field), .size = FSIZE(struct wt_conf, field), \
	  .def = dflt, .check = chk, .help = hlp }
#define C_BOOL(key, field, dflt, hlp) \
	{ .name = key, .type = CONF_T_BOOL, .min = 0, .max = 1, \
	  .off = offsetof(struct wt_conf, field), .size = FSIZE(struct wt_conf, field), \
	  .def = dflt, .help = hlp }
#define C_SIZE(key, field, lo, hi, dflt, hlp) \
	{ .name = key, .type = CONF_T_SIZE, .min = lo, .max = hi, \
	  .off = offsetof(struct wt_conf, field), .size = FSIZE(struct wt_conf, field), \
	  .def = dflt, .help = hlp }
#define C_LCORES(key, field, nfield, dflt, hlp) \
	{ .name = key, .type = CONF_T_LCORES, .min = 0, .max = 127, \
	  .off = offsetof(struct wt_conf, field), .size = FCAP(struct wt_conf, field), \
	  .n_off = offsetof(struct wt_conf, nfield), .def = dflt, .help = hlp }
#define C_LIST(key, t, field, nfield, hlp) \
	{ .name = key, .type = t, .off = offsetof(struct wt_conf, field), \
	  .size = FCAP(struct wt_conf, field), .n_off = offsetof(struct wt_conf, nfield), \
	  .help = hlp }

#define KB 1024ull
#define MB (1024ull * KB)
#define GB (1024ull * MB)

const struct conf_opt conf_opts[] = {
	{ .name = "sensor.name", .type = CONF_T_STR, .off = offsetof(struct wt_conf, sensor_name),
	  .size = FSIZE(struct wt_conf, sensor_name), .def_fn = conf_default_hostname,
	  .help = "sensor name put in every event (default: hostname)" },

	C_LIST("dpdk.eal-params", CONF_T_ARGV, eal_args, n_eal_args,
	       "EAL arguments, one argv element each"),
	C_LIST(CONF_IFACES_KEY, CONF_T_IFACES, ifaces, n_ifaces,
	       "per-port settings; 'interface: default' holds the fallback"),

	C_LCORES("threading.rx-lcores", rx_lcores, n_rx_lcores, "1",
		 "lcores polling single-queue ports"),
	C_LCORES("threading.worker-lcores", worker_lcores, n_worker_lcores, "2",
		 "lcores running decode/flow/match"),
	C_LCORES("threading.exporter-lcores", exporter_lcores, n_exporter_lcores, "3",
		 "lcores running the Kafka/file exporters"),
	C_UINT("threading.idle-sleep-us", idle_sleep_us, 0, 100000, "0", NULL,
	       "sleep after an empty poll, 0 = pure polling"),
	C_UINT("threading.burst-size", burst_size, 1, 256, "32", NULL, "packets per rx burst"),

	C_UINT("flow.max-flows", flow.max_flows, 1024, 16777216, "65536", NULL,
	       "flow entries per worker (upper bound)"),
	C_SIZE("flow.memcap", flow.memcap, 1 * MB, 64 * GB, "256mb", "flow table memory per worker"),
	C_UINT("flow.timeouts.tcp-new", flow.timeout_new, 1, 86400, "30", NULL,
	       "tcp before the handshake completes, seconds"),
	C_UINT("flow.timeouts.tcp-established", flow.timeout_established, 1, 86400, "300", NULL,
	       "established tcp idle timeout, seconds"),
	C_UINT("flow.timeouts.tcp-closed", flow.timeout_closed, 1, 86400, "10", NULL,
	       "tcp after FIN both ways or RST, seconds"),
	C_UINT("flow.timeouts.udp", flow.timeout_udp, 1, 86400, "30", NULL, "udp idle timeout"),
	C_UINT("flow.timeouts.icmp", flow.timeout_icmp, 1, 86400, "30", NULL, "icmp idle timeout"),
	C_UINT("flow.timeouts.other", flow.timeout_other, 1, 86400, "30", NULL,
	       "other protocols idle timeout"),
	C_UINT("flow.timeouts.hard", flow.timeout_hard, 1, 86400, "3600", NULL,
	       "any flow, since its first packet"),
	C_UINT("flow.sweep-budget", flow.sweep_budget, 1, 65536, "64", NULL,
	       "slots visited per expiry pass"),

	C_UINT("stream.max-streams", stream.max_streams, 1024, 16777216, "65536", NULL,
	       "tcp flows reassembled at once per worker"),
	C_SIZE("stream.memcap", stream.memcap, 1 * MB, 64 * GB, "64mb",
	       "out-of-order bytes held per worker"),
	C_SIZE("stream.flow-memcap", stream.flow_memcap, 4 * KB, 1 * GB, "1mb",
	       "out-of-order bytes held per flow direction"),
	C_UINT("stream.max-ooo-segments", stream.max_ooo_segs, 1, 4096, "64", NULL,
	       "queued out-of-order pieces per flow direction"),
	C_UINT("stream.max-held-segments", stream.max_held_segs, 16, 4194304, "2048", NULL,
	       "mbufs held out of order per worker (keep below the port mempool)"),
	C_SIZE("stream.window", stream.window, 4 * KB, 1 * GB, "1mb",
	       "segments further ahead skip the hole"),

	C_BOOL("app-layer.http.enabled", http_enabled, "true", "parse HTTP/1.x into http events"),
	C_BOOL("app-layer.http.mask-query-values", http.mask_query_values, "true",
	       "url query values exported as ***"),
	C_UINT("app-layer.http.max-header-bytes", http.max_header_bytes, 256, 1048576, "16384", NULL,
	       "request/status line + headers inspected per message"),
	C_UINT("app-layer.http.max-headers", http.max_headers, 8, 1024, "100", NULL,
	       "header lines inspected per message"),
	C_UINT("app-layer.http.max-url-bytes", http.max_url_bytes, 64, 65536, "4096", NULL,
	       "longer request targets are flagged"),
	C_UINT("app-layer.http.json-inspect-bytes", http.json_inspect_bytes, 0, 1048576, "8192", NULL,
	       "body bytes scanned for the JSON key set"),
	C_UINT("app-layer.http.max-pipeline", http.max_pipeline, 1, WT_HTTP_MAX_PIPELINE, "16", NULL,
	       "outstanding requests recorded per flow"),
	C_UINT("app-layer.http.resync-max-bytes", http.resync_max_bytes, 0, 1048576, "65536", NULL,
	       "bytes searched for a message start after a gap"),
	C_UINT("app-layer.http.tx-pool", http.tx_pool, 0, 16777216, "8192", NULL,
	       "transaction records per worker (requests in flight), 0 = one per stream"),
	C_LIST("app-layer.http.trace-headers", CONF_T_ARGV, http_trace_headers, n_http_trace_headers,
	       "trace headers, \"name\" or \"name=role\"; empty = built-in list"),
	C_LIST("app-layer.http.api-key-headers", CONF_T_ARGV, http_api_key_headers,
	       n_http_api_key_headers, "api-key header names; empty = built-in list"),
	C_STR("credentials.secret-file", credentials_secret_file, "", NULL,
	      "HMAC key for credential fingerprints (mode 0600); empty = random per run"),

	C_UINT("events.pool-size", event_pool_size, 1023, 16777215, "16383", NULL,
	       "event objects in the mempool"),
	C_UINT("events.ring-size", event_ring_size, 64, 1048576, "4096", conf_check_pow2,
	       "worker -> exporter ring slots, power of two"),

	C_STR("kafka.brokers", kafka_brokers, "embedded", NULL,
	      "\"embedded\" or host:port,host:port"),
	C_UINT("kafka.embedded-brokers", kafka_embedded_brokers, 1, 9, "3", NULL,
	       "brokers started when kafka.brokers is embedded"),
	C_STR("kafka.topic-template", kafka_topic_template, "wiretrail.{event_type}",
	      conf_check_topic, "topic name, must contain {event_type}"),
	C_LIST(CONF_KV_KEY, CONF_T_KV, kafka_props, n_kafka_props,
	       "librdkafka producer properties, passed through"),
	C_UINT("kafka.flush-timeout-ms", kafka_flush_timeout_ms, 0, 600000, "10000", NULL,
	       "how long shutdown waits for delivery"),

	C_BOOL("outputs.kafka.enabled", out_kafka_enabled, "true", "send events to Kafka"),
	C_BOOL("outputs.file.enabled", out_file_enabled, "false", "write events as JSON lines"),
	C_STR("outputs.file.path", out_file_path, "", NULL, "JSON lines file"),

	C_BOOL("audit.enabled", audit.enabled, "false",
	       "hash-chain, sign and spool every event (see docs/audit.md)"),
	C_STR("audit.dir", audit.dir, "", NULL, "chain state and spool, one subdirectory per exporter"),
	C_STR("audit.key", audit.key_path, "", NULL,
	      "Ed25519 private key from `wiretrail keygen` (mode 0600)"),
	C_UINT("audit.checkpoint-events", audit.checkpoint_events, 0, 100000000, "10000", NULL,
	       "signed checkpoint every N events, 0 = off"),
	C_UINT("audit.checkpoint-interval-ms", audit.checkpoint_ms, 0, 86400000, "10000", NULL,
	       "signed checkpoint every T ms, 0 = off"),
	C_SIZE("audit.spool.max-bytes", audit.spool_max_bytes, 1 * MB, 16384 * GB, "1gb",
	       "spool bound; when full the oldest are kept and a gap record names the rest"),
	C_SIZE("audit.spool.segment-bytes", audit.spool_segment_bytes, 4 * KB, 64 * GB, "64mb",
	       "spool segment file size"),
	C_UINT("audit.spool.sync-us", audit.spool_sync_us, 0, 10000000, "2000", NULL,
	       "fdatasync at least this often while records wait"),
	C_UINT("audit.spool.sync-records", audit.spool_sync_records, 1, 1000000, "512", NULL,
	       "or every N records"),
	C_UINT("audit.spool.ack-persist-ms", audit.ack_persist_ms, 1, 600000, "200", NULL,
	       "how often the acknowledged mark is persisted"),

	C_UINT("stats.interval", stats_interval_s, 0, 3600, "0", NULL,
	       "seconds between stats events, 0 = only the final summary"),
};
const size_t conf_n_opts = WT_ARRAY_SIZE(conf_opts);
_Static_assert(WT_ARRAY_SIZE(conf_opts) <= WT_ARRAY_SIZE(((struct conf_lines *)0)->line),
	       "conf_lines too small for the option table");

#define I_UINT(key, field, lo, hi, dflt, chk, hlp) \
	{ .name = key, .type = CONF_T_UINT, .min = lo, .max = hi, \
	  .off = offsetof(struct wt_conf_iface, field), .size = FSIZE(struct wt_conf_iface, field), \
	  .def = dflt, .check = chk, .help = hlp }

const struct conf_opt conf_iface_opts[] = {
	I_UINT("rx-queues", rx_queues, 1, 64, "1", NULL, "rx queues (>1 uses symmetric RSS)"),
	I_UINT("rx-descriptors", rx_descriptors, 64, 16384, "1024", conf_check_pow2,
	       "descriptors per rx queue, power of two"),
	I_UINT("mempool-size", mempool_size, 1023, 4194303, "16383", NULL, "mbufs in the port's pool"),
	I_UINT("mempool-cache-size", mempool_cache, 0, 512, "256", NULL, "per-lcore mbuf cache"),
	{ .name = "promisc", .type = CONF_T_BOOL, .min = 0, .max = 1,
	  .off = offsetof(struct wt_conf_iface, promisc), .size = FSIZE(struct wt_conf_iface, promisc),
	  .def = "true", .help = "promiscuous mode" },
};
const size_t conf_n_iface_opts = WT_ARRAY_SIZE(conf_iface_opts);
_Static_assert(WT_ARRAY_SIZE(conf_iface_opts) <= 32, "iface set-mask is 32 bits");

const struct conf_opt *
conf_opt_find(const struct conf_opt *tab, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(tab[i].name, name) == 0)
			return &tab[i];
	return NULL;
}

int
conf_opt_index(const struct conf_opt *o)
{
	return (int)(o - conf_opts);
}

int
conf_is_section(const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < conf_n_opts; i++)
		if (strncmp(conf_opts[i].name, name, n) == 0 && conf_opts[i].name[n] == '.')
			return 1;
	return 0;
}

/* Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
static size_t
edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t d[3][CONF_KEY_MAX + 1];  /* rows i-2, i-1, i */

	if (la > CONF_KEY_MAX || lb > CONF_KEY_MAX)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		d[1][j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t *cur = d[(i + 1) % 3], *prev = d[i % 3], *pp = d[(i + 2) % 3];

		/* rows rotate: prev holds i-1, pp holds i-2 */
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
			size_t v = WT_MIN(prev[j] + 1, cur[j - 1] + 1);

			v = WT_MIN(v, prev[j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
				v = WT_MIN(v, pp[j - 2] + 1);
			cur[j] = v;
		}
	}
	return d[(la + 1) % 3][lb];
}

static size_t
max_distance(const char *name)
{
	size_t n = strlen(name);

	return n <= 4 ? 1 : n <= 10 ? 2 : 3;
}

static void
consider(const char *name, const char *cand, const char **best, size_t *best_d)
{
	size_t d = edit_distance(name, cand);

	if (d < *best_d) {
		*best_d = d;
		*best = cand;
	}
}

const char *
conf_suggest(const char *name)
{
	/* Candidates: every option name and every section (dotted prefix of an option name). */
	static __thread char best[CONF_KEY_MAX];
	size_t best_d = max_distance(name) + 1;
	char cand[CONF_KEY_MAX];

	best[0] = '\0';
	for (size_t i = 0; i < conf_n_opts; i++) {
		const char *n = conf_opts[i].name;
		const char *p = n;

		do {
			size_t l, d;

			p = strchr(p + 1, '.');
			l = p != NULL ? (size_t)(p - n) : strlen(n);
			memcpy(cand, n, l);
			cand[l] = '\0';
			d = edit_distance(name, cand);
			if (d < best_d) {
				best_d = d;
				memcpy(best, cand, l + 1);
			}
		} while (p != NULL);
	}
	return best[0] != '\0' ? best : NULL;
}

const char *
conf_suggest_iface(const char *key)
{
	const char *best = NULL;
	size_t best_d = max_distance(key) + 1;

	consider(key, CONF_IFACE_NAME_KEY, &best, &best_d);
	for (size_t i = 0; i < conf_n_iface_opts; i++)
		consider(key, conf_iface_opts[i].name, &best, &best_d);
	return best;
}

int
conf_check_pow2(const struct conf_opt *o, const char *s, uint64_t v, char *why, size_t len)
{
	(void)o;
	(void)s;
	if (v != 0 && (v & (v - 1)) == 0)
		return 0;
	snprintf(why, len, "must be a power of two (got %llu)", (unsigned long long)v);
	return -1;
}

int
conf_check_topic(const struct conf_opt *o, const char *s, uint64_t v, char *why, size_t len)
{
	char q[80];

	(void)o;
	(void)v;
	if (strstr(s, "{event_type}") != NULL)
		return 0;
	snprintf(why, len, "must contain '{event_type}' (got '%s')", conf_quote(s, q, sizeof(q)));
	return -1;
}

void
conf_default_hostname(void *field, size_t size)
{
	char *s = field;

	if (gethostname(s, size) != 0 || s[0] == '\0')
		snprintf(s, size, "wiretrail");
	s[size - 1] = '\0';
}
