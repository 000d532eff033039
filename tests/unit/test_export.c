/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Exporter tests: exact EVE JSON for known events (checked by a small strict JSON parser), the
 * embedded Kafka cluster end to end (produce, flush, consume back, keys), property errors and
 * the file output.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <librdkafka/rdkafka.h>

#include "wt_export.h"

int wt_test_export(void);

/* ---- a tiny strict JSON checker (RFC 8259 grammar, no semantic checks) ---- */

struct jp {
	const char *p;
	int depth;
};

static bool jp_value(struct jp *j);

static void
jp_ws(struct jp *j)
{
	while (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')
		j->p++;
}

static bool
jp_string(struct jp *j)
{
	if (*j->p++ != '"')
		return false;
	for (;;) {
		unsigned char c = (unsigned char)*j->p++;

		if (c == '"')
			return true;
		if (c < 0x20)
			return false;   /* includes the NUL: unterminated */
		if (c != '\\')
			continue;
		c = (unsigned char)*j->p++;
		if (c == 'u') {
			for (int i = 0; i < 4; i++, j->p++)
				if (!((*j->p >= '0' && *j->p <= '9') || (*j->p >= 'a' && *j->p <= 'f') ||
				      (*j->p >= 'A' && *j->p <= 'F')))
					return false;
		} else if (strchr("\"\\/bfnrt", c) == NULL || c == '\0') {
			return false;
		}
	}
}

static bool
jp_digits(struct jp *j)
{
	const char *s = j->p;

	while (*j->p >= '0' && *j->p <= '9')
		j->p++;
	return j->p > s;
}

static bool
jp_number(struct jp *j)
{
	if (*j->p == '-')
		j->p++;
	if (*j->p == '0')
		j->p++;
	else if (!jp_digits(j))
		return false;
	if (*j->p == '.') {
		j->p++;
		if (!jp_digits(j))
			return false;
	}
	if (*j->p == 'e' || *j->p == 'E') {
		j->p++;
		if (*j->p == '+' || *j->p == '-')
			j->p++;
		if (!jp_digits(j))
			return false;
	}
	return true;
}

static bool
jp_seq(struct jp *j, char close, bool object)
{
	j->p++;
	jp_ws(j);
	if (*j->p == close) {
		j->p++;
		return true;
	}
	for (;;) {
		if (object) {
			if (!jp_string(j))
				return false;
			jp_ws(j);
			if (*j->p++ != ':')
				return false;
		}
		if (!jp_value(j))
			return false;
		jp_ws(j);
		if (*j->p == close) {
			j->p++;
			return true;
		}
		if (*j->p++ != ',')
			return false;
		jp_ws(j);
	}
}

static bool
jp_value(struct jp *j)
{
	bool ok;

	jp_ws(j);
	if (++j->depth > 64)
		return false;
	switch (*j->p) {
	case '{': ok = jp_seq(j, '}', true); break;
	case '[': ok = jp_seq(j, ']', false); break;
	case '"': ok = jp_string(j); break;
	case 't': ok = strncmp(j->p, "true", 4) == 0 && (j->p += 4); break;
	case 'f': ok = strncmp(j->p, "false", 5) == 0 && (j->p += 5); break;
	case 'n': ok = strncmp(j->p, "null", 4) == 0 && (j->p += 4); break;
	default: ok = jp_number(j);
	}
	j->depth--;
	return ok;
}

/* True when [s, s+n) is exactly one JSON object and nothing else. */
static bool
json_valid(const char *s, size_t n)
{
	char tmp[WT_EXPORT_JSON_MAX + 1];
	struct jp j = { tmp, 0 };

	if (n > WT_EXPORT_JSON_MAX || n == 0 || s[0] != '{')
		return false;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (!jp_value(&j))
		return false;
	jp_ws(&j);
	return *j.p == '\0';
}

/* Value of a plain (unescaped) string member "key":"value" of @p json, or "" */
static const char *
json_str_field(const char *json, size_t n, const char *key, char *out, size_t outlen)
{
	char pat[64];
	const char *p, *e;

	snprintf(pat, sizeof(pat), "\"%s\":\"", key);
	out[0] = '\0';
	p = memmem(json, n, pat, strlen(pat));
	if (p == NULL)
		return out;
	p += strlen(pat);
	e = memchr(p, '"', (size_t)(json + n - p));
	if (e != NULL && (size_t)(e - p) < outlen) {
		memcpy(out, p, (size_t)(e - p));
		out[e - p] = '\0';
	}
	return out;
}

/* ---- fixtures ---- */

static void
ev_tcp(struct wt_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->ts_ns = 1700000000123456789ull;   /* 2023-11-14T22:13:20.123456Z */
	ev->flow_id = 42;
	inet_pton(AF_INET, "10.0.0.1", ev->src_ip);
	inet_pton(AF_INET, "10.0.0.2", ev->dst_ip);
	ev->sport = 12345;
	ev->dport = 80;
	ev->type = WT_EVENT_FLOW;
	ev->ipver = 4;
	ev->proto = IPPROTO_TCP;
	ev->app_proto = WT_APP_UNKNOWN;
	ev->u.flow.pkts_toserver = 5;
	ev->u.flow.pkts_toclient = 4;
	ev->u.flow.bytes_toserver = 400;
	ev->u.flow.bytes_toclient = 3000;
	ev->u.flow.start_ns = 1699999990000000000ull;
	ev->u.flow.end_ns = 1700000000100000000ull;
	ev->u.flow.state = WT_TCP_STATE_CLOSED;
	ev->u.flow.reason = WT_FLOW_END_FIN;
	ev->u.flow.tcp_flags_ts = WT_TCP_SYN | WT_TCP_ACK | WT_TCP_PSH | WT_TCP_FIN;
	ev->u.flow.tcp_flags_tc = WT_TCP_SYN | WT_TCP_ACK | WT_TCP_PSH;
	ev->u.flow.flags = WT_FLOW_F_SYN_SEEN | WT_FLOW_F_HANDSHAKE;
}

static const char tcp_expected[] =
	"{\"timestamp\":\"2023-11-14T22:13:20.123456+0000\",\"flow_id\":42,\"sensor\":\"sensor-1\","
	"\"event_type\":\"flow\",\"src_ip\":\"10.0.0.1\",\"src_port\":12345,"
	"\"dest_ip\":\"10.0.0.2\",\"dest_port\":80,\"proto\":\"TCP\",\"app_proto\":\"unknown\","
	"\"community_id\":\"1:CpuULklTENbGdRpvp7gNcQd5ZqA=\","
	"\"flow\":{\"pkts_toserver\":5,\"pkts_toclient\":4,\"bytes_toserver\":400,"
	"\"bytes_toclient\":3000,\"start\":\"2023-11-14T22:13:10.000000+0000\","
	"\"end\":\"2023-11-14T22:13:20.100000+0000\",\"age\":10,\"state\":\"closed\","
	"\"reason\":\"fin\",\"alerted\":false},"
	"\"tcp\":{\"tcp_flags\":\"1b\",\"tcp_flags_ts\":\"1b\",\"tcp_flags_tc\":\"1a\","
	"\"syn\":true,\"fin\":true,\"psh\":true,\"ack\":true,\"state\":\"closed\"}}";

static void
ev_udp(struct wt_event *ev)
{
	ev_tcp(ev);
	inet_pton(AF_INET, "192.168.1.10", ev->src_ip);
	inet_pton(AF_INET, "8.8.8.8", ev->dst_ip);
	ev->sport = 53000;
	ev->dport = 53;
	ev->proto = IPPROTO_UDP;
	ev->vlan = 100;
	ev->u.flow.state = WT_TCP_STATE_NONE;
	ev->u.flow.reason = WT_FLOW_END_TIMEOUT;
	ev->u.flow.tcp_flags_ts = ev->u.flow.tcp_flags_tc = 0;
	ev->u.flow.flags = 0;
}

static void
ev_icmp6(struct wt_event *ev)
{
	ev_tcp(ev);
	memset(ev->src_ip, 0, 16);
	memset(ev->dst_ip, 0, 16);
	inet_pton(AF_INET6, "2001:db8::1", ev->src_ip);
	inet_pton(AF_INET6, "2001:db8::2", ev->dst_ip);
	ev->ipver = 6;
	ev->proto = IPPROTO_ICMPV6;
	ev->sport = 128;   /* echo request */
	ev->dport = 0;
	ev->u.flow.state = WT_TCP_STATE_NONE;
	ev->u.flow.reason = WT_FLOW_END_SHUTDOWN;
	ev->u.flow.tcp_flags_ts = ev->u.flow.tcp_flags_tc = 0;
	ev->u.flow.flags = 0;
}

static void
conf_base(struct wt_conf *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->sensor_name, sizeof(c->sensor_name), "test-sensor");
	snprintf(c->kafka_topic_template, sizeof(c->kafka_topic_template),
		 "wiretrail.{event_type}");
	c->kafka_embedded_brokers = 3;
	c->kafka_flush_timeout_ms = 10000;
}

#define CHECK_HAS(json, s) CU_ASSERT_PTR_NOT_NULL(strstr((json), (s)))
#define CHECK_HASNT(json, s) CU_ASSERT_PTR_NULL(strstr((json), (s)))

/* ---- JSON ---- */

static void
test_json_tcp(void)
{
	struct wt_event ev;
	char buf[WT_EXPORT_JSON_MAX];
	size_t n;

	ev_tcp(&ev);
	n = wt_export_format_json(&ev, "sensor-1", buf, sizeof(buf));
	CU_ASSERT_EQUAL(n, strlen(tcp_expected));
	CU_ASSERT_STRING_EQUAL(buf, tcp_expected);
	if (strcmp(buf, tcp_expected) != 0)
		fprintf(stderr, "\n got: %s\nwant: %s\n", buf, tcp_expected);
	CU_ASSERT(json_valid(buf, n));

	/* Midstream pick-up, reset, every flag. */
	ev.u.flow.flags = WT_FLOW_F_MIDSTREAM;
	ev.u.flow.state = WT_TCP_STATE_RESET;
	ev.u.flow.reason = WT_FLOW_END_RST;
	ev.u.flow.tcp_flags_ts = 0xff;
	n = wt_export_format_json(&ev, "s", buf, sizeof(buf));
	CU_ASSERT(n > 0 && json_valid(buf, n));
	CHECK_HAS(buf, "\"tcp_flags\":\"ff\"");
	CHECK_HAS(buf, "\"rst\":true,\"psh\":true,\"ack\":true,\"urg\":true,\"ecn\":true,"
		       "\"cwr\":true,\"state\":\"reset\",\"midstream\":true}");
	CHECK_HAS(buf, "\"reason\":\"rst\"");
}

static void
test_json_udp_vlan(void)
{
	struct wt_event ev;
	char buf[WT_EXPORT_JSON_MAX];
	size_t n;

	ev_udp(&ev);
	n = wt_export_format_json(&ev, "sensor-1", buf, sizeof(buf));
	CU_ASSERT(n > 0 && json_valid(buf, n));
	CHECK_HAS(buf, "\"event_type\":\"flow\",\"vlan\":[100],\"src_ip\":\"192.168.1.10\","
		       "\"src_port\":53000,\"dest_ip\":\"8.8.8.8\",\"dest_port\":53,"
		       "\"proto\":\"UDP\"");
	CHECK_HAS(buf, "\"community_id\":\"1:AaUT0UZuChn2Ct0aDj5UNN8T7jg=\"");
	CHECK_HAS(buf, "\"state\":\"closed\",\"reason\":\"timeout\",\"alerted\":false}}");
	CHECK_HASNT(buf, "\"tcp\"");

	/* Unknown protocol: its number as a string; no vlan when 0. */
	ev.proto = 47;
	ev.vlan = 0;
	n = wt_export_format_json(&ev, "sensor-1", buf, sizeof(buf));
	CU_ASSERT(n > 0 && json_valid(buf, n));
	CHECK_HAS(buf, "\"proto\":\"47\"");
	CHECK_HASNT(buf, "vlan");

	/* Dotted quads at the digit-count edges. */
	inet_pton(AF_INET, "100.10.1.0", ev.src_ip);
	inet_pton(AF_INET, "255.255.255.255", ev.dst_ip);
	n = wt_export_format_json(&ev, "sensor-1", buf, sizeof(buf));
	CU_ASSERT(n > 0 && json_valid(buf, n));
	CHECK_HAS(buf, "\"src_ip\":\"100.10.1.0\",");
	CHECK_HAS(buf, "\"dest_ip\":\"255.255.255.255\",");
}

static void
test_json_icmp6(void)
{
	struct wt_event ev;
	char buf[WT_EXPORT_JSON_MAX];
	size_t n;

	ev_icmp6(&ev);
	n = wt_export_format_json(&ev, "sensor-1", buf, sizeof(buf));
	CU_ASSERT(n > 0 && json_valid(buf, n));
	CHECK_HAS(buf, "\"src_ip\":\"2001:db8::1\",\"dest_ip\":\"2001:db8::2\","
		       "\"proto\":\"IPv6-ICMP\",\"icmp_type\":128,\"icmp_code\":0,"
		       "\"app_proto\":\"unknown\"");
	CHECK_HAS(buf, "\"community_id\":\"1:u2vMS3HiWth2lIMKHB1fjELshpQ=\"");
	CHECK_HAS(buf, "\"reason\":\"shutdown\"");
	CHECK_HASNT(buf, "src_port");
	CHECK_HASNT(buf, "\"tcp\"");
}

static void
test_json_escape(void)
{
	struct wt_event ev;
	char buf[WT_EXPORT_JSON_MAX];
	size_t n;

	ev_tcp(&ev);
	n = wt_export_format_json(&ev, "a\"b\\c\nd\x01\x1f\te/\xc3\xa9", buf, sizeof(buf));
	CU_ASSERT(n > 0 && json_valid(buf, n));
	CHECK_HAS(buf, "\"sensor\":\"a\\\"b\\\\c\\nd\\u0001\\u001f\\te/\xc3\xa9\",");

	/* Bad ip version: no community id, still valid JSON. */
	ev.ipver = 0;
	n = wt_export_format_json(&ev, "", buf, sizeof(buf));
	CU_ASSERT(n > 0 && json_valid(buf, n));
	CHECK_HASNT(buf, "community_id");
	CHECK_HAS(buf, "\"sensor\":\"\"");
	/* Out-of-range enums fall back to names instead of reading past the tables. */
	ev.ipver = 4;
	ev.app_proto = 200;
	ev.u.flow.state = 200;
	ev.u.flow.reason = 200;
	n = wt_export_format_json(&ev, "x", buf, sizeof(buf));
	CU_ASSERT(n > 0 && json_valid(buf, n));
	ev.type = WT_EVENT__MAX;
	CU_ASSERT_EQUAL(wt_export_format_json(&ev, "x", buf, sizeof(buf)), 0);
}

static void
test_json_too_small(void)
{
	struct wt_event ev;
	char full[WT_EXPORT_JSON_MAX];
	size_t n, len;
	int bad = 0;

	ev_tcp(&ev);
	n = wt_export_format_json(&ev, "sen\"sor", full, sizeof(full));
	CU_ASSERT_FATAL(n > 0);
	/* Every buffer size up to the exact fit fails; the exact fit (n + NUL) succeeds. */
	for (len = 0; len <= n + 1; len++) {
		char *b = malloc(len ? len : 1); /* exact size: ASan catches any overrun */
		size_t r = wt_export_format_json(&ev, "sen\"sor", b, len);

		if (len <= n ? r != 0 : (r != n || memcmp(b, full, n + 1) != 0))
			bad++;
		free(b);
	}
	CU_ASSERT_EQUAL(bad, 0);
}

/* ---- http events ---- */

#define SET_STR(f, v) do { \
	snprintf((f), sizeof(f), "%s", (v)); \
	f##_len = (uint8_t)strlen(v); \
	} while (0)

static void
ev_http(struct wt_event *ev)
{
	struct wt_http_tx *t = &ev->u.http;

	ev_tcp(ev);
	memset(&ev->u, 0, sizeof(ev->u));
	ev->type = WT_EVENT_HTTP;
	ev->app_proto = WT_APP_HTTP;
	ev->ts_ns = 1700000000123456789ull;
	t->tx_id = 3;
	t->ts_request = 1700000000123456789ull;
	t->ts_response = t->ts_request + 2500000;       /* 2.5 ms */
	t->ts_response_end = t->ts_request + 7250000;   /* 7.25 ms */
	t->request_len = 31;
	t->response_len = 219;
	t->status = 201;
	t->flags = WT_HTTP_TX_F_REQUEST | WT_HTTP_TX_F_REQ_DONE | WT_HTTP_TX_F_RESPONSE |
		   WT_HTTP_TX_F_RESP_DONE;
	SET_STR(t->hostname, "api.example");
	snprintf(t->url, sizeof(t->url), "/v1/items?id=***");
	t->url_len = (uint16_t)strlen(t->url);
	SET_STR(t->http_method, "POST");
	SET_STR(t->protocol, "HTTP/1.1");
	SET_STR(t->http_user_agent, "curl/8.1");
	SET_STR(t->http_content_type, "application/json");
	SET_STR(t->trace.id, "4bf92f3577b34da6a3ce929d0e0e4736");
	SET_STR(t->trace.span_id, "00f067aa0ba902b7");
	t->trace.header = WT_HTTP_CARRIER_TRACEPARENT;
	t->trace.flags = WT_HTTP_TRACE_F_SAMPLED | WT_HTTP_TRACE_F_SAMPLED_SET;
	t->cred.scheme = WT_HTTP_AUTH_BASIC;
	SET_STR(t->cred.username, "svc-a");
	t->cred.flags = WT_HTTP_CRED_F_FP | WT_HTTP_CRED_F_API_KEY | WT_HTTP_CRED_F_API_KEY_FP;
	for (int i = 0; i < WT_HTTP_FP_LEN; i++) {
		t->cred.fp[i] = (uint8_t)i;
		t->cred.api_key_fp[i] = (uint8_t)(0xf0 + i);
	}
	SET_STR(t->cred.api_key_header, "x-api-key");
	snprintf(t->cred.cookie[0], WT_HTTP_COOKIE_MAX, "sid");
	t->cred.cookie_len[0] = 3;
	snprintf(t->cred.cookie[1], WT_HTTP_COOKIE_MAX, "theme");
	t->cred.cookie_len[1] = 5;
	t->cred.n_cookies = 2;
	t->cred.cookies_total = 2;
	t->shape[0].flags = WT_HTTP_SHAPE_F_PRESENT;
	t->shape[0].keys = 3;
	memcpy(t->shape[0].fp, "\x01\x23\x45\x67\x89\xab\xcd\xef", 8);
}

static const char http_expected[] =
	"{\"timestamp\":\"2023-11-14T22:13:20.123456+0000\",\"flow_id\":42,\"sensor\":\"sensor-1\","
	"\"event_type\":\"http\",\"src_ip\":\"10.0.0.1\",\"src_port\":12345,"
	"\"dest_ip\":\"10.0.0.2\",\"dest_port\":80,\"proto\":\"TCP\",\"app_proto\":\"http\","
	"\"community_id\":\"1:CpuULklTENbGdRpvp7gNcQd5ZqA=\",\"tx_id\":3,"
	"\"http\":{\"hostname\":\"api.example\",\"url\":\"/v1/items?id=***\","
	"\"http_user_agent\":\"curl/8.1\",\"http_content_type\":\"application/json\","
	"\"http_method\":\"POST\",\"protocol\":\"HTTP/1.1\",\"status\":201,\"length\":219,"
	"\"request_length\":31,\"latency_us\":{\"to_response_start\":2500,\"to_response_end\":7250},"
	"\"credentials\":{\"scheme\":\"basic\",\"username\":\"svc-a\","
	"\"fingerprint\":\"000102030405060708090a0b0c0d0e0f\",\"api_key\":{\"header\":\"x-api-key\","
	"\"fingerprint\":\"f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff\"},\"cookies\":[\"sid\",\"theme\"],"
	"\"cookies_total\":2},\"body_shape\":{\"request\":{\"keys_fp\":\"0123456789abcdef\","
	"\"keys\":3}}},\"trace\":{\"id\":\"4bf92f3577b34da6a3ce929d0e0e4736\","
	"\"header\":\"traceparent\",\"tracestate\":false,\"sampled\":true,\"malformed\":false},"
	"\"span\":{\"id\":\"00f067aa0ba902b7\"}}";

static void
test_json_http(void)
{
	struct wt_event ev;
	struct wt_http_tx *t = &ev.u.http;
	char buf[WT_EXPORT_JSON_MAX];
	size_t n;

	ev_http(&ev);
	n = wt_export_format_json(&ev, "sensor-1", buf, sizeof(buf));
	CU_ASSERT_EQUAL(n, strlen(http_expected));
	CU_ASSERT_STRING_EQUAL(buf, http_expected);
	if (strcmp(buf, http_expected) != 0)
		fprintf(stderr, "\n got: %s\nwant: %s\n", buf, http_expected);
	CU_ASSERT(json_valid(buf, n));

	/* No response: status and latency absent, the reason given; no trace, no credentials. */
	ev_http(&ev);
	t->status = 0;
	t->ts_response = t->ts_response_end = 0;
	t->response_len = 0;
	t->flags = WT_HTTP_TX_F_REQUEST | WT_HTTP_TX_F_REQ_DONE | WT_HTTP_TX_F_GAP |
		   WT_HTTP_TX_F_TRUNCATED | WT_HTTP_TX_F_HEADER_LIMIT | WT_HTTP_TX_F_MIDSTREAM;
	t->no_response = WT_HTTP_NORESP_FLOW_END;
	memset(&t->trace, 0, sizeof(t->trace));
	memset(&t->cred, 0, sizeof(t->cred));
	memset(&t->shape, 0, sizeof(t->shape));
	n = wt_export_format_json(&ev, "s", buf, sizeof(buf));
	CU_ASSERT(n > 0 && json_valid(buf, n));
	CHECK_HAS(buf, "\"protocol\":\"HTTP/1.1\",\"length\":0,\"request_length\":31,\"gap\":true,"
		       "\"truncated\":true,\"header_limit\":true,\"midstream\":true,"
		       "\"no_response_reason\":\"flow_end\"}}");
	CHECK_HASNT(buf, "status");
	CHECK_HASNT(buf, "latency");
	CHECK_HASNT(buf, "trace");
	CHECK_HASNT(buf, "credentials");

	/* A response without request: no request members; an upgrade; a cut response's
	 * latency only to its start. */
	ev_http(&ev);
	t->hostname_len = t->url_len = t->http_method_len = t->protocol_len = 0;
	t->http_user_agent_len = 0;
	t->ts_request = 0;
	t->status = 101;
	t->flags = WT_HTTP_TX_F_RESPONSE | WT_HTTP_TX_F_RESP_DONE | WT_HTTP_TX_F_UPGRADE;
	t->upgrade = WT_HTTP_UPGRADE_WEBSOCKET;
	n = wt_export_format_json(&ev, "s", buf, sizeof(buf));
	CU_ASSERT(n > 0 && json_valid(buf, n));
	CHECK_HAS(buf, "\"http\":{\"http_content_type\":\"application/json\",\"status\":101,");
	CHECK_HAS(buf, "\"upgrade\":\"websocket\"");
	CHECK_HASNT(buf, "latency");
	ev_http(&ev);
	t->flags &= ~WT_HTTP_TX_F_RESP_DONE;
	n = wt_export_format_json(&ev, "s", buf, sizeof(buf));
	CHECK_HAS(buf, "\"latency_us\":{\"to_response_start\":2500}");

	/* JWT: claims, derived flags, lifetime; malformed is a single member. Parent id. */
	ev_http(&ev);
	t->jwt.flags = WT_HTTP_JWT_F_PRESENT | WT_HTTP_JWT_F_EXPIRED | WT_HTTP_JWT_F_IAT |
		       WT_HTTP_JWT_F_EXP | WT_HTTP_JWT_F_ALG_NONE;
	SET_STR(t->jwt.alg, "none");
	SET_STR(t->jwt.sub, "admin");
	SET_STR(t->jwt.iss, "https://idp/");
	t->jwt.iat = 1699990000;
	t->jwt.exp = 1699993600;
	SET_STR(t->trace.parent_id, "0020000000000001");
	t->trace.header = WT_HTTP_CARRIER_B3MULTI;
	t->trace.flags = WT_HTTP_TRACE_F_MALFORMED;
	n = wt_export_format_json(&ev, "s", buf, sizeof(buf));
	CU_ASSERT(n > 0 && json_valid(buf, n));
	CHECK_HAS(buf, "\"jwt\":{\"malformed\":false,\"alg\":\"none\",\"iss\":\"https://idp/\","
		       "\"sub\":\"admin\",\"iat\":1699990000,\"exp\":1699993600,\"lifetime_s\":3600,"
		       "\"expired_at_request\":true,\"not_yet_valid\":false,\"alg_none\":true}");
	CHECK_HAS(buf, "\"trace\":{\"id\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"header\":\"x-b3\","
		       "\"malformed\":true},\"span\":{\"id\":\"00f067aa0ba902b7\"},"
		       "\"parent\":{\"id\":\"0020000000000001\"}}");
	t->jwt.flags = WT_HTTP_JWT_F_PRESENT | WT_HTTP_JWT_F_MALFORMED;
	n = wt_export_format_json(&ev, "s", buf, sizeof(buf));
	CHECK_HAS(buf, "\"jwt\":{\"malformed\":true}");

	/* Escaping: quotes, controls, invalid UTF-8 as \u00XX, valid UTF-8 kept, NUL kept. */
	ev_http(&ev);
	memcpy(t->http_user_agent, "a\"b\\c\x01\xff\xc3\xa9\xe2\x82\x00z\tq", 15);
	t->http_user_agent_len = 15;
	n = wt_export_format_json(&ev, "s", buf, sizeof(buf));
	CU_ASSERT(n > 0 && json_valid(buf, n));
	CHECK_HAS(buf, "\"http_user_agent\":\"a\\\"b\\\\c\\u0001\\u00ff\xc3\xa9\\u00e2\\u0082"
		       "\\u0000z\\tq\",");
}

/* Every string at its bound, made of bytes that escape to 6: still one line that fits. */
static void
test_json_http_worst(void)
{
	struct wt_event ev;
	struct wt_http_tx *t = &ev.u.http;
	char buf[WT_EXPORT_JSON_MAX], *full;
	size_t n, len;
	int bad = 0;

	ev_http(&ev);
#define FILL(f) do { memset(f, 0x01, sizeof(f) - 1); f##_len = sizeof(f) - 1; } while (0)
	FILL(t->hostname);
	memset(t->url, 0x01, sizeof(t->url) - 1);
	t->url_len = sizeof(t->url) - 1;
	FILL(t->http_method);
	FILL(t->protocol);
	FILL(t->http_user_agent);
	FILL(t->http_content_type);
	FILL(t->trace.id);
	FILL(t->trace.span_id);
	FILL(t->trace.parent_id);
	FILL(t->cred.username);
	FILL(t->cred.api_key_header);
	FILL(t->jwt.alg);
	FILL(t->jwt.kid);
	FILL(t->jwt.iss);
	FILL(t->jwt.sub);
	FILL(t->jwt.aud);
#undef FILL
	for (int i = 0; i < WT_HTTP_COOKIES; i++) {
		memset(t->cred.cookie[i], '"', WT_HTTP_COOKIE_MAX - 1);
		t->cred.cookie_len[i] = WT_HTTP_COOKIE_MAX - 1;
	}
	t->cred.n_cookies = WT_HTTP_COOKIES;
	t->cred.cookies_total = 255;
	t->cred.flags = 0xff;
	t->jwt.flags = 0xffff & ~WT_HTTP_JWT_F_MALFORMED;
	t->jwt.iat = INT64_MIN;
	t->jwt.exp = INT64_MAX;
	t->jwt.nbf = -1;
	t->flags = 0xffffffff;
	t->no_response = WT_HTTP_NORESP_GAVE_UP;
	t->trace.flags = 0xff;
	t->shape[0].flags = t->shape[1].flags = 0xff;
	t->tx_id = UINT64_MAX;
	t->request_len = t->response_len = UINT64_MAX;
	n = wt_export_format_json(&ev, "sensor-with-a-long-name-0123456789", buf, sizeof(buf));
	CU_ASSERT(n > 0 && n < WT_EXPORT_JSON_MAX);
	CU_ASSERT(json_valid(buf, n));
	CHECK_HAS(buf, "\"lifetime_s\":-1,");   /* wraps, but stays a number */
	/* Bytes out of range in the record never read past a field. */
	t->hostname_len = 255;
	t->url_len = 60000;
	t->cred.n_cookies = 200;
	t->trace.id_len = 255;
	t->trace.header = 200;
	t->no_response = 200;
	t->cred.scheme = 200;
	CU_ASSERT(wt_export_format_json(&ev, "s", buf, sizeof(buf)) > 0);

	/* Every buffer size below the fit fails cleanly; the exact fit works. */
	ev_http(&ev);
	full = malloc(WT_EXPORT_JSON_MAX);
	CU_ASSERT_PTR_NOT_NULL_FATAL(full);
	n = wt_export_format_json(&ev, "s", full, WT_EXPORT_JSON_MAX);
	for (len = 0; len <= n + 1; len++) {
		char *b = malloc(len ? len : 1);
		size_t r = wt_export_format_json(&ev, "s", b, len);

		if (len <= n ? r != 0 : (r != n || memcmp(b, full, n + 1) != 0))
			bad++;
		free(b);
	}
	free(full);
	CU_ASSERT_EQUAL(bad, 0);
}

static struct wt_http_tx http_seen;
static int http_n;

static void
http_cb(void *arg, const struct wt_http_tx *tx)
{
	(void)arg;
	http_seen = *tx;
	http_n++;
}

/* From the wire to JSON: lib/http, the event record, the formatter. */
static void
test_json_http_e2e(void)
{
	static const char rq[] =
		"POST /login?user=bob&pw=hunter2 HTTP/1.1\r\nHost: Auth.Example:8443\r\n"
		"User-Agent: m2m/1.0\r\nAuthorization: Basic Ym9iOmh1bnRlcjI=\r\n"
		"traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\r\n"
		"Content-Type: application/json\r\nContent-Length: 20\r\n\r\n"
		"{\"pw\":\"x\",\"user\":1}\n";
	static const char rs[] = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
				 "Content-Length: 2\r\n\r\nok";
	struct wt_http_conf hc;
	struct wt_http_lcore *lc;
	struct wt_flow f;
	struct wt_event ev;
	char buf[WT_EXPORT_JSON_MAX];
	size_t n;

	wt_http_conf_defaults(&hc);
	wt_http_conf_set_key(&hc, (const uint8_t *)"0123456789abcdef0123456789abcdef", 32);
	lc = wt_http_lcore_create("t_export_http", &hc, 2, 0, http_cb, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(lc);
	memset(&f, 0, sizeof(f));
	f.key.ipver = 4;
	f.key.proto = IPPROTO_TCP;
	inet_pton(AF_INET, "10.1.0.1", f.key.ip_a);
	inet_pton(AF_INET, "10.1.0.2", f.key.ip_b);
	f.key.port_a = 40000;
	f.key.port_b = 8443;
	f.client_is_a = 1;
	f.flow_id = 9;
	wt_http_open(lc, 0, &f);
	wt_http_data(lc, 0, &f, WT_DIR_TOSERVER, (const uint8_t *)rq, sizeof(rq) - 1, 0,
		     1700000000000000000ull);
	wt_http_data(lc, 0, &f, WT_DIR_TOCLIENT, (const uint8_t *)rs, sizeof(rs) - 1, 0,
		     1700000000001500000ull);
	wt_http_close(lc, 0, &f, 1700000001000000000ull);
	wt_http_lcore_free(lc);
	CU_ASSERT_EQUAL_FATAL(http_n, 1);
	wt_event_from_http(&ev, &f, &http_seen, 1);
	CU_ASSERT_EQUAL(ev.type, WT_EVENT_HTTP);
	CU_ASSERT_EQUAL(ev.ts_ns, 1700000000000000000ull);
	CU_ASSERT_EQUAL(ev.sport, 40000);
	n = wt_export_format_json(&ev, "s", buf, sizeof(buf));
	CU_ASSERT(n > 0 && json_valid(buf, n));
	CHECK_HAS(buf, "\"event_type\":\"http\",\"src_ip\":\"10.1.0.1\",\"src_port\":40000,");
	CHECK_HAS(buf, "\"app_proto\":\"http\"");
	CHECK_HAS(buf, "\"tx_id\":0,\"http\":{\"hostname\":\"auth.example\","
		       "\"url\":\"/login?user=***&pw=***\",\"http_user_agent\":\"m2m/1.0\","
		       "\"http_content_type\":\"text/plain\",\"http_method\":\"POST\","
		       "\"protocol\":\"HTTP/1.1\",\"status\":200,\"length\":2,\"request_length\":20,"
		       "\"latency_us\":{\"to_response_start\":1500,\"to_response_end\":1500},"
		       "\"credentials\":{\"scheme\":\"basic\",\"username\":\"bob\",\"fingerprint\":\"");
	CHECK_HAS(buf, "\"body_shape\":{\"request\":{\"keys_fp\":\"");
	CHECK_HAS(buf, "\"trace\":{\"id\":\"0af7651916cd43dd8448eb211c80319c\","
		       "\"header\":\"traceparent\",\"tracestate\":false,\"sampled\":true,"
		       "\"malformed\":false},\"span\":{\"id\":\"b7ad6b7169203331\"}}");
	CHECK_HASNT(buf, "hunter2");
	CHECK_HASNT(buf, "Ym9iOmh1bnRlcjI");
}

/* ---- Kafka ---- */

static void
test_bad_property(void)
{
	struct wt_conf c;
	struct wt_export_ctx *ctx;
	struct wt_export_lcore *lc;
	char err[512];

	conf_base(&c);
	c.out_kafka_enabled = 1;
	snprintf(c.kafka_brokers, sizeof(c.kafka_brokers), "127.0.0.1:1");
	snprintf(c.kafka_props[0].key, WT_CONF_STR, "acks");
	snprintf(c.kafka_props[0].value, WT_CONF_STR, "all");
	snprintf(c.kafka_props[1].key, WT_CONF_STR, "no.such.property");
	snprintf(c.kafka_props[1].value, WT_CONF_STR, "1");
	c.n_kafka_props = 2;
	ctx = wt_export_ctx_create(&c, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	CU_ASSERT_STRING_EQUAL(wt_export_bootstrap(ctx), "127.0.0.1:1");
	CU_ASSERT_STRING_EQUAL(wt_export_topic(ctx, WT_EVENT_FLOW), "wiretrail.flow");
	errno = 0;
	lc = wt_export_lcore_create(ctx, 0, err, sizeof(err));
	CU_ASSERT_PTR_NULL(lc);
	CU_ASSERT_EQUAL(errno, EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "'no.such.property'"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "No such configuration property"));

	/* A bad value names the property too. */
	snprintf(c.kafka_props[1].key, WT_CONF_STR, "linger.ms");
	snprintf(c.kafka_props[1].value, WT_CONF_STR, "soon");
	wt_export_ctx_free(ctx);
	ctx = wt_export_ctx_create(&c, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	lc = wt_export_lcore_create(ctx, 0, err, sizeof(err));
	CU_ASSERT_PTR_NULL(lc);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "'linger.ms'"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "Invalid value"));
	wt_export_lcore_free(lc);
	wt_export_ctx_free(ctx);

	/* Topic template that makes an illegal topic name. */
	snprintf(c.kafka_topic_template, sizeof(c.kafka_topic_template), "bad topic/{event_type}");
	errno = 0;
	ctx = wt_export_ctx_create(&c, err, sizeof(err));
	CU_ASSERT_PTR_NULL(ctx);
	CU_ASSERT_EQUAL(errno, EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "kafka.topic-template"));
}

#define N_KAFKA 1000

static int
consume_all(const char *bootstrap, const char *topic, int want, int *keys_ok, int *valid)
{
	rd_kafka_conf_t *kc = rd_kafka_conf_new();
	rd_kafka_topic_partition_list_t *tp;
	rd_kafka_t *rk;
	char es[512];
	int got = 0;
	uint64_t deadline = wt_monotonic_ns() + 15000000000ull;

	rd_kafka_conf_set(kc, "bootstrap.servers", bootstrap, es, sizeof(es));
	rd_kafka_conf_set(kc, "group.id", "wt-test-export", es, sizeof(es));
	rd_kafka_conf_set(kc, "enable.auto.commit", "false", es, sizeof(es));
	rk = rd_kafka_new(RD_KAFKA_CONSUMER, kc, es, sizeof(es));
	if (rk == NULL) {
		rd_kafka_conf_destroy(kc);
		return -1;
	}
	rd_kafka_poll_set_consumer(rk);
	tp = rd_kafka_topic_partition_list_new(3);
	for (int p = 0; p < 3; p++)
		rd_kafka_topic_partition_list_add(tp, topic, p)->offset = RD_KAFKA_OFFSET_BEGINNING;
	rd_kafka_assign(rk, tp);
	rd_kafka_topic_partition_list_destroy(tp);
	while (got < want && wt_monotonic_ns() < deadline) {
		rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 100);
		char cid[64];

		if (m == NULL)
			continue;
		if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
			got++;
			json_str_field(m->payload, m->len, "community_id", cid, sizeof(cid));
			if (cid[0] != '\0' && m->key_len == strlen(cid) &&
			    memcmp(m->key, cid, m->key_len) == 0)
				(*keys_ok)++;
			if (json_valid(m->payload, m->len))
				(*valid)++;
		}
		rd_kafka_message_destroy(m);
	}
	rd_kafka_consumer_close(rk);
	rd_kafka_destroy(rk);
	return got;
}

static void
test_embedded_kafka(void)
{
	struct wt_conf c;
	struct wt_export_ctx *ctx;
	struct wt_export_lcore *lc;
	struct wt_export_stats st, sum;
	struct wt_event ev;
	char err[512];
	int rc = 0, got, keys_ok = 0, valid = 0;

	conf_base(&c);
	c.out_kafka_enabled = 1;
	snprintf(c.kafka_brokers, sizeof(c.kafka_brokers), "embedded");
	ctx = wt_export_ctx_create(&c, err, sizeof(err));
	if (ctx == NULL)
		fprintf(stderr, "ctx: %s\n", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	CU_ASSERT(strlen(wt_export_bootstrap(ctx)) > 0);
	CU_ASSERT(strcmp(wt_export_bootstrap(ctx), "embedded") != 0);
	lc = wt_export_lcore_create(ctx, 0, err, sizeof(err));
	if (lc == NULL)
		fprintf(stderr, "lcore: %s\n", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(lc);

	ev_tcp(&ev);
	for (int i = 0; i < N_KAFKA; i++) {
		ev.flow_id = (uint64_t)i;
		ev.sport = (uint16_t)(20000 + i);
		rc |= wt_export_event(lc, &ev);
		if (i % 100 == 0)
			wt_export_poll(lc);
	}
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(wt_export_lcore_flush(lc, 10000), 0);
	wt_export_stats_get(lc, &st);
	CU_ASSERT_EQUAL(st.cnt[WT_EXPORT_CNT_EVENTS], N_KAFKA);
	CU_ASSERT_EQUAL(st.events[WT_EVENT_FLOW], N_KAFKA);
	CU_ASSERT_EQUAL(st.cnt[WT_EXPORT_CNT_PRODUCED], N_KAFKA);
	CU_ASSERT_EQUAL(st.cnt[WT_EXPORT_CNT_DELIVERED], N_KAFKA);
	CU_ASSERT_EQUAL(st.cnt[WT_EXPORT_CNT_DR_FAILED], 0);
	CU_ASSERT_EQUAL(st.cnt[WT_EXPORT_CNT_PRODUCE_FAILED], 0);
	CU_ASSERT(st.cnt[WT_EXPORT_CNT_JSON_BYTES] > 500u * N_KAFKA);

	got = consume_all(wt_export_bootstrap(ctx), wt_export_topic(ctx, WT_EVENT_FLOW), N_KAFKA,
			  &keys_ok, &valid);
	CU_ASSERT_EQUAL(got, N_KAFKA);
	CU_ASSERT_EQUAL(keys_ok, N_KAFKA);
	CU_ASSERT_EQUAL(valid, N_KAFKA);

	/* A bad event is refused and counted, nothing produced. */
	ev.type = WT_EVENT__MAX;
	CU_ASSERT_EQUAL(wt_export_event(lc, &ev), -EINVAL);
	wt_export_stats_get(lc, &st);
	CU_ASSERT_EQUAL(st.cnt[WT_EXPORT_CNT_BAD_EVENT], 1);
	CU_ASSERT_EQUAL(st.cnt[WT_EXPORT_CNT_PRODUCED], N_KAFKA);

	/* Summing two copies doubles counters and merges reason tables by code. */
	memset(&sum, 0, sizeof(sum));
	st.dr_err.n = 1;
	st.dr_err.r[0].code = RD_KAFKA_RESP_ERR__MSG_TIMED_OUT;
	st.dr_err.r[0].name = "_MSG_TIMED_OUT";
	st.dr_err.r[0].count = 3;
	wt_export_stats_add(&sum, &st);
	wt_export_stats_add(&sum, &st);
	CU_ASSERT_EQUAL(sum.cnt[WT_EXPORT_CNT_DELIVERED], 2 * N_KAFKA);
	CU_ASSERT_EQUAL(sum.dr_err.n, 1);
	CU_ASSERT_EQUAL(sum.dr_err.r[0].count, 6);

	wt_export_lcore_free(lc);
	wt_export_ctx_free(ctx);
}

/* Nothing listens on 127.0.0.1:1: a full local queue, a flush timeout and delivery timeouts,
 * each counted by reason. */
static void
test_delivery_failures(void)
{
	struct wt_conf c;
	struct wt_export_ctx *ctx;
	struct wt_export_lcore *lc;
	struct wt_export_stats st;
	struct wt_event ev;
	char err[512];
	int lvl = wt_log_level, ok = 0, nobufs = 0, rc;

	conf_base(&c);
	c.out_kafka_enabled = 1;
	snprintf(c.kafka_brokers, sizeof(c.kafka_brokers), "127.0.0.1:1");
	snprintf(c.kafka_props[0].key, WT_CONF_STR, "queue.buffering.max.messages");
	snprintf(c.kafka_props[0].value, WT_CONF_STR, "10");
	snprintf(c.kafka_props[1].key, WT_CONF_STR, "message.timeout.ms");
	snprintf(c.kafka_props[1].value, WT_CONF_STR, "300");
	c.n_kafka_props = 2;
	wt_log_level = -1; /* connection errors are expected here */
	ctx = wt_export_ctx_create(&c, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	lc = wt_export_lcore_create(ctx, 0, err, sizeof(err));
	if (lc == NULL)
		fprintf(stderr, "lcore: %s\n", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(lc);

	ev_tcp(&ev);
	for (int i = 0; i < 20; i++) {
		rc = wt_export_event(lc, &ev);
		ok += rc == 0;
		nobufs += rc == -ENOBUFS;
	}
	CU_ASSERT_EQUAL(ok, 10);
	CU_ASSERT_EQUAL(nobufs, 10);
	CU_ASSERT_EQUAL(wt_export_lcore_flush(lc, 50), -ETIMEDOUT);
	wt_export_stats_get(lc, &st);
	CU_ASSERT_EQUAL(st.cnt[WT_EXPORT_CNT_PRODUCED], 10);
	CU_ASSERT_EQUAL(st.cnt[WT_EXPORT_CNT_PRODUCE_FAILED], 10);
	CU_ASSERT_EQUAL(st.cnt[WT_EXPORT_CNT_PRODUCE_RETRIED], 10);
	CU_ASSERT_EQUAL(st.produce_err.n, 1);
	CU_ASSERT_EQUAL(st.produce_err.r[0].code, RD_KAFKA_RESP_ERR__QUEUE_FULL);
	CU_ASSERT_STRING_EQUAL(st.produce_err.r[0].name, "_QUEUE_FULL");
	CU_ASSERT_EQUAL(st.produce_err.r[0].count, 10);
	CU_ASSERT_EQUAL(st.cnt[WT_EXPORT_CNT_FLUSH_TIMEOUTS], 1);
	CU_ASSERT(st.cnt[WT_EXPORT_CNT_FLUSH_LEFT] >= 10); /* queued messages + unserved events */

	/* After message.timeout.ms every message is reported failed. */
	CU_ASSERT_EQUAL(wt_export_lcore_flush(lc, 5000), 0);
	wt_export_stats_get(lc, &st);
	CU_ASSERT_EQUAL(st.cnt[WT_EXPORT_CNT_DELIVERED], 0);
	CU_ASSERT_EQUAL(st.cnt[WT_EXPORT_CNT_DR_FAILED], 10);
	CU_ASSERT_EQUAL(st.dr_err.n, 1);
	CU_ASSERT_STRING_EQUAL(st.dr_err.r[0].name, "_MSG_TIMED_OUT");
	CU_ASSERT_EQUAL(st.dr_err.r[0].count, 10);
	CU_ASSERT(st.cnt[WT_EXPORT_CNT_KAFKA_ERRORS] >= 1);
	wt_export_lcore_free(lc);
	wt_export_ctx_free(ctx);
	wt_log_level = lvl;
}

/* ---- file output ---- */

#define N_FILE 3000

static void
test_file_output(void)
{
	struct wt_conf c;
	struct wt_export_ctx *ctx;
	struct wt_export_lcore *lc;
	struct wt_export_stats st;
	struct wt_event ev;
	char path[] = "/tmp/wt_test_export_XXXXXX";
	char err[512], *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int fd, rc = 0, lines = 0, valid = 0;
	FILE *f;

	fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	conf_base(&c);
	c.out_file_enabled = 1;
	snprintf(c.out_file_path, sizeof(c.out_file_path), "%s", path);
	ctx = wt_export_ctx_create(&c, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
	CU_ASSERT_STRING_EQUAL(wt_export_bootstrap(ctx), "");
	lc = wt_export_lcore_create(ctx, 1, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(lc);

	/* One line reaches the file on a poll once it is 100 ms old. */
	ev_udp(&ev);
	CU_ASSERT_EQUAL(wt_export_event(lc, &ev), 0);
	wt_export_poll(lc);
	wt_export_stats_get(lc, &st);
	CU_ASSERT_EQUAL(st.cnt[WT_EXPORT_CNT_FILE_LINES], 0);
	usleep(120 * 1000);
	wt_export_poll(lc);
	wt_export_stats_get(lc, &st);
	CU_ASSERT_EQUAL(st.cnt[WT_EXPORT_CNT_FILE_LINES], 1);

	/* Many more than one 64 KiB buffer. */
	for (int i = 1; i < N_FILE; i++) {
		if (i % 3 == 0)
			ev_icmp6(&ev);
		else if (i % 3 == 1)
			ev_tcp(&ev);
		ev.flow_id = (uint64_t)i;
		rc |= wt_export_event(lc, &ev);
	}
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(wt_export_lcore_flush(lc, 1000), 0);
	wt_export_stats_get(lc, &st);
	CU_ASSERT_EQUAL(st.cnt[WT_EXPORT_CNT_FILE_LINES], N_FILE);
	CU_ASSERT_EQUAL(st.cnt[WT_EXPORT_CNT_FILE_ERRORS], 0);
	CU_ASSERT_EQUAL(st.cnt[WT_EXPORT_CNT_FILE_BYTES], st.cnt[WT_EXPORT_CNT_JSON_BYTES] + N_FILE);
	CU_ASSERT_EQUAL(st.cnt[WT_EXPORT_CNT_PRODUCED], 0);
	wt_export_lcore_free(lc);
	wt_export_ctx_free(ctx);

	f = fopen(path, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	while ((len = getline(&line, &cap, f)) > 0) {
		lines++;
		if (line[len - 1] == '\n' && json_valid(line, (size_t)len - 1))
			valid++;
	}
	free(line);
	fclose(f);
	unlink(path);
	CU_ASSERT_EQUAL(lines, N_FILE);
	CU_ASSERT_EQUAL(valid, N_FILE);

	/* An unwritable path fails at context creation with the path in the message. */
	snprintf(c.out_file_path, sizeof(c.out_file_path), "/nonexistent-dir/x.json");
	errno = 0;
	ctx = wt_export_ctx_create(&c, err, sizeof(err));
	CU_ASSERT_PTR_NULL(ctx);
	CU_ASSERT_EQUAL(errno, ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "/nonexistent-dir/x.json"));
}

int
wt_test_export(void)
{
	CU_pSuite s = CU_add_suite("export", NULL, NULL);

	if (s == NULL)
		return -1;
	if (!CU_add_test(s, "json tcp flow (exact)", test_json_tcp) ||
	    !CU_add_test(s, "json udp + vlan", test_json_udp_vlan) ||
	    !CU_add_test(s, "json ipv6 icmpv6", test_json_icmp6) ||
	    !CU_add_test(s, "json escaping and fallbacks", test_json_escape) ||
	    !CU_add_test(s, "json buffer too small", test_json_too_small) ||
	    !CU_add_test(s, "json http (exact) and variants", test_json_http) ||
	    !CU_add_test(s, "json http worst case and small buffers", test_json_http_worst) ||
	    !CU_add_test(s, "json http from the wire", test_json_http_e2e) ||
	    !CU_add_test(s, "bad librdkafka property / topic", test_bad_property) ||
	    !CU_add_test(s, "embedded kafka round trip", test_embedded_kafka) ||
	    !CU_add_test(s, "delivery failures by reason", test_delivery_failures) ||
	    !CU_add_test(s, "file output", test_file_output))
		return -1;
	return 0;
}
