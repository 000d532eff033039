/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Hyperscan stream states without malloc on workers. hs_open_stream() allocates through the
 * process-wide stream allocator; we install ours once and route it, per thread, to the calling
 * worker's pool of hs_stream_size() slots (preallocated on its NUMA node). Outside a worker's
 * call (no pool entered) the system allocator is used, so other users of Hyperscan streams in
 * the process are unaffected. Freed pointers find their pool by address.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>

#include "match_priv.h"

#define MAX_POOLS 256

static __thread struct match_pool *tls_pool;
static struct match_pool *pools[MAX_POOLS]; /* registry for frees from another pool's thread */
static pthread_once_t once = PTHREAD_ONCE_INIT;

static struct match_pool *
owner(void *ptr)
{
	uint8_t *p = ptr;
	struct match_pool *t = tls_pool;

	if (t && p >= t->base && p < t->base + (size_t)t->n * t->slot)
		return t;
	for (unsigned i = 0; i < MAX_POOLS; i++) {
		struct match_pool *o = __atomic_load_n(&pools[i], __ATOMIC_ACQUIRE);

		if (o && p >= o->base && p < o->base + (size_t)o->n * o->slot)
			return o;
	}
	return NULL;
}

static void *
pool_alloc(size_t size)
{
	struct match_pool *p = tls_pool;
	uint32_t idx;

	if (!p)
		return malloc(size);
	if (size > p->slot || p->free_top == 0)
		return NULL; /* hs_open_stream returns HS_NOMEM: counted by the caller */
	idx = p->free[--p->free_top];
	p->in_use++;
	if (p->in_use > p->peak)
		p->peak = p->in_use;
	return p->base + (size_t)idx * p->slot;
}

static void
pool_free(void *ptr)
{
	struct match_pool *p;

	if (!ptr)
		return;
	p = owner(ptr);
	if (!p) {
		free(ptr);
		return;
	}
	p->free[p->free_top++] = (uint32_t)(((uint8_t *)ptr - p->base) / p->slot);
	p->in_use--;
}

static void
install(void)
{
	hs_set_stream_allocator(pool_alloc, pool_free);
}

/* Make @p p the pool of this thread's Hyperscan stream allocations (NULL: system). */
void
match_pool_enter(struct match_pool *p)
{
	tls_pool = p;
}

void
match_pool_leave(void)
{
	tls_pool = NULL;
}

/* @return 0, -ENOMEM, or -ENOSPC (registry full). */
int
match_pool_init(struct match_pool *p, uint32_t n, size_t slot, int socket)
{
	unsigned i;

	pthread_once(&once, install);
	memset(p, 0, sizeof(*p));
	slot = (slot + 63) & ~(size_t)63;
	p->slot = slot ? slot : 64;
	p->n = n;
	if (n) {
		p->base = rte_malloc_socket("wt_match_streams", (size_t)n * p->slot, 64, socket);
		p->free = rte_malloc_socket("wt_match_free", (size_t)n * sizeof(uint32_t), 64, socket);
		if (!p->base || !p->free) {
			match_pool_fini(p);
			return -ENOMEM;
		}
	}
	for (uint32_t k = 0; k < n; k++)
		p->free[k] = n - 1 - k;
	p->free_top = n;
	for (i = 0; i < MAX_POOLS; i++) {
		struct match_pool *exp = NULL;

		if (__atomic_compare_exchange_n(&pools[i], &exp, p, false, __ATOMIC_RELEASE,
						__ATOMIC_RELAXED))
			break;
	}
	if (i == MAX_POOLS) {
		match_pool_fini(p);
		return -ENOSPC;
	}
	return 0;
}

void
match_pool_fini(struct match_pool *p)
{
	for (unsigned i = 0; i < MAX_POOLS; i++) {
		struct match_pool *exp = p;

		__atomic_compare_exchange_n(&pools[i], &exp, NULL, false, __ATOMIC_RELEASE,
					    __ATOMIC_RELAXED);
	}
	if (tls_pool == p)
		tls_pool = NULL;
	rte_free(p->base);
	rte_free(p->free);
	memset(p, 0, sizeof(*p));
}
