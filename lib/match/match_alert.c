/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * From a verified match to an alert: the header checks (protocol, addresses, ports, flow),
 * threshold / detection_filter state in the worker's fixed table, and the description of the
 * matched region (length, two characters at each end, keyed HMAC-SHA-256 fingerprint) so the
 * bytes themselves never leave the worker. HMAC pads are hashed once at lcore creation; each
 * fingerprint is two SHA-256 finalizations on stack contexts, no allocation.
 */
#include <string.h>

/* The low-level SHA256_* calls are deprecated in OpenSSL 3 but allocation-free, which the
 * EVP interface is not; they are what a worker may call. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#include <openssl/sha.h>

#include "match_priv.h"
#include "wt_flow.h"

_Static_assert(sizeof(SHA256_CTX) <= sizeof(((struct match_hmac *)0)->istate), "hmac state");

void
match_hmac_init(struct match_hmac *h, const uint8_t *key, uint32_t len)
{
	uint8_t k[64] = { 0 };
	SHA256_CTX c;

	if (len > 64) { /* callers pass at most 64; longer keys are hashed as HMAC says */
		SHA256(key, len, k);
	} else if (len) {
		memcpy(k, key, len);
	}
	for (int i = 0; i < 64; i++) {
		h->ipad[i] = k[i] ^ 0x36;
		h->opad[i] = k[i] ^ 0x5c;
	}
	SHA256_Init(&c);
	SHA256_Update(&c, h->ipad, 64);
	memcpy(h->istate, &c, sizeof(c));
	SHA256_Init(&c);
	SHA256_Update(&c, h->opad, 64);
	memcpy(h->ostate, &c, sizeof(c));
	memset(k, 0, sizeof(k));
}

void
match_fingerprint(const struct match_hmac *h, const uint8_t *a, size_t alen, const uint8_t *b,
		  size_t blen, char out[33])
{
	static const char hex[] = "0123456789abcdef";
	uint8_t inner[32], mac[32];
	SHA256_CTX c;

	memcpy(&c, h->istate, sizeof(c));
	if (alen)
		SHA256_Update(&c, a, alen);
	if (blen)
		SHA256_Update(&c, b, blen);
	SHA256_Final(inner, &c);
	memcpy(&c, h->ostate, sizeof(c));
	SHA256_Update(&c, inner, sizeof(inner));
	SHA256_Final(mac, &c);
	for (int i = 0; i < 16; i++) {
		out[2 * i] = hex[mac[i] >> 4];
		out[2 * i + 1] = hex[mac[i] & 15];
	}
	out[32] = '\0';
}
#pragma GCC diagnostic pop

static bool
proto_ok(const struct match_rule *r, const struct wt_match_ctx *ctx)
{
	switch (r->proto) {
	case MP_TCP:
		return ctx->ipproto == 6;
	case MP_UDP:
		return ctx->ipproto == 17;
	case MP_HTTP:
		return ctx->app == WT_MATCH_APP_HTTP;
	case MP_TLS:
		return ctx->app == WT_MATCH_APP_TLS;
	case MP_MQTT:
		return ctx->app == WT_MATCH_APP_MQTT;
	case MP_GRPC:
		return ctx->app == WT_MATCH_APP_GRPC;
	default:
		return false;
	}
}

static bool
ends_ok(const struct match_rule *r, const uint8_t *sip, uint16_t sp, const uint8_t *dip,
	uint16_t dp, uint8_t ipver)
{
	return match_addr_match(r->src, r->n_src, ipver, sip) &&
	       match_port_match(r->sport, r->n_sport, sp) &&
	       match_addr_match(r->dst, r->n_dst, ipver, dip) &&
	       match_port_match(r->dport, r->n_dport, dp);
}

/* Protocol, flow keyword, addresses and ports of @p r against the call's context. */
bool
match_header_ok(const struct match_rule *r, const struct wt_match_ctx *ctx)
{
	if (!proto_ok(r, ctx))
		return false;
	if ((r->flow & MFL_TO_SERVER) && ctx->dir != WT_DIR_TOSERVER)
		return false;
	if ((r->flow & MFL_TO_CLIENT) && ctx->dir != WT_DIR_TOCLIENT)
		return false;
	if ((r->flow & MFL_ESTABLISHED) && !ctx->established)
		return false;
	if ((r->flow & MFL_NOT_ESTAB) && ctx->established)
		return false;
	if (ends_ok(r, ctx->src_ip, ctx->sport, ctx->dst_ip, ctx->dport, ctx->ipver))
		return true;
	return r->bidir &&
	       ends_ok(r, ctx->dst_ip, ctx->dport, ctx->src_ip, ctx->sport, ctx->ipver);
}

static uint32_t
th_hash(uint32_t ridx, uint8_t track, const uint8_t *ip)
{
	uint32_t h = 2166136261u ^ ridx;

	h = (h ^ track) * 16777619u;
	for (int i = 0; i < 16; i++)
		h = (h ^ ip[i]) * 16777619u;
	return h ^ (h >> 15);
}

/*
 * threshold / detection_filter: count this match in the worker's table and say whether it
 * alerts. limit: the first count per window; threshold: every count-th; both: once per window
 * at the count-th; detection_filter: every match after the first count. The window opens at the
 * first match and lasts seconds. No free entry (the table is full of live windows): alert and
 * count it.
 */
bool
match_threshold_ok(struct wt_match_lcore *ml, uint32_t ridx, const struct match_rule *r,
		   const struct wt_match_ctx *ctx, uint64_t ts)
{
	static const uint8_t zero[16];
	const uint8_t *ip = r->th_track == MTR_SRC ? ctx->src_ip :
			    r->th_track == MTR_DST ? ctx->dst_ip : zero;
	uint64_t win = (uint64_t)r->th_seconds * 1000000000ull;
	uint32_t h = th_hash(ridx, r->th_track, ip);
	struct match_th_entry *e = NULL, *victim = NULL;

	if (r->th_type == MT_NONE)
		return true;
	for (uint32_t i = 0; i < 8; i++) {
		struct match_th_entry *c = &ml->th[(h + i) & ml->th_mask];

		if (c->rule1 == ridx + 1 && c->track == r->th_track && memcmp(c->ip, ip, 16) == 0) {
			e = c;
			break;
		}
		if (!victim && (c->rule1 == 0 || ts - c->start_ns >= win ||
				ts < c->start_ns))
			victim = c;
	}
	if (!e) {
		if (!victim) {
			ml->cnt[WT_MATCH_CNT_THRESHOLD_TABLE_FULL]++;
			return true;
		}
		e = victim;
		e->rule1 = ridx + 1;
		e->track = r->th_track;
		memcpy(e->ip, ip, 16);
		e->count = 0;
		e->start_ns = ts;
		e->done = 0;
	}
	if (ts - e->start_ns >= win) {
		e->start_ns = ts;
		e->count = 0;
		e->done = 0;
	}
	e->count++;
	switch (r->th_type) {
	case MT_LIMIT:
		return e->count <= r->th_count;
	case MT_THRESHOLD:
		if (e->count >= r->th_count) {
			e->count = 0;
			return true;
		}
		return false;
	case MT_BOTH:
		if (e->count >= r->th_count && !e->done) {
			e->done = 1;
			return true;
		}
		return false;
	default: /* MT_DETECTION */
		return e->count > r->th_count;
	}
}

static char
printable(uint8_t c)
{
	return c > 0x20 && c < 0x7f ? (char)c : '.';
}

/* Describe the region @p a (@p alen bytes) and deliver the alert. */
void
match_emit(struct wt_match_lcore *ml, const struct match_rule *r, uint8_t buf,
	   const struct wt_match_ctx *ctx, uint64_t ts, uint64_t offset, const uint8_t *a,
	   size_t alen, const uint8_t *b, size_t blen, uint8_t partial)
{
	struct wt_match_alert al;
	size_t len = alen + blen;

	memset(&al, 0, sizeof(al));
	al.action = r->action;
	al.dir = ctx->dir;
	al.buf = buf;
	al.partial = partial;
	al.gid = r->gid;
	al.sid = r->sid;
	al.rev = r->rev;
	al.severity = r->priority;
	al.msg = r->msg;
	al.classtype = r->classtype ? r->classtype : "";
	al.category = r->category ? r->category : "";
	al.ts = ts;
	al.flow_id = ctx->flow_id;
	al.ctx = ctx;
	al.offset = offset;
	al.len = (uint32_t)len;
	if (len >= 8) {
		/* first two and last two of the concatenation a|b */
		uint8_t f0 = alen > 0 ? a[0] : b[0];
		uint8_t f1 = alen > 1 ? a[1] : b[1 - alen];
		uint8_t l1 = blen > 0 ? b[blen - 1] : a[alen - 1];
		uint8_t l0 = blen > 1 ? b[blen - 2] : blen == 1 ? a[alen - 1] : a[alen - 2];

		al.head[0] = printable(f0);
		al.head[1] = printable(f1);
		al.tail[0] = printable(l0);
		al.tail[1] = printable(l1);
	}
	match_fingerprint(&ml->hmac, a, alen, b, blen, al.fp);
	if (partial)
		ml->cnt[WT_MATCH_CNT_REGION_PARTIAL]++;
	ml->cnt[WT_MATCH_CNT_ALERTS]++;
	if (ml->on_alert)
		ml->on_alert(ml->arg, &al);
}
