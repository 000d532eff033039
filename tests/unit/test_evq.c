/* SPDX-License-Identifier: BSD-3-Clause */
/* Event queue: burst enqueue/dequeue through the per-worker SPSC rings, full-ring behaviour,
 * worker -> exporter mapping, and the event record built from a flow. */
#include <string.h>

#include <CUnit/CUnit.h>
#include <rte_mempool.h>

#include "wt_evq.h"

int wt_test_evq(void);

static void
test_evq_roundtrip(void)
{
	struct rte_mempool *mp = wt_event_pool_create("t_evq_pool", 1023, 0, 0);
	struct wt_event *evs[64], *out[64];
	struct wt_evq q;
	uint16_t n;

	CU_ASSERT_FATAL(mp != NULL);
	CU_ASSERT_EQUAL(wt_evq_create(&q, 3, 2, 3, 0), -EINVAL); /* not a power of two */
	CU_ASSERT_EQUAL_FATAL(wt_evq_create(&q, 3, 2, 16, 0), 0);
	CU_ASSERT_EQUAL(wt_evq_exporter_of(&q, 0), 0);
	CU_ASSERT_EQUAL(wt_evq_exporter_of(&q, 1), 1);
	CU_ASSERT_EQUAL(wt_evq_exporter_of(&q, 2), 0);
	CU_ASSERT_EQUAL_FATAL(rte_mempool_get_bulk(mp, (void **)evs, 20), 0);
	for (int i = 0; i < 20; i++)
		evs[i]->flow_id = (uint64_t)i + 1;
	/* A ring of 16 holds 15: the rest stays with the caller (counted as a drop there). */
	n = wt_evq_enqueue(&q, 1, evs, 20);
	CU_ASSERT_EQUAL(n, 15);
	CU_ASSERT_EQUAL(wt_evq_count(&q, 1), 15);
	CU_ASSERT_EQUAL(wt_evq_count(&q, 0), 0);
	n = wt_evq_dequeue(&q, 1, out, 64);
	CU_ASSERT_EQUAL(n, 15);
	for (int i = 0; i < 15; i++)
		CU_ASSERT_EQUAL(out[i]->flow_id, (uint64_t)i + 1); /* order kept */
	rte_mempool_put_bulk(mp, (void **)out, n);
	/* Events left in a ring go back to the pool when the queues are freed. */
	CU_ASSERT_EQUAL(wt_evq_enqueue(&q, 2, &evs[15], 5), 5);
	wt_evq_free(&q);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(mp), 1023);
	rte_mempool_free(mp);
}

static void
test_event_from_flow(void)
{
	struct wt_flow f;
	struct wt_event ev;

	memset(&f, 0, sizeof(f));
	f.key.ipver = 4;
	f.key.proto = 6;
	f.key.ip_a[0] = 10; f.key.ip_a[3] = 1;
	f.key.ip_b[0] = 10; f.key.ip_b[3] = 2;
	f.key.port_a = 80;
	f.key.port_b = 40000;
	f.client_is_a = 0; /* client is b */
	f.pkts[WT_DIR_TOSERVER] = 5;
	f.pkts[WT_DIR_TOCLIENT] = 4;
	f.bytes[WT_DIR_TOSERVER] = 500;
	f.bytes[WT_DIR_TOCLIENT] = 4000;
	f.start_ns = 1000;
	f.last_ns = 2000;
	f.state = WT_TCP_STATE_CLOSED;
	f.flow_id = 77;
	wt_event_from_flow(&ev, &f, WT_FLOW_END_FIN, 3000, 1);
	CU_ASSERT_EQUAL(ev.type, WT_EVENT_FLOW);
	CU_ASSERT_EQUAL(ev.src_ip[3], 2);
	CU_ASSERT_EQUAL(ev.dst_ip[3], 1);
	CU_ASSERT_EQUAL(ev.sport, 40000);
	CU_ASSERT_EQUAL(ev.dport, 80);
	CU_ASSERT_EQUAL(ev.u.flow.pkts_toserver, 5);
	CU_ASSERT_EQUAL(ev.u.flow.bytes_toclient, 4000);
	CU_ASSERT_EQUAL(ev.u.flow.reason, WT_FLOW_END_FIN);
	CU_ASSERT_EQUAL(ev.u.flow.end_ns, 2000);
	CU_ASSERT_EQUAL(ev.ts_ns, 3000);
	CU_ASSERT_EQUAL(ev.flow_id, 77);
	CU_ASSERT_STRING_EQUAL(wt_event_type_names[ev.type], "flow");
}

int
wt_test_evq(void)
{
	CU_pSuite s = CU_add_suite("evq", NULL, NULL);

	if (s == NULL)
		return -1;
	if (CU_add_test(s, "ring roundtrip", test_evq_roundtrip) == NULL ||
	    CU_add_test(s, "event from flow", test_event_from_flow) == NULL)
		return -1;
	return 0;
}
