/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * EAL start and NIC ports from the config: per-port mempools (mbuf private area holds the decoded
 * packet metadata), RX queues, RSS with a symmetric Toeplitz key on multi-queue ports, RX
 * timestamps where the PMD offers them, and the packet count of finite inputs (pcap files) so an
 * offline replay knows when it is complete.
 */
#ifndef WT_PORT_H
#define WT_PORT_H

#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>
#include <rte_mempool.h>

#include "wt_common.h"
#include "wt_conf.h"

#define WT_PORT_MAX_QUEUES 64

/** Symmetric Toeplitz key (0x6d5a repeated): hash(a->b) == hash(b->a). */
extern const uint8_t wt_port_sym_rss_key[40];

struct wt_port {
	uint16_t port_id;
	char name[WT_CONF_STR];
	uint16_t nb_rxq;
	uint8_t rss;              /* multi-queue with symmetric RSS configured */
	uint8_t has_ts;           /* PMD fills the rx timestamp dynfield */
	uint8_t finite;           /* input ends (pcap file without infinite_rx) */
	uint64_t expect_pkts;     /* packets in the finite input */
	struct rte_mempool *pool;
};

struct wt_port_set {
	struct wt_port ports[WT_MAX_PORTS];
	int n_ports;
	int ts_offset;            /* rx timestamp dynfield offset, -1 if none */
	uint64_t ts_flag;         /* ol_flags bit set by PMDs that stamp */
	uint8_t ts_epoch[RTE_MAX_ETHPORTS]; /* by port id: stamps are capture times since the epoch */
};

/** Totals of one port, from rte_eth_stats. */
struct wt_port_stats {
	uint64_t ipackets, ibytes, imissed, ierrors, rx_nombuf;
};

/**
 * Start the EAL with the config's dpdk.eal-params (argv[0] = @p prog).
 * @return 0, or a negative errno (the EAL's message is on stderr).
 */
int wt_port_eal_init(const struct wt_conf *c, const char *prog);

/**
 * Configure and start every probed port with its dpdk.interfaces section (or the default one).
 * Multi-queue ports get symmetric RSS when the device supports RSS. Finite pcap inputs are
 * counted with libpcap. Mbufs get @p priv_size bytes of private area (the decoder's metadata).
 * @return 0, or a negative errno with a message in @p err.
 */
int wt_port_setup_all(const struct wt_conf *c, struct wt_port_set *ps, uint16_t priv_size,
		      char *err, size_t errlen);

/** Stop and close every port of @p ps, free mempools. */
void wt_port_close_all(struct wt_port_set *ps);

/** Read a port's counters. @return 0 or negative errno. */
int wt_port_stats_get(const struct wt_port *p, struct wt_port_stats *st);

/**
 * True when every finite port has delivered (or lost, counted) all its packets; false when any
 * port is live (never complete) or not yet done.
 */
int wt_port_input_complete(const struct wt_port_set *ps);

/**
 * Count the packets of a pcap/pcapng file. @return count, or -1 with a message in @p err.
 */
int64_t wt_port_pcap_count(const char *path, char *err, size_t errlen);

/*
 * Stamps below this are microseconds since the epoch, not nanoseconds: DPDK 22.11's pcap PMD
 * stores tv_sec * 1e6 + tv_usec, later versions nanoseconds. 1e17 ns is 1973; 1e17 us is far
 * in the future, so the two never overlap for real captures.
 */
#define WT_PORT_TS_US_BELOW 100000000000000000ull

/**
 * Capture time of @p m in epoch ns when its port stamps packets with capture times (pcap
 * replay); 0 otherwise (NIC clocks are free-running counters, not epoch time: use the wall clock).
 */
static inline uint64_t
wt_port_pkt_ts(const struct wt_port_set *ps, const struct rte_mbuf *m)
{
	uint64_t v;

	if (ps->ts_offset < 0 || !(m->ol_flags & ps->ts_flag) || !ps->ts_epoch[m->port])
		return 0;
	v = *RTE_MBUF_DYNFIELD(m, ps->ts_offset, const uint64_t *);
	return v < WT_PORT_TS_US_BELOW ? v * 1000u : v;
}

#endif /* WT_PORT_H */
