/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Runtime configuration: a YAML file (libyaml) parsed through a declarative option table
 * (name, type, bounds, default, offset, validator). A file is accepted whole or rejected whole;
 * every error names file:line and the key.
 */
#ifndef WT_CONF_H
#define WT_CONF_H

#include <stdint.h>
#include <stddef.h>

#include "wt_common.h"
#include "wt_flow.h"
#include "wt_audit.h"
#include "wt_http.h"
#include "wt_stream.h"

#define WT_CONF_MAX_EAL_ARGS   64
#define WT_CONF_MAX_LCORES     WT_MAX_WORKERS
#define WT_CONF_MAX_KAFKA_PROPS 64
#define WT_CONF_STR 256
#define WT_CONF_PATH 1024

/** One dpdk.interfaces entry; unset keys fall back to the `interface: default` entry. */
struct wt_conf_iface {
	char name[WT_CONF_STR];     /* DPDK device name, e.g. "net_pcap0" or a PCI address */
	uint16_t rx_queues;         /* 1..64; >1 needs RSS (symmetric Toeplitz key) */
	uint16_t rx_descriptors;    /* 64..16384, power of two */
	uint32_t mempool_size;      /* mbufs, 1023..4194303 */
	uint32_t mempool_cache;     /* 0..512 */
	uint8_t promisc;            /* bool */
};

struct wt_conf_kv {
	char key[WT_CONF_STR];
	char value[WT_CONF_STR];
};

struct wt_conf {
	char path[WT_CONF_PATH];    /* the file this came from */

	/* sensor */
	char sensor_name[WT_CONF_STR];        /* sensor.name, default: hostname */

	/* dpdk */
	char *eal_args[WT_CONF_MAX_EAL_ARGS]; /* dpdk.eal-params (strings owned by the conf) */
	int n_eal_args;
	struct wt_conf_iface iface_default;   /* dpdk.interfaces[interface=default] */
	struct wt_conf_iface ifaces[WT_MAX_PORTS];
	int n_ifaces;

	/* threading: lcore ids */
	uint16_t rx_lcores[WT_CONF_MAX_LCORES];       /* threading.rx-lcores (single-queue ports) */
	int n_rx_lcores;
	uint16_t worker_lcores[WT_CONF_MAX_LCORES];   /* threading.worker-lcores */
	int n_worker_lcores;
	uint16_t exporter_lcores[WT_MAX_EXPORTERS];   /* threading.exporter-lcores */
	int n_exporter_lcores;
	uint32_t idle_sleep_us;                       /* threading.idle-sleep-us, 0 = pure polling */
	uint16_t burst_size;                          /* threading.burst-size, 1..256, default 32 */

	/* flow */
	struct wt_flow_conf flow;   /* flow.max-flows, flow.memcap, flow.timeouts.*, flow.sweep-budget */

	/* stream: TCP payload reassembly for the L7 parsers (per worker) */
	struct wt_stream_conf stream; /* stream.max-streams, memcap, flow-memcap, max-ooo-segments,
				       * max-held-segments, window */

	/* app-layer */
	uint8_t http_enabled;                 /* app-layer.http.enabled, default true */
	struct wt_http_conf http;             /* app-layer.http.* scalars */
	char *http_trace_headers[WT_HTTP_MAX_TRACE_HDRS]; /* "name" or "name=role"; empty = built-in */
	int n_http_trace_headers;
	char *http_api_key_headers[WT_HTTP_MAX_APIKEY_HDRS]; /* empty = built-in list */
	int n_http_api_key_headers;
	char credentials_secret_file[WT_CONF_PATH]; /* credentials.secret-file: HMAC key, mode 0600 */

	/* events */
	uint32_t event_pool_size;   /* events.pool-size */
	uint32_t event_ring_size;   /* events.ring-size, power of two */

	/* kafka */
	char kafka_brokers[WT_CONF_PATH];     /* kafka.brokers: "embedded" or host:port,... */
	uint16_t kafka_embedded_brokers;      /* kafka.embedded-brokers, 1..9, default 3 */
	char kafka_topic_template[WT_CONF_STR]; /* kafka.topic-template, default "wiretrail.{event_type}" */
	struct wt_conf_kv kafka_props[WT_CONF_MAX_KAFKA_PROPS]; /* kafka.librdkafka map */
	int n_kafka_props;
	uint32_t kafka_flush_timeout_ms;      /* kafka.flush-timeout-ms, default 10000 */

	/* outputs */
	uint8_t out_kafka_enabled;            /* outputs.kafka.enabled, default true */
	uint8_t out_file_enabled;             /* outputs.file.enabled, default false */
	char out_file_path[WT_CONF_PATH];     /* outputs.file.path */

	/* audit: hash chain, signed checkpoints, spool (audit.sensor comes from sensor.name) */
	struct wt_audit_conf audit;

	/* stats */
	uint32_t stats_interval_s;            /* stats.interval, 0 = only the final summary */
};

/**
 * Fill @p c with every default (no file). Never fails.
 */
void wt_conf_defaults(struct wt_conf *c);

/**
 * Load and validate @p path into @p c (defaults first, then the file). On error writes one
 * line per problem "FILE:LINE: key 'a.b': reason" into @p err (NUL-terminated, truncated at
 * @p errlen) and returns a negative errno (-EINVAL bad content, -ENOENT/-EACCES unreadable);
 * @p c is then unusable and must still be released with wt_conf_free().
 * @return 0 on success.
 */
int wt_conf_load(struct wt_conf *c, const char *path, char *err, size_t errlen);

/** Release what wt_conf_load() allocated (eal args). Safe on a defaults-only conf. */
void wt_conf_free(struct wt_conf *c);

/** Look up the interface section for device @p name, or the default section. */
const struct wt_conf_iface *wt_conf_iface_get(const struct wt_conf *c, const char *name);

/** Append an EAL argument (used by `-r FILE` to add a pcap vdev). @return 0 or -ENOSPC/-ENOMEM. */
int wt_conf_add_eal_arg(struct wt_conf *c, const char *arg);

/**
 * Set one option by its dotted key ("outputs.file.path", "flow.timeouts.udp") from a string, as
 * the command line's `--set key=value` does; same types, bounds and validators as the file.
 * Errors are written as "--set: key 'a.b': reason". @return 0 or -EINVAL.
 */
int wt_conf_set(struct wt_conf *c, const char *key, const char *value, char *err, size_t errlen);

/**
 * Cross-field checks after all sources were applied (e.g. lcore lists disjoint, at least one
 * worker and one exporter, file output enabled needs a path, some output enabled).
 * wt_conf_load() calls it; call it again after wt_conf_set(). @return 0 or -EINVAL with @p err.
 */
int wt_conf_validate(const struct wt_conf *c, char *err, size_t errlen);

/** Print every option with its current value, one per line, as "key = value" (for --dump-config). */
void wt_conf_dump(const struct wt_conf *c, FILE *out);

#endif /* WT_CONF_H */
