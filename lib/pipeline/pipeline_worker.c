/* SPDX-License-Identifier: BSD-3-Clause */
/* Worker lcore: takes packets (its own RX queues, or rings from RX lcores), tracks flows, turns
 * ended flows into events and hands them to its exporter ring. Run to completion per burst; no
 * locks, no allocation, no syscalls beyond the idle sleep. */
#include <netinet/in.h>

#include <rte_ethdev.h>
#include <rte_prefetch.h>

#include "pipeline_priv.h"

/* Shutdown waits at most this long for a full ring or an empty event pool to clear. */
#define WT_PIPE_SHUTDOWN_WAIT_NS (10ull * 1000000000ull)

static void
worker_push_events(struct wt_worker_lcore *wk)
{
	struct wt_pipeline *pl = wk->pl;
	uint64_t deadline = 0;
	unsigned int done = 0;

	while (done < wk->n_pending) {
		done += wt_evq_enqueue(&pl->evq, wk->idx, &wk->pending[done],
				       (uint16_t)(wk->n_pending - done));
		if (done == wk->n_pending || !wk->shutting_down)
			break;
		/* At shutdown the exporter is still draining: wait for room, bounded. */
		if (deadline == 0)
			deadline = wt_monotonic_ns() + WT_PIPE_SHUTDOWN_WAIT_NS;
		else if (wt_monotonic_ns() > deadline)
			break;
		rte_pause();
	}
	if (WT_UNLIKELY(done < wk->n_pending)) {
		wk->drops[WT_PIPE_DROP_EVENT_RING_FULL] += wk->n_pending - done;
		rte_mempool_put_bulk(pl->ev_pool, (void **)&wk->pending[done], wk->n_pending - done);
	}
	wk->n_pending = 0;
}

struct wt_event *
wt_pipeline_event_get(struct wt_worker_lcore *wk)
{
	uint64_t deadline = 0;
	void *ev;

	while (rte_mempool_get(wk->pl->ev_pool, &ev) != 0) {
		if (!wk->shutting_down)
			return NULL;
		if (wk->n_pending)
			worker_push_events(wk);
		if (deadline == 0)
			deadline = wt_monotonic_ns() + WT_PIPE_SHUTDOWN_WAIT_NS;
		else if (wt_monotonic_ns() > deadline)
			return NULL;
		rte_pause();
	}
	return ev;
}

void
wt_pipeline_event_put(struct wt_worker_lcore *wk, struct wt_event *ev)
{
	wk->events++;
	wk->pending[wk->n_pending++] = ev;
	if (wk->n_pending == WT_ARRAY_SIZE(wk->pending))
		worker_push_events(wk);
}

void
wt_pipeline_worker_flow_end(void *arg, const struct wt_flow *cf, enum wt_flow_end reason,
			    uint64_t now_ns)
{
	struct wt_worker_lcore *wk = arg;
	struct wt_flow *f = (struct wt_flow *)(uintptr_t)cf; /* the worker owns its flows */
	struct wt_event *ev;

	/* Transactions still open end first, so they precede their flow's event. */
	if (f->l7_slot != 0 && wk->sl != NULL)
		wt_pipeline_l7_flow_end(wk, f, now_ns);
	ev = wt_pipeline_event_get(wk);
	if (WT_UNLIKELY(ev == NULL)) {
		wk->drops[WT_PIPE_DROP_EVENT_POOL_EMPTY]++;
		return;
	}
	wt_event_from_flow(ev, f, reason, now_ns, (uint8_t)wk->idx);
	wt_pipeline_event_put(wk, ev);
}

/* Track a burst whose metadata is already in the mbufs (decoded OK), then free it. */
static inline void
worker_track(struct wt_worker_lcore *wk, struct rte_mbuf **pkts, uint16_t n)
{
	const struct wt_port_set *ps = wk->pl->ps;
	struct wt_pkt *meta[WT_PIPE_MAX_BURST];
	uint32_t wire[WT_PIPE_MAX_BURST];
	uint64_t ts[WT_PIPE_MAX_BURST];
	struct wt_flow *flows[WT_PIPE_MAX_BURST];
	uint8_t dir[WT_PIPE_MAX_BURST];
	uint64_t wall = wt_wallclock_ns(); /* for packets the PMD did not stamp */
	uint16_t tracked;

	for (uint16_t i = 0; i < n; i++) {
		meta[i] = wt_pkt_of(pkts[i]);
		wire[i] = rte_pktmbuf_pkt_len(pkts[i]);
		ts[i] = wt_port_pkt_ts(ps, pkts[i]);
		if (ts[i] == 0) {
			ts[i] = wall;
		} else if (WT_UNLIKELY(!wk->pkt_clock)) {
			wk->pkt_clock = 1; /* from now on the capture's time ages flows */
			wk->now_ns = ts[i];
		}
		if (ts[i] > wk->now_ns)
			wk->now_ns = ts[i];
		wk->bytes += wire[i];
	}
	wk->pkts += n;
	tracked = wt_flow_update_burst(wk->ft, meta, wire, ts, flows, dir, n);
	wk->drops[WT_PIPE_DROP_FLOW_NOT_TRACKED] += (uint64_t)(n - tracked);
	if (wk->sl != NULL) {
		for (uint16_t i = 0; i < n; i++)
			if (flows[i] != NULL && meta[i]->proto == IPPROTO_TCP)
				wt_pipeline_l7_packet(wk, flows[i], dir[i], pkts[i], meta[i], ts[i]);
	}
	rte_pktmbuf_free_bulk(pkts, n);
}

/* Directly polled queue: decode here, keep the packets that decoded. */
static inline void
worker_decode_track(struct wt_worker_lcore *wk, struct rte_mbuf **pkts, uint16_t n)
{
	uint8_t verdict[WT_PIPE_MAX_BURST];
	struct rte_mbuf *ok[WT_PIPE_MAX_BURST];
	uint16_t k = 0;

	wt_decode_burst(&wk->dec, pkts, verdict, n);
	for (uint16_t i = 0; i < n; i++) {
		if (verdict[i] == WT_DECODE_OK) {
			ok[k++] = pkts[i];
		} else {
			wk->bytes += rte_pktmbuf_pkt_len(pkts[i]);
			wk->pkts++;
			rte_pktmbuf_free(pkts[i]);
		}
	}
	if (k)
		worker_track(wk, ok, k);
}

static unsigned int
worker_poll(struct wt_worker_lcore *wk, uint16_t burst)
{
	struct rte_mbuf *pkts[WT_PIPE_MAX_BURST];
	unsigned int got = 0;

	for (unsigned int i = 0; i < wk->n_q; i++) {
		uint16_t n = rte_eth_rx_burst(wk->q[i].port_id, wk->q[i].queue, pkts, burst);

		if (n) {
			worker_decode_track(wk, pkts, n);
			got += n;
		}
	}
	for (unsigned int i = 0; i < wk->n_from_rx; i++) {
		uint16_t n = (uint16_t)rte_ring_sc_dequeue_burst(wk->from_rx[i], (void **)pkts, burst,
								 NULL);

		if (n) {
			worker_track(wk, pkts, n);
			got += n;
		}
	}
	return got;
}

int
wt_pipeline_worker_loop(void *arg)
{
	struct wt_worker_lcore *wk = arg;
	struct wt_pipeline *pl = wk->pl;
	uint16_t burst = pl->conf->burst_size;
	unsigned int idle = 0, iter = 0, drain_passes = 0;
	int draining = 0;

	for (;;) {
		unsigned int got;

		if (!draining && __atomic_load_n(&pl->stop_input, __ATOMIC_ACQUIRE))
			draining = 1;
		got = worker_poll(wk, burst);
		if (!wk->pkt_clock && (got == 0 || (iter & 63) == 0))
			wk->now_ns = wt_wallclock_ns();
		if (got == 0 || (++iter & 15) == 0)
			wt_flow_expire(wk->ft, wk->now_ns);
		if (wk->n_pending)
			worker_push_events(wk);
		/*
		 * Done when input stopped, every RX lcore finished, and nothing is left to read; own
		 * queues on a live link or an endless replay never empty, so their drain is bounded.
		 */
		if (draining && __atomic_load_n(&pl->rx_done, __ATOMIC_ACQUIRE) == pl->n_rx) {
			if (got == 0 && worker_poll(wk, burst) == 0)
				break;
			if (wk->n_q && ++drain_passes > WT_PIPE_DRAIN_PASSES)
				break;
		}
		if (got)
			idle = 0;
		else
			wt_pipe_idle(pl, &idle);
	}
	wk->shutting_down = 1;
	wt_flow_flush(wk->ft, wk->pkt_clock ? wk->now_ns : wt_wallclock_ns());
	worker_push_events(wk);
	__atomic_add_fetch(&pl->workers_done, 1, __ATOMIC_RELEASE);
	return 0;
}
