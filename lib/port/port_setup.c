/* SPDX-License-Identifier: BSD-3-Clause */
/* Configures every probed port from its dpdk.interfaces section: mempool with room for the decoded
 * metadata, RX queues, symmetric RSS on multi-queue devices, timestamps and scatter when offered. */
#include <errno.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_mbuf_dyn.h>

#include "wt_port.h"

const uint8_t wt_port_sym_rss_key[40] = {
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
	0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a, 0x6d, 0x5a,
};

/*
 * Find the --vdev argument that created device @p name and, for a pcap vdev reading files,
 * count the packets of every rx_pcap= file. Returns 1 finite, 0 live, -1 error.
 */
static int
port_finite_input(const struct wt_conf *c, const char *name, uint64_t *count, char *err,
		  size_t errlen)
{
	size_t nlen = strlen(name);

	*count = 0;
	for (int i = 0; i + 1 < c->n_eal_args; i++) {
		const char *a = c->eal_args[i + 1], *p;
		int finite = 0;

		if (strcmp(c->eal_args[i], "--vdev") != 0 || strncmp(a, name, nlen) != 0 ||
		    (a[nlen] != ',' && a[nlen] != '\0'))
			continue;
		if (strstr(a, "infinite_rx=1") != NULL)
			return 0;
		for (p = strstr(a, "rx_pcap="); p != NULL; p = strstr(p, "rx_pcap=")) {
			char path[WT_CONF_PATH];
			size_t len;
			int64_t n;

			p += strlen("rx_pcap=");
			len = strcspn(p, ",");
			if (len >= sizeof(path)) {
				snprintf(err, errlen, "%s: rx_pcap path too long", name);
				return -1;
			}
			memcpy(path, p, len);
			path[len] = '\0';
			n = wt_port_pcap_count(path, err, errlen);
			if (n < 0)
				return -1;
			*count += (uint64_t)n;
			finite = 1;
		}
		return finite;
	}
	return 0;
}

static int
port_setup_one(const struct wt_conf *c, struct wt_port_set *ps, uint16_t port_id,
	       uint16_t priv_size, char *err, size_t errlen)
{
	struct wt_port *p = &ps->ports[ps->n_ports];
	const struct wt_conf_iface *ic;
	struct rte_eth_dev_info info;
	struct rte_eth_conf pconf;
	uint8_t key[128];
	uint16_t nb_rxd;
	uint16_t nb_txd = 0;
	char pool_name[RTE_MEMPOOL_NAMESIZE];
	int socket, rc, fin;

	memset(p, 0, sizeof(*p));
	p->port_id = port_id;
	rc = rte_eth_dev_get_name_by_port(port_id, p->name);
	if (rc != 0) {
		snprintf(err, errlen, "port %u: no name", port_id);
		return rc;
	}
	ic = wt_conf_iface_get(c, p->name);
	rc = rte_eth_dev_info_get(port_id, &info);
	if (rc != 0) {
		snprintf(err, errlen, "%s: cannot read device info: %s", p->name, rte_strerror(-rc));
		return rc;
	}
	p->nb_rxq = ic->rx_queues;
	if (p->nb_rxq > info.max_rx_queues || p->nb_rxq > WT_PORT_MAX_QUEUES) {
		snprintf(err, errlen, "%s: rx-queues %u above the device's maximum %u", p->name,
			 p->nb_rxq, info.max_rx_queues);
		return -EINVAL;
	}

	socket = rte_eth_dev_socket_id(port_id);
	if (socket < 0)
		socket = (int)rte_socket_id();
	snprintf(pool_name, sizeof(pool_name), "wt_mbuf_p%u", port_id);
	p->pool = rte_pktmbuf_pool_create(pool_name, ic->mempool_size, ic->mempool_cache,
		RTE_ALIGN(priv_size, RTE_MBUF_PRIV_ALIGN), RTE_MBUF_DEFAULT_BUF_SIZE,
		socket);
	if (p->pool == NULL) {
		snprintf(err, errlen, "%s: cannot create mempool of %u mbufs: %s", p->name,
			 ic->mempool_size, rte_strerror(rte_errno));
		return -ENOMEM;
	}

	memset(&pconf, 0, sizeof(pconf));
	if (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_TIMESTAMP)
		pconf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_TIMESTAMP;
	if (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_SCATTER)
		pconf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_SCATTER;
	if (p->nb_rxq > 1 && info.flow_type_rss_offloads != 0) {
		uint8_t klen = info.hash_key_size ? info.hash_key_size : sizeof(wt_port_sym_rss_key);

		if (klen > sizeof(key))
			klen = sizeof(key);
		for (unsigned int i = 0; i < klen; i++)
			key[i] = wt_port_sym_rss_key[i % 2];
		pconf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		pconf.rx_adv_conf.rss_conf.rss_key = key;
		pconf.rx_adv_conf.rss_conf.rss_key_len = klen;
		pconf.rx_adv_conf.rss_conf.rss_hf = (RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP |
			RTE_ETH_RSS_UDP) & info.flow_type_rss_offloads;
		p->rss = 1;
	} else if (p->nb_rxq > 1) {
		WT_WARN("%s: %u rx queues but no RSS on this device: the device decides which "
			"queue a packet reaches (both directions of a flow must share one)",
			p->name, p->nb_rxq);
	}
	rc = rte_eth_dev_configure(port_id, p->nb_rxq, 0, &pconf);
	if (rc != 0) {
		snprintf(err, errlen, "%s: configure %u rx queues: %s", p->name, p->nb_rxq,
			 rte_strerror(-rc));
		return rc;
	}
	nb_rxd = ic->rx_descriptors;
	rc = rte_eth_dev_adjust_nb_rx_tx_desc(port_id, &nb_rxd, &nb_txd);
	if (rc != 0)
		nb_rxd = ic->rx_descriptors;
	for (uint16_t q = 0; q < p->nb_rxq; q++) {
		struct rte_eth_rxconf rxq = info.default_rxconf;

		rxq.offloads = pconf.rxmode.offloads;
		rc = rte_eth_rx_queue_setup(port_id, q, nb_rxd, (unsigned int)socket, &rxq, p->pool);
		if (rc != 0) {
			snprintf(err, errlen, "%s: rx queue %u setup: %s", p->name, q, rte_strerror(-rc));
			return rc;
		}
	}
	fin = port_finite_input(c, p->name, &p->expect_pkts, err, errlen);
	if (fin < 0)
		return -EINVAL;
	p->finite = (uint8_t)fin;
	/* The pcap PMD stamps capture times (when it stamps at all); NIC stamps are raw clocks. */
	ps->ts_epoch[port_id] = strcmp(info.driver_name, "net_pcap") == 0;
	p->has_ts = ps->ts_epoch[port_id];
	rc = rte_eth_dev_start(port_id);
	if (rc != 0) {
		snprintf(err, errlen, "%s: start: %s", p->name, rte_strerror(-rc));
		return rc;
	}
	if (ic->promisc) {
		rc = rte_eth_promiscuous_enable(port_id);
		if (rc != 0 && rc != -ENOTSUP)
			WT_WARN("%s: promiscuous mode: %s", p->name, rte_strerror(-rc));
	}
	ps->n_ports++;
	return 0;
}

int
wt_port_setup_all(const struct wt_conf *c, struct wt_port_set *ps, uint16_t priv_size, char *err,
		  size_t errlen)
{
	uint16_t port_id;
	int rc;

	memset(ps, 0, sizeof(*ps));
	ps->ts_offset = -1;
	RTE_ETH_FOREACH_DEV(port_id) {
		if (ps->n_ports >= WT_MAX_PORTS) {
			snprintf(err, errlen, "more than %d ports", WT_MAX_PORTS);
			return -ENOSPC;
		}
		rc = port_setup_one(c, ps, port_id, priv_size, err, errlen);
		if (rc != 0)
			return rc;
	}
	if (ps->n_ports == 0) {
		snprintf(err, errlen, "no ports: add a device to dpdk.eal-params (e.g. --vdev "
			 "net_pcap0,rx_pcap=FILE, or -a PCI-ADDRESS) or use -r FILE");
		return -ENODEV;
	}
	/*
	 * Register the RX timestamp field whatever the ports advertise: some PMDs (pcap in DPDK
	 * 22.11) stamp every mbuf without offering the offload. Packets carry the flag when stamped.
	 */
	rc = rte_mbuf_dyn_rx_timestamp_register(&ps->ts_offset, &ps->ts_flag);
	if (rc != 0) {
		ps->ts_offset = -1;
		WT_WARN("rx timestamps unavailable: %s", rte_strerror(rte_errno));
	}
	return 0;
}

void
wt_port_close_all(struct wt_port_set *ps)
{
	for (int i = 0; i < ps->n_ports; i++) {
		rte_eth_dev_stop(ps->ports[i].port_id);
		rte_eth_dev_close(ps->ports[i].port_id);
	}
	for (int i = 0; i < ps->n_ports; i++) {
		rte_mempool_free(ps->ports[i].pool);
		ps->ports[i].pool = NULL;
	}
	ps->n_ports = 0;
}

int
wt_port_stats_get(const struct wt_port *p, struct wt_port_stats *st)
{
	struct rte_eth_stats s;
	int rc = rte_eth_stats_get(p->port_id, &s);

	if (rc != 0)
		return rc;
	st->ipackets = s.ipackets;
	st->ibytes = s.ibytes;
	st->imissed = s.imissed;
	st->ierrors = s.ierrors;
	st->rx_nombuf = s.rx_nombuf;
	return 0;
}

int
wt_port_input_complete(const struct wt_port_set *ps)
{
	for (int i = 0; i < ps->n_ports; i++) {
		const struct wt_port *p = &ps->ports[i];
		struct wt_port_stats st;

		if (!p->finite)
			return 0;
		if (wt_port_stats_get(p, &st) != 0)
			return 0;
		if (st.ipackets + st.imissed + st.ierrors + st.rx_nombuf < p->expect_pkts)
			return 0;
	}
	return ps->n_ports > 0;
}
