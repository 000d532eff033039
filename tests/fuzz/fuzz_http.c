/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for lib/http: the parser, pairing, trace/credential/JWT/body-shape readers,
 * over both directions of one flow. Input: one byte choosing the configuration, then records
 * [ctl][len lo][len hi][len bytes]; ctl bit0 = direction, bit1 = gap before, bit2 = midstream,
 * bit3 = that direction ends after the bytes, bit4 = the flow ends and a new one opens. Checks
 * that every transaction's strings are terminated inside their fields and that every record
 * goes back to the pool at close. http_parser itself comes from the system library.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>

#include "wt_http.h"

#define FUZZ_ASSERT(c) do { if (!(c)) __builtin_trap(); } while (0)

static struct wt_http_lcore *lcs[4];
static uint64_t emitted;

#define CHECK_STR(s, len) FUZZ_ASSERT((size_t)(len) < sizeof(s) && (s)[(len)] == '\0')

static void
on_tx(void *arg, const struct wt_http_tx *t)
{
	(void)arg;
	emitted++;
	CHECK_STR(t->hostname, t->hostname_len);
	CHECK_STR(t->url, t->url_len);
	CHECK_STR(t->http_method, t->http_method_len);
	CHECK_STR(t->protocol, t->protocol_len);
	CHECK_STR(t->http_user_agent, t->http_user_agent_len);
	CHECK_STR(t->http_content_type, t->http_content_type_len);
	CHECK_STR(t->trace.id, t->trace.id_len);
	FUZZ_ASSERT(t->trace.span_id_len == 0 || t->trace.span_id_len == 16);
	FUZZ_ASSERT(t->trace.parent_id_len == 0 || t->trace.parent_id_len == 16);
	FUZZ_ASSERT(t->trace.header < WT_HTTP_CARRIER__MAX);
	FUZZ_ASSERT(t->cred.scheme < WT_HTTP_AUTH__MAX);
	CHECK_STR(t->cred.username, t->cred.username_len);
	FUZZ_ASSERT(t->cred.n_cookies <= WT_HTTP_COOKIES);
	for (int i = 0; i < t->cred.n_cookies; i++)
		CHECK_STR(t->cred.cookie[i], t->cred.cookie_len[i]);
	if (t->jwt.flags & WT_HTTP_JWT_F_PRESENT) {
		CHECK_STR(t->jwt.alg, t->jwt.alg_len);
		CHECK_STR(t->jwt.iss, t->jwt.iss_len);
		CHECK_STR(t->jwt.aud, t->jwt.aud_len);
	}
	FUZZ_ASSERT(t->no_response < WT_HTTP_NORESP__MAX);
	FUZZ_ASSERT(t->upgrade < WT_HTTP_UPGRADE__MAX);
	FUZZ_ASSERT(t->status == 0 || (t->flags & WT_HTTP_TX_F_RESPONSE));
	FUZZ_ASSERT((t->flags & WT_HTTP_TX_F_RESP_DONE) || t->no_response != WT_HTTP_NORESP_NONE);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *eal[] = { "fuzz_http", "--no-huge", "--no-pci", "--no-shconf", "-m", "128",
			"--log-level", "*:error", "--file-prefix", "fuzzhttp", NULL };
	struct wt_http_conf c;

	(void)argc;
	(void)argv;
	if (rte_eal_init((int)(sizeof(eal) / sizeof(eal[0])) - 1, eal) < 0)
		abort();
	/* Four configurations: defaults; tight limits; no masking and no key; one record. */
	for (int i = 0; i < 4; i++) {
		wt_http_conf_defaults(&c);
		if (i != 2)
			wt_http_conf_set_key(&c, (const uint8_t *)"fuzz-key-fuzz-key-fuzz-key-fuzz!", 32);
		if (i == 1) {
			c.max_headers = 4;
			c.max_header_bytes = 200;
			c.max_url_bytes = 16;
			c.max_pipeline = 2;
			c.json_inspect_bytes = 64;
			c.resync_max_bytes = 256;
		}
		if (i == 2)
			c.mask_query_values = 0;
		if (i == 3)
			c.tx_pool = 1;
		lcs[i] = wt_http_lcore_create(i == 0 ? "fz0" : i == 1 ? "fz1" : i == 2 ? "fz2" : "fz3",
					      &c, 2, 0, on_tx, NULL);
		if (lcs[i] == NULL)
			abort();
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wt_http_lcore *lc;
	struct wt_http_stats st;
	struct wt_flow f;
	uint64_t ts = 1700000000000000000ull;
	uint32_t slot = 0;

	if (size < 1)
		return 0;
	lc = lcs[data[0] & 3];
	slot = (data[0] >> 2) & 1;
	data++;
	size--;
	memset(&f, 0, sizeof(f));
	emitted = 0;
	wt_http_stats_get(lc, &st);
	FUZZ_ASSERT(st.active_txs == 0);
	wt_http_open(lc, slot, &f);
	while (size >= 3) {
		uint8_t ctl = data[0];
		size_t len = (size_t)data[1] | (size_t)data[2] << 8;

		data += 3;
		size -= 3;
		if (len > size)
			len = size;
		ts += 1000;
		wt_http_data(lc, slot, &f, ctl & 1, data, (uint32_t)len, (ctl >> 1) & 3, ts);
		if (ctl & 8)
			wt_http_eof(lc, slot, &f, ctl & 1, ts);
		if (ctl & 16) {
			wt_http_close(lc, slot, &f, ts);
			wt_http_open(lc, slot, &f);
		}
		(void)wt_http_upgraded(lc, slot);
		data += len;
		size -= len;
	}
	if (size > 0)
		wt_http_data(lc, slot, &f, WT_DIR_TOSERVER, data, (uint32_t)size, 0, ts + 1);
	wt_http_close(lc, slot, &f, ts + 2);
	wt_http_stats_get(lc, &st);
	FUZZ_ASSERT(st.active_txs == 0);
	return 0;
}
