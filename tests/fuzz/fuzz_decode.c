/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for lib/decode. Input: 2 bytes choosing where the first mbuf segment ends,
 * then the frame. Checks that wt_decode_pkt() stays in bounds and keeps its invariants, and that
 * the burst path over a split frame agrees with it (same result, or MULTISEG). No EAL needed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <netinet/in.h>
#include <rte_mbuf.h>

#include "wt_decode.h"

#define FUZZ_ASSERT(c) do { if (!(c)) __builtin_trap(); } while (0)

static struct wt_decode_lcore dl;

static void
check_invariants(int r, const struct wt_pkt *p, uint32_t len)
{
	uint64_t sum = dl.ok;

	FUZZ_ASSERT(r >= WT_DECODE_OK && r < WT_DECODE_DROP__MAX);
	for (int i = 1; i < WT_DECODE_DROP__MAX; i++)
		sum += dl.drops[i];
	FUZZ_ASSERT(sum == dl.pkts);
	if (r != WT_DECODE_OK)
		return;
	FUZZ_ASSERT(p->l3_off >= 14 && p->l3_off < p->l4_off);
	FUZZ_ASSERT(p->l4_off <= p->payload_off);
	FUZZ_ASSERT((uint32_t)p->payload_off + p->payload_len <= len);
	FUZZ_ASSERT(p->hash == wt_decode_hash(p));
	if (!(p->flags & WT_PKT_F_L4))
		FUZZ_ASSERT(p->sport == 0 && p->dport == 0);
	if (!(p->flags & WT_PKT_F_IPV6))
		for (int i = 4; i < 16; i++)
			FUZZ_ASSERT(p->src_ip[i] == 0 && p->dst_ip[i] == 0);

	struct wt_pkt q = *p; /* the reverse direction hashes the same */

	memcpy(q.src_ip, p->dst_ip, 16);
	memcpy(q.dst_ip, p->src_ip, 16);
	q.sport = p->dport;
	q.dport = p->sport;
	FUZZ_ASSERT(wt_decode_hash(&q) == p->hash);
}

/* A bare mbuf with its wt_pkt private area; the EAL is not needed to point it at bytes. */
static union {
	struct rte_mbuf m;
	uint8_t raw[sizeof(struct rte_mbuf) + sizeof(struct wt_pkt)];
} mb __rte_cache_aligned;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rte_mbuf *m = &mb.m;
	struct wt_pkt p;
	uint32_t len, seg;
	uint8_t *first;
	uint8_t verdict;
	int r;

	if (size < 2 || size > UINT16_MAX)
		return 0;
	seg = (uint32_t)data[0] << 8 | data[1];
	data += 2;
	len = (uint32_t)(size - 2);
	if (seg > len)
		seg = len;

	r = wt_decode_pkt(&dl, data, len, &p);
	check_invariants(r, &p, len);

	/* First segment in its own exact-size buffer, so ASan flags a read past data_len. */
	first = malloc(seg ? seg : 1);
	FUZZ_ASSERT(first != NULL);
	memcpy(first, data, seg);
	memset(&mb, 0, sizeof(mb));
	m->buf_addr = first;
	m->data_off = 0;
	m->data_len = (uint16_t)seg;
	m->pkt_len = len;
	m->nb_segs = seg < len ? 2 : 1;
	FUZZ_ASSERT(wt_decode_burst(&dl, &m, &verdict, 1) == (verdict == WT_DECODE_OK));
	if (seg == len || verdict != WT_DECODE_DROP_MULTISEG) {
		FUZZ_ASSERT(verdict == r);
		FUZZ_ASSERT(memcmp(wt_pkt_of(m), &p, sizeof(p)) == 0);
	}
	free(first);
	return 0;
}
