/* SPDX-License-Identifier: BSD-3-Clause */
/* Wires the lcore roles together from the config: who polls which queue, which rings connect
 * whom, and the shutdown chain. Runs on the control thread only. */
#include <errno.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>

#include "pipeline_priv.h"

#define WT_PIPE_RX_RING_SIZE 4096

const char *const wt_pipe_drop_names[WT_PIPE_DROP__MAX] = {
#define _(sym, desc) #sym,
	foreach_wt_pipe_drop
#undef _
};
const char *const wt_pipe_drop_descs[WT_PIPE_DROP__MAX] = {
#define _(sym, desc) desc,
	foreach_wt_pipe_drop
#undef _
};

static int
check_lcore(unsigned int lcore, const char *role, char *err, size_t errlen)
{
	if (lcore >= RTE_MAX_LCORE || !rte_lcore_is_enabled(lcore)) {
		snprintf(err, errlen, "threading: %s lcore %u is not enabled in the EAL (add it to "
			 "dpdk.eal-params -l/--lcores)", role, lcore);
		return -EINVAL;
	}
	if (lcore == rte_get_main_lcore()) {
		snprintf(err, errlen, "threading: %s lcore %u is the main (control) lcore", role,
			 lcore);
		return -EINVAL;
	}
	return 0;
}

static int
assign_queues(struct wt_pipeline *pl, char *err, size_t errlen)
{
	const struct wt_port_set *ps = pl->ps;

	for (int i = 0; i < ps->n_ports; i++) {
		const struct wt_port *p = &ps->ports[i];

		if (p->nb_rxq > 1 || pl->n_rx == 0) {
			if (p->nb_rxq == 1 && pl->n_wk > 1) {
				snprintf(err, errlen, "%s has one rx queue and %u workers: set "
					 "threading.rx-lcores so an RX lcore spreads its packets, or "
					 "rx-queues > 1 on a device with RSS", p->name, pl->n_wk);
				return -EINVAL;
			}
			for (uint16_t q = 0; q < p->nb_rxq; q++) {
				struct wt_worker_lcore *wk = &pl->wk[q % pl->n_wk];

				if (wk->n_q >= WT_PIPE_MAX_QUEUES)
					return -ENOSPC;
				wk->q[wk->n_q++] = (struct wt_pipe_queue){
					.port_idx = (uint16_t)i, .port_id = p->port_id, .queue = q };
			}
		} else {
			struct wt_rx_lcore *rx = &pl->rx[(unsigned int)i % pl->n_rx];

			if (rx->n_q >= WT_PIPE_MAX_QUEUES)
				return -ENOSPC;
			rx->q[rx->n_q++] = (struct wt_pipe_queue){
				.port_idx = (uint16_t)i, .port_id = p->port_id, .queue = 0 };
		}
	}
	return 0;
}

static int
create_rx_rings(struct wt_pipeline *pl, char *err, size_t errlen)
{
	for (unsigned int r = 0; r < pl->n_rx; r++) {
		struct wt_rx_lcore *rx = &pl->rx[r];

		if (rx->n_q == 0)
			continue; /* nothing to spread: leave it idle */
		for (unsigned int w = 0; w < pl->n_wk; w++) {
			struct wt_worker_lcore *wk = &pl->wk[w];
			char name[RTE_RING_NAMESIZE];

			snprintf(name, sizeof(name), "wt_rx%u_w%u", r, w);
			rx->to_worker[w] = rte_ring_create(name, WT_PIPE_RX_RING_SIZE,
				(int)rte_lcore_to_socket_id(wk->lcore), RING_F_SP_ENQ | RING_F_SC_DEQ);
			if (rx->to_worker[w] == NULL) {
				snprintf(err, errlen, "ring %s: %s", name, rte_strerror(rte_errno));
				return -ENOMEM;
			}
			wk->from_rx[wk->n_from_rx++] = rx->to_worker[w];
		}
	}
	return 0;
}

static int
create_workers(struct wt_pipeline *pl, char *err, size_t errlen)
{
	for (unsigned int w = 0; w < pl->n_wk; w++) {
		struct wt_worker_lcore *wk = &pl->wk[w];
		struct wt_flow_conf fc = pl->conf->flow;
		char name[64];

		fc.worker_id = (uint8_t)w;
		snprintf(name, sizeof(name), "wt_flow_w%u", w);
		wk->ft = wt_flow_table_create(name, &fc, (int)rte_lcore_to_socket_id(wk->lcore),
					      wt_pipeline_worker_flow_end, wk);
		if (wk->ft == NULL) {
			snprintf(err, errlen, "worker %u: flow table: %s", w, rte_strerror(rte_errno));
			return -ENOMEM;
		}
	}
	return 0;
}

int
wt_pipeline_create(struct wt_pipeline *pl, const struct wt_conf *c, const struct wt_port_set *ps,
		   struct wt_export_ctx *xctx, char *err, size_t errlen)
{
	int rc;

	memset(pl, 0, sizeof(*pl));
	pl->conf = c;
	pl->ps = ps;
	pl->xctx = xctx;
	if (c->n_rx_lcores > WT_PIPE_MAX_RX) {
		snprintf(err, errlen, "threading.rx-lcores: at most %d", WT_PIPE_MAX_RX);
		return -EINVAL;
	}
	pl->n_rx = (unsigned int)c->n_rx_lcores;
	pl->n_wk = (unsigned int)c->n_worker_lcores;
	pl->n_ex = (unsigned int)c->n_exporter_lcores;
	for (unsigned int i = 0; i < pl->n_rx; i++) {
		pl->rx[i] = (struct wt_rx_lcore){ .pl = pl, .idx = i, .lcore = c->rx_lcores[i] };
		if ((rc = check_lcore(pl->rx[i].lcore, "rx", err, errlen)) != 0)
			return rc;
	}
	for (unsigned int i = 0; i < pl->n_wk; i++) {
		pl->wk[i] = (struct wt_worker_lcore){ .pl = pl, .idx = i, .lcore = c->worker_lcores[i] };
		if ((rc = check_lcore(pl->wk[i].lcore, "worker", err, errlen)) != 0)
			return rc;
	}
	for (unsigned int i = 0; i < pl->n_ex; i++) {
		pl->ex[i] = (struct wt_exporter_lcore){ .pl = pl, .idx = i,
							.lcore = c->exporter_lcores[i] };
		if ((rc = check_lcore(pl->ex[i].lcore, "exporter", err, errlen)) != 0)
			return rc;
	}
	rc = assign_queues(pl, err, errlen);
	if (rc == 0)
		rc = create_rx_rings(pl, err, errlen);
	if (rc != 0)
		goto fail;
	pl->ev_pool = wt_event_pool_create("wt_events", c->event_pool_size, 256,
					   (int)rte_socket_id());
	if (pl->ev_pool == NULL) {
		snprintf(err, errlen, "event pool of %u: %s", c->event_pool_size,
			 rte_strerror(rte_errno));
		rc = -ENOMEM;
		goto fail;
	}
	rc = wt_evq_create(&pl->evq, pl->n_wk, pl->n_ex, c->event_ring_size, (int)rte_socket_id());
	if (rc != 0) {
		snprintf(err, errlen, "event rings: %s", rte_strerror(-rc));
		goto fail;
	}
	for (unsigned int w = 0; w < pl->n_wk; w++) {
		struct wt_exporter_lcore *ex = &pl->ex[wt_evq_exporter_of(&pl->evq, w)];

		ex->workers[ex->n_workers++] = w;
	}
	rc = create_workers(pl, err, errlen);
	if (rc == 0)
		rc = wt_pipeline_l7_create(pl, err, errlen);
	if (rc != 0)
		goto fail;
	for (unsigned int i = 0; i < pl->n_ex; i++) {
		pl->ex[i].ex = wt_export_lcore_create(xctx, i, err, errlen);
		if (pl->ex[i].ex == NULL) {
			rc = -EINVAL;
			goto fail;
		}
	}
	return 0;
fail:
	wt_pipeline_free(pl);
	return rc;
}

int
wt_pipeline_launch(struct wt_pipeline *pl)
{
	int rc;

	for (unsigned int i = 0; i < pl->n_ex; i++)
		if ((rc = rte_eal_remote_launch(wt_pipeline_exporter_loop, &pl->ex[i], pl->ex[i].lcore)))
			return rc;
	for (unsigned int i = 0; i < pl->n_wk; i++)
		if ((rc = rte_eal_remote_launch(wt_pipeline_worker_loop, &pl->wk[i], pl->wk[i].lcore)))
			return rc;
	for (unsigned int i = 0; i < pl->n_rx; i++)
		if ((rc = rte_eal_remote_launch(wt_pipeline_rx_loop, &pl->rx[i], pl->rx[i].lcore)))
			return rc;
	return 0;
}

void
wt_pipeline_stop_input(struct wt_pipeline *pl)
{
	__atomic_store_n(&pl->stop_input, 1, __ATOMIC_RELEASE);
}

int
wt_pipeline_drained(const struct wt_pipeline *pl)
{
	return __atomic_load_n(&pl->exporters_done, __ATOMIC_ACQUIRE) == pl->n_ex;
}

void
wt_pipeline_wait(struct wt_pipeline *pl)
{
	for (unsigned int i = 0; i < pl->n_rx; i++)
		rte_eal_wait_lcore(pl->rx[i].lcore);
	for (unsigned int i = 0; i < pl->n_wk; i++)
		rte_eal_wait_lcore(pl->wk[i].lcore);
	for (unsigned int i = 0; i < pl->n_ex; i++)
		rte_eal_wait_lcore(pl->ex[i].lcore);
}

void
wt_pipeline_free(struct wt_pipeline *pl)
{
	for (unsigned int i = 0; i < pl->n_ex; i++) {
		if (pl->ex[i].ex != NULL)
			wt_export_lcore_free(pl->ex[i].ex);
		pl->ex[i].ex = NULL;
	}
	wt_pipeline_l7_free(pl);
	for (unsigned int w = 0; w < pl->n_wk; w++) {
		if (pl->wk[w].ft != NULL)
			wt_flow_table_free(pl->wk[w].ft);
		pl->wk[w].ft = NULL;
	}
	for (unsigned int r = 0; r < pl->n_rx; r++) {
		for (unsigned int w = 0; w < WT_MAX_WORKERS; w++) {
			struct rte_mbuf *m;

			if (pl->rx[r].to_worker[w] == NULL)
				continue;
			while (rte_ring_sc_dequeue(pl->rx[r].to_worker[w], (void **)&m) == 0)
				rte_pktmbuf_free(m);
			rte_ring_free(pl->rx[r].to_worker[w]);
			pl->rx[r].to_worker[w] = NULL;
		}
	}
	wt_evq_free(&pl->evq);
	rte_mempool_free(pl->ev_pool);
	pl->ev_pool = NULL;
}
