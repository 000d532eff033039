/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Payload stays in the mbufs it arrived in: these helpers hand byte ranges of an mbuf chain to
 * the L7 parser one segment at a time, compare ranges of two chains, and pin a chain.
 */
#include <string.h>

#include <rte_mbuf.h>

#include "stream_priv.h"

void
stream_deliver_range(struct wt_stream_lcore *sl, struct wt_flow *f, uint32_t slot, uint8_t dir,
		     struct stream_dir *d, const struct rte_mbuf *m, uint32_t off, uint32_t len,
		     uint64_t ts_ns)
{
	const struct rte_mbuf *s = stream_mbuf_seek(m, &off);

	while (len > 0 && s != NULL) {
		uint32_t n = RTE_MIN(len, (uint32_t)s->data_len - off);
		uint32_t flags = 0;

		if (n > 0) {
			if (d->flags & STREAM_D_MIDSTREAM)
				flags |= WT_STREAM_F_MIDSTREAM;
			if (d->flags & STREAM_D_GAP)
				flags |= WT_STREAM_F_GAP;
			if (!(d->flags & STREAM_D_DELIVERED))
				flags |= WT_STREAM_F_START;
			d->flags = (uint8_t)((d->flags & ~STREAM_D_GAP) | STREAM_D_DELIVERED);
			sl->c[WT_STREAM_CTR_BYTES_DELIVERED] += n;
			sl->ops.deliver(sl->ops_arg, f, slot, dir,
					rte_pktmbuf_mtod_offset(s, const uint8_t *, off), n, flags,
					ts_ns);
		}
		len -= n;
		off = 0;
		s = s->next;
	}
}

int
stream_mbuf_equal(const struct rte_mbuf *a, uint32_t aoff, const struct rte_mbuf *b,
		  uint32_t boff, uint32_t len)
{
	const struct rte_mbuf *sa = stream_mbuf_seek(a, &aoff);
	const struct rte_mbuf *sb = stream_mbuf_seek(b, &boff);

	while (len > 0 && sa != NULL && sb != NULL) {
		uint32_t n = RTE_MIN(len, RTE_MIN((uint32_t)sa->data_len - aoff,
						  (uint32_t)sb->data_len - boff));

		if (memcmp(rte_pktmbuf_mtod_offset(sa, const uint8_t *, aoff),
			   rte_pktmbuf_mtod_offset(sb, const uint8_t *, boff), n) != 0)
			return 0;
		len -= n;
		aoff += n;
		boff += n;
		sa = stream_mbuf_seek(sa, &aoff);
		sb = stream_mbuf_seek(sb, &boff);
	}
	return len == 0;
}

void
stream_mbuf_hold(struct rte_mbuf *m)
{
	/* rte_pktmbuf_free() drops one reference on every segment, so take one on every segment. */
	for (struct rte_mbuf *s = m; s != NULL; s = s->next)
		rte_mbuf_refcnt_update(s, 1);
}
