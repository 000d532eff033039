/* SPDX-License-Identifier: BSD-3-Clause */
/* The daemon: reads the config, starts the EAL, ports, exporters and lcore loops, watches for
 * the end of input or a signal, drains everything and prints the summary. Logic lives in lib/. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_lcore.h>

#include "wiretrail_audit.h"
#include "wt_audit.h"
#include "wt_common.h"
#include "wt_conf.h"
#include "wt_decode.h"
#include "wt_export.h"
#include "wt_pipeline.h"
#include "wt_port.h"
#include "wt_stats.h"

#define ERRLEN 8192

static volatile sig_atomic_t g_signals;

static void
on_signal(int sig)
{
	(void)sig;
	if (++g_signals > 1) {
		static const char msg[] = "wiretrail: second signal, exiting now\n";

		if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
			/* nothing more to do */
		}
		_exit(130);
	}
}

static void
usage(FILE *out)
{
	fprintf(out,
		"usage: wiretrail -c CONFIG [options]\n"
		"       wiretrail keygen DIR            make the audit signing key pair\n"
		"       wiretrail verify --pub FILE ...  verify an audit trail (see docs/audit.md)\n"
		"  -c, --config FILE      YAML configuration (see config/wiretrail.yaml)\n"
		"  -r, --read FILE        replay a pcap/pcapng capture (builds a net_pcap vdev, drops\n"
		"                         the config's devices); ends when the file is processed\n"
		"  -S, --set KEY=VALUE    override one option, e.g. --set outputs.file.path=eve.json\n"
		"  -k, --keep-alive       after the input ends, keep the embedded Kafka cluster up\n"
		"                         until Ctrl-C so consumers can read at leisure\n"
		"      --run-for SECONDS  stop taking input after SECONDS (bench, infinite replays)\n"
		"      --stats-json FILE  also write the final counters as one JSON object to FILE\n"
		"      --check-config     validate the configuration and exit\n"
		"      --dump-config      print every option's value and exit\n"
		"  -v, --verbose          more logging (repeat for debug)\n"
		"  -h, --help             this text\n");
}

/* -r FILE: replace the config's devices by one pcap vdev reading FILE. */
static int
apply_read_file(struct wt_conf *c, const char *file, char *err, size_t errlen)
{
	char *keep[WT_CONF_MAX_EAL_ARGS];
	char vdev[WT_CONF_PATH + 64];
	int n = 0, no_pci = 0;

	if (access(file, R_OK) != 0) {
		snprintf(err, errlen, "-r %s: %s", file, strerror(errno));
		return -errno;
	}
	if (strchr(file, ',') != NULL) {
		snprintf(err, errlen, "-r %s: a ',' in the path cannot pass through DPDK device args",
			 file);
		return -EINVAL;
	}
	for (int i = 0; i < c->n_eal_args; i++) {
		const char *a = c->eal_args[i];

		if ((strcmp(a, "--vdev") == 0 || strcmp(a, "-a") == 0 || strcmp(a, "--allow") == 0 ||
		     strcmp(a, "-b") == 0 || strcmp(a, "--block") == 0) && i + 1 < c->n_eal_args) {
			free(c->eal_args[i]);
			free(c->eal_args[i + 1]);
			i++;
			continue;
		}
		if (strncmp(a, "--vdev=", 7) == 0 || strncmp(a, "--allow=", 8) == 0) {
			free(c->eal_args[i]);
			continue;
		}
		if (strcmp(a, "--no-pci") == 0)
			no_pci = 1;
		keep[n++] = c->eal_args[i];
	}
	memcpy(c->eal_args, keep, sizeof(keep[0]) * (size_t)n);
	c->n_eal_args = n;
	snprintf(vdev, sizeof(vdev), "net_pcap0,rx_pcap=%s", file);
	if ((!no_pci && wt_conf_add_eal_arg(c, "--no-pci") != 0) ||
	    wt_conf_add_eal_arg(c, "--vdev") != 0 || wt_conf_add_eal_arg(c, vdev) != 0) {
		snprintf(err, errlen, "-r: too many EAL arguments");
		return -ENOSPC;
	}
	return 0;
}

struct opts {
	const char *config;
	const char *read;
	const char *sets[64];
	int n_sets;
	int keep_alive;
	int check;
	int dump;
	double run_for;
	const char *stats_json;
};

static int
parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "read", required_argument, NULL, 'r' },
		{ "set", required_argument, NULL, 'S' },
		{ "keep-alive", no_argument, NULL, 'k' },
		{ "check-config", no_argument, NULL, 1 },
		{ "dump-config", no_argument, NULL, 2 },
		{ "run-for", required_argument, NULL, 3 },
		{ "stats-json", required_argument, NULL, 4 },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	memset(o, 0, sizeof(*o));
	while ((ch = getopt_long(argc, argv, "c:r:S:kvh", lo, NULL)) != -1) {
		switch (ch) {
		case 'c': o->config = optarg; break;
		case 'r': o->read = optarg; break;
		case 'S':
			if (o->n_sets == (int)WT_ARRAY_SIZE(o->sets)) {
				fprintf(stderr, "wiretrail: too many --set options\n");
				return -1;
			}
			o->sets[o->n_sets++] = optarg;
			break;
		case 'k': o->keep_alive = 1; break;
		case 1: o->check = 1; break;
		case 2: o->dump = 1; break;
		case 3: {
			char *end;

			o->run_for = strtod(optarg, &end);
			if (*end != '\0' || !(o->run_for > 0)) {
				fprintf(stderr, "wiretrail: --run-for %s: expected seconds > 0\n", optarg);
				return -1;
			}
			break;
		}
		case 4: o->stats_json = optarg; break;
		case 'v': wt_log_level++; break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -1;
		}
	}
	if (optind < argc) {
		/* --check-config FILE form */
		if (o->check && o->config == NULL && optind + 1 == argc) {
			o->config = argv[optind];
			return 0;
		}
		fprintf(stderr, "wiretrail: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	if (o->config == NULL) {
		fprintf(stderr, "wiretrail: -c CONFIG is required\n");
		usage(stderr);
		return -1;
	}
	return 0;
}

static int
load_config(const struct opts *o, struct wt_conf *c, char *err)
{
	int rc = wt_conf_load(c, o->config, err, ERRLEN);

	for (int i = 0; rc == 0 && i < o->n_sets; i++) {
		char key[WT_CONF_STR];
		const char *eq = strchr(o->sets[i], '=');

		if (eq == NULL || (size_t)(eq - o->sets[i]) >= sizeof(key)) {
			snprintf(err, ERRLEN, "--set %s: expected KEY=VALUE", o->sets[i]);
			return -EINVAL;
		}
		memcpy(key, o->sets[i], (size_t)(eq - o->sets[i]));
		key[eq - o->sets[i]] = '\0';
		rc = wt_conf_set(c, key, eq + 1, err, ERRLEN);
	}
	if (rc == 0 && o->read != NULL)
		rc = apply_read_file(c, o->read, err, ERRLEN);
	if (rc == 0)
		rc = wt_conf_validate(c, err, ERRLEN);
	if (rc == 0)
		rc = wt_export_conf_check(c, err, ERRLEN);
	if (rc == 0 && c->audit.enabled) {
		snprintf(c->audit.sensor, sizeof(c->audit.sensor), "%s", c->sensor_name);
		rc = wt_audit_conf_check(&c->audit, err, ERRLEN);
	}
	return rc;
}

/* Control loop on the main lcore: end of input, signals, progress lines. */
static void
control_loop(struct wt_pipeline *pl, const struct wt_port_set *ps, const struct wt_conf *c,
	     uint64_t t0, double run_for)
{
	uint64_t deadline = run_for > 0 ? t0 + (uint64_t)(run_for * 1e9) : UINT64_MAX;
	uint64_t next_stats = t0 + (uint64_t)c->stats_interval_s * 1000000000ull;
	int stopping = 0;

	while (!wt_pipeline_drained(pl)) {
		uint64_t now = wt_monotonic_ns();

		if (!stopping && (g_signals || now >= deadline || wt_port_input_complete(ps))) {
			if (g_signals)
				WT_INFO("signal received: draining (a second one exits at once)");
			wt_pipeline_stop_input(pl);
			stopping = 1;
		}
		if (c->stats_interval_s && now >= next_stats) {
			struct wt_stats st;

			wt_stats_collect(&st, pl, ps);
			wt_stats_print_progress(stderr, &st, (double)(now - t0) / 1e9);
			next_stats = now + (uint64_t)c->stats_interval_s * 1000000000ull;
		}
		rte_delay_us_sleep(10000);
	}
}

int
main(int argc, char **argv)
{
	static char err[ERRLEN];
	static struct wt_conf conf;
	static struct wt_port_set ps;
	static struct wt_pipeline pl;
	struct wt_export_ctx *xctx = NULL;
	struct wt_stats st;
	struct opts o;
	uint64_t t0;
	int rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && strcmp(argv[1], "keygen") == 0)
		return wt_app_keygen(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "verify") == 0)
		return wt_app_verify(argc - 1, argv + 1);
	if (parse_args(argc, argv, &o) != 0)
		return 2;
	wt_conf_defaults(&conf);
	err[0] = '\0';
	rc = load_config(&o, &conf, err);
	if (rc != 0) {
		fprintf(stderr, "%s%s", err, err[0] && err[strlen(err) - 1] == '\n' ? "" : "\n");
		fprintf(stderr, "wiretrail: configuration rejected, nothing started\n");
		wt_conf_free(&conf);
		return 1;
	}
	if (o.dump) {
		wt_conf_dump(&conf, stdout);
		wt_conf_free(&conf);
		return 0;
	}
	if (o.check) {
		printf("%s: configuration OK\n", o.config);
		wt_conf_free(&conf);
		return 0;
	}

	rc = wt_port_eal_init(&conf, argv[0]);
	if (rc != 0) {
		fprintf(stderr, "wiretrail: EAL start failed (%s); check dpdk.eal-params\n",
			strerror(-rc));
		wt_conf_free(&conf);
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	xctx = wt_export_ctx_create(&conf, err, ERRLEN);
	if (xctx == NULL) {
		fprintf(stderr, "wiretrail: exporter: %s\n", err);
		goto fail_eal;
	}
	if (conf.audit.enabled && wt_export_ctx_set_audit(xctx, &conf.audit, err, ERRLEN) != 0) {
		fprintf(stderr, "wiretrail: audit: %s\n", err);
		goto fail_export;
	}
	if (conf.out_kafka_enabled)
		printf("kafka bootstrap: %s (read along: kcat -b %s -C -t %s)\n",
		       wt_export_bootstrap(xctx), wt_export_bootstrap(xctx),
		       wt_export_topic(xctx, WT_EVENT_FLOW));
	rc = wt_port_setup_all(&conf, &ps, sizeof(struct wt_pkt), err, ERRLEN);
	if (rc != 0) {
		fprintf(stderr, "wiretrail: ports: %s\n", err);
		goto fail_export;
	}
	for (int i = 0; i < ps.n_ports; i++)
		printf("input: %s, %u rx queue(s)%s%s%s\n", ps.ports[i].name, ps.ports[i].nb_rxq,
		       ps.ports[i].has_ts ? ", packet timestamps" : ", wall-clock time",
		       ps.ports[i].rss ? ", symmetric RSS" : "",
		       ps.ports[i].finite ? ", finite capture" : ", live");
	rc = wt_pipeline_create(&pl, &conf, &ps, xctx, err, ERRLEN);
	if (rc != 0) {
		fprintf(stderr, "wiretrail: pipeline: %s\n", err);
		goto fail_ports;
	}
	t0 = wt_monotonic_ns();
	rc = wt_pipeline_launch(&pl);
	if (rc != 0) {
		fprintf(stderr, "wiretrail: cannot launch lcores: %s\n", strerror(-rc));
		wt_pipeline_stop_input(&pl);
	} else {
		control_loop(&pl, &ps, &conf, t0, o.run_for);
	}
	wt_pipeline_wait(&pl);
	wt_stats_collect(&st, &pl, &ps);
	wt_stats_print_summary(stdout, &st, (double)(wt_monotonic_ns() - t0) / 1e9);
	if (o.stats_json != NULL) {
		FILE *f = fopen(o.stats_json, "w");

		if (f == NULL) {
			fprintf(stderr, "wiretrail: --stats-json %s: %s\n", o.stats_json, strerror(errno));
			rc = -errno;
		} else {
			wt_stats_write_json(f, &st, (double)(wt_monotonic_ns() - t0) / 1e9);
			fclose(f);
		}
	}
	if (o.keep_alive && conf.out_kafka_enabled && g_signals == 0) {
		printf("keep-alive: all events delivered; Kafka at %s stays up until Ctrl-C\n",
		       wt_export_bootstrap(xctx));
		while (g_signals == 0)
			rte_delay_us_sleep(100000); /* the signal may land on any thread */
	}
	wt_pipeline_free(&pl);
	wt_port_close_all(&ps);
	wt_export_ctx_free(xctx);
	rte_eal_cleanup();
	wt_conf_free(&conf);
	return rc == 0 ? 0 : 1;

fail_ports:
	wt_port_close_all(&ps);
fail_export:
	wt_export_ctx_free(xctx);
fail_eal:
	rte_eal_cleanup();
	wt_conf_free(&conf);
	return 1;
}
