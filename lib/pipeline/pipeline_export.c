/* SPDX-License-Identifier: BSD-3-Clause */
/* Exporter lcore: drains its workers' event rings into the exporter (JSON, Kafka, file) and
 * returns the records to the pool. librdkafka is only ever called from here, never a worker. */
#include "pipeline_priv.h"

#define WT_PIPE_EXPORT_BURST 64

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

	for (;;) {
		unsigned int got = exporter_drain(ex);

		wt_export_poll(ex->ex);
		if (got) {
			idle = 0;
			continue;
		}
		if (__atomic_load_n(&pl->workers_done, __ATOMIC_ACQUIRE) == pl->n_wk &&
		    exporter_drain(ex) == 0)
			break;
		wt_pipe_idle(pl, &idle);
	}
	wt_export_lcore_flush(ex->ex, (int)pl->conf->kafka_flush_timeout_ms);
	__atomic_add_fetch(&pl->exporters_done, 1, __ATOMIC_RELEASE);
	return 0;
}
