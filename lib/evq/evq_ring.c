/* SPDX-License-Identifier: BSD-3-Clause */
/* Creates the worker -> exporter rings; kept apart from the inline fast path in wt_evq.h. */
#include <errno.h>
#include <string.h>

#include <rte_errno.h>

#include "wt_evq.h"

int
wt_evq_create(struct wt_evq *q, unsigned int n_workers, unsigned int n_exporters,
	      unsigned int size, int socket)
{
	memset(q, 0, sizeof(*q));
	if (n_workers == 0 || n_workers > WT_MAX_WORKERS || n_exporters == 0 ||
	    n_exporters > WT_MAX_EXPORTERS || size < 2 || (size & (size - 1)) != 0)
		return -EINVAL;
	q->n_workers = n_workers;
	q->n_exporters = n_exporters;
	for (unsigned int w = 0; w < n_workers; w++) {
		char name[RTE_RING_NAMESIZE];

		snprintf(name, sizeof(name), "wt_evq_w%u", w);
		q->ring[w] = rte_ring_create(name, size, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (q->ring[w] == NULL) {
			int err = rte_errno;

			wt_evq_free(q);
			return -(err ? err : ENOMEM);
		}
	}
	return 0;
}

void
wt_evq_free(struct wt_evq *q)
{
	for (unsigned int w = 0; w < WT_MAX_WORKERS; w++) {
		struct wt_event *ev;

		if (q->ring[w] == NULL)
			continue;
		while (rte_ring_sc_dequeue(q->ring[w], (void **)&ev) == 0)
			rte_mempool_put(rte_mempool_from_obj(ev), ev);
		rte_ring_free(q->ring[w]);
		q->ring[w] = NULL;
	}
}
