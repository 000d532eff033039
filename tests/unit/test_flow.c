/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Flow table: keys and directions, counters, client detection, TCP state, timeouts, sweep,
 * eviction, memcap sizing, flush. Packets are built by hand as struct wt_pkt (no decoder).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_memory.h>

#include "wt_flow.h"

int wt_test_flow(void);

#define S 1000000000ull          /* one second in ns */
#define T0 (1000 * S)
#define TCP 6
#define UDP 17
#define SYN WT_TCP_SYN
#define ACK WT_TCP_ACK
#define FIN WT_TCP_FIN
#define RST WT_TCP_RST
#define PSH WT_TCP_PSH

/* What the end callback saw. */
struct rec_entry {
	struct wt_flow f;
	enum wt_flow_end reason;
	uint64_t now;
};
static struct {
	unsigned int n;
	unsigned int not_live;         /* callbacks for a flow no longer in the table: must stay 0 */
	struct rec_entry e[4096];
} rec;

static void
end_cb(void *arg, const struct wt_flow *f, enum wt_flow_end reason, uint64_t now_ns)
{
	(void)arg;
	if (!f->in_use)
		rec.not_live++;
	if (rec.n < WT_ARRAY_SIZE(rec.e)) {
		rec.e[rec.n].f = *f;
		rec.e[rec.n].reason = reason;
		rec.e[rec.n].now = now_ns;
	}
	rec.n++;
}

static struct wt_flow_conf
conf_base(void)
{
	struct wt_flow_conf c = {
		.max_flows = 1024, .memcap = 1ull << 30,
		.timeout_new = 10, .timeout_established = 100, .timeout_closed = 5,
		.timeout_udp = 20, .timeout_icmp = 30, .timeout_other = 40, .timeout_hard = 1000,
		.sweep_budget = 1u << 20, .worker_id = 3,
	};
	return c;
}

static struct wt_flow_table *
mk_table(const struct wt_flow_conf *c)
{
	static unsigned int seq;
	struct wt_flow_table *ft;
	char name[32];

	snprintf(name, sizeof(name), "tflow%u", seq++);
	memset(&rec, 0, sizeof(rec));
	ft = wt_flow_table_create(name, c, SOCKET_ID_ANY, end_cb, &rec);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ft);
	return ft;
}

/* A decoded packet; addresses with ':' are IPv6. */
static void
mkpkt(struct wt_pkt *p, const char *src, uint16_t sp, const char *dst, uint16_t dp,
      uint8_t proto, uint8_t tf)
{
	memset(p, 0, sizeof(*p));
	if (strchr(src, ':') != NULL) {
		CU_ASSERT_FATAL(inet_pton(AF_INET6, src, p->src_ip) == 1);
		CU_ASSERT_FATAL(inet_pton(AF_INET6, dst, p->dst_ip) == 1);
		p->flags |= WT_PKT_F_IPV6;
	} else {
		CU_ASSERT_FATAL(inet_pton(AF_INET, src, p->src_ip) == 1);
		CU_ASSERT_FATAL(inet_pton(AF_INET, dst, p->dst_ip) == 1);
	}
	p->flags |= WT_PKT_F_L4;
	p->sport = sp;
	p->dport = dp;
	p->proto = proto;
	p->tcp_flags = tf;
}

/* Track one packet; @return its flow (NULL if not tracked). */
static struct wt_flow *
up1(struct wt_flow_table *ft, struct wt_pkt *p, uint32_t len, uint64_t ts, uint8_t *dir)
{
	struct wt_pkt *pp[1] = { p };
	struct wt_flow *f[1] = { NULL };
	uint8_t d[1] = { 0xff };
	uint16_t r = wt_flow_update_burst(ft, pp, &len, &ts, f, d, 1);

	if (dir != NULL)
		*dir = d[0];
	return r == 1 ? f[0] : NULL;
}

/* Shorthand: one packet from src to dst. */
static struct wt_flow *
tx(struct wt_flow_table *ft, const char *src, uint16_t sp, const char *dst, uint16_t dp,
   uint8_t proto, uint8_t tf, uint64_t ts, uint8_t *dir)
{
	struct wt_pkt p;

	mkpkt(&p, src, sp, dst, dp, proto, tf);
	return up1(ft, &p, 100, ts, dir);
}


static void
test_directions(void)
{
	struct wt_flow_conf c = conf_base();
	struct wt_flow_table *ft = mk_table(&c);
	struct wt_flow *f, *g;
	uint8_t d, a[16] = { 10, 0, 0, 1 }, b[16] = { 10, 0, 0, 2 };

	/* the client has the higher address: the key puts the server first */
	f = tx(ft, "10.0.0.2", 40000, "10.0.0.1", 80, TCP, SYN, T0, &d);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(d, WT_DIR_TOSERVER);
	CU_ASSERT_EQUAL(memcmp(f->key.ip_a, a, 16), 0);
	CU_ASSERT_EQUAL(memcmp(f->key.ip_b, b, 16), 0);
	CU_ASSERT_EQUAL(f->key.port_a, 80);
	CU_ASSERT_EQUAL(f->key.port_b, 40000);
	CU_ASSERT_EQUAL(f->key.proto, TCP);
	CU_ASSERT_EQUAL(f->key.ipver, 4);
	CU_ASSERT_EQUAL(f->key.vlan, 0);
	CU_ASSERT_EQUAL(f->client_is_a, 0);
	CU_ASSERT_NOT_EQUAL(f->flow_id, 0);
	CU_ASSERT_EQUAL(f->flow_id >> WT_FLOW_ID_WORKER_SHIFT, 3);
	CU_ASSERT_EQUAL(f->in_use, 1);

	g = tx(ft, "10.0.0.1", 80, "10.0.0.2", 40000, TCP, SYN | ACK, T0 + 1, &d);
	CU_ASSERT_PTR_EQUAL(g, f);
	CU_ASSERT_EQUAL(d, WT_DIR_TOCLIENT);
	g = tx(ft, "10.0.0.2", 40000, "10.0.0.1", 80, TCP, ACK, T0 + 2, &d);
	CU_ASSERT_PTR_EQUAL(g, f);
	CU_ASSERT_EQUAL(d, WT_DIR_TOSERVER);

	/* same addresses, other ports: another flow; equal addresses order by port */
	g = tx(ft, "10.0.0.2", 40001, "10.0.0.1", 80, TCP, SYN, T0 + 3, NULL);
	CU_ASSERT_PTR_NOT_EQUAL(g, f);
	g = tx(ft, "10.0.0.7", 9000, "10.0.0.7", 53, UDP, 0, T0, &d);
	CU_ASSERT_EQUAL(g->key.port_a, 53);
	CU_ASSERT_EQUAL(g->client_is_a, 0);
	CU_ASSERT_PTR_EQUAL(tx(ft, "10.0.0.7", 53, "10.0.0.7", 9000, UDP, 0, T0, &d), g);
	CU_ASSERT_EQUAL(d, WT_DIR_TOCLIENT);
	wt_flow_table_free(ft);
}

static void
test_counters(void)
{
	struct wt_flow_conf c = conf_base();
	struct wt_flow_table *ft = mk_table(&c);
	struct wt_pkt p, q;
	struct wt_flow *f = NULL;

	mkpkt(&p, "192.0.2.1", 5000, "192.0.2.9", 53, UDP, 0);
	mkpkt(&q, "192.0.2.9", 53, "192.0.2.1", 5000, UDP, 0);
	for (int i = 0; i < 3; i++)
		f = up1(ft, &p, 100, T0 + (uint64_t)i * S, NULL);
	CU_ASSERT_PTR_EQUAL(up1(ft, &q, 60, T0 + 5 * S, NULL), f);
	CU_ASSERT_PTR_EQUAL(up1(ft, &q, 60, T0 + 4 * S, NULL), f);  /* late timestamp */
	CU_ASSERT_EQUAL(f->pkts[WT_DIR_TOSERVER], 3);
	CU_ASSERT_EQUAL(f->pkts[WT_DIR_TOCLIENT], 2);
	CU_ASSERT_EQUAL(f->bytes[WT_DIR_TOSERVER], 300);
	CU_ASSERT_EQUAL(f->bytes[WT_DIR_TOCLIENT], 120);
	CU_ASSERT_EQUAL(f->start_ns, T0);
	CU_ASSERT_EQUAL(f->last_ns, T0 + 5 * S);  /* never moves backwards */
	CU_ASSERT_EQUAL(f->state, WT_TCP_STATE_NONE);
	CU_ASSERT_EQUAL(f->tcp_flags[0] | f->tcp_flags[1], 0);
	wt_flow_table_free(ft);
}

static void
test_client(void)
{
	struct wt_flow_conf c = conf_base();
	struct wt_flow_table *ft = mk_table(&c);
	struct wt_flow *f;
	uint8_t d;

	/* SYN first: its sender (here the lower endpoint a) is the client */
	f = tx(ft, "10.0.0.1", 1000, "10.0.0.2", 22, TCP, SYN, T0, &d);
	CU_ASSERT_EQUAL(f->client_is_a, 1);
	CU_ASSERT_EQUAL(d, WT_DIR_TOSERVER);
	CU_ASSERT_EQUAL(f->flags, WT_FLOW_F_SYN_SEEN);
	CU_ASSERT_EQUAL(f->state, WT_TCP_STATE_SYN_SENT);

	/* SYN+ACK first: its destination is the client */
	f = tx(ft, "10.0.0.5", 443, "10.0.0.9", 5555, TCP, SYN | ACK, T0, &d);
	CU_ASSERT_EQUAL(f->client_is_a, 0);          /* 10.0.0.9 is endpoint b */
	CU_ASSERT_EQUAL(d, WT_DIR_TOCLIENT);
	CU_ASSERT_EQUAL(f->state, WT_TCP_STATE_SYN_RECV);
	CU_ASSERT_EQUAL(f->flags & WT_FLOW_F_MIDSTREAM, 0);
	CU_ASSERT_PTR_EQUAL(tx(ft, "10.0.0.9", 5555, "10.0.0.5", 443, TCP, ACK, T0 + 1, &d), f);
	CU_ASSERT_EQUAL(d, WT_DIR_TOSERVER);
	CU_ASSERT_EQUAL(f->state, WT_TCP_STATE_ESTABLISHED);
	CU_ASSERT_EQUAL(f->flags & WT_FLOW_F_HANDSHAKE, 0);  /* the SYN was not seen */

	/* midstream: first packet's source, flagged; established once both sides talk */
	f = tx(ft, "10.0.1.9", 5555, "10.0.1.5", 443, TCP, PSH | ACK, T0, &d);
	CU_ASSERT_EQUAL(f->client_is_a, 0);
	CU_ASSERT_EQUAL(d, WT_DIR_TOSERVER);
	CU_ASSERT_EQUAL(f->flags, WT_FLOW_F_MIDSTREAM);
	CU_ASSERT_EQUAL(f->state, WT_TCP_STATE_NONE);
	CU_ASSERT_PTR_EQUAL(tx(ft, "10.0.1.9", 5555, "10.0.1.5", 443, TCP, ACK, T0 + 1, NULL), f);
	CU_ASSERT_EQUAL(f->state, WT_TCP_STATE_NONE);
	CU_ASSERT_PTR_EQUAL(tx(ft, "10.0.1.5", 443, "10.0.1.9", 5555, TCP, PSH | ACK, T0 + 2, &d), f);
	CU_ASSERT_EQUAL(d, WT_DIR_TOCLIENT);
	CU_ASSERT_EQUAL(f->state, WT_TCP_STATE_ESTABLISHED);
	CU_ASSERT_EQUAL(f->flags, WT_FLOW_F_MIDSTREAM);

	/* a midstream flow never becomes a handshake because of a late SYN */
	f = tx(ft, "10.0.2.1", 7000, "10.0.2.2", 80, TCP, ACK, T0, NULL);
	CU_ASSERT_PTR_EQUAL(tx(ft, "10.0.2.1", 7000, "10.0.2.2", 80, TCP, SYN, T0 + 1, NULL), f);
	CU_ASSERT_EQUAL(f->flags, WT_FLOW_F_MIDSTREAM);

	/* udp: first packet's source */
	f = tx(ft, "10.0.3.2", 53, "10.0.3.1", 5353, UDP, 0, T0, &d);
	CU_ASSERT_EQUAL(f->client_is_a, 0);
	CU_ASSERT_EQUAL(d, WT_DIR_TOSERVER);
	CU_ASSERT_EQUAL(f->flags, 0);
	wt_flow_table_free(ft);
}

static void
test_tcp_states(void)
{
	struct wt_flow_conf c = conf_base();
	struct wt_flow_table *ft = mk_table(&c);
	const char *cl = "172.16.0.10", *sv = "172.16.0.1";
	struct wt_flow *f;

	f = tx(ft, cl, 33000, sv, 80, TCP, SYN, T0, NULL);
	CU_ASSERT_EQUAL(f->state, WT_TCP_STATE_SYN_SENT);
	tx(ft, cl, 33000, sv, 80, TCP, SYN, T0 + 1, NULL);             /* retransmission */
	CU_ASSERT_EQUAL(f->state, WT_TCP_STATE_SYN_SENT);
	tx(ft, sv, 80, cl, 33000, TCP, SYN | ACK, T0 + 2, NULL);
	CU_ASSERT_EQUAL(f->state, WT_TCP_STATE_SYN_RECV);
	tx(ft, cl, 33000, sv, 80, TCP, ACK, T0 + 3, NULL);
	CU_ASSERT_EQUAL(f->state, WT_TCP_STATE_ESTABLISHED);
	CU_ASSERT_EQUAL(f->flags, WT_FLOW_F_SYN_SEEN | WT_FLOW_F_HANDSHAKE);
	tx(ft, cl, 33000, sv, 80, TCP, PSH | ACK, T0 + 4, NULL);
	tx(ft, sv, 80, cl, 33000, TCP, PSH | ACK, T0 + 5, NULL);
	CU_ASSERT_EQUAL(f->state, WT_TCP_STATE_ESTABLISHED);
	tx(ft, cl, 33000, sv, 80, TCP, FIN | ACK, T0 + 6, NULL);
	CU_ASSERT_EQUAL(f->state, WT_TCP_STATE_CLOSING);
	CU_ASSERT_EQUAL(f->flags & (WT_FLOW_F_FIN_CLIENT | WT_FLOW_F_FIN_SERVER),
			WT_FLOW_F_FIN_CLIENT);
	tx(ft, sv, 80, cl, 33000, TCP, FIN | ACK, T0 + 7, NULL);
	CU_ASSERT_EQUAL(f->state, WT_TCP_STATE_CLOSED);
	tx(ft, cl, 33000, sv, 80, TCP, ACK, T0 + 8, NULL);
	CU_ASSERT_EQUAL(f->state, WT_TCP_STATE_CLOSED);
	CU_ASSERT_EQUAL(f->flags, WT_FLOW_F_SYN_SEEN | WT_FLOW_F_HANDSHAKE |
			WT_FLOW_F_FIN_CLIENT | WT_FLOW_F_FIN_SERVER);
	CU_ASSERT_EQUAL(f->tcp_flags[WT_DIR_TOSERVER], SYN | ACK | PSH | FIN);
	CU_ASSERT_EQUAL(f->tcp_flags[WT_DIR_TOCLIENT], SYN | ACK | PSH | FIN);
	CU_ASSERT_EQUAL(f->pkts[WT_DIR_TOSERVER], 6);
	CU_ASSERT_EQUAL(f->pkts[WT_DIR_TOCLIENT], 3);
	CU_ASSERT_STRING_EQUAL(wt_tcp_state_names[f->state], "closed");

	/* RST after the handshake, from the server; it stays reset */
	f = tx(ft, cl, 33001, sv, 80, TCP, SYN, T0, NULL);
	tx(ft, sv, 80, cl, 33001, TCP, SYN | ACK, T0 + 1, NULL);
	tx(ft, cl, 33001, sv, 80, TCP, ACK, T0 + 2, NULL);
	tx(ft, sv, 80, cl, 33001, TCP, RST | ACK, T0 + 3, NULL);
	CU_ASSERT_EQUAL(f->state, WT_TCP_STATE_RESET);
	CU_ASSERT(f->flags & WT_FLOW_F_RST);
	CU_ASSERT_EQUAL(f->tcp_flags[WT_DIR_TOCLIENT], SYN | ACK | RST);
	tx(ft, cl, 33001, sv, 80, TCP, ACK, T0 + 4, NULL);
	CU_ASSERT_EQUAL(f->state, WT_TCP_STATE_RESET);

	/* refused connection: SYN answered by RST */
	f = tx(ft, cl, 33002, sv, 81, TCP, SYN, T0, NULL);
	tx(ft, sv, 81, cl, 33002, TCP, RST | ACK, T0 + 1, NULL);
	CU_ASSERT_EQUAL(f->state, WT_TCP_STATE_RESET);
	CU_ASSERT_EQUAL(f->flags, WT_FLOW_F_SYN_SEEN | WT_FLOW_F_RST);

	/* FIN from the server first */
	f = tx(ft, cl, 33003, sv, 80, TCP, PSH | ACK, T0, NULL);
	tx(ft, sv, 80, cl, 33003, TCP, FIN | ACK, T0 + 1, NULL);
	CU_ASSERT_EQUAL(f->state, WT_TCP_STATE_CLOSING);
	CU_ASSERT_EQUAL(f->flags, WT_FLOW_F_MIDSTREAM | WT_FLOW_F_FIN_SERVER);
	wt_flow_table_free(ft);
}

/* Index in rec of the ended flow whose key has @p port on either side, or -1. */
static int
rec_find_port(uint16_t port)
{
	for (unsigned int i = 0; i < rec.n && i < WT_ARRAY_SIZE(rec.e); i++)
		if (rec.e[i].f.key.port_a == port || rec.e[i].f.key.port_b == port)
			return (int)i;
	return -1;
}

static void
test_timeouts(void)
{
	struct wt_flow_conf c = conf_base();
	struct wt_flow_table *ft = mk_table(&c);
	const char *cl = "10.9.0.2", *sv = "10.9.0.1";
	int i;

	/* one flow per class, all last seen at T0; the port names the class */
	tx(ft, cl, 1010, sv, 80, TCP, SYN, T0, NULL);                       /* new: 10 s */
	tx(ft, cl, 1100, sv, 80, TCP, SYN, T0, NULL);                       /* established: 100 s */
	tx(ft, sv, 80, cl, 1100, TCP, SYN | ACK, T0, NULL);
	tx(ft, cl, 1100, sv, 80, TCP, ACK, T0, NULL);
	tx(ft, cl, 1101, sv, 80, TCP, PSH | ACK, T0, NULL);                 /* closing: 100 s */
	tx(ft, cl, 1101, sv, 80, TCP, FIN | ACK, T0, NULL);
	tx(ft, cl, 1005, sv, 80, TCP, FIN | ACK, T0, NULL);                 /* closed: 5 s, FIN */
	tx(ft, sv, 80, cl, 1005, TCP, FIN | ACK, T0, NULL);
	tx(ft, cl, 1006, sv, 80, TCP, SYN, T0, NULL);                       /* reset: 5 s, RST */
	tx(ft, sv, 80, cl, 1006, TCP, RST | ACK, T0, NULL);
	tx(ft, cl, 1020, sv, 53, UDP, 0, T0, NULL);                         /* udp: 20 s */
	tx(ft, cl, 8, sv, 0, IPPROTO_ICMP, 0, T0, NULL);                    /* icmp: 30 s */
	tx(ft, "2001:db8::2", 128, "2001:db8::1", 0, IPPROTO_ICMPV6, 0, T0, NULL);
	tx(ft, cl, 0, sv, 0, 47, 0, T0, NULL);                              /* other: 40 s */
	CU_ASSERT_EQUAL(rec.n, 0);

	CU_ASSERT_EQUAL(wt_flow_expire(ft, T0 + 5 * S), 0);       /* not yet *passed* */
	CU_ASSERT_EQUAL(wt_flow_expire(ft, T0 + 5 * S + 1), 2);
	CU_ASSERT_EQUAL(rec.e[rec_find_port(1005)].reason, WT_FLOW_END_FIN);
	CU_ASSERT_EQUAL(rec.e[rec_find_port(1006)].reason, WT_FLOW_END_RST);
	CU_ASSERT_EQUAL(rec.e[rec_find_port(1005)].now, T0 + 5 * S + 1);
	CU_ASSERT_EQUAL(wt_flow_expire(ft, T0 + 10 * S), 0);
	CU_ASSERT_EQUAL(wt_flow_expire(ft, T0 + 10 * S + 1), 1);
	i = rec_find_port(1010);
	CU_ASSERT_FATAL(i >= 0);
	CU_ASSERT_EQUAL(rec.e[i].reason, WT_FLOW_END_TIMEOUT);
	CU_ASSERT_EQUAL(rec.e[i].f.state, WT_TCP_STATE_SYN_SENT);
	CU_ASSERT_EQUAL(wt_flow_expire(ft, T0 + 20 * S + 1), 1);
	CU_ASSERT(rec_find_port(1020) >= 0);
	CU_ASSERT_EQUAL(wt_flow_expire(ft, T0 + 30 * S + 1), 2);   /* icmp and icmpv6 */
	CU_ASSERT_EQUAL(rec.e[rec.n - 1].f.key.proto + rec.e[rec.n - 2].f.key.proto,
			IPPROTO_ICMP + IPPROTO_ICMPV6);
	CU_ASSERT_EQUAL(wt_flow_expire(ft, T0 + 40 * S + 1), 1);
	CU_ASSERT_EQUAL(rec.e[rec.n - 1].f.key.proto, 47);
	CU_ASSERT_EQUAL(wt_flow_expire(ft, T0 + 100 * S), 0);
	CU_ASSERT_EQUAL(wt_flow_expire(ft, T0 + 100 * S + 1), 2);
	CU_ASSERT_EQUAL(rec.e[rec_find_port(1100)].reason, WT_FLOW_END_TIMEOUT);
	CU_ASSERT_EQUAL(rec.e[rec_find_port(1101)].reason, WT_FLOW_END_TIMEOUT);
	CU_ASSERT_EQUAL(rec.e[rec_find_port(1101)].f.state, WT_TCP_STATE_CLOSING);
	CU_ASSERT_EQUAL(rec.n, 9);
	CU_ASSERT_EQUAL(rec.not_live, 0);
	/* a time before the flows' last packet ends nothing */
	tx(ft, cl, 1020, sv, 53, UDP, 0, T0 + 200 * S, NULL);
	CU_ASSERT_EQUAL(wt_flow_expire(ft, T0), 0);
	wt_flow_table_free(ft);
}

static void
test_hard_timeout(void)
{
	struct wt_flow_conf c = conf_base();
	struct wt_flow_table *ft;
	struct wt_flow *f;
	uint64_t t;

	c.timeout_hard = 50;
	ft = mk_table(&c);
	/* a udp flow never idle for more than 10 s still ends 50 s after its first packet */
	for (t = T0; t <= T0 + 50 * S; t += 10 * S) {
		f = tx(ft, "10.8.0.1", 4000, "10.8.0.2", 53, UDP, 0, t, NULL);
		CU_ASSERT_EQUAL(wt_flow_expire(ft, t), 0);
	}
	CU_ASSERT_EQUAL(f->pkts[0], 6);
	CU_ASSERT_EQUAL(wt_flow_expire(ft, T0 + 50 * S + 1), 1);
	CU_ASSERT_EQUAL(rec.e[0].reason, WT_FLOW_END_TIMEOUT);
	CU_ASSERT_EQUAL(rec.e[0].f.pkts[0], 6);
	CU_ASSERT_EQUAL(rec.e[0].f.start_ns, T0);
	CU_ASSERT_EQUAL(rec.e[0].f.last_ns, T0 + 50 * S);
	/* the next packet starts a new flow with a new id */
	f = tx(ft, "10.8.0.1", 4000, "10.8.0.2", 53, UDP, 0, T0 + 51 * S, NULL);
	CU_ASSERT_NOT_EQUAL(f->flow_id, rec.e[0].f.flow_id);
	CU_ASSERT_EQUAL(f->start_ns, T0 + 51 * S);
	CU_ASSERT_EQUAL(f->pkts[0], 1);
	wt_flow_table_free(ft);

	/* timeout_hard 0: no hard timeout */
	c.timeout_hard = 0;
	ft = mk_table(&c);
	for (t = T0; t <= T0 + 5000 * S; t += 10 * S) {
		tx(ft, "10.8.0.1", 4000, "10.8.0.2", 53, UDP, 0, t, NULL);
		CU_ASSERT_EQUAL(wt_flow_expire(ft, t), 0);
	}
	CU_ASSERT_EQUAL(rec.n, 0);
	wt_flow_table_free(ft);
}

static void
test_sweep_budget(void)
{
	struct wt_flow_conf c = conf_base();
	struct wt_flow_table *ft;
	unsigned int per_window[64] = { 0 }, total = 0;
	struct wt_flow_stats st;
	char ip[32];

	c.sweep_budget = 16;
	ft = mk_table(&c);
	for (int i = 0; i < 40; i++) {
		struct wt_flow *f;

		snprintf(ip, sizeof(ip), "10.7.0.%d", i + 1);
		f = tx(ft, ip, 5000, "10.7.1.1", 53, UDP, 0, T0, NULL);
		CU_ASSERT_FATAL(f != NULL && f->slot < 1024);
		per_window[f->slot / 16]++;
	}
	/* each call visits the next 16 slots only */
	for (int w = 0; w < 64; w++) {
		uint32_t n = wt_flow_expire(ft, T0 + 21 * S);

		CU_ASSERT_EQUAL(n, per_window[w]);
		total += n;
		wt_flow_stats_get(ft, &st);
		CU_ASSERT_EQUAL(st.active, 40 - total);
	}
	CU_ASSERT_EQUAL(total, 40);
	CU_ASSERT_EQUAL(wt_flow_expire(ft, T0 + 21 * S), 0);
	wt_flow_table_free(ft);
}

/* Fill a 1024-entry table with udp flows 10.6.x.y -> 10.6.255.1, flow i last seen at T0 + i. */
static struct wt_flow_table *
full_table(struct wt_pkt *pk, struct wt_flow **fl)
{
	struct wt_flow_conf c = conf_base();
	struct wt_flow_table *ft = mk_table(&c);
	struct wt_flow_stats st;
	char ip[32];

	for (int i = 0; i < 1024; i++) {
		snprintf(ip, sizeof(ip), "10.6.%d.%d", i / 200, i % 200 + 1);
		mkpkt(&pk[i], ip, 7000, "10.6.255.1", 53, UDP, 0);
		fl[i] = up1(ft, &pk[i], 100, T0 + (uint64_t)i, NULL);
		CU_ASSERT_PTR_NOT_NULL_FATAL(fl[i]);
	}
	wt_flow_stats_get(ft, &st);
	CU_ASSERT_EQUAL(st.capacity, 1024);
	CU_ASSERT_EQUAL(st.active, 1024);
	return ft;
}

/* The least recently seen flow among slots [from, from + 8). */
static struct wt_flow *
lru_in(struct wt_flow **fl, uint32_t from)
{
	struct wt_flow *v = NULL;

	for (int i = 0; i < 1024; i++)
		if (fl[i]->slot >= from && fl[i]->slot < from + 8 &&
		    (v == NULL || fl[i]->last_ns < v->last_ns))
			v = fl[i];
	return v;
}

static void
test_eviction(void)
{
	static struct wt_pkt pk[1025];
	static struct wt_flow *fl[1024];
	static struct wt_pkt *pp[1025];
	static struct wt_flow *out[1025];
	static uint32_t len[1025];
	static uint64_t ts[1025];
	static uint8_t dir[1025];
	struct wt_flow_table *ft = full_table(pk, fl);
	struct wt_flow_key vkey;
	struct wt_flow_stats st;
	struct wt_flow *v, *f, *x;
	struct wt_pkt np, np2;
	uint32_t vslot;

	/* touch the oldest of the first 8 slots so that the victim is another one of them */
	x = lru_in(fl, 0);
	for (int i = 0; i < 1024; i++)
		if (fl[i] == x)
			CU_ASSERT_PTR_EQUAL(up1(ft, &pk[i], 100, T0 + S, NULL), x);
	v = lru_in(fl, 0);
	CU_ASSERT_PTR_NOT_EQUAL(v, x);
	vkey = v->key;
	vslot = v->slot;

	mkpkt(&np, "10.5.0.1", 9999, "10.5.0.2", 53, UDP, 0);
	f = up1(ft, &np, 100, T0 + 2 * S, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(rec.n, 1);
	CU_ASSERT_EQUAL(rec.e[0].reason, WT_FLOW_END_EVICTED);
	CU_ASSERT_EQUAL(memcmp(&rec.e[0].f.key, &vkey, sizeof(vkey)), 0);
	CU_ASSERT_EQUAL(rec.e[0].f.pkts[WT_DIR_TOSERVER], 1);
	CU_ASSERT_EQUAL(rec.e[0].f.bytes[WT_DIR_TOSERVER], 100);
	CU_ASSERT_EQUAL(rec.e[0].now, T0 + 2 * S);
	CU_ASSERT_EQUAL(rec.not_live, 0);
	CU_ASSERT_EQUAL(f->slot, vslot);
	CU_ASSERT_EQUAL(f->pkts[0], 1);
	wt_flow_stats_get(ft, &st);
	CU_ASSERT_EQUAL(st.ended[WT_FLOW_END_EVICTED], 1);
	CU_ASSERT_EQUAL(st.created, 1025);
	CU_ASSERT_EQUAL(st.active, 1024);
	CU_ASSERT_EQUAL(st.no_room, 0);

	/*
	 * The next window starts after the victim. Its least recent flow x is protected while the
	 * burst references it: as a later packet of the same chunk, or as an earlier one.
	 */
	for (int i = 0; i < 1024; i++)
		if (fl[i]->slot == vslot)
			fl[i] = f;
	x = lru_in(fl, vslot + 1);
	for (int round = 0; round < 2; round++) {
		uint64_t xp = x->pkts[0];
		struct wt_flow_key xkey = x->key;
		int xi = -1;

		for (int i = 0; i < 1024; i++)
			if (fl[i] == x)
				xi = i;
		CU_ASSERT_FATAL(xi >= 0);
		mkpkt(&np2, "10.5.1.1", (uint16_t)(100 + round), "10.5.1.2", 53, UDP, 0);
		pp[round == 0 ? 0 : 1] = &np2;
		pp[round == 0 ? 1 : 0] = &pk[xi];
		len[0] = len[1] = 100;
		ts[0] = ts[1] = T0 + 3 * S;
		rec.n = 0;
		CU_ASSERT_EQUAL(wt_flow_update_burst(ft, pp, len, ts, out, dir, 2), 2);
		CU_ASSERT_EQUAL(rec.n, 1);
		CU_ASSERT_NOT_EQUAL(memcmp(&rec.e[0].f.key, &xkey, sizeof(xkey)), 0);
		CU_ASSERT_PTR_EQUAL(out[round == 0 ? 1 : 0], x);
		CU_ASSERT_EQUAL(memcmp(&x->key, &xkey, sizeof(xkey)), 0);
		CU_ASSERT_EQUAL(x->pkts[0], xp + 1);
		CU_ASSERT(x->in_use);
		/* the evicted flow's slot now holds the new one */
		for (int i = 0; i < 1024; i++)
			if (fl[i]->in_use == 0 || memcmp(&fl[i]->key, &rec.e[0].f.key, 40) == 0)
				fl[i] = out[round == 0 ? 0 : 1];
	}
	wt_flow_table_free(ft);

	/* nothing evictable: every flow is referenced by the burst itself */
	ft = full_table(pk, fl);
	mkpkt(&pk[1024], "10.5.2.1", 1, "10.5.2.2", 2, UDP, 0);
	for (int i = 0; i < 1025; i++) {
		pp[i] = &pk[i];
		len[i] = 64;
		ts[i] = T0 + 5 * S;
	}
	CU_ASSERT_EQUAL(wt_flow_update_burst(ft, pp, len, ts, out, dir, 1025), 1024);
	CU_ASSERT_PTR_NULL(out[1024]);
	for (int i = 0; i < 1024; i++)
		CU_ASSERT_PTR_EQUAL(out[i], fl[i]);
	wt_flow_stats_get(ft, &st);
	CU_ASSERT_EQUAL(st.no_room, 1);
	CU_ASSERT_EQUAL(st.ended[WT_FLOW_END_EVICTED], 0);
	CU_ASSERT_EQUAL(rec.n, 0);
	wt_flow_table_free(ft);
}

static void
test_evict_expired(void)
{
	static struct wt_pkt pk[1024];
	static struct wt_flow *fl[1024];
	struct wt_flow_table *ft = full_table(pk, fl);
	struct wt_pkt np;

	/* under pressure, a victim already past its timeout ends as a timeout, not an eviction */
	mkpkt(&np, "10.5.0.1", 9999, "10.5.0.2", 53, UDP, 0);
	CU_ASSERT_PTR_NOT_NULL(up1(ft, &np, 100, T0 + 21 * S, NULL));
	CU_ASSERT_EQUAL(rec.n, 1);
	CU_ASSERT_EQUAL(rec.e[0].reason, WT_FLOW_END_TIMEOUT);
	wt_flow_table_free(ft);
}

static uint64_t
heap_allocated(void)
{
	struct rte_malloc_socket_stats ms;
	uint64_t sum = 0;

	for (unsigned int i = 0; i < rte_socket_count(); i++)
		if (rte_malloc_get_socket_stats(rte_socket_id_by_idx(i), &ms) == 0)
			sum += ms.heap_allocsz_bytes;
	return sum;
}

static void
test_memcap(void)
{
	struct wt_flow_conf c = conf_base();
	struct wt_flow_table *ft;
	struct wt_flow_stats st;
	uint64_t bpf, before, delta;

	ft = mk_table(&c);
	wt_flow_stats_get(ft, &st);
	bpf = st.bytes_per_flow;
	wt_flow_table_free(ft);
	/* the flow entry, a 48-byte key slot, two bucket tables and the free-slot ring at least */
	CU_ASSERT(bpf >= sizeof(struct wt_flow) + 48 + 16 + 4);
	CU_ASSERT(bpf <= sizeof(struct wt_flow) + 128);

	/* memcap, not max_flows, limits the table */
	c.max_flows = 1u << 20;
	c.memcap = 3000 * bpf + bpf - 1;
	before = heap_allocated();
	ft = mk_table(&c);
	delta = heap_allocated() - before;
	wt_flow_stats_get(ft, &st);
	CU_ASSERT_EQUAL(st.capacity, 3000);
	CU_ASSERT_EQUAL(st.bytes_per_flow, bpf);
	CU_ASSERT(st.memory <= c.memcap);
	CU_ASSERT(st.memory >= st.capacity * (sizeof(struct wt_flow) + 48));
	/* the accounting matches what the DPDK heap handed out, within allocator headers */
	CU_ASSERT(st.memory + 4096 >= delta && delta + 4096 >= st.memory);
	if (getenv("WT_TEST_VERBOSE") || !(st.memory + 4096 >= delta && delta + 4096 >= st.memory))
		fprintf(stderr, "\n  memory %lu, heap delta %lu\n", (unsigned long)st.memory,
			(unsigned long)delta);
	/* every entry is usable: 3000 flows fit without eviction */
	for (int i = 0; i < 3000; i++) {
		char ip[32];

		snprintf(ip, sizeof(ip), "10.4.%d.%d", i / 250, i % 250 + 1);
		CU_ASSERT_PTR_NOT_NULL(tx(ft, ip, 1, "10.4.255.1", 2, UDP, 0, T0, NULL));
	}
	wt_flow_stats_get(ft, &st);
	CU_ASSERT_EQUAL(st.active, 3000);
	CU_ASSERT_EQUAL(st.ended[WT_FLOW_END_EVICTED], 0);
	CU_ASSERT_PTR_NOT_NULL(tx(ft, "10.4.254.1", 1, "10.4.255.1", 2, UDP, 0, T0, NULL));
	wt_flow_stats_get(ft, &st);
	CU_ASSERT_EQUAL(st.ended[WT_FLOW_END_EVICTED], 1);
	wt_flow_table_free(ft);

	/* below 1024 entries: refused */
	c.memcap = 1023 * bpf;
	rte_errno = 0;
	CU_ASSERT_PTR_NULL(wt_flow_table_create("tflow_small", &c, SOCKET_ID_ANY, end_cb, NULL));
	CU_ASSERT_EQUAL(rte_errno, EINVAL);
	c.memcap = 1ull << 30;
	c.max_flows = 1000;
	rte_errno = 0;
	CU_ASSERT_PTR_NULL(wt_flow_table_create("tflow_small", &c, SOCKET_ID_ANY, end_cb, NULL));
	CU_ASSERT_EQUAL(rte_errno, EINVAL);
}

static void
test_create_errors(void)
{
	struct wt_flow_conf c = conf_base();
	struct wt_flow_table *ft;

	rte_errno = 0;
	CU_ASSERT_PTR_NULL(wt_flow_table_create(NULL, &c, SOCKET_ID_ANY, NULL, NULL));
	CU_ASSERT_EQUAL(rte_errno, EINVAL);
	CU_ASSERT_PTR_NULL(wt_flow_table_create("", &c, SOCKET_ID_ANY, NULL, NULL));
	CU_ASSERT_PTR_NULL(wt_flow_table_create("a_name_longer_than_twenty", &c, SOCKET_ID_ANY,
						NULL, NULL));
	CU_ASSERT_PTR_NULL(wt_flow_table_create("tflow_x", NULL, SOCKET_ID_ANY, NULL, NULL));
	c.sweep_budget = 0;
	CU_ASSERT_PTR_NULL(wt_flow_table_create("tflow_x", &c, SOCKET_ID_ANY, NULL, NULL));
	CU_ASSERT_EQUAL(rte_errno, EINVAL);
	c = conf_base();
	/* names are per process; a duplicate fails cleanly and leaks nothing */
	ft = wt_flow_table_create("tflow_dup", &c, SOCKET_ID_ANY, NULL, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ft);
	rte_errno = 0;
	CU_ASSERT_PTR_NULL(wt_flow_table_create("tflow_dup", &c, SOCKET_ID_ANY, NULL, NULL));
	CU_ASSERT_EQUAL(rte_errno, EEXIST);
	/* a table without a callback still ends flows */
	CU_ASSERT_PTR_NOT_NULL(tx(ft, "10.3.0.1", 1, "10.3.0.2", 2, UDP, 0, T0, NULL));
	CU_ASSERT_EQUAL(wt_flow_flush(ft, T0), 1);
	wt_flow_table_free(ft);
	wt_flow_table_free(NULL);
}

static void
test_flush(void)
{
	struct wt_flow_conf c = conf_base();
	struct wt_flow_table *ft = mk_table(&c);
	const char *cl = "10.2.0.2", *sv = "10.2.0.1";
	struct wt_flow_stats st;
	int i;

	tx(ft, cl, 2001, sv, 80, TCP, FIN | ACK, T0, NULL);                 /* closed */
	tx(ft, sv, 80, cl, 2001, TCP, FIN | ACK, T0, NULL);
	tx(ft, cl, 2002, sv, 80, TCP, SYN, T0, NULL);                       /* reset */
	tx(ft, sv, 80, cl, 2002, TCP, RST, T0, NULL);
	tx(ft, cl, 2003, sv, 80, TCP, SYN, T0, NULL);                       /* established */
	tx(ft, sv, 80, cl, 2003, TCP, SYN | ACK, T0, NULL);
	tx(ft, cl, 2003, sv, 80, TCP, ACK, T0, NULL);
	tx(ft, cl, 2004, sv, 53, UDP, 0, T0, NULL);
	tx(ft, cl, 2005, sv, 80, TCP, FIN | ACK, T0, NULL);                 /* closing */
	CU_ASSERT_EQUAL(wt_flow_flush(ft, T0 + 1), 5);
	CU_ASSERT_EQUAL(rec.n, 5);
	CU_ASSERT_EQUAL(rec.e[rec_find_port(2001)].reason, WT_FLOW_END_FIN);
	CU_ASSERT_EQUAL(rec.e[rec_find_port(2002)].reason, WT_FLOW_END_RST);
	CU_ASSERT_EQUAL(rec.e[rec_find_port(2003)].reason, WT_FLOW_END_SHUTDOWN);
	CU_ASSERT_EQUAL(rec.e[rec_find_port(2004)].reason, WT_FLOW_END_SHUTDOWN);
	CU_ASSERT_EQUAL(rec.e[rec_find_port(2005)].reason, WT_FLOW_END_SHUTDOWN);
	for (i = 0; i < 5; i++)
		CU_ASSERT_EQUAL(rec.e[i].now, T0 + 1);
	CU_ASSERT_EQUAL(rec.not_live, 0);
	wt_flow_stats_get(ft, &st);
	CU_ASSERT_EQUAL(st.active, 0);
	CU_ASSERT_EQUAL(st.ended[WT_FLOW_END_FIN], 1);
	CU_ASSERT_EQUAL(st.ended[WT_FLOW_END_RST], 1);
	CU_ASSERT_EQUAL(st.ended[WT_FLOW_END_SHUTDOWN], 3);
	CU_ASSERT_EQUAL(wt_flow_flush(ft, T0 + 2), 0);
	/* the table is empty and usable again */
	CU_ASSERT_PTR_NOT_NULL(tx(ft, cl, 2001, sv, 80, TCP, SYN, T0 + 3, NULL));
	wt_flow_stats_get(ft, &st);
	CU_ASSERT_EQUAL(st.active, 1);
	CU_ASSERT_EQUAL(st.created, 6);
	wt_flow_table_free(ft);
}

static void
test_same_new_flow_in_burst(void)
{
	struct wt_flow_conf c = conf_base();
	struct wt_flow_table *ft = mk_table(&c);
	struct wt_pkt p[6], *pp[6];
	struct wt_flow *out[6];
	uint32_t len[6] = { 60, 60, 52, 80, 90, 52 };
	uint64_t ts[6] = { T0, T0 + 1, T0 + 2, T0 + 3, T0 + 4, T0 + 5 };
	uint8_t dir[6];
	struct wt_flow_stats st;

	mkpkt(&p[0], "10.1.0.9", 40000, "10.1.0.1", 443, TCP, SYN);
	mkpkt(&p[1], "10.1.0.1", 443, "10.1.0.9", 40000, TCP, SYN | ACK);
	mkpkt(&p[2], "10.1.0.9", 40000, "10.1.0.1", 443, TCP, ACK);
	mkpkt(&p[3], "10.1.0.9", 5353, "10.1.0.1", 53, UDP, 0);
	mkpkt(&p[4], "10.1.0.1", 53, "10.1.0.9", 5353, UDP, 0);
	mkpkt(&p[5], "10.1.0.9", 40000, "10.1.0.1", 443, TCP, FIN | ACK);
	for (int i = 0; i < 6; i++)
		pp[i] = &p[i];
	CU_ASSERT_EQUAL(wt_flow_update_burst(ft, pp, len, ts, out, dir, 6), 6);
	CU_ASSERT_PTR_EQUAL(out[1], out[0]);
	CU_ASSERT_PTR_EQUAL(out[2], out[0]);
	CU_ASSERT_PTR_EQUAL(out[5], out[0]);
	CU_ASSERT_PTR_EQUAL(out[4], out[3]);
	CU_ASSERT_PTR_NOT_EQUAL(out[3], out[0]);
	CU_ASSERT_EQUAL(dir[0], WT_DIR_TOSERVER);
	CU_ASSERT_EQUAL(dir[1], WT_DIR_TOCLIENT);
	CU_ASSERT_EQUAL(dir[2], WT_DIR_TOSERVER);
	CU_ASSERT_EQUAL(dir[3], WT_DIR_TOSERVER);
	CU_ASSERT_EQUAL(dir[4], WT_DIR_TOCLIENT);
	CU_ASSERT_EQUAL(out[0]->state, WT_TCP_STATE_CLOSING);
	CU_ASSERT(out[0]->flags & WT_FLOW_F_HANDSHAKE);
	CU_ASSERT_EQUAL(out[0]->pkts[WT_DIR_TOSERVER], 3);
	CU_ASSERT_EQUAL(out[0]->pkts[WT_DIR_TOCLIENT], 1);
	CU_ASSERT_EQUAL(out[0]->bytes[WT_DIR_TOSERVER], 60 + 52 + 52);
	CU_ASSERT_EQUAL(out[0]->start_ns, T0);
	CU_ASSERT_EQUAL(out[0]->last_ns, T0 + 5);
	CU_ASSERT_EQUAL(out[3]->bytes[WT_DIR_TOCLIENT], 90);
	wt_flow_stats_get(ft, &st);
	CU_ASSERT_EQUAL(st.created, 2);
	CU_ASSERT_EQUAL(st.active, 2);
	wt_flow_table_free(ft);
}

static void
test_big_burst(void)
{
	static struct wt_pkt p[300];
	static struct wt_pkt *pp[300];
	static struct wt_flow *out[300];
	static uint32_t len[300];
	static uint64_t ts[300];
	static uint8_t dir[300];
	struct wt_flow_conf c = conf_base();
	struct wt_flow_table *ft = mk_table(&c);
	struct wt_flow_stats st;
	char ip[32];

	/* 150 flows, each seen both ways, the reverse packet 150 positions (3 chunks) later */
	for (int i = 0; i < 150; i++) {
		snprintf(ip, sizeof(ip), "10.0.%d.%d", 10 + i / 100, i % 100 + 1);
		mkpkt(&p[i], ip, 6000, "10.0.99.1", 80, TCP, SYN);
		mkpkt(&p[150 + i], "10.0.99.1", 80, ip, 6000, TCP, SYN | ACK);
	}
	for (int i = 0; i < 300; i++) {
		pp[i] = &p[i];
		len[i] = 60;
		ts[i] = T0 + (uint64_t)i;
	}
	CU_ASSERT_EQUAL(wt_flow_update_burst(ft, pp, len, ts, out, dir, 300), 300);
	for (int i = 0; i < 150; i++) {
		CU_ASSERT_PTR_EQUAL(out[150 + i], out[i]);
		CU_ASSERT_EQUAL(dir[i], WT_DIR_TOSERVER);
		CU_ASSERT_EQUAL(dir[150 + i], WT_DIR_TOCLIENT);
		CU_ASSERT_EQUAL(out[i]->state, WT_TCP_STATE_SYN_RECV);
		CU_ASSERT_EQUAL(out[i]->pkts[0] + out[i]->pkts[1], 2);
	}
	wt_flow_stats_get(ft, &st);
	CU_ASSERT_EQUAL(st.created, 150);
	wt_flow_table_free(ft);
}

static void
test_ipv6_icmp(void)
{
	struct wt_flow_conf c = conf_base();
	struct wt_flow_table *ft = mk_table(&c);
	struct wt_flow *f, *g;
	uint8_t d, lo[16];

	f = tx(ft, "2001:db8::20", 50000, "2001:db8::10", 443, TCP, SYN, T0, &d);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->key.ipver, 6);
	inet_pton(AF_INET6, "2001:db8::10", lo);
	CU_ASSERT_EQUAL(memcmp(f->key.ip_a, lo, 16), 0);
	CU_ASSERT_EQUAL(f->client_is_a, 0);
	CU_ASSERT_PTR_EQUAL(tx(ft, "2001:db8::10", 443, "2001:db8::20", 50000, TCP, SYN | ACK,
			       T0 + 1, &d), f);
	CU_ASSERT_EQUAL(d, WT_DIR_TOCLIENT);
	CU_ASSERT_EQUAL(f->state, WT_TCP_STATE_SYN_RECV);
	/* the v4-mapped-looking v4 tuple with the same bytes is another flow */
	g = tx(ft, "32.1.13.184", 50000, "32.1.13.184", 443, TCP, SYN, T0, NULL);
	CU_ASSERT_PTR_NOT_EQUAL(g, f);
	CU_ASSERT_EQUAL(g->key.ipver, 4);

	/* echo request and reply are one flow (ICMP types mapped like the Community ID) */
	f = tx(ft, "2001:db8::20", 128, "2001:db8::10", 0, IPPROTO_ICMPV6, 0, T0, &d);
	CU_ASSERT_EQUAL(d, WT_DIR_TOSERVER);
	CU_ASSERT_PTR_EQUAL(tx(ft, "2001:db8::10", 129, "2001:db8::20", 0, IPPROTO_ICMPV6, 0,
			       T0 + 1, &d), f);
	CU_ASSERT_EQUAL(d, WT_DIR_TOCLIENT);
	CU_ASSERT_EQUAL(f->pkts[0] + f->pkts[1], 2);
	f = tx(ft, "192.0.2.50", 8, "192.0.2.1", 0, IPPROTO_ICMP, 0, T0, &d);
	CU_ASSERT_PTR_EQUAL(tx(ft, "192.0.2.1", 0, "192.0.2.50", 0, IPPROTO_ICMP, 0, T0 + 1, &d), f);
	CU_ASSERT_EQUAL(d, WT_DIR_TOCLIENT);
	CU_ASSERT_EQUAL(f->client_is_a, 0);
	/* a one-way message (port unreachable) is its own flow */
	g = tx(ft, "192.0.2.1", 3, "192.0.2.50", 3, IPPROTO_ICMP, 0, T0 + 2, &d);
	CU_ASSERT_PTR_NOT_EQUAL(g, f);
	CU_ASSERT_EQUAL(g->key.port_a, 3);
	CU_ASSERT_EQUAL(g->key.port_b, 3);
	wt_flow_table_free(ft);
}

static void
test_vlan(void)
{
	struct wt_flow_conf c = conf_base();
	struct wt_flow_table *ft = mk_table(&c);
	struct wt_pkt p;
	struct wt_flow *f[3];
	uint8_t d;

	for (int i = 0; i < 3; i++) {
		mkpkt(&p, "10.0.5.1", 1234, "10.0.5.2", 80, TCP, SYN);
		p.vlan[0] = (uint16_t)(i * 10);
		p.vlan[1] = 77;               /* the inner tag is not part of the key */
		if (i != 0)
			p.flags |= WT_PKT_F_VLAN;
		f[i] = up1(ft, &p, 64, T0, NULL);
		CU_ASSERT_PTR_NOT_NULL_FATAL(f[i]);
		CU_ASSERT_EQUAL(f[i]->key.vlan, i * 10);
	}
	CU_ASSERT_PTR_NOT_EQUAL(f[0], f[1]);
	CU_ASSERT_PTR_NOT_EQUAL(f[1], f[2]);
	CU_ASSERT_PTR_NOT_EQUAL(f[0], f[2]);
	/* the reply on vlan 10 joins the vlan 10 flow */
	mkpkt(&p, "10.0.5.2", 80, "10.0.5.1", 1234, TCP, SYN | ACK);
	p.vlan[0] = 10;
	p.flags |= WT_PKT_F_VLAN;
	CU_ASSERT_PTR_EQUAL(up1(ft, &p, 64, T0 + 1, &d), f[1]);
	CU_ASSERT_EQUAL(d, WT_DIR_TOCLIENT);
	CU_ASSERT_EQUAL(f[0]->pkts[1] + f[2]->pkts[1], 0);
	wt_flow_table_free(ft);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void
test_stats_ids(void)
{
	static uint64_t ids[2000];
	struct wt_flow_conf c = conf_base();
	struct wt_flow_table *ft;
	struct wt_flow_stats st;
	uint64_t ended = 0;
	char ip[32];

	c.max_flows = 4096;
	c.worker_id = 0;
	ft = mk_table(&c);
	wt_flow_stats_get(ft, &st);
	CU_ASSERT_EQUAL(st.capacity, 4096);
	CU_ASSERT_EQUAL(st.created, 0);
	CU_ASSERT(st.memory > 4096 * sizeof(struct wt_flow));
	for (int i = 0; i < 2000; i++) {
		struct wt_flow *f;

		snprintf(ip, sizeof(ip), "10.%d.%d.1", 100 + i / 250, i % 250);
		/* the first 1000 at T0, the others 30 s later */
		f = tx(ft, ip, 1, "10.99.0.1", 2, UDP, 0, i < 1000 ? T0 : T0 + 30 * S, NULL);
		ids[i] = f->flow_id;
		CU_ASSERT_NOT_EQUAL(f->flow_id, 0);
		CU_ASSERT_EQUAL(f->flow_id >> WT_FLOW_ID_WORKER_SHIFT, 0);
	}
	qsort(ids, 2000, sizeof(ids[0]), cmp_u64);
	for (int i = 1; i < 2000; i++)
		CU_ASSERT_NOT_EQUAL(ids[i], ids[i - 1]);
	CU_ASSERT_EQUAL(wt_flow_expire(ft, T0 + 21 * S), 1000);
	tx(ft, "10.98.0.1", 1, "10.99.0.1", 2, UDP, 0, T0 + 31 * S, NULL);
	wt_flow_stats_get(ft, &st);
	CU_ASSERT_EQUAL(st.created, 2001);
	CU_ASSERT_EQUAL(st.active, 1001);
	CU_ASSERT_EQUAL(st.peak_active, 2000);
	CU_ASSERT_EQUAL(st.ended[WT_FLOW_END_TIMEOUT], 1000);
	for (int r = 0; r < WT_FLOW_END__MAX; r++)
		ended += st.ended[r];
	CU_ASSERT_EQUAL(st.created - ended, st.active);
	CU_ASSERT_EQUAL(st.no_room, 0);
	wt_flow_table_free(ft);
}

static void
test_names(void)
{
	for (int i = 0; i < WT_TCP_STATE__MAX; i++)
		CU_ASSERT_PTR_NOT_NULL(wt_tcp_state_names[i]);
	for (int i = 0; i < WT_FLOW_END__MAX; i++)
		CU_ASSERT_PTR_NOT_NULL(wt_flow_end_names[i]);
	CU_ASSERT_STRING_EQUAL(wt_tcp_state_names[WT_TCP_STATE_NONE], "none");
	CU_ASSERT_STRING_EQUAL(wt_tcp_state_names[WT_TCP_STATE_ESTABLISHED], "established");
	CU_ASSERT_STRING_EQUAL(wt_tcp_state_names[WT_TCP_STATE_RESET], "reset");
	CU_ASSERT_STRING_EQUAL(wt_flow_end_names[WT_FLOW_END_TIMEOUT], "timeout");
	CU_ASSERT_STRING_EQUAL(wt_flow_end_names[WT_FLOW_END_EVICTED], "evicted");
	CU_ASSERT_STRING_EQUAL(wt_flow_end_names[WT_FLOW_END_SHUTDOWN], "shutdown");
}

int
wt_test_flow(void)
{
	static const struct {
		const char *name;
		CU_TestFunc fn;
	} tests[] = {
		{ "both directions -> one flow", test_directions },
		{ "per-direction counters", test_counters },
		{ "client detection", test_client },
		{ "tcp states", test_tcp_states },
		{ "idle timeouts by protocol and state", test_timeouts },
		{ "hard timeout", test_hard_timeout },
		{ "sweep budget", test_sweep_budget },
		{ "eviction when full", test_eviction },
		{ "eviction of an expired flow", test_evict_expired },
		{ "memcap sizing", test_memcap },
		{ "create errors", test_create_errors },
		{ "flush reasons", test_flush },
		{ "same new flow twice in a burst", test_same_new_flow_in_burst },
		{ "burst over several lookup chunks", test_big_burst },
		{ "ipv6 and icmp", test_ipv6_icmp },
		{ "vlan separates flows", test_vlan },
		{ "stats and flow ids", test_stats_ids },
		{ "names", test_names },
	};
	CU_pSuite s = CU_add_suite("flow", NULL, NULL);

	if (s == NULL)
		return -1;
	for (size_t i = 0; i < WT_ARRAY_SIZE(tests); i++)
		if (CU_add_test(s, tests[i].name, tests[i].fn) == NULL)
			return -1;
	return 0;
}
