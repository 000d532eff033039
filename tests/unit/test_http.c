/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * HTTP/1.x parser tests: real and written conversations parsed whole, split at every byte and
 * fed byte by byte (identical transactions), keep-alive, pipelining, chunked, bodiless
 * responses, read-until-close, upgrades, bounds, gaps and resync; trace header vectors for each
 * format, JWT vectors, credentials (fingerprints, Basic, api keys, cookies), query masking,
 * body shape, and that no raw secret survives in a transaction or in the worker's memory.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <rte_errno.h>

#include "wt_http.h"
#include "http_priv.h"   /* white-box: trace parser, HMAC, the record pool */

int wt_test_http(void);

struct corpus_seg {
	uint8_t dir;
	uint16_t len;
	const uint8_t *data;
};

struct corpus_conv {
	const char *name;
	uint8_t midstream;
	uint16_t n;
	const struct corpus_seg *segs;
};

#include "test_http_corpus.h"

#define TS0 1700000000000000000ull   /* 2023-11-14T22:13:20Z */
#define MS 1000000ull
#define MAX_TX 64

static struct wt_http_tx got[MAX_TX];
static unsigned int n_got;
static struct wt_flow flow;
static const uint8_t key32[32] = "0123456789abcdef0123456789abcdef";

static void
on_tx(void *arg, const struct wt_http_tx *tx)
{
	(void)arg;
	if (n_got < MAX_TX)
		got[n_got] = *tx;
	n_got++;
}

static struct wt_http_lcore *
lc_conf(const struct wt_http_conf *c)
{
	static int seq;
	char name[32];
	struct wt_http_lcore *lc;

	struct wt_http_conf cc = *c;

	snprintf(name, sizeof(name), "t_http_%d", seq++);
	if (cc.tx_pool == 0)
		cc.tx_pool = 64;   /* 4 flow slots, but pipelines of more than 4 requests */
	lc = wt_http_lcore_create(name, &cc, 4, 0, on_tx, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(lc);
	memset(&flow, 0, sizeof(flow));
	n_got = 0;
	wt_http_open(lc, 0, &flow);
	return lc;
}

static struct wt_http_lcore *
lc_new(void)
{
	struct wt_http_conf c;

	wt_http_conf_defaults(&c);
	wt_http_conf_set_key(&c, key32, sizeof(key32));
	return lc_conf(&c);
}

static void
send_f(struct wt_http_lcore *lc, uint8_t dir, const char *s, uint32_t flags, uint64_t ts)
{
	wt_http_data(lc, 0, &flow, dir, (const uint8_t *)s, (uint32_t)strlen(s), flags, ts);
}

static void
req(struct wt_http_lcore *lc, const char *s, uint64_t ts)
{
	send_f(lc, WT_DIR_TOSERVER, s, 0, ts);
}

static void
resp(struct wt_http_lcore *lc, const char *s, uint64_t ts)
{
	send_f(lc, WT_DIR_TOCLIENT, s, 0, ts);
}

static void
finish(struct wt_http_lcore *lc)
{
	wt_http_close(lc, 0, &flow, TS0 + 1000 * MS);
}

static bool
has_bytes(const void *hay, size_t n, const char *needle)
{
	return memmem(hay, n, needle, strlen(needle)) != NULL;
}

/* ---- written conversations, also run through the split tests ---- */

#define S(d, s) { d, sizeof(s) - 1, (const uint8_t *)(s) }
#define CONV(name, mid, arr) { name, mid, WT_ARRAY_SIZE(arr), arr }

static const struct corpus_seg syn_keepalive[] = {
	S(0, "GET /a HTTP/1.1\r\nHost: api.example\r\nUser-Agent: t/1\r\n\r\n"),
	S(1, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok"),
	S(0, "POST /b HTTP/1.1\r\nHost: api.example\r\nContent-Type: application/json\r\n"
	     "Content-Length: 31\r\n\r\n{\"b\":1,\"a\":[1,{\"x\":2}],\"c\":\"}\"}"),
	S(1, "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n"
	     "{\"id\":\"a,b\"}\n"),
	S(0, "DELETE /c HTTP/1.1\r\nHost: api.example\r\n\r\n"),
	S(1, "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n"),
};

static const struct corpus_seg syn_pipeline[] = {
	S(0, "GET /1 HTTP/1.1\r\nHost: h\r\n\r\nHEAD /2 HTTP/1.1\r\nHost: h\r\n\r\n"
	     "GET /3 HTTP/1.1\r\nHost: h\r\n\r\n"),
	S(1, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none"
	     "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n"
	     "HTTP/1.1 404 Not Found\r\nContent-Length: 5\r\n\r\nthree"),
};

static const struct corpus_seg syn_chunked[] = {
	S(0, "POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
	     "Content-Type: application/json; charset=utf-8\r\n\r\n"
	     "5\r\n{\"k2\"\r\n9;ext=1\r\n:1,\"k1\":2\r\n1\r\n}\r\n0\r\n\r\n"),
	S(1, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n"
	     "4\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nX-Trailer: 1\r\n\r\n"),
};

static const struct corpus_seg syn_nobody[] = {
	S(0, "HEAD /h HTTP/1.1\r\nHost: h\r\n\r\nGET /n HTTP/1.1\r\nHost: h\r\n\r\n"
	     "GET /m HTTP/1.1\r\nHost: h\r\nIf-None-Match: \"x\"\r\n\r\n"
	     "PUT /p HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n"),
	S(1, "HTTP/1.1 200 OK\r\nContent-Length: 999\r\nContent-Type: text/html\r\n\r\n"
	     "HTTP/1.1 204 No Content\r\n\r\n"
	     "HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\n\r\n"
	     "HTTP/1.1 100 Continue\r\n\r\n"),
	S(0, "data"),
	S(1, "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"),
};

static const struct corpus_seg syn_close[] = {
	S(0, "GET /old HTTP/1.0\r\nHost: h\r\n\r\n"),
	S(1, "HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n<html>"),
	S(1, "until the end</html>"),
};

static const struct corpus_seg syn_upgrade[] = {
	S(0, "GET /chat HTTP/1.1\r\nHost: ws.example\r\nUpgrade: websocket\r\n"
	     "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
	     "Sec-WebSocket-Version: 13\r\n\r\n"),
	S(1, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
	     "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n\x81\x05hello"),
	S(0, "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58"),
};

static const struct corpus_seg syn_trace_auth[] = {
	S(0, "GET /v1/items?id=42&token=s3cr3t HTTP/1.1\r\nHost: svc-b.internal\r\n"
	     "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\n"
	     "tracestate: congo=t61rcWkgMzE\r\n"
	     "X-Request-ID: 0f8fad5b-d9cb-469f-a165-70867728950e\r\n"
	     "Authorization: Bearer abc.def\r\nX-API-Key: k-123456789\r\n"
	     "Cookie: sid=SECRETSESSION; theme=dark\r\n\r\n"),
	S(1, "HTTP/1.1 200 OK\r\nContent-Type: application/problem+json\r\nContent-Length: 16\r\n"
	     "\r\n{\"z\":1, \"y\": {}}"),
};

static const struct corpus_conv synthetic[] = {
	CONV("keepalive", 0, syn_keepalive),
	CONV("pipeline", 0, syn_pipeline),
	CONV("chunked", 0, syn_chunked),
	CONV("nobody (HEAD 204 304 1xx)", 0, syn_nobody),
	CONV("read until close", 0, syn_close),
	CONV("upgrade websocket", 0, syn_upgrade),
	CONV("trace auth cookies", 0, syn_trace_auth),
};

/*
 * Feed @p cv: whole segments (@p split 0), the segment holding global byte @p split cut
 * there, or byte by byte (@p bytewise). Each piece keeps its segment's time. @return count.
 */
static unsigned int
run_conv(struct wt_http_lcore *lc, const struct corpus_conv *cv, size_t split, bool bytewise,
	 struct wt_http_tx *out)
{
	size_t pos = 0;

	n_got = 0;
	wt_http_open(lc, 0, &flow);
	for (uint16_t i = 0; i < cv->n; i++) {
		const struct corpus_seg *sg = &cv->segs[i];
		uint64_t ts = TS0 + i * MS;
		uint32_t fl = cv->midstream ? WT_HTTP_DATA_MIDSTREAM : 0;

		if (bytewise) {
			for (uint16_t b = 0; b < sg->len; b++)
				wt_http_data(lc, 0, &flow, sg->dir, sg->data + b, 1, fl, ts);
		} else if (split > pos && split < pos + sg->len) {
			uint32_t a = (uint32_t)(split - pos);

			wt_http_data(lc, 0, &flow, sg->dir, sg->data, a, fl, ts);
			wt_http_data(lc, 0, &flow, sg->dir, sg->data + a, sg->len - a, fl, ts);
		} else {
			wt_http_data(lc, 0, &flow, sg->dir, sg->data, sg->len, fl, ts);
		}
		pos += sg->len;
	}
	wt_http_close(lc, 0, &flow, TS0 + cv->n * MS);
	if (out != NULL)
		memcpy(out, got, sizeof(got[0]) * WT_MIN(n_got, MAX_TX));
	return n_got;
}

static size_t
conv_bytes(const struct corpus_conv *cv)
{
	size_t n = 0;

	for (uint16_t i = 0; i < cv->n; i++)
		n += cv->segs[i].len;
	return n;
}

static int
same_txs(const struct wt_http_tx *a, unsigned int na, const struct wt_http_tx *b,
	 unsigned int nb)
{
	if (na != nb)
		return 0;
	for (unsigned int i = 0; i < na && i < MAX_TX; i++)
		if (memcmp(&a[i], &b[i], sizeof(a[i])) != 0)
			return 0;
	return 1;
}

static void
split_check(const struct corpus_conv *cv)
{
	static struct wt_http_tx ref[MAX_TX], cur[MAX_TX];
	struct wt_http_lcore *lc = lc_new();
	size_t total = conv_bytes(cv);
	unsigned int nref = run_conv(lc, cv, 0, false, ref), n, bad = 0;

	CU_ASSERT(nref > 0);
	for (size_t k = 1; k < total; k++) {
		n = run_conv(lc, cv, k, false, cur);
		if (!same_txs(ref, nref, cur, n)) {
			if (bad++ == 0)
				fprintf(stderr, "\n%s: split at %zu differs (%u vs %u txs)\n", cv->name,
					k, n, nref);
		}
	}
	n = run_conv(lc, cv, 0, true, cur);
	if (!same_txs(ref, nref, cur, n)) {
		bad++;
		fprintf(stderr, "\n%s: byte by byte differs (%u vs %u txs)\n", cv->name, n, nref);
	}
	CU_ASSERT_EQUAL(bad, 0);
	wt_http_lcore_free(lc);
}

static void
test_split_corpus(void)
{
	for (size_t i = 0; i < WT_ARRAY_SIZE(corpus); i++)
		split_check(&corpus[i]);
}

static void
test_split_synthetic(void)
{
	for (size_t i = 0; i < WT_ARRAY_SIZE(synthetic); i++)
		split_check(&synthetic[i]);
}

#define STR_EQ(a, b) CU_ASSERT_STRING_EQUAL((a), (b))

static void
test_corpus_values(void)
{
	struct wt_http_lcore *lc = lc_new();
	struct wt_http_tx *t = got;

	CU_ASSERT_EQUAL(run_conv(lc, &corpus[0], 0, false, NULL), 1);   /* google 301 */
	STR_EQ(t->http_method, "GET");
	STR_EQ(t->url, "/");
	STR_EQ(t->hostname, "google.com");
	STR_EQ(t->http_user_agent, "curl/7.68.0");
	STR_EQ(t->protocol, "HTTP/1.1");
	STR_EQ(t->http_content_type, "text/html; charset=UTF-8");
	CU_ASSERT_EQUAL(t->status, 301);
	CU_ASSERT_EQUAL(t->response_len, 219);
	CU_ASSERT_EQUAL(t->ts_request, TS0);
	CU_ASSERT_EQUAL(t->ts_response, TS0 + MS);
	CU_ASSERT_EQUAL(t->ts_response_end, TS0 + MS);
	CU_ASSERT_EQUAL(t->tx_id, 0);
	CU_ASSERT_EQUAL(t->no_response, WT_HTTP_NORESP_NONE);
	CU_ASSERT_EQUAL(t->flags & (WT_HTTP_TX_F_GAP | WT_HTTP_TX_F_TRUNCATED), 0);

	CU_ASSERT_EQUAL(run_conv(lc, &corpus[1], 0, false, NULL), 1);   /* lines split, 1.0 */
	STR_EQ(t->hostname, "toni.lan");
	STR_EQ(t->http_user_agent, "uclient-fetch");
	CU_ASSERT_EQUAL(t->status, 200);
	CU_ASSERT_EQUAL(t->response_len, 1476);
	CU_ASSERT_EQUAL(t->ts_request, TS0);              /* the request started in segment 0 */
	CU_ASSERT_EQUAL(t->ts_response_end, TS0 + 4 * MS);

	CU_ASSERT_EQUAL(run_conv(lc, &corpus[2], 0, false, NULL), 1);   /* "hOsT:wwww.lan:8080" */
	STR_EQ(t->hostname, "wwww.lan");
	CU_ASSERT_EQUAL(t->response_len, 366);

	CU_ASSERT_EQUAL(run_conv(lc, &corpus[3], 0, false, NULL), 1);   /* basic auth, chunked */
	CU_ASSERT_EQUAL(t->status, 401);
	CU_ASSERT_EQUAL(t->cred.scheme, WT_HTTP_AUTH_BASIC);
	STR_EQ(t->cred.username, "test");
	CU_ASSERT(t->cred.flags & WT_HTTP_CRED_F_FP);
	CU_ASSERT_EQUAL(t->cred.n_cookies, 5);
	STR_EQ(t->cred.cookie[0], "__utma");
	STR_EQ(t->cred.cookie[3], "__utmz");
	STR_EQ(t->cred.cookie[4], "__unam");
	CU_ASSERT(t->response_len > 10000);
	CU_ASSERT(t->flags & WT_HTTP_TX_F_RESP_DONE);
	CU_ASSERT(!has_bytes(t, sizeof(*t), "fail2"));
	CU_ASSERT(!has_bytes(t, sizeof(*t), "dGVzdDpmYWlsMg"));

	CU_ASSERT_EQUAL(run_conv(lc, &corpus[4], 0, false, NULL), 3);   /* keep-alive, long urls */
	for (int i = 0; i < 3; i++) {
		CU_ASSERT_EQUAL(got[i].tx_id, (uint64_t)i);
		CU_ASSERT_EQUAL(got[i].status, 200);
		STR_EQ(got[i].hostname, "va.origin.startappservice.com");
		CU_ASSERT_EQUAL(strncmp(got[i].url, "/tracking/ad", 12), 0);
		CU_ASSERT(strstr(got[i].url, "?d=***&") != NULL);
		STR_EQ(got[i].cred.cookie[0], "JSESSIONID");
		CU_ASSERT(!has_bytes(&got[i], sizeof(got[i]), "784F27AF20E357C1D6B456D33B247A0B"));
	}

	CU_ASSERT_EQUAL(run_conv(lc, &corpus[5], 0, false, NULL), 3);   /* starts with a reply */
	CU_ASSERT_EQUAL(got[0].flags & WT_HTTP_TX_F_REQUEST, 0);        /* orphan response */
	CU_ASSERT_EQUAL(got[0].status, 200);
	CU_ASSERT_EQUAL(got[0].response_len, 3138);
	CU_ASSERT(got[0].flags & WT_HTTP_TX_F_MIDSTREAM);
	STR_EQ(got[1].url, "/icons/ubuntu-logo.png");
	CU_ASSERT_EQUAL(got[1].status, 200);
	CU_ASSERT(got[2].flags & WT_HTTP_TX_F_MIDSTREAM);
	wt_http_lcore_free(lc);
}

/* ---- detection ---- */

static int
det(const char *s, uint8_t dir)
{
	return wt_http_detect((const uint8_t *)s, (uint32_t)strlen(s), dir);
}

static void
test_detect(void)
{
	CU_ASSERT_EQUAL(det("GET / HTTP/1.1\r\n", WT_DIR_TOSERVER), 1);
	CU_ASSERT_EQUAL(det("M-SEARCH * HTTP/1.1", WT_DIR_TOSERVER), 1);
	CU_ASSERT_EQUAL(det("PROPFIND ", WT_DIR_TOSERVER), 1);
	CU_ASSERT_EQUAL(det("GE", WT_DIR_TOSERVER), -1);
	CU_ASSERT_EQUAL(det("UNSUBSCRIB", WT_DIR_TOSERVER), -1);
	CU_ASSERT_EQUAL(det("", WT_DIR_TOSERVER), -1);
	CU_ASSERT_EQUAL(det("GET/", WT_DIR_TOSERVER), 0);
	CU_ASSERT_EQUAL(det("get / HTTP/1.1", WT_DIR_TOSERVER), 0);
	CU_ASSERT_EQUAL(det("FOO / HTTP/1.1", WT_DIR_TOSERVER), 0);
	CU_ASSERT_EQUAL(det(" GET /", WT_DIR_TOSERVER), 0);
	CU_ASSERT_EQUAL(det("PRI * HTTP/2.0\r\n", WT_DIR_TOSERVER), 0);
	CU_ASSERT_EQUAL(det("\x16\x03\x01\x02\x00", WT_DIR_TOSERVER), 0);
	CU_ASSERT_EQUAL(det("AAAAAAAAAAAAAAAAAAAAAA", WT_DIR_TOSERVER), 0);   /* within 16 */
	CU_ASSERT_EQUAL(det("HTTP/1.1 200 OK", WT_DIR_TOCLIENT), 1);
	CU_ASSERT_EQUAL(det("HTTP/1.", WT_DIR_TOCLIENT), 1);
	CU_ASSERT_EQUAL(det("HTTP/", WT_DIR_TOCLIENT), -1);
	CU_ASSERT_EQUAL(det("HTTP/2 200", WT_DIR_TOCLIENT), 0);
	CU_ASSERT_EQUAL(det("GET / HTTP/1.1", WT_DIR_TOCLIENT), 0);
}

/* ---- transactions ---- */

static void
test_keepalive_pipeline(void)
{
	struct wt_http_lcore *lc = lc_new();

	CU_ASSERT_EQUAL(run_conv(lc, &synthetic[0], 0, false, NULL), 3);
	CU_ASSERT_EQUAL(got[1].status, 201);
	STR_EQ(got[1].http_method, "POST");
	CU_ASSERT_EQUAL(got[1].request_len, 31);
	CU_ASSERT_EQUAL(got[1].response_len, 13);
	CU_ASSERT_EQUAL(got[2].status, 500);
	STR_EQ(got[2].http_method, "DELETE");
	CU_ASSERT_EQUAL(got[2].tx_id, 2);

	CU_ASSERT_EQUAL(run_conv(lc, &synthetic[1], 0, false, NULL), 3);
	STR_EQ(got[0].url, "/1");
	CU_ASSERT_EQUAL(got[0].response_len, 3);
	STR_EQ(got[1].url, "/2");          /* HEAD: Content-Length without a body */
	CU_ASSERT_EQUAL(got[1].response_len, 0);
	CU_ASSERT_EQUAL(got[1].status, 200);
	STR_EQ(got[2].url, "/3");
	CU_ASSERT_EQUAL(got[2].status, 404);
	CU_ASSERT_EQUAL(got[2].response_len, 5);
	for (int i = 0; i < 3; i++)
		CU_ASSERT(got[i].flags & WT_HTTP_TX_F_RESP_DONE);
	wt_http_lcore_free(lc);
}

static void
test_chunked_nobody_close(void)
{
	struct wt_http_lcore *lc = lc_new();
	struct wt_http_stats st;

	CU_ASSERT_EQUAL(run_conv(lc, &synthetic[2], 0, false, NULL), 1);
	CU_ASSERT_EQUAL(got[0].request_len, 15);
	CU_ASSERT_EQUAL(got[0].response_len, 23);
	CU_ASSERT(got[0].shape[0].flags & WT_HTTP_SHAPE_F_PRESENT);
	CU_ASSERT_EQUAL(got[0].shape[0].keys, 2);

	/* Trailers are not headers: an Authorization trailer is ignored, the scanner intact. */
	n_got = 0;
	wt_http_open(lc, 0, &flow);
	req(lc, "POST /t HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json"
		"\r\n\r\n7\r\n{\"a\":1}\r\n0\r\nAuthorization: Basic dTpw\r\nUser-Agent: late\r\n\r\n",
	    TS0);
	resp(lc, "HTTP/1.1 204 No Content\r\n\r\n", TS0);
	CU_ASSERT_EQUAL(n_got, 1);
	CU_ASSERT_EQUAL(got[0].cred.scheme, WT_HTTP_AUTH_NONE);
	CU_ASSERT_EQUAL(got[0].http_user_agent_len, 0);
	CU_ASSERT_EQUAL(got[0].shape[0].keys, 1);
	CU_ASSERT_EQUAL(got[0].shape[0].flags, WT_HTTP_SHAPE_F_PRESENT);
	finish(lc);

	CU_ASSERT_EQUAL(run_conv(lc, &synthetic[3], 0, false, NULL), 4);
	CU_ASSERT_EQUAL(got[0].status, 200);   /* HEAD */
	CU_ASSERT_EQUAL(got[0].response_len, 0);
	CU_ASSERT_EQUAL(got[1].status, 204);
	CU_ASSERT_EQUAL(got[2].status, 304);
	CU_ASSERT_EQUAL(got[3].status, 201);   /* after 100 Continue */
	CU_ASSERT(got[3].flags & WT_HTTP_TX_F_INTERIM);
	CU_ASSERT_EQUAL(got[3].request_len, 4);
	CU_ASSERT_EQUAL(got[3].ts_response, TS0 + 3 * MS);   /* the final response's start */
	wt_http_stats_get(lc, &st);
	CU_ASSERT_EQUAL(st.cnt[WT_HTTP_CNT_INTERIM], 1);

	/* Read until close: complete at the server's FIN, before the flow ends. */
	n_got = 0;
	wt_http_open(lc, 0, &flow);
	for (int i = 0; i < 3; i++)
		send_f(lc, syn_close[i].dir, (const char *)syn_close[i].data, 0, TS0 + (uint64_t)i);
	CU_ASSERT_EQUAL(n_got, 0);
	wt_http_eof(lc, 0, &flow, WT_DIR_TOCLIENT, TS0 + 5);
	CU_ASSERT_EQUAL(n_got, 1);
	CU_ASSERT_EQUAL(got[0].response_len, 26);
	CU_ASSERT(got[0].flags & WT_HTTP_TX_F_RESP_DONE);
	CU_ASSERT_EQUAL(got[0].ts_response_end, TS0 + 5);
	STR_EQ(got[0].protocol, "HTTP/1.0");
	finish(lc);
	CU_ASSERT_EQUAL(n_got, 1);
	wt_http_lcore_free(lc);
}

static void
test_close_pending(void)
{
	struct wt_http_lcore *lc = lc_new();

	req(lc, "GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\nGET /3 HT", TS0);
	resp(lc, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", TS0 + 1);
	resp(lc, "01234", TS0 + 2);
	CU_ASSERT_EQUAL(n_got, 0);
	finish(lc);
	CU_ASSERT_EQUAL(n_got, 3);
	CU_ASSERT_EQUAL(got[0].status, 200);   /* cut response keeps its status */
	CU_ASSERT_EQUAL(got[0].no_response, WT_HTTP_NORESP_FLOW_END);
	CU_ASSERT_EQUAL(got[0].response_len, 5);
	CU_ASSERT_EQUAL(got[1].status, 0);
	CU_ASSERT_EQUAL(got[1].no_response, WT_HTTP_NORESP_FLOW_END);
	STR_EQ(got[1].url, "/2");
	CU_ASSERT_EQUAL(got[2].status, 0);
	CU_ASSERT_EQUAL(got[2].flags & WT_HTTP_TX_F_REQ_DONE, 0);   /* request itself cut */
	/* Every record went back to the pool. */
	{
		struct wt_http_stats st;

		wt_http_stats_get(lc, &st);
		CU_ASSERT_EQUAL(st.active_txs, 0);
		CU_ASSERT_EQUAL(st.cnt[WT_HTTP_CNT_NO_RESPONSE], 3);
	}
	wt_http_lcore_free(lc);
}

static void
test_upgrades(void)
{
	struct wt_http_lcore *lc = lc_new();
	struct wt_http_stats st;

	CU_ASSERT_EQUAL(run_conv(lc, &synthetic[5], 0, false, NULL), 1);
	CU_ASSERT_EQUAL(got[0].status, 101);
	CU_ASSERT(got[0].flags & WT_HTTP_TX_F_UPGRADE);
	CU_ASSERT_EQUAL(got[0].upgrade, WT_HTTP_UPGRADE_WEBSOCKET);

	/* Stopped: the state is kept until close so the caller can read it. */
	n_got = 0;
	wt_http_open(lc, 0, &flow);
	for (int i = 0; i < 3; i++)
		wt_http_data(lc, 0, &flow, syn_upgrade[i].dir, syn_upgrade[i].data, syn_upgrade[i].len,
			     0, TS0);
	CU_ASSERT_EQUAL(wt_http_upgraded(lc, 0), WT_HTTP_UPGRADE_WEBSOCKET);
	CU_ASSERT_EQUAL(wt_http_stopped(lc, 0), 1);
	finish(lc);
	CU_ASSERT_EQUAL(wt_http_upgraded(lc, 0), WT_HTTP_UPGRADE_NONE);

	/* h2c: the response names the protocol. A pipelined request behind it is reported. */
	n_got = 0;
	wt_http_open(lc, 0, &flow);
	req(lc, "GET / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
		"HTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n", TS0);
	resp(lc, "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n"
		 "\x00\x00\x12\x04\x00\x00\x00\x00\x00", TS0 + 1);
	req(lc, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", TS0 + 2);
	CU_ASSERT_EQUAL(wt_http_upgraded(lc, 0), WT_HTTP_UPGRADE_H2C);
	CU_ASSERT_EQUAL(n_got, 1);
	finish(lc);
	CU_ASSERT_EQUAL(n_got, 1);

	/* Upgrade declined: the connection stays HTTP. */
	n_got = 0;
	wt_http_open(lc, 0, &flow);
	req(lc, "GET / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"
		"GET /next HTTP/1.1\r\nHost: h\r\n\r\n", TS0);
	resp(lc, "HTTP/1.1 200 OK\r\nUpgrade: h2c\r\nContent-Length: 0\r\n\r\n"
		 "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", TS0 + 1);
	CU_ASSERT_EQUAL(wt_http_upgraded(lc, 0), WT_HTTP_UPGRADE_NONE);
	CU_ASSERT_EQUAL(n_got, 2);
	STR_EQ(got[1].url, "/next");
	finish(lc);

	/* CONNECT tunnel. */
	n_got = 0;
	wt_http_open(lc, 0, &flow);
	req(lc, "CONNECT db.internal:5432 HTTP/1.1\r\nHost: db.internal:5432\r\n\r\n", TS0);
	resp(lc, "HTTP/1.1 200 Connection established\r\n\r\n\x16\x03\x01", TS0 + 1);
	CU_ASSERT_EQUAL(wt_http_upgraded(lc, 0), WT_HTTP_UPGRADE_CONNECT);
	CU_ASSERT_EQUAL(n_got, 1);
	STR_EQ(got[0].url, "db.internal:5432");
	STR_EQ(got[0].hostname, "db.internal");
	finish(lc);
	wt_http_stats_get(lc, &st);
	CU_ASSERT_EQUAL(st.cnt[WT_HTTP_CNT_UPGRADES], 4);
	CU_ASSERT(st.cnt[WT_HTTP_CNT_IGNORED_BYTES] > 0);
	wt_http_lcore_free(lc);
}

static void
test_bounds(void)
{
	struct wt_http_conf c;
	struct wt_http_lcore *lc;
	struct wt_http_stats st;
	static char big[20000];
	size_t n = 0;

	wt_http_conf_defaults(&c);
	c.max_headers = 5;
	c.max_url_bytes = 64;
	c.max_header_bytes = 2048;
	lc = lc_conf(&c);
	/* 6th header is past max_headers: its Authorization is not inspected. */
	req(lc, "GET /x HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nHost: h\r\n"
		"Authorization: Basic dTpw\r\n\r\n", TS0);
	resp(lc, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", TS0);
	CU_ASSERT_EQUAL(n_got, 1);
	CU_ASSERT(got[0].flags & WT_HTTP_TX_F_HEADER_LIMIT);
	CU_ASSERT_EQUAL(got[0].cred.scheme, WT_HTTP_AUTH_NONE);
	STR_EQ(got[0].hostname, "h");

	/* Long url: flagged over max_url_bytes and cut to the field. */
	n = (size_t)snprintf(big, sizeof(big), "GET /");
	memset(big + n, 'u', 1000);
	n += 1000;
	n += (size_t)snprintf(big + n, sizeof(big) - n, " HTTP/1.1\r\nUser-Agent: ");
	memset(big + n, 'a', 300);
	n += 300;
	snprintf(big + n, sizeof(big) - n, "\r\n\r\n");
	req(lc, big, TS0);
	resp(lc, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", TS0);
	CU_ASSERT_EQUAL(n_got, 2);
	CU_ASSERT(got[1].flags & WT_HTTP_TX_F_URL_LIMIT);
	CU_ASSERT(got[1].flags & WT_HTTP_TX_F_TRUNCATED);
	CU_ASSERT_EQUAL(got[1].url_len, WT_HTTP_URL_MAX - 1);
	CU_ASSERT_EQUAL(strlen(got[1].url), WT_HTTP_URL_MAX - 1);
	CU_ASSERT_EQUAL(got[1].http_user_agent_len, WT_HTTP_UA_MAX - 1);

	/* Header bytes over max_header_bytes: flagged, the rest not inspected. */
	n = (size_t)snprintf(big, sizeof(big), "GET /y HTTP/1.1\r\nX-Pad: ");
	memset(big + n, 'p', 3000);
	n += 3000;
	snprintf(big + n, sizeof(big) - n, "\r\nUser-Agent: late\r\n\r\n");
	req(lc, big, TS0);
	resp(lc, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", TS0);
	CU_ASSERT_EQUAL(n_got, 3);
	CU_ASSERT(got[2].flags & WT_HTTP_TX_F_HEADER_LIMIT);
	CU_ASSERT_EQUAL(got[2].http_user_agent_len, 0);
	wt_http_stats_get(lc, &st);
	CU_ASSERT_EQUAL(st.cnt[WT_HTTP_CNT_HEADER_LIMIT], 2);
	CU_ASSERT_EQUAL(st.cnt[WT_HTTP_CNT_URL_LIMIT], 1);
	finish(lc);
	wt_http_lcore_free(lc);

	/* Pipeline overflow: requests beyond max_pipeline are counted, and so is every later one
	 * until those are answered, so pairing stays right. */
	wt_http_conf_defaults(&c);
	c.max_pipeline = 2;
	lc = lc_conf(&c);
	req(lc, "GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\nGET /3 HTTP/1.1\r\n\r\n"
		"GET /4 HTTP/1.1\r\n\r\n", TS0);
	resp(lc, "HTTP/1.1 201 A\r\nContent-Length: 0\r\n\r\nHTTP/1.1 202 B\r\nContent-Length: 0\r\n\r\n"
		 "HTTP/1.1 203 C\r\nContent-Length: 0\r\n\r\n", TS0);
	req(lc, "GET /5 HTTP/1.1\r\n\r\n", TS0);
	resp(lc, "HTTP/1.1 204 D\r\n\r\nHTTP/1.1 200 E\r\nContent-Length: 0\r\n\r\n", TS0);
	req(lc, "GET /6 HTTP/1.1\r\n\r\n", TS0);
	resp(lc, "HTTP/1.1 205 F\r\nContent-Length: 0\r\n\r\n", TS0);
	CU_ASSERT_EQUAL(n_got, 3);
	STR_EQ(got[0].url, "/1");
	CU_ASSERT_EQUAL(got[0].status, 201);
	STR_EQ(got[1].url, "/2");
	CU_ASSERT_EQUAL(got[1].status, 202);
	STR_EQ(got[2].url, "/6");
	CU_ASSERT_EQUAL(got[2].status, 205);
	CU_ASSERT_EQUAL(got[2].tx_id, 5);
	wt_http_stats_get(lc, &st);
	CU_ASSERT_EQUAL(st.cnt[WT_HTTP_CNT_PIPELINE_OVERFLOW], 3);
	finish(lc);
	wt_http_lcore_free(lc);

	/* Pool of one record: the second flow's request is not recorded, nothing breaks. */
	wt_http_conf_defaults(&c);
	c.tx_pool = 1;
	lc = lc_conf(&c);
	wt_http_open(lc, 1, &flow);
	req(lc, "GET /a HTTP/1.1\r\n\r\n", TS0);
	wt_http_data(lc, 1, &flow, 0, (const uint8_t *)"GET /b HTTP/1.1\r\n\r\n", 19, 0, TS0);
	wt_http_data(lc, 1, &flow, 1, (const uint8_t *)"HTTP/1.1 200 OK\r\n\r\n", 19, 0, TS0);
	resp(lc, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", TS0);
	CU_ASSERT_EQUAL(n_got, 1);
	STR_EQ(got[0].url, "/a");
	wt_http_stats_get(lc, &st);
	CU_ASSERT_EQUAL(st.cnt[WT_HTTP_CNT_TX_POOL_EMPTY], 1);
	wt_http_close(lc, 1, &flow, TS0);
	finish(lc);
	wt_http_stats_get(lc, &st);
	CU_ASSERT_EQUAL(st.active_txs, 0);
	wt_http_lcore_free(lc);
}

static void
test_gaps_resync(void)
{
	struct wt_http_lcore *lc = lc_new();
	struct wt_http_conf c;
	struct wt_http_stats st;
	static char junk[70000];

	/* A gap inside a request: it stays queued (flagged) and gets its response; the next
	 * request is found after the gap and marked. */
	req(lc, "POST /1 HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\n0123", TS0);
	send_f(lc, WT_DIR_TOSERVER, "89\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\n", WT_HTTP_DATA_GAP,
	       TS0 + 1);
	resp(lc, "HTTP/1.1 400 Bad\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
	     TS0 + 2);
	CU_ASSERT_EQUAL(n_got, 2);
	CU_ASSERT(got[0].flags & WT_HTTP_TX_F_GAP);
	CU_ASSERT_EQUAL(got[0].status, 400);
	STR_EQ(got[1].url, "/2");
	CU_ASSERT(got[1].flags & WT_HTTP_TX_F_GAP);
	CU_ASSERT_EQUAL(got[1].status, 200);

	/* A gap inside a response body: that transaction ends flagged, the next is found. */
	req(lc, "GET /3 HTTP/1.1\r\n\r\nGET /4 HTTP/1.1\r\n\r\n", TS0 + 3);
	resp(lc, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\nabc", TS0 + 4);
	send_f(lc, WT_DIR_TOCLIENT, "tail of body\nHTTP/1.1 404 Nope\r\nContent-Length: 0\r\n\r\n",
	       WT_HTTP_DATA_GAP, TS0 + 5);
	CU_ASSERT_EQUAL(n_got, 4);
	STR_EQ(got[2].url, "/3");
	CU_ASSERT(got[2].flags & WT_HTTP_TX_F_GAP);
	CU_ASSERT_EQUAL(got[2].no_response, WT_HTTP_NORESP_GAP);
	CU_ASSERT_EQUAL(got[2].status, 200);
	STR_EQ(got[3].url, "/4");
	CU_ASSERT_EQUAL(got[3].status, 404);
	CU_ASSERT(got[3].flags & WT_HTTP_TX_F_GAP);

	/* Parse error: the bad line is skipped, the next request parses. */
	req(lc, "GET /5 HTTP/1.1\r\nBad Header Line\r\n\r\nGET /6 HTTP/1.1\r\n\r\n", TS0 + 6);
	resp(lc, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
		 "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", TS0 + 7);
	CU_ASSERT_EQUAL(n_got, 6);
	CU_ASSERT(got[4].flags & WT_HTTP_TX_F_PARSE_ERROR);
	STR_EQ(got[5].url, "/6");
	CU_ASSERT_EQUAL(got[5].status, 200);
	finish(lc);
	wt_http_stats_get(lc, &st);
	CU_ASSERT_EQUAL(st.cnt[WT_HTTP_CNT_GAPS], 2);
	CU_ASSERT_EQUAL(st.cnt[WT_HTTP_CNT_PARSE_ERRORS], 1);
	CU_ASSERT(st.cnt[WT_HTTP_CNT_RESYNCS] >= 2);
	wt_http_lcore_free(lc);

	/* No start within resync_max_bytes: the flow is given up, its requests reported. */
	wt_http_conf_defaults(&c);
	c.resync_max_bytes = 1000;
	lc = lc_conf(&c);
	req(lc, "GET /7 HTTP/1.1\r\n\r\n", TS0);
	memset(junk, 'x', sizeof(junk) - 1);
	for (size_t i = 100; i < sizeof(junk) - 1; i += 100)
		junk[i] = '\n';
	send_f(lc, WT_DIR_TOCLIENT, junk, WT_HTTP_DATA_GAP, TS0 + 1);
	CU_ASSERT_EQUAL(wt_http_stopped(lc, 0), 1);
	CU_ASSERT_EQUAL(n_got, 1);
	CU_ASSERT_EQUAL(got[0].no_response, WT_HTTP_NORESP_GAVE_UP);
	wt_http_stats_get(lc, &st);
	CU_ASSERT_EQUAL(st.cnt[WT_HTTP_CNT_GAVE_UP], 1);
	finish(lc);
	wt_http_lcore_free(lc);

	/* Midstream: the body of an earlier response is skipped, unmarked by gap. */
	lc = lc_new();
	send_f(lc, WT_DIR_TOCLIENT, "ml>\n</body>\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi",
	       WT_HTTP_DATA_MIDSTREAM, TS0);
	send_f(lc, WT_DIR_TOSERVER, "y: 1\r\n\r\nGET /8 HTTP/1.1\r\n\r\n", WT_HTTP_DATA_MIDSTREAM,
	       TS0 + 1);
	resp(lc, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", TS0 + 2);
	CU_ASSERT_EQUAL(n_got, 2);
	CU_ASSERT_EQUAL(got[0].flags & (WT_HTTP_TX_F_REQUEST | WT_HTTP_TX_F_GAP), 0);
	CU_ASSERT(got[0].flags & WT_HTTP_TX_F_MIDSTREAM);
	STR_EQ(got[1].url, "/8");
	CU_ASSERT(got[1].flags & WT_HTTP_TX_F_MIDSTREAM);
	CU_ASSERT_EQUAL(got[1].flags & WT_HTTP_TX_F_GAP, 0);
	wt_http_stats_get(lc, &st);
	CU_ASSERT_EQUAL(st.cnt[WT_HTTP_CNT_MIDSTREAM], 2);
	CU_ASSERT_EQUAL(st.cnt[WT_HTTP_CNT_ORPHANS], 1);
	finish(lc);
	wt_http_lcore_free(lc);
}

/* ---- trace context ---- */

struct tvec {
	enum wt_http_carrier c;
	const char *v;
	bool ok;
	const char *id, *span, *parent;
	int sampled;   /* -1 unknown */
};

static const struct tvec tvecs[] = {
	{ WT_HTTP_CARRIER_TRACEPARENT, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
	  true, "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", "", 1 },
	{ WT_HTTP_CARRIER_TRACEPARENT, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00",
	  true, "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", "", 0 },
	{ WT_HTTP_CARRIER_TRACEPARENT, "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x",
	  true, "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", "", 1 },
	{ WT_HTTP_CARRIER_TRACEPARENT, "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
	  false, "", "", "", -1 },
	{ WT_HTTP_CARRIER_TRACEPARENT, "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
	  false, "", "", "", -1 },
	{ WT_HTTP_CARRIER_TRACEPARENT, "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
	  false, "", "", "", -1 },
	{ WT_HTTP_CARRIER_TRACEPARENT, "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
	  false, "", "", "", -1 },
	{ WT_HTTP_CARRIER_TRACEPARENT, "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
	  false, "", "", "", -1 },
	{ WT_HTTP_CARRIER_TRACEPARENT, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-",
	  false, "", "", "", -1 },
	{ WT_HTTP_CARRIER_TRACEPARENT, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g",
	  false, "", "", "", -1 },
	{ WT_HTTP_CARRIER_B3, "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90",
	  true, "80f198ee56343ba864fe8b2a57d3eff7", "e457b5a2e4d86bd1", "05e3ac9a4f6e3b90", 1 },
	{ WT_HTTP_CARRIER_B3, "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-d", true,
	  "80f198ee56343ba864fe8b2a57d3eff7", "e457b5a2e4d86bd1", "", 1 },
	{ WT_HTTP_CARRIER_B3, "64fe8b2a57d3eff7-e457b5a2e4d86bd1", true,
	  "000000000000000064fe8b2a57d3eff7", "e457b5a2e4d86bd1", "", -1 },
	{ WT_HTTP_CARRIER_B3, "0", true, "", "", "", 0 },
	{ WT_HTTP_CARRIER_B3, "x", false, "", "", "", -1 },
	{ WT_HTTP_CARRIER_B3, "80f198ee56343ba864fe8b2a57d3eff7", false, "", "", "", -1 },
	{ WT_HTTP_CARRIER_B3, "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-2", false, "", "", "", -1 },
	{ WT_HTTP_CARRIER_B3, "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b9",
	  false, "", "", "", -1 },
	{ WT_HTTP_CARRIER_B3, "a-b-c-d-e", false, "", "", "", -1 },
	{ WT_HTTP_CARRIER_UBER, "4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:1", true,
	  "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", "", 1 },
	{ WT_HTTP_CARRIER_UBER, "ABC%3A1f%3a7%3A3", true, "00000000000000000000000000000abc",
	  "000000000000001f", "0000000000000007", 1 },
	{ WT_HTTP_CARRIER_UBER, "abc:1f:0:0", true, "00000000000000000000000000000abc",
	  "000000000000001f", "", 0 },
	{ WT_HTTP_CARRIER_UBER, "abc:1f:0", false, "", "", "", -1 },
	{ WT_HTTP_CARRIER_UBER, "0:1f:0:1", false, "", "", "", -1 },
	{ WT_HTTP_CARRIER_UBER, "abc:xyz:0:1", false, "", "", "", -1 },
	{ WT_HTTP_CARRIER_XRAY, "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;"
				"Sampled=1", true, "5759e988bd862e3fe1be46a994272793",
	  "53995c3f42cd8ad8", "", 1 },
	{ WT_HTTP_CARRIER_XRAY, "Self=1-67891234-12456789abcdef012345678;Root=1-67891233-"
				"abcdef012345678912345678", true,
	  "67891233abcdef012345678912345678", "", "", -1 },
	{ WT_HTTP_CARRIER_XRAY, "Root=1-5759E988-BD862E3FE1BE46A994272793; Sampled=?", true,
	  "5759e988bd862e3fe1be46a994272793", "", "", -1 },
	{ WT_HTTP_CARRIER_XRAY, "Parent=53995c3f42cd8ad8;Sampled=1", false, "", "", "", -1 },
	{ WT_HTTP_CARRIER_XRAY, "Root=2-5759e988-bd862e3fe1be46a994272793", false, "", "", "", -1 },
	{ WT_HTTP_CARRIER_XRAY, "Root=1-5759e988-bd862e3fe1be46a99427279", false, "", "", "", -1 },
	{ WT_HTTP_CARRIER_REQUEST_ID, "0F8FAD5B-D9CB-469F-A165-70867728950E", true,
	  "0f8fad5bd9cb469fa16570867728950e", "", "", -1 },
	{ WT_HTTP_CARRIER_CORRELATION_ID, "req_7Hk2:abc", true, "req_7Hk2:abc", "", "", -1 },
	{ WT_HTTP_CARRIER_REQUEST_ID, "has space", false, "", "", "", -1 },
	{ WT_HTTP_CARRIER_REQUEST_ID,
	  "x123456789012345678901234567890123456789012345678901234567890abcd", false, "", "", "", -1 },
};

static void
test_trace_vectors(void)
{
	int bad = 0;

	for (size_t i = 0; i < WT_ARRAY_SIZE(tvecs); i++) {
		const struct tvec *v = &tvecs[i];
		struct wt_http_trace t;
		bool ok = http_trace_parse(v->c, v->v, strlen(v->v), &t);
		int sampled = (t.flags & WT_HTTP_TRACE_F_SAMPLED_SET) ?
				      !!(t.flags & WT_HTTP_TRACE_F_SAMPLED) : -1;

		if (ok != v->ok || (ok && (strcmp(t.id, v->id) != 0 || strcmp(t.span_id, v->span) != 0 ||
					   strcmp(t.parent_id, v->parent) != 0 ||
					   sampled != v->sampled || t.id_len != strlen(v->id)))) {
			fprintf(stderr, "\ntrace vector %zu (%s): ok %d id '%s' span '%s' parent '%s' "
				"sampled %d\n", i, v->v, ok, t.id, t.span_id, t.parent_id, sampled);
			bad++;
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
}

static void
test_trace_requests(void)
{
	struct wt_http_lcore *lc = lc_new();
	struct wt_http_conf c;

	/* Priority: traceparent wins over b3 and the request id; tracestate noted. */
	CU_ASSERT_EQUAL(run_conv(lc, &synthetic[6], 0, false, NULL), 1);
	CU_ASSERT_EQUAL(got[0].trace.header, WT_HTTP_CARRIER_TRACEPARENT);
	STR_EQ(got[0].trace.id, "4bf92f3577b34da6a3ce929d0e0e4736");
	STR_EQ(got[0].trace.span_id, "00f067aa0ba902b7");
	CU_ASSERT(got[0].trace.flags & WT_HTTP_TRACE_F_TRACESTATE);
	CU_ASSERT(got[0].trace.flags & WT_HTTP_TRACE_F_SAMPLED);
	CU_ASSERT_EQUAL(got[0].trace.flags & WT_HTTP_TRACE_F_MALFORMED, 0);

	/* B3 multi; a malformed traceparent is flagged and not used. */
	n_got = 0;
	wt_http_open(lc, 0, &flow);
	req(lc, "GET / HTTP/1.1\r\ntraceparent: 00-zz-00f067aa0ba902b7-01\r\n"
		"X-B3-TraceId: 463ac35c9f6413ad48485a3953bb6124\r\nX-B3-SpanId: a2fb4a1d1a96d312\r\n"
		"X-B3-ParentSpanId: 0020000000000001\r\nX-B3-Sampled: 1\r\n\r\n", TS0);
	finish(lc);
	CU_ASSERT_EQUAL(n_got, 1);
	CU_ASSERT_EQUAL(got[0].trace.header, WT_HTTP_CARRIER_B3MULTI);
	STR_EQ(got[0].trace.id, "463ac35c9f6413ad48485a3953bb6124");
	STR_EQ(got[0].trace.parent_id, "0020000000000001");
	CU_ASSERT(got[0].trace.flags & WT_HTTP_TRACE_F_MALFORMED);
	CU_ASSERT(got[0].trace.flags & WT_HTTP_TRACE_F_SAMPLED);

	/* Only malformed: the header is named, no ids. B3 multi without a span id too. */
	n_got = 0;
	wt_http_open(lc, 0, &flow);
	req(lc, "GET / HTTP/1.1\r\nX-B3-TraceId: 463ac35c9f6413ad48485a3953bb6124\r\n"
		"uber-trace-id: nothex:1:0:1\r\n\r\n", TS0);
	finish(lc);
	CU_ASSERT_EQUAL(got[0].trace.header, WT_HTTP_CARRIER_B3MULTI);
	CU_ASSERT_EQUAL(got[0].trace.id_len, 0);
	CU_ASSERT(got[0].trace.flags & WT_HTTP_TRACE_F_MALFORMED);

	/* The next hop of the same call carries the same trace.id (different span). */
	n_got = 0;
	wt_http_open(lc, 0, &flow);
	req(lc, "GET /hop2 HTTP/1.1\r\nTraceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-"
		"b7ad6b7169203331-01\r\n\r\n", TS0);
	finish(lc);
	STR_EQ(got[0].trace.id, "4bf92f3577b34da6a3ce929d0e0e4736");
	STR_EQ(got[0].trace.span_id, "b7ad6b7169203331");
	wt_http_lcore_free(lc);

	/* Configured names: a custom request-id header; the defaults can be cleared. */
	wt_http_conf_defaults(&c);
	wt_http_conf_clear_trace_headers(&c);
	CU_ASSERT_EQUAL(wt_http_conf_add_trace_header(&c, "X-Trace-Token", WT_HTTP_ROLE_REQUEST_ID), 0);
	CU_ASSERT_EQUAL(wt_http_conf_add_trace_header(&c, "x-trace-token", WT_HTTP_ROLE_B3), -EEXIST);
	lc = lc_conf(&c);
	req(lc, "GET / HTTP/1.1\r\ntraceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-"
		"b7ad6b7169203331-01\r\nx-trace-token: abc-123\r\n\r\n", TS0);
	finish(lc);
	CU_ASSERT_EQUAL(got[0].trace.header, WT_HTTP_CARRIER_REQUEST_ID);
	STR_EQ(got[0].trace.id, "abc-123");
	wt_http_lcore_free(lc);
}

/* ---- credentials ---- */

static void
b64url(const char *in, char *out)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t n = strlen(in), o = 0;

	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)(uint8_t)in[i] << 16;

		if (i + 1 < n)
			v |= (uint32_t)(uint8_t)in[i + 1] << 8;
		if (i + 2 < n)
			v |= (uint8_t)in[i + 2];
		out[o++] = a[v >> 18 & 63];
		out[o++] = a[v >> 12 & 63];
		if (i + 1 < n)
			out[o++] = a[v >> 6 & 63];
		if (i + 2 < n)
			out[o++] = a[v & 63];
	}
	out[o] = '\0';
}

/* One request with "Authorization: Bearer <hdr>.<payload>.sig" (JSON parts base64url'd). */
static const struct wt_http_tx *
bearer(struct wt_http_lcore *lc, const char *hdr, const char *payload, bool raw)
{
	static char tok[2048], r[4096];
	char h64[512], p64[1024];

	if (raw) {
		snprintf(tok, sizeof(tok), "%s.%s.c2ln", hdr, payload);
	} else {
		b64url(hdr, h64);
		b64url(payload, p64);
		snprintf(tok, sizeof(tok), "%s.%s.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c", h64, p64);
	}
	snprintf(r, sizeof(r), "GET /api HTTP/1.1\r\nAuthorization: Bearer %s\r\n\r\n", tok);
	n_got = 0;
	wt_http_open(lc, 0, &flow);
	req(lc, r, TS0);
	finish(lc);
	CU_ASSERT_EQUAL_FATAL(n_got, 1);
	CU_ASSERT_EQUAL(got[0].cred.scheme, WT_HTTP_AUTH_BEARER);
	CU_ASSERT(!has_bytes(&got[0], sizeof(got[0]), tok));
	CU_ASSERT(!has_bytes(&got[0], sizeof(got[0]), "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV"));
	return &got[0];
}

static void
test_jwt(void)
{
	struct wt_http_lcore *lc = lc_new();
	const struct wt_http_jwt *j;
	uint8_t fp[WT_HTTP_FP_LEN];

	/* Valid: claims read, aud array, not expired at TS0 (1700000000). */
	j = &bearer(lc, "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"key-2023\"}",
		    "{\"iss\":\"https://idp.example/\",\"sub\":\"svc-a\",\"aud\":[\"api\",\"x\"],"
		    "\"iat\":1699999000,\"nbf\":1699999000,\"exp\":1700003600,\"scope\":{\"a\":[1]},"
		    "\"name\":\"J\\u00e9r\\u00f4me \\\"q\\\"\"}", false)->jwt;
	CU_ASSERT(j->flags & WT_HTTP_JWT_F_PRESENT);
	CU_ASSERT_EQUAL(j->flags & (WT_HTTP_JWT_F_MALFORMED | WT_HTTP_JWT_F_EXPIRED |
				    WT_HTTP_JWT_F_NOT_YET_VALID | WT_HTTP_JWT_F_ALG_NONE), 0);
	STR_EQ(j->alg, "RS256");
	STR_EQ(j->kid, "key-2023");
	STR_EQ(j->iss, "https://idp.example/");
	STR_EQ(j->sub, "svc-a");
	STR_EQ(j->aud, "api");
	CU_ASSERT(j->flags & WT_HTTP_JWT_F_AUD_MULTI);
	CU_ASSERT_EQUAL(j->iat, 1699999000);
	CU_ASSERT_EQUAL(j->exp, 1700003600);
	CU_ASSERT(j->flags & WT_HTTP_JWT_F_IAT && j->flags & WT_HTTP_JWT_F_EXP &&
		  j->flags & WT_HTTP_JWT_F_NBF);
	/* The fingerprint is the HMAC of the token. */
	CU_ASSERT(got[0].cred.flags & WT_HTTP_CRED_F_FP);

	/* Expired one second before the request. */
	j = &bearer(lc, "{\"alg\":\"HS256\"}", "{\"sub\":\"u\",\"exp\":1699999999}", false)->jwt;
	CU_ASSERT(j->flags & WT_HTTP_JWT_F_EXPIRED);
	CU_ASSERT_EQUAL(j->flags & WT_HTTP_JWT_F_IAT, 0);
	/* Not yet valid; lifetime from iat/exp; string aud. */
	j = &bearer(lc, "{\"alg\":\"ES256\"}",
		    "{\"nbf\":1700000100,\"iat\":1700000000,\"exp\":1700086400,\"aud\":\"one\"}",
		    false)->jwt;
	CU_ASSERT(j->flags & WT_HTTP_JWT_F_NOT_YET_VALID);
	CU_ASSERT_EQUAL(j->exp - j->iat, 86400);
	STR_EQ(j->aud, "one");
	CU_ASSERT_EQUAL(j->flags & WT_HTTP_JWT_F_AUD_MULTI, 0);
	/* alg none (any case) */
	j = &bearer(lc, "{\"alg\":\"None\"}", "{\"sub\":\"admin\"}", false)->jwt;
	CU_ASSERT(j->flags & WT_HTTP_JWT_F_ALG_NONE);
	CU_ASSERT_EQUAL(j->flags & WT_HTTP_JWT_F_MALFORMED, 0);
	/* Malformed base64, non-JSON payload, trailing garbage, truncated JSON. */
	j = &bearer(lc, "eyJhbGciOiJIUzI1NiJ9", "e*yJzdWIiOiJ4In0", true)->jwt;
	CU_ASSERT(j->flags & WT_HTTP_JWT_F_MALFORMED);
	j = &bearer(lc, "{\"alg\":\"HS256\"}", "hello world", false)->jwt;
	CU_ASSERT(j->flags & WT_HTTP_JWT_F_MALFORMED);
	j = &bearer(lc, "{\"alg\":\"HS256\"} x", "{}", false)->jwt;
	CU_ASSERT(j->flags & WT_HTTP_JWT_F_MALFORMED);
	j = &bearer(lc, "{\"alg\":\"HS256\"}", "{\"sub\":\"a\",\"exp\":", false)->jwt;
	CU_ASSERT(j->flags & WT_HTTP_JWT_F_MALFORMED);
	CU_ASSERT(j->alg_len == 0 && j->alg[0] == '\0');   /* nothing of it is kept */
	CU_ASSERT(j->sub_len == 0 && j->sub[0] == '\0');
	j = &bearer(lc, "{\"alg\":\"HS256\"}", "{\"iss\":\"https://half-way", false)->jwt;
	CU_ASSERT(j->flags & WT_HTTP_JWT_F_MALFORMED);
	CU_ASSERT(j->iss_len == 0 && j->iss[0] == '\0');
	/* Odd types are skipped, not malformed. */
	j = &bearer(lc, "{\"alg\":7}", "{\"exp\":\"soon\",\"sub\":null,\"iat\":1.7e9}", false)->jwt;
	CU_ASSERT_EQUAL(j->flags & WT_HTTP_JWT_F_MALFORMED, 0);
	CU_ASSERT_EQUAL(j->flags & WT_HTTP_JWT_F_EXP, 0);
	CU_ASSERT_EQUAL(j->iat, 1700000000);
	/* Not a JWT: an opaque bearer token; its fingerprint is HMAC(key, token). */
	n_got = 0;
	wt_http_open(lc, 0, &flow);
	req(lc, "GET / HTTP/1.1\r\nAuthorization:   bearer   opaque-token-123  \r\n\r\n", TS0);
	finish(lc);
	CU_ASSERT_EQUAL(got[0].jwt.flags, 0);
	CU_ASSERT_EQUAL(got[0].cred.scheme, WT_HTTP_AUTH_BEARER);
	http_hmac(lc, "opaque-token-123", 16, fp);
	CU_ASSERT_EQUAL(memcmp(fp, got[0].cred.fp, sizeof(fp)), 0);
	wt_http_lcore_free(lc);
}

static void
test_credentials(void)
{
	struct wt_http_lcore *lc = lc_new(), *lc2;
	struct wt_http_conf c;
	uint8_t fp1[WT_HTTP_FP_LEN], mac[32], want[32];
	unsigned int ml = 0;
	static const uint8_t k20[20] = { 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
					 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b };

	/* HMAC against OpenSSL's (RFC 4231 case 1). */
	wt_http_conf_defaults(&c);
	CU_ASSERT_EQUAL(wt_http_conf_set_key(&c, k20, sizeof(k20)), 0);
	lc2 = lc_conf(&c);
	http_hmac(lc2, "Hi There", 8, fp1);
	HMAC(EVP_sha256(), k20, sizeof(k20), (const uint8_t *)"Hi There", 8, mac, &ml);
	CU_ASSERT_EQUAL(memcmp(fp1, mac, sizeof(fp1)), 0);
	HMAC(EVP_sha256(), k20, sizeof(k20), (const uint8_t *)"dXNlcjpwYXNz", 12, want, &ml);
	wt_http_lcore_free(lc2);
	lc2 = NULL;

	/* Basic: username only; fingerprint of the base64 token, stable across flows. */
	wt_http_lcore_free(lc);
	lc = lc_conf(&c);
	req(lc, "GET / HTTP/1.1\r\nAuthorization: Basic dXNlcjpwYXNz\r\n\r\n", TS0);   /* user:pass */
	finish(lc);
	STR_EQ(got[0].cred.username, "user");
	CU_ASSERT_EQUAL(got[0].cred.username_len, 4);
	CU_ASSERT_EQUAL(memcmp(got[0].cred.fp, want, WT_HTTP_FP_LEN), 0);
	memcpy(fp1, got[0].cred.fp, sizeof(fp1));
	n_got = 0;
	wt_http_open(lc, 0, &flow);
	req(lc, "GET /other HTTP/1.1\r\nauthorization: BASIC  dXNlcjpwYXNz\r\n\r\n", TS0 + 5);
	finish(lc);
	CU_ASSERT_EQUAL(memcmp(got[0].cred.fp, fp1, sizeof(fp1)), 0);
	CU_ASSERT(!has_bytes(&got[0], sizeof(got[0]), "pass"));
	wt_http_lcore_free(lc);

	/* Another key, another fingerprint; no key, no fingerprint (but the username). */
	wt_http_conf_defaults(&c);
	wt_http_conf_set_key(&c, key32, sizeof(key32));
	lc = lc_conf(&c);
	req(lc, "GET / HTTP/1.1\r\nAuthorization: Basic dXNlcjpwYXNz\r\n\r\n", TS0);
	finish(lc);
	CU_ASSERT(memcmp(got[0].cred.fp, fp1, sizeof(fp1)) != 0);
	wt_http_lcore_free(lc);
	wt_http_conf_defaults(&c);
	lc = lc_conf(&c);
	req(lc, "GET / HTTP/1.1\r\nAuthorization: Basic dXNlcjpwYXNz\r\nX-Api-Key: abc\r\n\r\n", TS0);
	finish(lc);
	STR_EQ(got[0].cred.username, "user");
	CU_ASSERT_EQUAL(got[0].cred.flags & (WT_HTTP_CRED_F_FP | WT_HTTP_CRED_F_API_KEY_FP), 0);
	CU_ASSERT(got[0].cred.flags & WT_HTTP_CRED_F_API_KEY);
	wt_http_lcore_free(lc);

	/* Digest: fingerprint of the username parameter, stable across nonces; AWS4: key id. */
	lc = lc_new();
	req(lc, "GET / HTTP/1.1\r\nAuthorization: Digest username=\"Mufasa\", realm=\"r\", "
		"nonce=\"111\", response=\"6629fae49393a05397450978507c4ef1\"\r\n\r\n"
		"GET / HTTP/1.1\r\nAuthorization: Digest realm=\"r\", username=\"Mufasa\", "
		"nonce=\"222\", response=\"e966c932a9242554e42c8ee200cec7f6\"\r\n\r\n"
		"GET / HTTP/1.1\r\nAuthorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/"
		"us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=5d672d79c15b13"
		"\r\n\r\nGET / HTTP/1.1\r\nAuthorization: Negotiate YIIG\r\n\r\n"
		"GET / HTTP/1.1\r\nAuthorization: sometoken\r\n\r\n", TS0);
	finish(lc);
	CU_ASSERT_EQUAL(n_got, 5);
	CU_ASSERT_EQUAL(got[0].cred.scheme, WT_HTTP_AUTH_DIGEST);
	CU_ASSERT_EQUAL(memcmp(got[0].cred.fp, got[1].cred.fp, WT_HTTP_FP_LEN), 0);
	CU_ASSERT_EQUAL(got[0].cred.username_len, 0);
	http_hmac(lc, "Mufasa", 6, fp1);
	CU_ASSERT_EQUAL(memcmp(got[0].cred.fp, fp1, WT_HTTP_FP_LEN), 0);
	CU_ASSERT_EQUAL(got[2].cred.scheme, WT_HTTP_AUTH_AWS4);
	http_hmac(lc, "AKIDEXAMPLE", 11, fp1);
	CU_ASSERT_EQUAL(memcmp(got[2].cred.fp, fp1, WT_HTTP_FP_LEN), 0);
	CU_ASSERT_EQUAL(got[3].cred.scheme, WT_HTTP_AUTH_OTHER);
	CU_ASSERT(got[3].cred.flags & WT_HTTP_CRED_F_FP);
	CU_ASSERT_EQUAL(got[4].cred.scheme, WT_HTTP_AUTH_OTHER);
	http_hmac(lc, "sometoken", 9, fp1);
	CU_ASSERT_EQUAL(memcmp(got[4].cred.fp, fp1, WT_HTTP_FP_LEN), 0);

	/* api keys: the first configured header, case-insensitive; fingerprint of the value. */
	n_got = 0;
	wt_http_open(lc, 0, &flow);
	req(lc, "GET / HTTP/1.1\r\nX-AUTH-TOKEN:  tok-9 \r\nApi-Key: second\r\n\r\n", TS0);
	finish(lc);
	STR_EQ(got[0].cred.api_key_header, "x-auth-token");
	CU_ASSERT(got[0].cred.flags & WT_HTTP_CRED_F_API_KEY_FP);
	http_hmac(lc, "tok-9", 5, fp1);
	CU_ASSERT_EQUAL(memcmp(got[0].cred.api_key_fp, fp1, WT_HTTP_FP_LEN), 0);

	/* Cookies: names only, bounded. */
	n_got = 0;
	wt_http_open(lc, 0, &flow);
	req(lc, "GET / HTTP/1.1\r\nCookie: a=1; b=\"two;\"; flag; c=3\r\nCookie: d=4; e=5; f=6; "
		"g=SEVENVALUE\r\n\r\n", TS0);
	finish(lc);
	CU_ASSERT_EQUAL(got[0].cred.n_cookies, WT_HTTP_COOKIES);
	CU_ASSERT(got[0].cred.cookies_total >= 7);
	STR_EQ(got[0].cred.cookie[0], "a");
	STR_EQ(got[0].cred.cookie[1], "b");
	CU_ASSERT(got[0].cred.flags & WT_HTTP_CRED_F_TRUNCATED);
	CU_ASSERT(!has_bytes(&got[0], sizeof(got[0]), "SEVENVALUE"));
	wt_http_lcore_free(lc);
}

/* Raw secrets appear neither in transactions nor anywhere in the worker's records. */
static void
test_secrets_wiped(void)
{
	static const char *const secrets[] = {
		"p4ssw0rd-xyz", "dXNlcjpwNHNzdzByZC14eXo", "bearer-secret-7a9b", "apikey-6f1e2d",
		"cookieval-55aa", "proxy-pw-3c3c",
	};
	struct wt_http_lcore *lc = lc_new();
	static char big[4096];
	size_t n;

	/* user:p4ssw0rd-xyz; one request complete, one cut inside its Authorization header. */
	req(lc, "GET http://admin:proxy-pw-3c3c@h.example/p?q=1 HTTP/1.1\r\n"
		"Authorization: Basic dXNlcjpwNHNzdzByZC14eXo=\r\nX-API-Key: apikey-6f1e2d\r\n"
		"Cookie: s=cookieval-55aa\r\n\r\nGET / HTTP/1.1\r\nAuthorization: Bearer bearer-sec",
	    TS0);
	resp(lc, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", TS0);
	CU_ASSERT_EQUAL(n_got, 1);
	STR_EQ(got[0].hostname, "h.example");
	STR_EQ(got[0].url, "/p?q=***");
	req(lc, "ret-7a9b\r\n\r\n", TS0);
	/* A bearer token longer than the scratch buffer. */
	n = (size_t)snprintf(big, sizeof(big), "GET / HTTP/1.1\r\nAuthorization: Bearer ");
	memset(big + n, 'Q', 3000);
	memcpy(big + n + 1500, "bearer-secret-7a9b", 18);
	snprintf(big + n + 3000, sizeof(big) - n - 3000, "\r\n\r\n");
	req(lc, big, TS0);
	finish(lc);
	CU_ASSERT_EQUAL(n_got, 3);
	for (unsigned int i = 0; i < n_got; i++)
		for (size_t s = 0; s < WT_ARRAY_SIZE(secrets); s++)
			CU_ASSERT(!has_bytes(&got[i], sizeof(got[i]), secrets[s]));
	CU_ASSERT(got[2].cred.flags & WT_HTTP_CRED_F_FP);
	for (size_t s = 0; s < WT_ARRAY_SIZE(secrets); s++)
		CU_ASSERT(!has_bytes(lc->recs, lc->n_recs * sizeof(lc->recs[0]), secrets[s]));
	for (size_t s = 0; s < WT_ARRAY_SIZE(secrets); s++)
		CU_ASSERT(!has_bytes(lc->flows, lc->capacity * sizeof(lc->flows[0]), secrets[s]));
	wt_http_lcore_free(lc);
}

static void
test_query_mask(void)
{
	struct wt_http_conf c;
	struct wt_http_lcore *lc = lc_new();

	req(lc, "GET /s?a=1&b=2&flag&empty=&c=x=y#frag HTTP/1.1\r\n\r\nGET /p?x=1 HTTP/1.1\r\n\r\n"
		"GET HTTPS://User@API.Example:8443 HTTP/1.1\r\nHost: ignored\r\n\r\n", TS0);
	finish(lc);
	STR_EQ(got[0].url, "/s?a=***&b=***&flag&empty=***&c=***");
	CU_ASSERT_EQUAL(got[0].url_len, strlen(got[0].url));
	STR_EQ(got[1].url, "/p?x=***");
	STR_EQ(got[2].url, "/");
	STR_EQ(got[2].hostname, "api.example");
	wt_http_lcore_free(lc);

	wt_http_conf_defaults(&c);
	c.mask_query_values = 0;
	lc = lc_conf(&c);
	req(lc, "GET /s?a=1&b=2 HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n", TS0);
	finish(lc);
	STR_EQ(got[0].url, "/s?a=1&b=2");
	STR_EQ(got[0].hostname, "[::1]");
	wt_http_lcore_free(lc);
}

static void
shape_of(struct wt_http_lcore *lc, const char *ctype, const char *body, struct wt_http_shape *out)
{
	static char r[16384];

	snprintf(r, sizeof(r), "POST / HTTP/1.1\r\nContent-Type: %s\r\nContent-Length: %zu\r\n\r\n%s",
		 ctype, strlen(body), body);
	n_got = 0;
	wt_http_open(lc, 0, &flow);
	req(lc, r, TS0);
	resp(lc, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", TS0);
	CU_ASSERT_EQUAL_FATAL(n_got, 1);
	*out = got[0].shape[0];
	finish(lc);
}

static void
test_body_shape(void)
{
	struct wt_http_conf c;
	struct wt_http_lcore *lc = lc_new();
	struct wt_http_shape a, b, d;
	uint8_t md[32];
	static char big[12000];
	size_t n;

	shape_of(lc, "application/json", "{\"b\":1,\"a\":{\"z\":[1,2]},\"c\":\"v\"}", &a);
	shape_of(lc, "application/json;charset=utf-8", " {\"c\":null, \"a\":[], \"b\":\"x\\\"y\"}", &b);
	CU_ASSERT(a.flags & WT_HTTP_SHAPE_F_PRESENT);
	CU_ASSERT_EQUAL(a.flags & WT_HTTP_SHAPE_F_TRUNCATED, 0);
	CU_ASSERT_EQUAL(a.keys, 3);
	CU_ASSERT_EQUAL(memcmp(a.fp, b.fp, sizeof(a.fp)), 0);   /* order and values ignored */
	http_sha256("a\nb\nc", 5, md);
	CU_ASSERT_EQUAL(memcmp(a.fp, md, sizeof(a.fp)), 0);
	shape_of(lc, "application/vnd.api+json", "{\"a\":1,\"b\":2,\"c\":3,\"d\":4}", &d);
	CU_ASSERT(memcmp(a.fp, d.fp, sizeof(a.fp)) != 0);
	CU_ASSERT_EQUAL(d.keys, 4);
	shape_of(lc, "application/json", "{\"a\":1,\"a\":2,\"b\":3,\"c\":{\"a\":1}}", &d);   /* set */
	CU_ASSERT_EQUAL(d.keys, 3);
	CU_ASSERT_EQUAL(memcmp(a.fp, d.fp, sizeof(a.fp)), 0);
	shape_of(lc, "application/json", "[{\"a\":1}]", &d);
	CU_ASSERT_EQUAL(d.flags, 0);
	shape_of(lc, "text/plain", "{\"a\":1}", &d);
	CU_ASSERT_EQUAL(d.flags, 0);
	shape_of(lc, "application/json", "{}", &d);
	CU_ASSERT(d.flags & WT_HTTP_SHAPE_F_PRESENT);
	CU_ASSERT_EQUAL(d.keys, 0);
	/* Past json_inspect_bytes: keys seen so far, flagged truncated. */
	n = (size_t)snprintf(big, sizeof(big), "{\"first\":\"");
	memset(big + n, 'v', 9000);
	n += 9000;
	snprintf(big + n, sizeof(big) - n, "\",\"late\":1}");
	shape_of(lc, "application/json", big, &d);
	CU_ASSERT(d.flags & WT_HTTP_SHAPE_F_TRUNCATED);
	CU_ASSERT_EQUAL(d.keys, 1);
	/* Response bodies too (synthetic keep-alive, second transaction). */
	CU_ASSERT_EQUAL(run_conv(lc, &synthetic[0], 0, false, NULL), 3);
	CU_ASSERT(got[1].shape[1].flags & WT_HTTP_SHAPE_F_PRESENT);
	CU_ASSERT_EQUAL(got[1].shape[1].keys, 1);
	CU_ASSERT_EQUAL(got[1].shape[0].keys, 3);
	wt_http_lcore_free(lc);

	wt_http_conf_defaults(&c);
	c.json_inspect_bytes = 0;
	lc = lc_conf(&c);
	shape_of(lc, "application/json", "{\"a\":1}", &d);
	CU_ASSERT_EQUAL(d.flags, 0);
	wt_http_lcore_free(lc);
}

static void
test_conf_names(void)
{
	struct wt_http_conf c;
	struct wt_http_lcore *lc;
	uint8_t k[80] = { 0 };

	wt_http_conf_defaults(&c);
	CU_ASSERT_EQUAL(c.n_trace_hdrs, WT_HTTP_ROLE__MAX);
	CU_ASSERT_EQUAL(c.n_api_key_hdrs, 3);
	CU_ASSERT_EQUAL(wt_http_conf_set_key(&c, k, 15), -EINVAL);
	CU_ASSERT_EQUAL(wt_http_conf_set_key(&c, k, 65), -EINVAL);
	CU_ASSERT_EQUAL(wt_http_conf_add_api_key_header(&c, "X-API-KEY"), -EEXIST);
	CU_ASSERT_EQUAL(wt_http_conf_add_api_key_header(&c, "bad name"), -EINVAL);
	CU_ASSERT_EQUAL(wt_http_conf_add_api_key_header(&c, ""), -EINVAL);
	CU_ASSERT_EQUAL(wt_http_conf_add_trace_header(&c, "x", WT_HTTP_ROLE__MAX), -EINVAL);
	CU_ASSERT_EQUAL(wt_http_trace_role_from_name("X-B3-TraceId"), WT_HTTP_ROLE_B3_TRACEID);
	CU_ASSERT_EQUAL(wt_http_trace_role_from_name("nope"), -EINVAL);
	for (int i = 0; i < WT_HTTP_CNT__MAX; i++)
		CU_ASSERT(wt_http_counter_names[i][0] >= 'a' && wt_http_counter_names[i][0] <= 'z');
	STR_EQ(wt_http_counter_names[WT_HTTP_CNT_PARSE_ERRORS], "parse_errors");
	STR_EQ(wt_http_noresp_names[WT_HTTP_NORESP_FLOW_END], "flow_end");
	c.max_pipeline = 17;
	CU_ASSERT_PTR_NULL(wt_http_lcore_create("t_http_bad", &c, 4, 0, on_tx, NULL));
	CU_ASSERT_EQUAL(rte_errno, EINVAL);
	c.max_pipeline = 16;
	CU_ASSERT_PTR_NULL(wt_http_lcore_create("t_http_bad", &c, 0, 0, on_tx, NULL));
	CU_ASSERT_PTR_NULL(wt_http_lcore_create("t_http_bad", &c, 4, 0, NULL, NULL));
	lc = wt_http_lcore_create("t_http_ok", &c, 4, 0, on_tx, NULL);
	CU_ASSERT_PTR_NOT_NULL(lc);
	/* Out-of-range slots and directions are ignored. */
	wt_http_data(lc, 4, &flow, 0, (const uint8_t *)"GET", 3, 0, TS0);
	wt_http_data(lc, 0, &flow, 2, (const uint8_t *)"GET", 3, 0, TS0);
	wt_http_data(lc, 1, &flow, 0, (const uint8_t *)"GET", 3, 0, TS0);   /* not open */
	wt_http_close(lc, 1, &flow, TS0);
	CU_ASSERT_EQUAL(wt_http_stopped(lc, 9), 0);
	wt_http_lcore_free(lc);
	wt_http_lcore_free(NULL);
}

/* Rough cost per transaction, printed for the record (not asserted). */
static void
test_cost(void)
{
	struct wt_http_lcore *lc = lc_new();
	const int rounds = 20000;
	uint64_t t0, t1;

	t0 = wt_monotonic_ns();
	for (int i = 0; i < rounds; i++) {
		const struct corpus_conv *cv = &synthetic[6];

		run_conv(lc, cv, 0, false, NULL);
	}
	t1 = wt_monotonic_ns();
	fprintf(stderr, "\n  http: %.0f ns per transaction (trace + auth + api key + cookies + "
		"json response)\n", (double)(t1 - t0) / rounds);
	t0 = wt_monotonic_ns();
	for (int i = 0; i < rounds / 10; i++)
		run_conv(lc, &synthetic[0], 0, false, NULL);
	t1 = wt_monotonic_ns();
	fprintf(stderr, "  http: %.0f ns per transaction (keep-alive, 3 per flow)\n",
		(double)(t1 - t0) / (rounds / 10 * 3));
	wt_http_lcore_free(lc);
}

int
wt_test_http(void)
{
	CU_pSuite s = CU_add_suite("http", NULL, NULL);

	if (s == NULL)
		return -1;
	if (!CU_add_test(s, "detect", test_detect) ||
	    !CU_add_test(s, "capture corpus split at every byte", test_split_corpus) ||
	    !CU_add_test(s, "written corpus split at every byte", test_split_synthetic) ||
	    !CU_add_test(s, "capture corpus values", test_corpus_values) ||
	    !CU_add_test(s, "keep-alive and pipelining", test_keepalive_pipeline) ||
	    !CU_add_test(s, "chunked, bodiless, read until close", test_chunked_nobody_close) ||
	    !CU_add_test(s, "requests pending at close", test_close_pending) ||
	    !CU_add_test(s, "upgrade, h2c, connect", test_upgrades) ||
	    !CU_add_test(s, "bounds, overflow, pool", test_bounds) ||
	    !CU_add_test(s, "gaps, parse errors, resync, midstream", test_gaps_resync) ||
	    !CU_add_test(s, "trace vectors", test_trace_vectors) ||
	    !CU_add_test(s, "trace in requests", test_trace_requests) ||
	    !CU_add_test(s, "jwt vectors", test_jwt) ||
	    !CU_add_test(s, "credentials", test_credentials) ||
	    !CU_add_test(s, "secrets wiped", test_secrets_wiped) ||
	    !CU_add_test(s, "query masking, absolute form", test_query_mask) ||
	    !CU_add_test(s, "json body shape", test_body_shape) ||
	    !CU_add_test(s, "conf and names", test_conf_names) ||
	    !CU_add_test(s, "cost", test_cost))
		return -1;
	return 0;
}
