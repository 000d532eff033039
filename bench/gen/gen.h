/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wt_gen: writes pcap captures of synthetic machine-to-machine traffic for the bench harness.
 * The shapes (headers, frame sequences, record and segment sizes) follow real sessions recorded
 * by bench/gen/record-shapes.sh (bench/gen/shapes/); everything is deterministic by seed.
 *
 * Layers: gen_main.c (options, scheduling of N concurrently open flows, statistics),
 * gen_tcp.c (TCP life cycle of one flow, Ethernet/IPv4/TCP headers, pcap writer),
 * gen_msg.c (application messages: HTTP/1.1, gRPC over h2c, TLS 1.3, MQTT 3.1.1).
 */
#ifndef WT_GEN_H
#define WT_GEN_H

#include <stdint.h>
#include <stdio.h>

#define GEN_MAX_SIGS 256
#define GEN_SIG_MAX 128
#define GEN_SCRATCH 8192       /* largest built message head */
#define GEN_FRAME_MAX 1600

#define WT_GEN_MIN(a, b) ((a) < (b) ? (a) : (b))

enum gen_proto { GEN_HTTP, GEN_GRPC, GEN_TLS, GEN_MQTT, GEN_PROTO__MAX };
enum gen_size_mix { GEN_MIX_SMALL, GEN_MIX_BULK, GEN_MIX_MIXED };

/* What a message is; the message's bytes are a pure function of (flow, message index). */
enum gen_kind {
	K_HTTP_REQ, K_HTTP_RESP,
	K_H2_PREFACE, K_H2_SETTINGS, K_GRPC_REQ, K_GRPC_RESP,
	K_TLS_CH, K_TLS_SH, K_TLS_CFIN, K_TLS_TICKET, K_TLS_APP, K_TLS_CLOSE,
	K_MQTT_CONNECT, K_MQTT_CONNACK, K_MQTT_PUBLISH, K_MQTT_PUBACK, K_MQTT_PINGREQ,
	K_MQTT_PINGRESP, K_MQTT_DISCONNECT,
};

enum gen_dir { DIR_C2S = 0, DIR_S2C = 1 };

/* One application message: a built head, a generated body, a built tail. */
struct gen_msg {
	uint8_t kind;
	uint8_t dir;
	uint8_t hit;          /* carries a signature string */
	uint8_t sig;          /* which one */
	uint8_t bulk;         /* body sized from the bulk distribution */
	uint32_t idx;         /* message index in the flow (stream id, packet id...) */
	uint32_t body_len;    /* logical body bytes (JSON text or opaque bytes) before framing */
	uint32_t head_len, wire_body_len, tail_len;
	uint32_t len;         /* head_len + wire_body_len + tail_len */
	uint64_t seed;
};

/* One generated TCP connection; small (1M of them may be open at once). */
struct gen_flow {
	uint64_t serial;      /* unique per flow in the capture: addresses, seeds */
	uint32_t cip, sip;
	uint16_t cport, sport;
	uint8_t proto;        /* enum gen_proto */
	uint8_t phase;        /* enum in gen_tcp.c */
	uint8_t flags;        /* GF_* */
	uint8_t pending_ack;  /* 0 none, 1 + direction of the pure ACK to send */
	uint32_t seq[2];      /* next sequence number to send, per direction */
	uint16_t ipid[2];
	uint32_t tsbase[2];
	uint32_t n_msgs;
	uint32_t cur;         /* current message index */
	uint32_t off;         /* bytes of the current message already sent */
	uint32_t cur_len;     /* its length */
	uint16_t segs;        /* segments of the current message sent */
	uint8_t cur_dir;
};
#define GF_BULK  0x01         /* flow draws bulk bodies */
#define GF_QOS1  0x02         /* mqtt publishes with QoS 1 */
#define GF_RST   0x04         /* ends with a client RST instead of FIN */

struct gen_opts {
	uint64_t flows;
	uint64_t packets;
	double duration;
	double rate;          /* packets per second of capture time */
	int size_mix;
	double hit_ratio;
	unsigned int mix[GEN_PROTO__MAX];
	uint64_t seed;
	int steady;           /* flows start at random points of their life */
	uint32_t mss;         /* TCP payload bytes per segment */
	unsigned int burst;   /* packets a flow may send back to back when picked */
	uint32_t flow_msgs;   /* exchanges per flow (0: drawn per protocol); large = persistent */
	const char *out;
	const char *stats;
	char sigs[GEN_MAX_SIGS][GEN_SIG_MAX];
	uint8_t sig_len[GEN_MAX_SIGS];
	unsigned int n_sigs;
};

struct gen_stats {
	uint64_t packets, wire_bytes, payload_bytes;
	uint64_t flows, flows_done, flows_midstream;
	uint64_t proto_pkts[GEN_PROTO__MAX], proto_bytes[GEN_PROTO__MAX], proto_flows[GEN_PROTO__MAX];
	uint64_t msgs, cleartext_msgs, hit_msgs;
	uint64_t syn, fin, rst, pure_ack;
	uint64_t size_hist[6];   /* frame sizes: <=64, <=128, <=256, <=512, <=1024, >1024 */
	uint64_t first_ns, last_ns;
};

struct gen_ctx {
	const struct gen_opts *o;
	struct gen_stats st;
	FILE *out;
	uint8_t *wbuf;
	size_t wlen, wcap;
	uint64_t now_ns;      /* capture clock */
	uint64_t step_ns;
	uint8_t scratch[GEN_SCRATCH];
};

/* ---- hashing (deterministic, position-addressable randomness) ---- */
static inline uint64_t
gen_mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static inline uint64_t
gen_hash(uint64_t a, uint64_t b)
{
	return gen_mix64(a ^ gen_mix64(b + 0x51ed27u));
}

/* uniform in [lo, hi] from hash h */
static inline uint32_t
gen_range(uint64_t h, uint32_t lo, uint32_t hi)
{
	return lo + (uint32_t)((h >> 11) % ((uint64_t)hi - lo + 1));
}

/* ---- gen_msg.c ---- */
uint32_t gen_msg_count(const struct gen_ctx *g, const struct gen_flow *f);
void gen_msg_describe(const struct gen_ctx *g, const struct gen_flow *f, uint32_t idx,
		      struct gen_msg *m);
void gen_msg_bytes(struct gen_ctx *g, const struct gen_flow *f, const struct gen_msg *m,
		   uint32_t off, uint32_t len, uint8_t *dst);
uint16_t gen_proto_port(unsigned int proto);
extern const char *const gen_proto_names[GEN_PROTO__MAX];

/* ---- gen_tcp.c ---- */
void gen_flow_init(struct gen_ctx *g, struct gen_flow *f, uint64_t serial, unsigned int proto);
void gen_flow_fast_forward(struct gen_ctx *g, struct gen_flow *f, uint64_t h);
/* Emit the flow's next packet; returns 1 if the flow is finished afterwards. *more is set when
 * the next packet continues a back-to-back burst of the same sender. */
int gen_flow_step(struct gen_ctx *g, struct gen_flow *f, int *more);
int gen_pcap_open(struct gen_ctx *g, const char *path);
int gen_pcap_close(struct gen_ctx *g);

#endif /* WT_GEN_H */
