/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Creating a worker's flow table: sizes it from max_flows and the memcap (so a worker's memory
 * is known before the first packet), builds the rte_hash and the preallocated entries.
 */
#include <errno.h>
#include <string.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>
#include <rte_ring_elem.h>

#include "flow_priv.h"

const char *const wt_app_proto_names[WT_APP__MAX] = {
#define _(sym, name) name,
	foreach_wt_app_proto
#undef _
};

const char *const wt_tcp_state_names[WT_TCP_STATE__MAX] = {
#define _(sym, name) name,
	foreach_wt_tcp_state
#undef _
};

const char *const wt_flow_end_names[WT_FLOW_END__MAX] = {
#define _(sym, name) name,
	foreach_wt_flow_end
#undef _
};

/*
 * rte_hash memory, mirroring rte_hash_create() in DPDK 22.11 lib/hash/rte_cuckoo_hash.c for a
 * table without multi-writer / lock-free flags and with RTE_HASH_EXTRA_FLAGS_EXT_TABLE:
 *   key store   (entries + 1) x RTE_ALIGN(sizeof(struct rte_hash_key) = 8 + key_len 40, 16) = 48 B
 *   buckets     align32pow2(entries) / 8 buckets of 64 B (8 x 2 B sig, 8 x 4 B key index,
 *               8 x 1 B flag, 8 B next; cache aligned), twice: main table + extendable table
 *   free slots  ring of align32pow2(entries + 1) x 4 B
 *   ext buckets ring of align32pow2(buckets + 1) x 4 B
 *   fixed       struct rte_hash, tailq entry, change counter, allocator headers (~2 KiB)
 * Per entry that is 48 + 16 + 4 + 0.5 B when entries is just below a power of two; the
 * power-of-two rounding at most doubles the bucket and ring parts, so the sizing figure uses
 * 48 + 32 + 8 + 2 = 90 B and never underestimates.
 */
#define FLOW_HASH_KEY_SLOT   48u
#define FLOW_HASH_BUCKET     64u
#define FLOW_HASH_BKT_ENTRIES 8u
#define FLOW_HASH_FIXED      2048u
#define FLOW_HASH_PER_ENTRY_MAX (FLOW_HASH_KEY_SLOT + 2u * 2u * FLOW_HASH_BUCKET / \
				 FLOW_HASH_BKT_ENTRIES + 2u * 4u + 2u)

_Static_assert(sizeof(struct wt_flow) % 8 == 0, "flow entry alignment");
_Static_assert(sizeof(struct wt_flow_key) + 8 <= FLOW_HASH_KEY_SLOT, "key slot estimate");

uint64_t
wt_flow_bytes_per_flow(void)
{
	return sizeof(struct wt_flow) + FLOW_HASH_PER_ENTRY_MAX;
}

static uint64_t
ring_bytes(uint32_t count)
{
	ssize_t sz = rte_ring_get_memsize_elem(sizeof(uint32_t), rte_align32pow2(count));

	return sz > 0 ? (uint64_t)sz : 0;
}

uint64_t
wt_flow_mem_bytes(uint32_t capacity)
{
	uint64_t pow2 = rte_align32pow2(capacity);
	uint64_t buckets = pow2 / FLOW_HASH_BKT_ENTRIES;

	return (uint64_t)capacity * sizeof(struct wt_flow) +
	       ((uint64_t)capacity + 1) * FLOW_HASH_KEY_SLOT +
	       2 * buckets * FLOW_HASH_BUCKET +
	       ring_bytes(capacity + 1) + ring_bytes((uint32_t)buckets + 1) +
	       FLOW_HASH_FIXED + sizeof(struct wt_flow_table);
}

static int
conf_check(const char *name, const struct wt_flow_conf *conf, uint64_t *cap)
{
	uint64_t n;

	if (name == NULL || conf == NULL || name[0] == '\0' || strlen(name) > FLOW_NAME_MAX)
		return -EINVAL;
	if (conf->sweep_budget == 0)
		return -EINVAL;
	n = RTE_MIN((uint64_t)conf->max_flows, conf->memcap / wt_flow_bytes_per_flow());
	/* rte_hash key positions are int32_t */
	if (n < FLOW_MIN_CAPACITY || n > (1u << 30))
		return -EINVAL;
	*cap = n;
	return 0;
}

struct wt_flow_table *
wt_flow_table_create(const char *name, const struct wt_flow_conf *conf, int socket,
		     wt_flow_end_cb cb, void *cb_arg)
{
	struct rte_hash_parameters hp;
	struct wt_flow_table *ft;
	uint64_t cap;
	int rc;

	rc = conf_check(name, conf, &cap);
	if (rc < 0) {
		rte_errno = -rc;
		return NULL;
	}
	if (rte_hash_find_existing(name) != NULL) {
		rte_errno = EEXIST;
		return NULL;
	}
	ft = rte_zmalloc_socket("wt_flow_table", sizeof(*ft), RTE_CACHE_LINE_SIZE, socket);
	if (ft == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	ft->flows = rte_zmalloc_socket("wt_flows", cap * sizeof(struct wt_flow),
				       RTE_CACHE_LINE_SIZE, socket);
	if (ft->flows == NULL) {
		rte_free(ft);
		rte_errno = ENOMEM;
		return NULL;
	}
	memset(&hp, 0, sizeof(hp));
	hp.name = name;
	hp.entries = (uint32_t)cap;
	hp.key_len = sizeof(struct wt_flow_key);
	hp.hash_func = rte_hash_crc;
	hp.hash_func_init_val = 0x57a11u;
	hp.socket_id = socket;
	/* single writer (the owning worker), no locks; the extendable table guarantees that all
	 * `entries` keys fit whatever the hash collisions */
	hp.extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE;
	ft->h = rte_hash_create(&hp);
	if (ft->h == NULL) {
		rc = rte_errno != 0 ? rte_errno : ENOMEM;
		rte_free(ft->flows);
		rte_free(ft);
		rte_errno = rc;
		return NULL;
	}
	ft->capacity = (uint32_t)cap;
	ft->id_hi = (uint64_t)(conf->worker_id & 63) << WT_FLOW_ID_WORKER_SHIFT;
	ft->to_new = (uint64_t)conf->timeout_new * 1000000000ull;
	ft->to_est = (uint64_t)conf->timeout_established * 1000000000ull;
	ft->to_closed = (uint64_t)conf->timeout_closed * 1000000000ull;
	ft->to_udp = (uint64_t)conf->timeout_udp * 1000000000ull;
	ft->to_icmp = (uint64_t)conf->timeout_icmp * 1000000000ull;
	ft->to_other = (uint64_t)conf->timeout_other * 1000000000ull;
	ft->to_hard = (uint64_t)conf->timeout_hard * 1000000000ull;
	ft->sweep_budget = RTE_MIN(conf->sweep_budget, ft->capacity);
	ft->cb = cb;
	ft->cb_arg = cb_arg;
	ft->st.capacity = cap;
	ft->st.bytes_per_flow = wt_flow_bytes_per_flow();
	ft->st.memory = wt_flow_mem_bytes(ft->capacity);
	return ft;
}

void
wt_flow_table_free(struct wt_flow_table *ft)
{
	if (ft == NULL)
		return;
	rte_hash_free(ft->h);
	rte_free(ft->flows);
	rte_free(ft);
}

void
wt_flow_stats_get(const struct wt_flow_table *ft, struct wt_flow_stats *st)
{
	*st = ft->st;
}
