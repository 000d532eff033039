/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Application messages of the generated flows. A message is a pure function of (seed, flow,
 * message index), so any byte range of it can be produced on demand: one segment at a time
 * for a million interleaved flows, without buffering whole messages. Layout: a built head
 * (request line and headers, HTTP/2 HEADERS frame, TLS handshake records, MQTT fixed header),
 * a generated body (JSON text or ciphertext-like bytes, framed as HTTP/2 DATA frames or TLS
 * records where the protocol needs it) and a built tail (gRPC trailers).
 *
 * Shapes from bench/gen/shapes/: curl -> nginx keep-alive calls with traceparent and
 * Bearer headers; grpcio over h2c (preface + SETTINGS + WINDOW_UPDATE, one HEADERS + DATA per
 * call, HEADERS + DATA + trailers back); openssl TLS 1.3 (ClientHello, ServerHello + CCS +
 * encrypted flight, CCS + Finished, tickets, 16 KiB records); mosquitto (CONNECT with
 * credentials, CONNACK, PUBLISH QoS 0/1 with PUBACK, PINGREQ, DISCONNECT).
 */
#include <string.h>

#include "gen.h"

const char *const gen_proto_names[GEN_PROTO__MAX] = { "http", "grpc", "tls", "mqtt" };

uint16_t
gen_proto_port(unsigned int proto)
{
	static const uint16_t ports[GEN_PROTO__MAX] = { 8080, 50051, 443, 1883 };

	return ports[proto];
}

#define H2_FRAME_MAX 16384u
#define TLS_REC_MAX 16384u
#define JSON_REC0 52u   /* {"i":00000000,"t":0000000000,"v":"0123456789abcdef"} */
#define JSON_REC 53u    /* the same with a leading comma */

/* ------------------------------------------------------------------ small byte writer */
struct wr {
	uint8_t *p;
	uint32_t n;
};

static void
w_bytes(struct wr *w, const void *s, uint32_t n)
{
	if (w->p != NULL)
		memcpy(w->p + w->n, s, n);
	w->n += n;
}

static void
w_str(struct wr *w, const char *s)
{
	w_bytes(w, s, (uint32_t)strlen(s));
}

static void
w_u8(struct wr *w, uint8_t v)
{
	w_bytes(w, &v, 1);
}

static void
w_be16(struct wr *w, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	w_bytes(w, b, 2);
}

static void
w_be24(struct wr *w, uint32_t v)
{
	uint8_t b[3] = { (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };

	w_bytes(w, b, 3);
}

/* patch a big-endian length of @p width bytes at @p at */
static void
w_patch(struct wr *w, uint32_t at, uint32_t v, int width)
{
	if (w->p == NULL)
		return;
	for (int i = width - 1; i >= 0; i--, v >>= 8)
		w->p[at + (uint32_t)i] = (uint8_t)v;
}

static void
w_dec(struct wr *w, uint64_t v, int width)
{
	char b[24];
	int n = 0;

	do {
		b[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v && n < 20);
	while (n < width)
		b[n++] = '0';
	while (n > 0)
		w_u8(w, (uint8_t)b[--n]);
}

static void
w_hex(struct wr *w, uint64_t v, int digits)
{
	static const char hx[] = "0123456789abcdef";

	for (int i = digits - 1; i >= 0; i--)
		w_u8(w, (uint8_t)hx[(v >> (4 * i)) & 15]);
}

/* position-addressable pseudo-random bytes: byte p of stream @p seed */
static void
rnd_fill(uint8_t *dst, uint32_t len, uint64_t seed, uint64_t off)
{
	while (len > 0) {
		uint64_t word = gen_hash(seed, off >> 3);
		uint32_t k = (uint32_t)(off & 7);

		for (; k < 8 && len > 0; k++, len--, off++)
			*dst++ = (uint8_t)(word >> (8 * k));
	}
}

static void
w_rnd(struct wr *w, uint32_t n, uint64_t seed)
{
	if (w->p != NULL)
		rnd_fill(w->p + w->n, n, seed, 0);
	w->n += n;
}

static void
w_b64url(struct wr *w, const uint8_t *s, uint32_t n)
{
	static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	uint32_t i;

	for (i = 0; i + 2 < n; i += 3) {
		uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];

		w_u8(w, (uint8_t)t[v >> 18]);
		w_u8(w, (uint8_t)t[(v >> 12) & 63]);
		w_u8(w, (uint8_t)t[(v >> 6) & 63]);
		w_u8(w, (uint8_t)t[v & 63]);
	}
	if (n - i == 1) {
		w_u8(w, (uint8_t)t[s[i] >> 2]);
		w_u8(w, (uint8_t)t[(s[i] & 3) << 4]);
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)s[i] << 8 | s[i + 1];

		w_u8(w, (uint8_t)t[v >> 10]);
		w_u8(w, (uint8_t)t[(v >> 4) & 63]);
		w_u8(w, (uint8_t)t[(v & 15) << 2]);
	}
}

/* ------------------------------------------------------------------ per-flow identities */
static uint64_t
flow_seed(const struct gen_ctx *g, const struct gen_flow *f)
{
	return gen_hash(g->o->seed, f->serial);
}

static uint32_t
flow_dev(const struct gen_ctx *g, const struct gen_flow *f)
{
	return (uint32_t)(flow_seed(g, f) % 1000000u);
}

/* JWT-shaped bearer token (RS256-looking header, per-service claims, random signature) */
static void
w_token(struct wr *w, const struct gen_ctx *g, const struct gen_flow *f)
{
	uint64_t h = gen_hash(flow_seed(g, f), 0x70c3);
	uint8_t claims[160];
	struct wr c = { claims, 0 };
	uint8_t sig[64];

	w_str(w, "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.");
	w_str(&c, "{\"sub\":\"svc-");
	w_dec(&c, h % 10000, 4);
	w_str(&c, "\",\"aud\":\"m2m-api\",\"scope\":\"telemetry:write orders:read\",\"exp\":");
	w_dec(&c, 1733240000u + h % 86400, 10);
	w_str(&c, "}");
	w_b64url(w, claims, c.n);
	w_u8(w, '.');
	rnd_fill(sig, sizeof(sig), h, 0);
	w_b64url(w, sig, sizeof(sig));
}

static void
w_traceparent(struct wr *w, const struct gen_ctx *g, const struct gen_flow *f, uint32_t idx)
{
	uint64_t fs = flow_seed(g, f);

	w_str(w, "00-");
	w_hex(w, gen_hash(fs, 0x7ace), 16);
	w_hex(w, gen_hash(fs, 0x7acf + idx / 2), 16);
	w_u8(w, '-');
	w_hex(w, gen_hash(fs, 0x5a00 + idx), 16);
	w_str(w, "-01");
}

/* ------------------------------------------------------------------ JSON bodies */
/* Prefix of a JSON body: {"ts":...,"dev":"dev-NNNNNN",["note":"SIG",]"data":[ */
static uint32_t
json_prefix(const struct gen_ctx *g, const struct gen_flow *f, const struct gen_msg *m,
	    uint8_t *buf)
{
	struct wr w = { buf, 0 };

	w_str(&w, "{\"ts\":");
	w_dec(&w, 1733240000u + m->idx, 10);
	w_str(&w, ",\"dev\":\"dev-");
	w_dec(&w, flow_dev(g, f), 6);
	w_str(&w, "\",");
	if (m->hit) {
		w_str(&w, "\"note\":\"");
		w_bytes(&w, g->o->sigs[m->sig], g->o->sig_len[m->sig]);
		w_str(&w, "\",");
	}
	w_str(&w, "\"data\":[");
	return w.n;
}

/* records that fit in @p want bytes of body after a prefix of @p plen */
static uint32_t
json_records(uint32_t plen, uint32_t want)
{
	if (want < plen + 2 + JSON_REC0)
		return 0;
	return 1 + (want - plen - 2 - JSON_REC0) / JSON_REC;
}

static uint32_t
json_len(uint32_t plen, uint32_t r)
{
	return plen + (r ? JSON_REC0 + (r - 1) * JSON_REC : 0) + 2;
}

static void
json_record(uint64_t seed, uint32_t k, uint8_t *out)
{
	struct wr w = { out, 0 };

	if (k)
		w_u8(&w, ',');
	w_str(&w, "{\"i\":");
	w_dec(&w, k, 8);
	w_str(&w, ",\"t\":");
	w_dec(&w, 1733240000u + k, 10);
	w_str(&w, ",\"v\":\"");
	w_hex(&w, gen_hash(seed, k), 16);
	w_str(&w, "\"}");
}

/* bytes [off, off + len) of the JSON body of @p m (total length m->body_len) */
static void
json_bytes(const struct gen_ctx *g, const struct gen_flow *f, const struct gen_msg *m,
	   uint32_t off, uint32_t len, uint8_t *dst)
{
	uint8_t pre[64 + GEN_SIG_MAX], rec[64];
	uint32_t plen = json_prefix(g, f, m, pre);
	uint32_t end = off + len;

	while (off < end) {
		uint32_t n;

		if (off < plen) {
			n = WT_GEN_MIN(plen - off, end - off);
			memcpy(dst, pre + off, n);
		} else if (off >= m->body_len - 2) {
			n = end - off;
			memcpy(dst, &"]}"[off - (m->body_len - 2)], n);
		} else {
			uint32_t ro = off - plen, k, in, rl;

			if (ro < JSON_REC0) {
				k = 0;
				in = ro;
			} else {
				k = 1 + (ro - JSON_REC0) / JSON_REC;
				in = (ro - JSON_REC0) % JSON_REC;
			}
			rl = k ? JSON_REC : JSON_REC0;
			json_record(m->seed, k, rec);
			n = WT_GEN_MIN(rl - in, end - off);
			memcpy(dst, rec + in, n);
		}
		dst += n;
		off += n;
	}
}

/* ------------------------------------------------------------------ HTTP/2 + HPACK */
static void
hp_int(struct wr *w, uint8_t first, int bits, uint32_t v)
{
	uint32_t max = (1u << bits) - 1;

	if (v < max) {
		w_u8(w, (uint8_t)(first | v));
		return;
	}
	w_u8(w, (uint8_t)(first | max));
	v -= max;
	while (v >= 128) {
		w_u8(w, (uint8_t)(0x80 | (v & 127)));
		v >>= 7;
	}
	w_u8(w, (uint8_t)v);
}

static void
hp_strn(struct wr *w, const void *s, uint32_t n)
{
	hp_int(w, 0x00, 7, n); /* no Huffman coding */
	w_bytes(w, s, n);
}

static void
hp_str(struct wr *w, const char *s)
{
	hp_strn(w, s, (uint32_t)strlen(s));
}

/* literal without indexing, name from the static table */
static void
hp_idx_name(struct wr *w, uint32_t idx, const char *v)
{
	hp_int(w, 0x00, 4, idx);
	hp_str(w, v);
}

/* literal without indexing, new name */
static void
hp_new(struct wr *w, const char *name, const char *v)
{
	w_u8(w, 0x00);
	hp_str(w, name);
	hp_str(w, v);
}

static uint32_t
h2_frame_hdr(struct wr *w, uint8_t type, uint8_t flags, uint32_t stream)
{
	uint32_t at = w->n;

	w_be24(w, 0);
	w_u8(w, type);
	w_u8(w, flags);
	w_be16(w, (uint16_t)(stream >> 16));
	w_be16(w, (uint16_t)stream);
	return at;
}

static void
h2_frame_end(struct wr *w, uint32_t at)
{
	w_patch(w, at, w->n - at - 9, 3);
}

static const char *const grpc_paths[] = {
	"/orders.v1.OrderService/GetOrder",
	"/inventory.v1.Stock/Reserve",
	"/telemetry.v1.Ingest/Push",
	"/auth.v1.Token/Refresh",
	"/fleet.v2.DeviceRegistry/Heartbeat",
};

static uint32_t
grpc_stream_id(const struct gen_msg *m)
{
	return 1 + 2 * ((m->idx - 2) / 2);
}

/* the gRPC message inside DATA frames: 5-byte prefix, protobuf field 1 (string) = JSON text */
static uint32_t
varint_len(uint32_t v)
{
	uint32_t n = 1;

	while (v >= 128) {
		v >>= 7;
		n++;
	}
	return n;
}

static uint32_t
grpc_inner_len(uint32_t json)
{
	return 5 + 1 + varint_len(json) + json;
}

static uint32_t
grpc_frames(uint32_t inner)
{
	return (inner + H2_FRAME_MAX - 1) / H2_FRAME_MAX;
}

/* ------------------------------------------------------------------ TLS records */
static uint32_t
tls_records(uint32_t pt)
{
	return pt == 0 ? 0 : (pt + TLS_REC_MAX - 1) / TLS_REC_MAX;
}

/* wire length of @p pt plaintext bytes in TLS 1.3 records (type byte + 16-byte tag each) */
static uint32_t
tls_wire(uint32_t pt)
{
	return pt + tls_records(pt) * (5 + 17);
}

static void
tls_app_record(struct wr *w, uint32_t payload, uint64_t seed)
{
	w_u8(w, 0x17);
	w_be16(w, 0x0303);
	w_be16(w, (uint16_t)payload);
	w_rnd(w, payload, seed);
}

static void
tls_ext(struct wr *w, uint16_t type, const void *body, uint16_t n)
{
	w_be16(w, type);
	w_be16(w, n);
	w_bytes(w, body, n);
}

static const char *const sni_names[] = {
	"telemetry.internal", "api.payments.internal", "kafka-gw.svc.cluster.local",
	"auth.internal", "metrics-push.prod.internal",
};

static void
tls_client_hello(struct wr *w, const struct gen_ctx *g, const struct gen_flow *f)
{
	static const uint8_t suites[] = { 0x13, 0x02, 0x13, 0x03, 0x13, 0x01, 0xc0, 0x2c, 0xc0, 0x30,
					  0xc0, 0x2b, 0xc0, 0x2f, 0xcc, 0xa9, 0xcc, 0xa8, 0x00, 0xff };
	static const uint8_t groups[] = { 0x00, 0x06, 0x00, 0x1d, 0x00, 0x17, 0x00, 0x18 };
	static const uint8_t sigalgs[] = { 0x00, 0x0c, 0x04, 0x03, 0x08, 0x04, 0x04, 0x01, 0x05, 0x03,
					   0x08, 0x05, 0x05, 0x01 };
	static const uint8_t versions[] = { 0x02, 0x03, 0x04 };
	static const uint8_t pskmodes[] = { 0x01, 0x01 };
	static const uint8_t ecpf[] = { 0x01, 0x00 };
	uint64_t fs = flow_seed(g, f);
	const char *sni = sni_names[fs % (sizeof(sni_names) / sizeof(sni_names[0]))];
	uint8_t ext[128];
	struct wr e;
	uint32_t rec, hs, exts, sl = (uint32_t)strlen(sni);

	w_u8(w, 0x16);
	w_be16(w, 0x0301);
	rec = w->n;
	w_be16(w, 0);
	hs = w->n;
	w_u8(w, 0x01);
	w_be24(w, 0);
	w_be16(w, 0x0303);
	w_rnd(w, 32, gen_hash(fs, 0xc1));   /* random */
	w_u8(w, 32);
	w_rnd(w, 32, gen_hash(fs, 0x51d));  /* legacy session id */
	w_be16(w, sizeof(suites));
	w_bytes(w, suites, sizeof(suites));
	w_u8(w, 1);
	w_u8(w, 0);
	exts = w->n;
	w_be16(w, 0);
	/* server_name */
	e = (struct wr){ ext, 0 };
	w_be16(&e, (uint16_t)(sl + 3));
	w_u8(&e, 0);
	w_be16(&e, (uint16_t)sl);
	w_bytes(&e, sni, sl);
	tls_ext(w, 0x0000, ext, (uint16_t)e.n);
	tls_ext(w, 0x000b, ecpf, sizeof(ecpf));
	tls_ext(w, 0x000a, groups, sizeof(groups));
	tls_ext(w, 0x0023, NULL, 0);        /* session_ticket */
	e = (struct wr){ ext, 0 };          /* ALPN */
	if (fs & 0x100) {
		w_be16(&e, 3);
		w_u8(&e, 2);
		w_str(&e, "h2");
	} else {
		w_be16(&e, 9);
		w_u8(&e, 8);
		w_str(&e, "http/1.1");
	}
	tls_ext(w, 0x0010, ext, (uint16_t)e.n);
	tls_ext(w, 0x0016, NULL, 0);        /* encrypt_then_mac */
	tls_ext(w, 0x0017, NULL, 0);        /* extended_master_secret */
	tls_ext(w, 0x000d, sigalgs, sizeof(sigalgs));
	tls_ext(w, 0x002b, versions, sizeof(versions));
	tls_ext(w, 0x002d, pskmodes, sizeof(pskmodes));
	e = (struct wr){ ext, 0 };          /* key_share: x25519 */
	w_be16(&e, 36);
	w_be16(&e, 0x001d);
	w_be16(&e, 32);
	w_rnd(&e, 32, gen_hash(fs, 0x25519));
	tls_ext(w, 0x0033, ext, (uint16_t)e.n);
	w_patch(w, exts, w->n - exts - 2, 2);
	w_patch(w, hs + 1, w->n - hs - 4, 3);
	w_patch(w, rec, w->n - rec - 2, 2);
}

static void
tls_server_flight(struct wr *w, const struct gen_ctx *g, const struct gen_flow *f)
{
	uint64_t fs = flow_seed(g, f);
	uint8_t ext[64];
	struct wr e = { ext, 0 };
	uint32_t rec, hs;

	w_u8(w, 0x16);
	w_be16(w, 0x0303);
	rec = w->n;
	w_be16(w, 0);
	hs = w->n;
	w_u8(w, 0x02);
	w_be24(w, 0);
	w_be16(w, 0x0303);
	w_rnd(w, 32, gen_hash(fs, 0x5e1));
	w_u8(w, 32);
	w_rnd(w, 32, gen_hash(fs, 0x51d)); /* echoes the client's session id */
	w_be16(w, 0x1301);
	w_u8(w, 0);
	w_be16(w, 6 + 40);
	tls_ext(w, 0x002b, "\x03\x04", 2);
	w_be16(&e, 0x001d);
	w_be16(&e, 32);
	w_rnd(&e, 32, gen_hash(fs, 0x5e2));
	tls_ext(w, 0x0033, ext, (uint16_t)e.n);
	w_patch(w, hs + 1, w->n - hs - 4, 3);
	w_patch(w, rec, w->n - rec - 2, 2);
	w_bytes(w, "\x14\x03\x03\x00\x01\x01", 6);              /* change_cipher_spec */
	tls_app_record(w, 40, gen_hash(fs, 0xee));             /* EncryptedExtensions */
	tls_app_record(w, gen_range(gen_hash(fs, 0xce), 600, 3200), gen_hash(fs, 0xcf)); /* Cert */
	tls_app_record(w, gen_range(gen_hash(fs, 0xc5), 96, 281), gen_hash(fs, 0xc6)); /* CV */
	tls_app_record(w, 53, gen_hash(fs, 0xf1));             /* Finished */
}

/* ------------------------------------------------------------------ MQTT */
static void
mqtt_remlen(struct wr *w, uint32_t v)
{
	do {
		uint8_t b = v & 127;

		v >>= 7;
		w_u8(w, (uint8_t)(b | (v ? 0x80 : 0)));
	} while (v);
}

static void
mqtt_topic(struct wr *w, const struct gen_ctx *g, const struct gen_flow *f, uint32_t idx)
{
	static const char *const leaf[] = { "reading", "state", "alarm", "telemetry" };
	uint8_t t[96];
	struct wr tw = { t, 0 };

	w_str(&tw, "plant/");
	w_dec(&tw, flow_dev(g, f) % 40, 1);
	w_str(&tw, "/meter/");
	w_dec(&tw, flow_dev(g, f), 6);
	w_u8(&tw, '/');
	w_str(&tw, leaf[idx % 4]);
	w_be16(w, (uint16_t)tw.n);
	w_bytes(w, t, tw.n);
}

static uint16_t
mqtt_packet_id(const struct gen_msg *m)
{
	return (uint16_t)(1 + (m->idx - 2) / 2 % 65535);
}

/* ------------------------------------------------------------------ message plan */
uint32_t
gen_msg_count(const struct gen_ctx *g, const struct gen_flow *f)
{
	uint64_t h = gen_hash(flow_seed(g, f), 0xc0de);
	int bulk = (f->flags & GF_BULK) != 0;
	uint32_t fixed = g->o->flow_msgs;

	if (fixed) {
		switch (f->proto) {
		case GEN_HTTP: return 2 * fixed;
		case GEN_GRPC: return 2 + 2 * fixed;
		case GEN_TLS: return 4 + 2 * fixed + 2;
		default: return 2 + 2 * fixed + 1;
		}
	}
	switch (f->proto) {
	case GEN_HTTP: return 2 * (bulk ? gen_range(h, 2, 8) : gen_range(h, 5, 40));
	case GEN_GRPC: return 2 + 2 * (bulk ? gen_range(h, 2, 6) : gen_range(h, 10, 60));
	case GEN_TLS: return 4 + 2 * (bulk ? gen_range(h, 1, 3) : gen_range(h, 4, 30)) + 2;
	default: return 2 + 2 * (bulk ? gen_range(h, 4, 20) : gen_range(h, 10, 120)) + 1;
	}
}

/* body size for one message: small (M2M API calls) or bulk (exports, uploads, streams) */
static uint32_t
body_size(uint64_t h, int bulk, uint32_t slo, uint32_t shi, uint32_t blo, uint32_t bhi)
{
	return bulk ? gen_range(h, blo, bhi) : gen_range(h, slo, shi);
}

/* whether message @p idx of the flow draws from the bulk distribution */
static int
msg_bulk(const struct gen_ctx *g, const struct gen_flow *f, uint64_t h)
{
	switch (g->o->size_mix) {
	case GEN_MIX_BULK: return (f->flags & GF_BULK) != 0 || (h & 0xff) < 0x40;
	case GEN_MIX_MIXED: return (f->flags & GF_BULK) != 0 && (h & 0xff) < 0x80;
	default: return 0;
	}
}

static void
http_head(struct wr *w, const struct gen_ctx *g, const struct gen_flow *f, const struct gen_msg *m)
{
	uint64_t fs = flow_seed(g, f);
	uint32_t dev = flow_dev(g, f);
	uint32_t verb = (uint32_t)(gen_hash(fs, m->idx / 2) % 4);

	if (m->kind == K_HTTP_REQ) {
		if (m->body_len == 0) {
			w_str(w, verb & 1 ? "GET /api/v2/devices/dev-" : "GET /v1/orders/ord-");
			w_dec(w, verb & 1 ? dev : (dev + m->idx) % 1000000, 6);
			w_str(w, verb & 1 ? "/config HTTP/1.1\r\n" : " HTTP/1.1\r\n");
		} else if (m->bulk) {
			w_str(w, "POST /v1/events/batch HTTP/1.1\r\n");
		} else {
			w_str(w, verb & 1 ? "PUT /api/v2/devices/dev-" : "POST /v1/telemetry");
			if (verb & 1) {
				w_dec(w, dev, 6);
				w_str(w, "/state");
			}
			w_str(w, " HTTP/1.1\r\n");
		}
		w_str(w, "Host: ");
		w_str(w, fs & 0x200 ? "orders-api.internal:8080" : "device-registry.internal:8080");
		w_str(w, "\r\nUser-Agent: ");
		w_str(w, fs & 0x400 ? "inventory-svc/2.3.1" : "okhttp/4.12.0");
		w_str(w, "\r\nAccept: application/json\r\nAuthorization: Bearer ");
		w_token(w, g, f);
		w_str(w, "\r\ntraceparent: ");
		w_traceparent(w, g, f, m->idx);
		if (m->hit && m->body_len == 0) {
			w_str(w, "\r\nX-Client-Note: ");
			w_bytes(w, g->o->sigs[m->sig], g->o->sig_len[m->sig]);
		}
		if (m->body_len) {
			w_str(w, "\r\nContent-Type: application/json\r\nContent-Length: ");
			w_dec(w, m->body_len, 1);
		}
		w_str(w, "\r\n\r\n");
		return;
	}
	w_str(w, m->bulk ? "HTTP/1.1 200 OK\r\n" : (verb & 2) ? "HTTP/1.1 201 Created\r\n" :
								 "HTTP/1.1 200 OK\r\n");
	w_str(w, "Server: nginx\r\nDate: Tue, 03 Dec 2024 1");
	w_dec(w, fs % 10, 1);
	w_u8(w, ':');
	w_dec(w, (fs >> 8) % 60, 2);
	w_u8(w, ':');
	w_dec(w, (m->idx + (fs >> 16)) % 60, 2);
	w_str(w, " GMT\r\nContent-Type: application/json\r\nContent-Length: ");
	w_dec(w, m->body_len, 1);
	w_str(w, "\r\nConnection: keep-alive\r\n\r\n");
}

static void
grpc_head(struct wr *w, const struct gen_ctx *g, const struct gen_flow *f, const struct gen_msg *m)
{
	uint64_t fs = flow_seed(g, f);
	uint32_t at;
	uint8_t v[256];
	struct wr vw = { v, 0 };

	if (m->kind == K_GRPC_REQ) {
		if (m->idx == 2)
			h2_frame_hdr(w, 0x4, 0x1, 0);   /* SETTINGS ACK */
		at = h2_frame_hdr(w, 0x1, 0x4, grpc_stream_id(m));
		w_u8(w, 0x83);                          /* :method POST */
		w_u8(w, 0x86);                          /* :scheme http */
		hp_idx_name(w, 4, grpc_paths[gen_hash(fs, m->idx) % 5]);
		hp_idx_name(w, 1, fs & 0x800 ? "orders.svc.cluster.local:50051" :
					       "ingest.svc.cluster.local:50051");
		hp_idx_name(w, 31, "application/grpc");
		hp_new(w, "te", "trailers");
		hp_new(w, "grpc-accept-encoding", "identity, deflate, gzip");
		hp_new(w, "grpc-timeout", "5S");
		hp_idx_name(w, 58, "grpc-go/1.60.1");
		w_traceparent(&vw, g, f, m->idx);
		w_u8(&vw, 0);
		hp_new(w, "traceparent", (const char *)v);
		vw.n = 0;
		w_str(&vw, "Bearer ");
		w_token(&vw, g, f);
		hp_int(w, 0x00, 4, 23);                 /* authorization */
		hp_strn(w, v, vw.n);
		h2_frame_end(w, at);
		return;
	}
	at = h2_frame_hdr(w, 0x1, 0x4, grpc_stream_id(m));
	w_u8(w, 0x88);                                  /* :status 200 */
	hp_idx_name(w, 31, "application/grpc");
	hp_new(w, "grpc-accept-encoding", "identity, deflate, gzip");
	h2_frame_end(w, at);
}

static void
grpc_tail(struct wr *w, const struct gen_msg *m)
{
	uint32_t at = h2_frame_hdr(w, 0x1, 0x5, grpc_stream_id(m)); /* END_HEADERS|END_STREAM */

	hp_new(w, "grpc-status", "0");
	h2_frame_end(w, at);
}

/* Build the head of @p m into @p buf (NULL: only measure). */
static uint32_t
msg_head(const struct gen_ctx *g, const struct gen_flow *f, const struct gen_msg *m, uint8_t *buf)
{
	struct wr w = { buf, 0 };
	uint64_t fs = flow_seed(g, f);
	uint32_t at;

	switch (m->kind) {
	case K_HTTP_REQ:
	case K_HTTP_RESP:
		http_head(&w, g, f, m);
		break;
	case K_H2_PREFACE:
		w_str(&w, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
		at = h2_frame_hdr(&w, 0x4, 0, 0);
		w_be16(&w, 0x2);        /* ENABLE_PUSH 0 */
		w_be16(&w, 0);
		w_be16(&w, 0);
		w_be16(&w, 0x3);        /* MAX_CONCURRENT_STREAMS 0 (client) */
		w_be16(&w, 0);
		w_be16(&w, 0);
		w_be16(&w, 0x4);        /* INITIAL_WINDOW_SIZE 4 MiB */
		w_be16(&w, 0x40);
		w_be16(&w, 0);
		h2_frame_end(&w, at);
		at = h2_frame_hdr(&w, 0x8, 0, 0);
		w_be16(&w, 0x003e);
		w_be16(&w, 0x0001);     /* +4 MiB connection window */
		h2_frame_end(&w, at);
		break;
	case K_H2_SETTINGS:
		at = h2_frame_hdr(&w, 0x4, 0, 0);
		w_be16(&w, 0x5);        /* MAX_FRAME_SIZE 16384 */
		w_be16(&w, 0);
		w_be16(&w, 0x4000);
		w_be16(&w, 0x6);        /* MAX_HEADER_LIST_SIZE 16 KiB */
		w_be16(&w, 0);
		w_be16(&w, 0x4000);
		h2_frame_end(&w, at);
		at = h2_frame_hdr(&w, 0x8, 0, 0);
		w_be16(&w, 0x003e);
		w_be16(&w, 0x0001);
		h2_frame_end(&w, at);
		h2_frame_hdr(&w, 0x4, 0x1, 0);  /* SETTINGS ACK */
		break;
	case K_GRPC_REQ:
	case K_GRPC_RESP:
		grpc_head(&w, g, f, m);
		break;
	case K_TLS_CH:
		tls_client_hello(&w, g, f);
		break;
	case K_TLS_SH:
		tls_server_flight(&w, g, f);
		break;
	case K_TLS_CFIN:
		w_bytes(&w, "\x14\x03\x03\x00\x01\x01", 6);
		tls_app_record(&w, 53, gen_hash(fs, 0xcf1));
		break;
	case K_TLS_TICKET:
		tls_app_record(&w, gen_range(gen_hash(fs, 0x71), 230, 260), gen_hash(fs, 0x72));
		tls_app_record(&w, gen_range(gen_hash(fs, 0x73), 230, 260), gen_hash(fs, 0x74));
		break;
	case K_TLS_CLOSE:
		tls_app_record(&w, 19, gen_hash(fs, 0xa1e7 + m->dir));
		break;
	case K_MQTT_CONNECT: {
		uint8_t b[512];
		struct wr p = { b, 0 };

		w_be16(&p, 4);
		w_str(&p, "MQTT");
		w_u8(&p, 4);            /* 3.1.1 */
		w_u8(&p, 0xc2);         /* username, password, clean session */
		w_be16(&p, 60);
		w_be16(&p, 12);
		w_str(&p, "meter-");
		w_dec(&p, flow_dev(g, f), 6);
		w_be16(&p, 13);
		w_str(&p, "device-");
		w_dec(&p, flow_dev(g, f), 6);
		at = p.n;
		w_be16(&p, 0);
		w_token(&p, g, f);
		w_patch(&p, at, p.n - at - 2, 2);
		w_u8(&w, 0x10);
		mqtt_remlen(&w, p.n);
		w_bytes(&w, b, p.n);
		break;
	}
	case K_MQTT_CONNACK:
		w_bytes(&w, "\x20\x02\x00\x00", 4);
		break;
	case K_MQTT_PUBLISH: {
		uint8_t t[128];
		struct wr tw = { t, 0 };
		int qos1 = (f->flags & GF_QOS1) != 0;

		mqtt_topic(&tw, g, f, m->idx);
		w_u8(&w, qos1 ? 0x32 : 0x30);
		mqtt_remlen(&w, tw.n + (qos1 ? 2 : 0) + m->body_len);
		w_bytes(&w, t, tw.n);
		if (qos1)
			w_be16(&w, mqtt_packet_id(m));
		break;
	}
	case K_MQTT_PUBACK:
		w_u8(&w, 0x40);
		w_u8(&w, 0x02);
		w_be16(&w, mqtt_packet_id(m));
		break;
	case K_MQTT_PINGREQ:
		w_bytes(&w, "\xc0\x00", 2);
		break;
	case K_MQTT_PINGRESP:
		w_bytes(&w, "\xd0\x00", 2);
		break;
	case K_MQTT_DISCONNECT:
		w_bytes(&w, "\xe0\x00", 2);
		break;
	default:
		break;
	}
	return w.n;
}

static int
kind_cleartext(uint8_t k)
{
	return k == K_HTTP_REQ || k == K_HTTP_RESP || k == K_GRPC_REQ || k == K_GRPC_RESP ||
	       k == K_MQTT_PUBLISH;
}

/* JSON body of about @p want bytes: sets m->body_len to the exact length */
static void
json_size(const struct gen_ctx *g, const struct gen_flow *f, struct gen_msg *m, uint32_t want)
{
	uint8_t pre[64 + GEN_SIG_MAX];
	uint32_t plen = json_prefix(g, f, m, pre);

	m->body_len = json_len(plen, json_records(plen, want));
}

void
gen_msg_describe(const struct gen_ctx *g, const struct gen_flow *f, uint32_t idx,
		 struct gen_msg *m)
{
	uint64_t h = gen_hash(flow_seed(g, f), 0x1000000ull + idx);
	uint32_t n = f->n_msgs;
	uint32_t want = 0;
	int json = 0;

	memset(m, 0, sizeof(*m));
	m->idx = idx;
	m->seed = h;
	m->bulk = (uint8_t)msg_bulk(g, f, gen_hash(h, 0xb));

	switch (f->proto) {
	case GEN_HTTP:
		m->kind = idx % 2 ? K_HTTP_RESP : K_HTTP_REQ;
		if (m->kind == K_HTTP_REQ) {
			/* half the small calls are GETs; bulk requests are batch uploads */
			uint64_t v = gen_hash(flow_seed(g, f), idx / 2);

			if (m->bulk && (h & 0x100))
				want = body_size(h, 1, 0, 0, 32768, 262144);
			else if (v & 2)
				want = body_size(h, 0, 80, 700, 0, 0);
			m->bulk = m->bulk && want > 0;
		} else {
			want = body_size(h, m->bulk, 40, 900, 32768, 524288);
		}
		json = want > 0;
		break;
	case GEN_GRPC:
		if (idx == 0) {
			m->kind = K_H2_PREFACE;
		} else if (idx == 1) {
			m->kind = K_H2_SETTINGS;
		} else {
			m->kind = idx % 2 ? K_GRPC_RESP : K_GRPC_REQ;
			want = m->kind == K_GRPC_REQ ? body_size(h, 0, 20, 400, 0, 0) :
						      body_size(h, m->bulk, 20, 800, 65536, 1048576);
			json = 1;
		}
		break;
	case GEN_TLS:
		if (idx < 4) {
			static const uint8_t k[] = { K_TLS_CH, K_TLS_SH, K_TLS_CFIN, K_TLS_TICKET };

			m->kind = k[idx];
		} else if (idx >= n - 2) {
			m->kind = K_TLS_CLOSE;
		} else {
			m->kind = K_TLS_APP;
			if (idx % 2 == 0)      /* client: requests or uploads */
				want = body_size(h, m->bulk, 80, 1200, 262144, 2097152);
			else
				want = body_size(h, 0, 40, 600, 0, 0);
		}
		m->dir = (uint8_t)(idx % 2 ? DIR_S2C : DIR_C2S);
		m->body_len = want;
		break;
	default:
		if (idx == 0) {
			m->kind = K_MQTT_CONNECT;
		} else if (idx == 1) {
			m->kind = K_MQTT_CONNACK;
		} else if (idx == n - 1) {
			m->kind = K_MQTT_DISCONNECT;
		} else {
			uint32_t unit = (idx - 2) / 2;

			if (unit % 26 == 25)
				m->kind = idx % 2 ? K_MQTT_PINGRESP : K_MQTT_PINGREQ;
			else if (idx % 2 == 0 || !(f->flags & GF_QOS1))
				m->kind = K_MQTT_PUBLISH;
			else
				m->kind = K_MQTT_PUBACK;
			if (m->kind == K_MQTT_PUBLISH) {
				want = body_size(h, m->bulk, 40, 400, 4096, 65536);
				json = 1;
			}
		}
		break;
	}
	if (f->proto != GEN_TLS)
		m->dir = (uint8_t)(idx % 2 ? DIR_S2C : DIR_C2S);
	if (m->kind == K_MQTT_PUBLISH || m->kind == K_MQTT_DISCONNECT ||
	    m->kind == K_MQTT_CONNECT)
		m->dir = DIR_C2S;
	if (m->kind == K_MQTT_CONNACK)
		m->dir = DIR_S2C;
	if (kind_cleartext(m->kind) && g->o->n_sigs > 0 && g->o->hit_ratio > 0 &&
	    (double)(gen_hash(h, 0x517) >> 11) / 9007199254740992.0 < g->o->hit_ratio) {
		m->hit = 1;
		m->sig = (uint8_t)(gen_hash(h, 0x518) % g->o->n_sigs);
	}
	if (json)
		json_size(g, f, m, want);
	m->bulk = (uint8_t)(m->bulk && m->body_len > 0);

	m->head_len = msg_head(g, f, m, NULL);
	switch (m->kind) {
	case K_GRPC_REQ:
	case K_GRPC_RESP: {
		uint32_t inner = grpc_inner_len(m->body_len);

		m->wire_body_len = inner + 9 * grpc_frames(inner);
		if (m->kind == K_GRPC_RESP) {
			struct wr w = { NULL, 0 };

			grpc_tail(&w, m);
			m->tail_len = w.n;
		}
		break;
	}
	case K_TLS_APP:
		m->wire_body_len = tls_wire(m->body_len);
		break;
	default:
		m->wire_body_len = m->body_len;
		break;
	}
	m->len = m->head_len + m->wire_body_len + m->tail_len;
}

/* gRPC DATA stream byte p (prefix, protobuf tag and length, JSON) */
static void
grpc_inner_bytes(const struct gen_ctx *g, const struct gen_flow *f, const struct gen_msg *m,
		 uint32_t off, uint32_t len, uint8_t *dst)
{
	uint8_t pre[16];
	struct wr w = { pre, 0 };
	uint32_t json = m->body_len, body = 1 + varint_len(json) + json;
	uint32_t v = json;

	w_u8(&w, 0);                    /* not compressed */
	w_be16(&w, (uint16_t)(body >> 16));
	w_be16(&w, (uint16_t)body);
	w_u8(&w, 0x0a);                 /* field 1, length-delimited */
	while (v >= 128) {
		w_u8(&w, (uint8_t)(0x80 | (v & 127)));
		v >>= 7;
	}
	w_u8(&w, (uint8_t)v);
	if (off < w.n) {
		uint32_t n = WT_GEN_MIN(w.n - off, len);

		memcpy(dst, pre + off, n);
		dst += n;
		off += n;
		len -= n;
	}
	if (len)
		json_bytes(g, f, m, off - w.n, len, dst);
}

/* wire body of DATA frames: frame i = 9-byte header + up to 16384 inner bytes */
static void
grpc_body_bytes(const struct gen_ctx *g, const struct gen_flow *f, const struct gen_msg *m,
		uint32_t off, uint32_t len, uint8_t *dst)
{
	uint32_t inner = grpc_inner_len(m->body_len), nf = grpc_frames(inner);

	while (len > 0) {
		uint32_t fi = off / (9 + H2_FRAME_MAX), fo = off % (9 + H2_FRAME_MAX);
		uint32_t plen = fi + 1 == nf ? inner - fi * H2_FRAME_MAX : H2_FRAME_MAX;
		uint32_t n;

		if (fo < 9) {
			uint8_t hdr[9];
			struct wr w = { hdr, 0 };
			uint8_t flags = (fi + 1 == nf && m->kind == K_GRPC_REQ) ? 0x1 : 0;

			w_be24(&w, plen);
			w_u8(&w, 0x0);
			w_u8(&w, flags);
			w_be16(&w, (uint16_t)(grpc_stream_id(m) >> 16));
			w_be16(&w, (uint16_t)grpc_stream_id(m));
			n = WT_GEN_MIN(9 - fo, len);
			memcpy(dst, hdr + fo, n);
		} else {
			n = WT_GEN_MIN(plen - (fo - 9), len);
			grpc_inner_bytes(g, f, m, fi * H2_FRAME_MAX + fo - 9, n, dst);
		}
		dst += n;
		off += n;
		len -= n;
	}
}

/* TLS application data records carrying m->body_len bytes of plaintext */
static void
tls_body_bytes(const struct gen_msg *m, uint32_t off, uint32_t len, uint8_t *dst)
{
	uint32_t nr = tls_records(m->body_len);
	const uint32_t full = 5 + TLS_REC_MAX + 17;

	while (len > 0) {
		uint32_t ri = off / full, ro = off % full;
		uint32_t pt = ri + 1 == nr ? m->body_len - ri * TLS_REC_MAX : TLS_REC_MAX;
		uint32_t n;

		if (ro < 5) {
			uint8_t hdr[5] = { 0x17, 0x03, 0x03, (uint8_t)((pt + 17) >> 8),
					   (uint8_t)(pt + 17) };

			n = WT_GEN_MIN(5 - ro, len);
			memcpy(dst, hdr + ro, n);
		} else {
			n = WT_GEN_MIN(pt + 17 - (ro - 5), len);
			rnd_fill(dst, n, m->seed, off);
		}
		dst += n;
		off += n;
		len -= n;
	}
}

void
gen_msg_bytes(struct gen_ctx *g, const struct gen_flow *f, const struct gen_msg *m, uint32_t off,
	      uint32_t len, uint8_t *dst)
{
	if (off < m->head_len) {
		uint32_t n = WT_GEN_MIN(m->head_len - off, len);

		msg_head(g, f, m, g->scratch);
		memcpy(dst, g->scratch + off, n);
		dst += n;
		off += n;
		len -= n;
	}
	if (len > 0 && off < m->head_len + m->wire_body_len) {
		uint32_t bo = off - m->head_len;
		uint32_t n = WT_GEN_MIN(m->wire_body_len - bo, len);

		if (m->kind == K_GRPC_REQ || m->kind == K_GRPC_RESP)
			grpc_body_bytes(g, f, m, bo, n, dst);
		else if (m->kind == K_TLS_APP)
			tls_body_bytes(m, bo, n, dst);
		else
			json_bytes(g, f, m, bo, n, dst);
		dst += n;
		off += n;
		len -= n;
	}
	if (len > 0) {
		struct wr w = { g->scratch, 0 };

		grpc_tail(&w, m);
		memcpy(dst, g->scratch + (off - m->head_len - m->wire_body_len), len);
	}
}
