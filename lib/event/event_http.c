/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The `http` event: one transaction of lib/http copied into a record on the worker, so the
 * exporter formats it later without touching the worker's parser state.
 */
#include "event_priv.h"

void
wt_event_from_http(struct wt_event *ev, const struct wt_flow *f, const struct wt_http_tx *tx,
		   uint8_t worker)
{
	uint64_t ts = tx->ts_request != 0 ? tx->ts_request :
		      tx->ts_response != 0 ? tx->ts_response : f->last_ns;

	event_header(ev, f, WT_EVENT_HTTP, ts, worker);
	ev->app_proto = WT_APP_HTTP;
	memcpy(&ev->u.http, tx, sizeof(*tx));
	memset(ev->u.raw + sizeof(*tx), 0, sizeof(ev->u.raw) - sizeof(*tx));
}
