/* SPDX-License-Identifier: BSD-3-Clause */
/* Worker side of the application layer: TCP payload goes through the stream library in order,
 * is recognised by content, and HTTP/1.x becomes transactions, then `http` events. Everything
 * here runs on the worker that owns the flow; state is preallocated per worker. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/rand.h>
#include <rte_errno.h>
#include <rte_lcore.h>

#include "pipeline_priv.h"

static void
l7_deliver(void *arg, struct wt_flow *f, uint32_t slot, uint8_t dir, const uint8_t *data,
	   uint32_t len, uint32_t flags, uint64_t ts_ns)
{
	struct wt_worker_lcore *wk = arg;

	if (f->app_proto == WT_APP_UNKNOWN) {
		int d = wt_http_detect(data, len, dir);

		if (d < 0)
			return; /* too few bytes to tell: wait for the next chunk */
		if (d == 0 || wk->hl == NULL) {
			f->app_proto = WT_APP_FAILED; /* released after this packet */
			return;
		}
		f->app_proto = WT_APP_HTTP;
		wt_http_open(wk->hl, slot, f);
	}
	if (f->app_proto != WT_APP_HTTP)
		return;
	wk->cur_flow = f;
	wt_http_data(wk->hl, slot, f, dir, data, len, flags, ts_ns);
	if (WT_UNLIKELY(wt_http_stopped(wk->hl, slot)))
		f->app_proto = wt_http_upgraded(wk->hl, slot) == WT_HTTP_UPGRADE_H2C ? WT_APP_HTTP2 :
			       wt_http_upgraded(wk->hl, slot) == WT_HTTP_UPGRADE_WEBSOCKET ?
			       WT_APP_WEBSOCKET : WT_APP_HTTP;
}

static void
l7_eof(void *arg, struct wt_flow *f, uint32_t slot, uint8_t dir, uint64_t ts_ns)
{
	struct wt_worker_lcore *wk = arg;

	if (f->app_proto != WT_APP_HTTP)
		return;
	wk->cur_flow = f;
	wt_http_eof(wk->hl, slot, f, dir, ts_ns);
}

static void
l7_on_http_tx(void *arg, const struct wt_http_tx *tx)
{
	struct wt_worker_lcore *wk = arg;
	struct wt_event *ev = wt_pipeline_event_get(wk);

	if (WT_UNLIKELY(ev == NULL)) {
		wk->drops[WT_PIPE_DROP_EVENT_POOL_EMPTY]++;
		return;
	}
	wt_event_from_http(ev, wk->cur_flow, tx, (uint8_t)wk->idx);
	wt_pipeline_event_put(wk, ev);
}

static const struct wt_stream_ops l7_stream_ops = {
	.deliver = l7_deliver,
	.eof = l7_eof,
};

void
wt_pipeline_l7_packet(struct wt_worker_lcore *wk, struct wt_flow *f, uint8_t dir,
		      struct rte_mbuf *m, const struct wt_pkt *p, uint64_t ts_ns)
{
	if (f->app_proto != WT_APP_UNKNOWN && f->app_proto != WT_APP_HTTP)
		return; /* not parsed: nothing to reassemble */
	wt_stream_packet(wk->sl, f, dir, m, p, ts_ns);
	/* Recognised as something we do not parse: give the stream slot back now. */
	if (WT_UNLIKELY(f->app_proto != WT_APP_UNKNOWN && f->app_proto != WT_APP_HTTP &&
			f->l7_slot != 0))
		wt_stream_release(wk->sl, f, ts_ns);
}

void
wt_pipeline_l7_flow_end(struct wt_worker_lcore *wk, struct wt_flow *f, uint64_t now_ns)
{
	uint32_t slot;

	if (f->l7_slot == 0)
		return;
	slot = f->l7_slot - 1;
	wk->cur_flow = f;
	wt_stream_release(wk->sl, f, now_ns); /* delivers what is queued, closes both directions */
	if (f->app_proto == WT_APP_HTTP)
		wt_http_close(wk->hl, slot, f, now_ns);
}

/* HMAC key for credential fingerprints: the configured secret file (0600, ours) or random. */
static int
l7_load_key(const struct wt_conf *c, struct wt_http_conf *hc, char *err, size_t errlen)
{
	uint8_t key[WT_HTTP_KEY_MAX];
	struct stat st;
	ssize_t n;
	int fd;

	if (c->credentials_secret_file[0] == '\0') {
		if (RAND_bytes(key, 32) != 1) {
			snprintf(err, errlen, "credentials: no random key");
			return -EIO;
		}
		WT_WARN("credentials.secret-file is not set: credential fingerprints use a random "
			"key and change with every start");
		wt_http_conf_set_key(hc, key, 32);
		memset(key, 0, sizeof(key));
		return 0;
	}
	fd = open(c->credentials_secret_file, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0) {
		snprintf(err, errlen, "credentials.secret-file %s: %s", c->credentials_secret_file,
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		return -errno;
	}
	if ((st.st_mode & 077) != 0 || st.st_uid != geteuid()) {
		snprintf(err, errlen, "credentials.secret-file %s: must be mode 0600 and owned by "
			 "uid %u (is %03o, uid %u)", c->credentials_secret_file, (unsigned)geteuid(),
			 (unsigned)(st.st_mode & 0777), (unsigned)st.st_uid);
		close(fd);
		return -EACCES;
	}
	n = read(fd, key, sizeof(key));
	close(fd);
	if (n < 16) {
		snprintf(err, errlen, "credentials.secret-file %s: needs at least 16 bytes of key",
			 c->credentials_secret_file);
		return -EINVAL;
	}
	wt_http_conf_set_key(hc, key, (size_t)n);
	memset(key, 0, sizeof(key));
	return 0;
}

/* The HTTP configuration: the table's scalars, the header lists, the key. */
static int
l7_http_conf(const struct wt_conf *c, struct wt_http_conf *hc, char *err, size_t errlen)
{
	struct wt_http_conf dflt;

	wt_http_conf_defaults(&dflt);
	*hc = c->http;
	memcpy(hc->trace_hdrs, dflt.trace_hdrs, sizeof(hc->trace_hdrs));
	hc->n_trace_hdrs = dflt.n_trace_hdrs;
	memcpy(hc->api_key_hdrs, dflt.api_key_hdrs, sizeof(hc->api_key_hdrs));
	hc->n_api_key_hdrs = dflt.n_api_key_hdrs;
	if (c->n_http_trace_headers > 0) {
		wt_http_conf_clear_trace_headers(hc);
		for (int i = 0; i < c->n_http_trace_headers; i++) {
			char name[WT_HTTP_HDR_NAME_MAX + 32];
			const char *eq;
			int role;

			snprintf(name, sizeof(name), "%s", c->http_trace_headers[i]);
			eq = strchr(name, '=');
			if (eq != NULL) {
				name[eq - name] = '\0';
				role = wt_http_trace_role_from_name(eq + 1);
			} else {
				role = wt_http_trace_role_from_name(name);
			}
			if (role < 0 || wt_http_conf_add_trace_header(hc, name, role) != 0) {
				snprintf(err, errlen, "app-layer.http.trace-headers: '%s': unknown role "
					 "or too many headers (roles: traceparent, tracestate, b3, "
					 "x-b3-traceid, ..., x-request-id, x-correlation-id)",
					 c->http_trace_headers[i]);
				return -EINVAL;
			}
		}
	}
	if (c->n_http_api_key_headers > 0) {
		wt_http_conf_clear_api_key_headers(hc);
		for (int i = 0; i < c->n_http_api_key_headers; i++)
			if (wt_http_conf_add_api_key_header(hc, c->http_api_key_headers[i]) != 0) {
				snprintf(err, errlen, "app-layer.http.api-key-headers: '%s' rejected",
					 c->http_api_key_headers[i]);
				return -EINVAL;
			}
	}
	return l7_load_key(c, hc, err, errlen);
}

int
wt_pipeline_l7_create(struct wt_pipeline *pl, char *err, size_t errlen)
{
	const struct wt_conf *c = pl->conf;
	struct wt_http_conf hc;
	int rc;

	if (c->http_enabled) {
		rc = l7_http_conf(c, &hc, err, errlen);
		if (rc != 0)
			return rc;
	}
	for (unsigned int w = 0; w < pl->n_wk; w++) {
		struct wt_worker_lcore *wk = &pl->wk[w];
		int socket = (int)rte_lcore_to_socket_id(wk->lcore);
		char name[32];

		snprintf(name, sizeof(name), "wt_stream_w%u", w);
		wk->sl = wt_stream_lcore_create(name, &c->stream, socket, &l7_stream_ops, wk);
		if (wk->sl == NULL) {
			snprintf(err, errlen, "worker %u: stream state: %s", w, rte_strerror(rte_errno));
			return -ENOMEM;
		}
		if (!c->http_enabled)
			continue;
		snprintf(name, sizeof(name), "wt_http_w%u", w);
		wk->hl = wt_http_lcore_create(name, &hc, wt_stream_capacity(wk->sl), socket,
					      l7_on_http_tx, wk);
		if (wk->hl == NULL) {
			snprintf(err, errlen, "worker %u: http state: %s", w, rte_strerror(rte_errno));
			return -ENOMEM;
		}
	}
	memset(&hc, 0, sizeof(hc)); /* the key */
	return 0;
}

void
wt_pipeline_l7_free(struct wt_pipeline *pl)
{
	for (unsigned int w = 0; w < pl->n_wk; w++) {
		if (pl->wk[w].hl != NULL)
			wt_http_lcore_free(pl->wk[w].hl);
		if (pl->wk[w].sl != NULL)
			wt_stream_lcore_free(pl->wk[w].sl);
		pl->wk[w].hl = NULL;
		pl->wk[w].sl = NULL;
	}
}
