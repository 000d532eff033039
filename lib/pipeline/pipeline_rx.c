/* SPDX-License-Identifier: BSD-3-Clause */
/* RX lcore for single-queue ports (pcap, af_packet, ring): decode once, then send each packet to
 * the worker that owns its flow, chosen by the symmetric flow hash so both directions meet. */
#include <rte_ethdev.h>
#include <rte_prefetch.h>

#include "pipeline_priv.h"

static inline void
rx_spread(struct wt_rx_lcore *rx, struct rte_mbuf **pkts, uint16_t n)
{
	struct wt_pipeline *pl = rx->pl;
	struct rte_mbuf *out[WT_MAX_WORKERS][WT_PIPE_MAX_BURST];
	uint16_t cnt[WT_MAX_WORKERS] = { 0 };
	uint8_t verdict[WT_PIPE_MAX_BURST];
	uint32_t nw = pl->n_wk;

	wt_decode_burst(&rx->dec, pkts, verdict, n);
	for (uint16_t i = 0; i < n; i++) {
		uint32_t w;

		rx->bytes += rte_pktmbuf_pkt_len(pkts[i]);
		if (verdict[i] != WT_DECODE_OK) {
			rte_pktmbuf_free(pkts[i]); /* counted by the decoder under its reason */
			continue;
		}
		w = (uint32_t)(((uint64_t)wt_pkt_of(pkts[i])->hash * nw) >> 32);
		out[w][cnt[w]++] = pkts[i];
	}
	for (uint32_t w = 0; w < nw; w++) {
		uint16_t sent;

		if (cnt[w] == 0)
			continue;
		sent = (uint16_t)rte_ring_sp_enqueue_burst(rx->to_worker[w], (void **)out[w], cnt[w],
							   NULL);
		if (WT_UNLIKELY(sent < cnt[w])) {
			rx->drops[WT_PIPE_DROP_RX_RING_FULL] += cnt[w] - sent;
			rte_pktmbuf_free_bulk(&out[w][sent], cnt[w] - sent);
		}
	}
}

int
wt_pipeline_rx_loop(void *arg)
{
	struct wt_rx_lcore *rx = arg;
	struct wt_pipeline *pl = rx->pl;
	struct rte_mbuf *pkts[WT_PIPE_MAX_BURST];
	uint16_t burst = pl->conf->burst_size;
	unsigned int idle = 0;
	int draining = 0;
	unsigned int drain_passes = 0;

	if (rx->n_q == 0)
		goto done;
	for (;;) {
		uint32_t got = 0;

		if (!draining && __atomic_load_n(&pl->stop_input, __ATOMIC_ACQUIRE))
			draining = 1; /* one more pass over every queue, until all are empty */
		for (unsigned int i = 0; i < rx->n_q; i++) {
			uint16_t n = rte_eth_rx_burst(rx->q[i].port_id, rx->q[i].queue, pkts, burst);

			if (n == 0)
				continue;
			got += n;
			rx->pkts += n;
			rx_spread(rx, pkts, n);
		}
		if (draining && (got == 0 || ++drain_passes > WT_PIPE_DRAIN_PASSES))
			break; /* empty, or a live/endless source: stop after a bounded drain */
		if (got == 0) {
			wt_pipe_idle(pl, &idle);
		} else {
			idle = 0;
		}
	}
done:
	__atomic_add_fetch(&pl->rx_done, 1, __ATOMIC_RELEASE);
	return 0;
}
