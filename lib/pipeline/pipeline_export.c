/* SPDX-License-Identifier: BSD-3-Clause */
/* Exporter lcore: drains its workers' event rings into the exporter (JSON, Kafka, file) and
 * returns the records to the pool. librdkafka is only ever called from here, never a worker. */
#include "pipeline_priv.h"

#define WT_PIPE_EXPORT_BURST 64
/* How often losses seen elsewhere are named in this exporter's audit chain. */
#define WT_PIPE_GAP_PERIOD_NS 1000000000ull

static const char *const port_gap_reasons[3] = {
	"port.imissed", "port.ierrors", "port.rx_nombuf",
};

/*
 * Name every loss since the last call in a `gap` record of this exporter's chain (a no-op when
 * audit is off): its workers' drops, the RX lcores' and ports' on exporter 0. Silence in the
 * trail is then never ambiguous. Export failures are named by the exporter itself.
 */
static void
exporter_name_losses(struct wt_exporter_lcore *ex)
{
	struct wt_pipeline *pl = ex->pl;
	struct wt_audit_gap_item items[WT_PIPE_DROP__MAX + 3];
	uint64_t now_pipe[WT_PIPE_DROP__MAX] = { 0 };
	unsigned int n = 0;

	for (unsigned int i = 0; i < ex->n_workers; i++)
		for (int d = 0; d < WT_PIPE_DROP__MAX; d++)
			now_pipe[d] += pl->wk[ex->workers[i]].drops[d];
	if (ex->idx == 0) {
		uint64_t port[3] = { 0 };

		for (unsigned int r = 0; r < pl->n_rx; r++)
			for (int d = 0; d < WT_PIPE_DROP__MAX; d++)
				now_pipe[d] += pl->rx[r].drops[d];
		for (int i = 0; i < pl->ps->n_ports; i++) {
			struct wt_port_stats st;

			if (wt_port_stats_get(&pl->ps->ports[i], &st) != 0)
				continue;
			port[0] += st.imissed;
			port[1] += st.ierrors;
			port[2] += st.rx_nombuf;
		}
		for (int k = 0; k < 3; k++) {
			if (port[k] > ex->gap_seen_port[k])
				items[n++] = (struct wt_audit_gap_item){ port_gap_reasons[k],
									 port[k] - ex->gap_seen_port[k] };
			ex->gap_seen_port[k] = port[k];
		}
	}
	for (int d = 0; d < WT_PIPE_DROP__MAX; d++) {
		if (d == WT_PIPE_DROP_EXPORT_FAILED)
			continue;
		if (now_pipe[d] > ex->gap_seen_pipe[d])
			items[n++] = (struct wt_audit_gap_item){ ex->gap_reason[d],
								 now_pipe[d] - ex->gap_seen_pipe[d] };
		ex->gap_seen_pipe[d] = now_pipe[d];
	}
	if (n)
		wt_export_gap(ex->ex, items, n);
}

static unsigned int
exporter_drain(struct wt_exporter_lcore *ex)
{
	struct wt_pipeline *pl = ex->pl;
	struct wt_event *evs[WT_PIPE_EXPORT_BURST];
	unsigned int got = 0;

	for (unsigned int i = 0; i < ex->n_workers; i++) {
		uint16_t n = wt_evq_dequeue(&pl->evq, ex->workers[i], evs, WT_PIPE_EXPORT_BURST);

		for (uint16_t k = 0; k < n; k++) {
			if (WT_UNLIKELY(wt_export_event(ex->ex, evs[k]) != 0))
				ex->drops[WT_PIPE_DROP_EXPORT_FAILED]++;
		}
		if (n)
			rte_mempool_put_bulk(pl->ev_pool, (void **)evs, n);
		ex->events += n;
		got += n;
	}
	return got;
}

int
wt_pipeline_exporter_loop(void *arg)
{
	struct wt_exporter_lcore *ex = arg;
	struct wt_pipeline *pl = ex->pl;
	unsigned int idle = 0;

	for (int d = 0; d < WT_PIPE_DROP__MAX; d++) {
		char low[40];

		snprintf(ex->gap_reason[d], sizeof(ex->gap_reason[d]), "pipeline.%s",
			 wt_lower_name(low, sizeof(low), wt_pipe_drop_names[d]));
	}

	for (;;) {
		unsigned int got = exporter_drain(ex);

		wt_export_poll(ex->ex);
		if (WT_UNLIKELY(got == 0 || (ex->events & 1023) == 0)) {
			uint64_t now = wt_monotonic_ns();

			if (now >= ex->next_gap_ns) {
				exporter_name_losses(ex);
				ex->next_gap_ns = now + WT_PIPE_GAP_PERIOD_NS;
			}
		}
		if (got) {
			idle = 0;
			continue;
		}
		if (__atomic_load_n(&pl->workers_done, __ATOMIC_ACQUIRE) == pl->n_wk &&
		    exporter_drain(ex) == 0)
			break;
		wt_pipe_idle(pl, &idle);
	}
	exporter_name_losses(ex);
	wt_export_lcore_flush(ex->ex, (int)pl->conf->kafka_flush_timeout_ms);
	__atomic_add_fetch(&pl->exporters_done, 1, __ATOMIC_RELEASE);
	return 0;
}
