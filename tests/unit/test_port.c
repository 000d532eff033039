/* SPDX-License-Identifier: BSD-3-Clause */
/* Ports: the symmetric RSS key really is symmetric, finite pcap inputs are counted exactly and
 * declared complete only after every packet was read, and capture timestamps reach the mbufs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <rte_bus_vdev.h>
#include <rte_ethdev.h>
#include <rte_thash.h>

#include "wt_port.h"

int wt_test_port(void);

#define CAPTURE "tests/captures/m2m-loopback.pcap"

static int64_t
tshark_count(const char *path, double *first_ts)
{
	char cmd[512], line[128];
	int64_t n = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "tshark -r %s -T fields -e frame.time_epoch 2>/dev/null", path);
	p = popen(cmd, "r");
	if (p == NULL)
		return -1;
	while (fgets(line, sizeof(line), p) != NULL) {
		if (n == 0)
			*first_ts = strtod(line, NULL);
		n++;
	}
	pclose(p);
	return n;
}

static void
test_sym_rss_key(void)
{
	/* Intel's default key is not symmetric; ours must be, for every tuple. */
	static const uint8_t intel_key[40] = {
		0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3,
		0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3,
		0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
	};
	unsigned int asym_intel = 0;
	uint32_t seed = 12345;

	for (int i = 0; i < 10000; i++) {
		struct rte_ipv4_tuple a, b;

		seed = seed * 1103515245u + 12345u;
		a.src_addr = seed;
		seed = seed * 1103515245u + 12345u;
		a.dst_addr = seed;
		a.sport = (uint16_t)(seed >> 7);
		a.dport = (uint16_t)(seed >> 19);
		b.src_addr = a.dst_addr;
		b.dst_addr = a.src_addr;
		b.sport = a.dport;
		b.dport = a.sport;
		CU_ASSERT_EQUAL(rte_softrss((uint32_t *)&a, RTE_THASH_V4_L4_LEN, wt_port_sym_rss_key),
				rte_softrss((uint32_t *)&b, RTE_THASH_V4_L4_LEN, wt_port_sym_rss_key));
		asym_intel += rte_softrss((uint32_t *)&a, RTE_THASH_V4_L4_LEN, intel_key) !=
			      rte_softrss((uint32_t *)&b, RTE_THASH_V4_L4_LEN, intel_key);
	}
	CU_ASSERT(asym_intel > 9000); /* the check itself can tell the difference */
}

static void
test_pcap_count(void)
{
	char err[256] = "";
	double first = 0;
	int64_t expect = tshark_count(CAPTURE, &first);

	CU_ASSERT_FATAL(expect > 0);
	CU_ASSERT_EQUAL(wt_port_pcap_count(CAPTURE, err, sizeof(err)), expect);
	CU_ASSERT_EQUAL(wt_port_pcap_count("tests/captures/no-such.pcap", err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "tests/captures/no-such.pcap"));
}

static void
test_pcap_port_complete(void)
{
	static struct wt_conf c;
	static struct wt_port_set ps;
	struct rte_mbuf *pkts[32];
	char err[512] = "";
	double first_ts = 0;
	int64_t expect = tshark_count(CAPTURE, &first_ts);
	uint64_t got = 0, first_pkt_ts = 0;
	int rounds = 0;

	CU_ASSERT_FATAL(expect > 0);
	wt_conf_defaults(&c);
	CU_ASSERT_FATAL(wt_conf_add_eal_arg(&c, "--vdev") == 0);
	CU_ASSERT_FATAL(wt_conf_add_eal_arg(&c, "net_pcap_t0,rx_pcap=" CAPTURE) == 0);
	CU_ASSERT_FATAL(rte_vdev_init("net_pcap_t0", "rx_pcap=" CAPTURE) == 0);
	CU_ASSERT_EQUAL_FATAL(wt_port_setup_all(&c, &ps, 64, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(ps.n_ports, 1);
	CU_ASSERT_EQUAL(ps.ports[0].finite, 1);
	CU_ASSERT_EQUAL(ps.ports[0].expect_pkts, (uint64_t)expect);
	CU_ASSERT_EQUAL(ps.ports[0].nb_rxq, 1);
	CU_ASSERT_EQUAL(ps.ports[0].rss, 0);
	CU_ASSERT(rte_pktmbuf_priv_size(ps.ports[0].pool) >= 64);
	CU_ASSERT_FALSE(wt_port_input_complete(&ps));
	while (!wt_port_input_complete(&ps) && rounds++ < 100000) {
		uint16_t n = rte_eth_rx_burst(ps.ports[0].port_id, 0, pkts, 32);

		for (uint16_t i = 0; i < n; i++) {
			if (got + i == 0)
				first_pkt_ts = wt_port_pkt_ts(&ps, pkts[i]);
		}
		got += n;
		rte_pktmbuf_free_bulk(pkts, n);
	}
	CU_ASSERT(wt_port_input_complete(&ps));
	CU_ASSERT_EQUAL(got, (uint64_t)expect);
	/* Capture time of the first packet, in ns, within a microsecond of tshark's. */
	CU_ASSERT(first_pkt_ts != 0);
	CU_ASSERT(llabs((long long)(first_pkt_ts / 1000) - (long long)(first_ts * 1e6 + 0.5)) <= 1);
	wt_port_close_all(&ps);
	CU_ASSERT_EQUAL(ps.n_ports, 0);
	rte_vdev_uninit("net_pcap_t0");
	wt_conf_free(&c);
}

static void
test_no_ports(void)
{
	static struct wt_conf c;
	static struct wt_port_set ps;
	char err[512] = "";

	wt_conf_defaults(&c);
	CU_ASSERT_EQUAL(wt_port_setup_all(&c, &ps, 64, err, sizeof(err)), -ENODEV);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no ports"));
	CU_ASSERT_FALSE(wt_port_input_complete(&ps));
	wt_conf_free(&c);
}

int
wt_test_port(void)
{
	CU_pSuite s = CU_add_suite("port", NULL, NULL);

	if (s == NULL)
		return -1;
	if (CU_add_test(s, "symmetric rss key", test_sym_rss_key) == NULL ||
	    CU_add_test(s, "pcap count", test_pcap_count) == NULL ||
	    CU_add_test(s, "no ports", test_no_ports) == NULL ||
	    CU_add_test(s, "pcap port completes", test_pcap_port_complete) == NULL)
		return -1;
	return 0;
}
