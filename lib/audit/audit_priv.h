/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to lib/audit: layouts and the helpers the audit_*.c files share. */
#ifndef AUDIT_PRIV_H
#define AUDIT_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <openssl/evp.h>

#include "wt_audit.h"
#include "wt_jb.h"

/* JSON: the shared bounded appender (wt_jb.h), so strings escape as the exporter's do. */

/* ---- small helpers (audit_util.c) ---- */

void audit_hex(char *out, const uint8_t *v, size_t n);          /* writes 2n chars, no NUL */
int audit_unhex(uint8_t *out, const char *s, size_t n);          /* 2n lower-case chars: 0/-1 */
/* Write @p len bytes to @p path atomically: path.tmp, fsync, rename, fsync(dir). */
int audit_write_atomic(const char *dir, const char *name, const void *buf, size_t len);
int audit_fsync_dir(const char *dir);
int audit_mkdir_p(const char *path, unsigned int mode);
uint32_t audit_crc(const void *p, size_t n, uint32_t init);

/* ---- the record kinds the audit writes itself ---- */

#define AUDIT_TYPE_CHECKPOINT "checkpoint"
#define AUDIT_TYPE_GAP "gap"
#define AUDIT_REASON_SPOOL_FULL "audit.spool_full"
#define AUDIT_REASON_SPOOL_CORRUPT "audit.spool_corrupt"
#define AUDIT_REASON_SPOOL_IO "audit.spool_io_error"
#define AUDIT_REASON_TOO_BIG "audit.seal_too_big"

/* Tail of every sealed line: ,"hash":"<64 hex>"}} */
#define AUDIT_HASH_TAIL_LEN (9 + WT_AUDIT_HEX_LEN + 1 + 2)

struct audit_count {
	const char *name;                 /* points into names[] of the stream */
	uint64_t n;
};

struct wt_audit_stream {
	struct wt_audit_conf conf;
	const struct wt_audit_key *key;
	unsigned int idx;
	char sensor_json[WT_AUDIT_NAME * 6 + 3];   /* "escaped" with its quotes */
	size_t sensor_json_len;
	char ctl_key[WT_AUDIT_KEY_MAX + 1];        /* Kafka key of gap/checkpoint records */
	size_t ctl_key_len;

	/* chain */
	uint64_t epoch;
	uint64_t seq;                              /* last sealed */
	uint8_t head[WT_AUDIT_HASH_LEN];           /* hash of seq */
	EVP_MD *md;
	EVP_MD_CTX *mdctx;

	/* checkpoint accounting since the last checkpoint */
	uint64_t ckpt_first;                       /* first seq of the running range */
	uint64_t ckpt_last_ns;                     /* monotonic time of the last checkpoint */
	uint64_t ckpt_fail_ns;                     /* last failed attempt (spool full) */
	uint64_t since_ckpt;                       /* records sealed since */
	uint32_t n_types;
	char type_names[WT_AUDIT_MAX_TYPES][32];
	uint64_t type_counts[WT_AUDIT_MAX_TYPES];
	uint64_t type_other;
	uint32_t n_reasons;
	char reason_names[WT_AUDIT_MAX_REASONS][64];
	uint64_t reason_counts[WT_AUDIT_MAX_REASONS];

	/* losses not yet named in a gap record (wt_audit_loss(); spool full, seal failures) */
	uint32_t n_pend;
	uint64_t pend_total;
	struct wt_audit_gap_item pend[WT_AUDIT_MAX_PENDING];

	struct wt_audit_spool *sp;                 /* NULL without conf.dir */
	wt_audit_durable_cb cb;
	void *cb_arg;
	uint64_t cnt[WT_AUDIT_CNT__MAX];
	char buf[WT_AUDIT_LINE_MAX];               /* gap / checkpoint records */
};

/* audit_chain.c: seal @p json with explicit prev/seq (used by the stream and by tests of the
 * verifier through wt_audit_seal()). */
int audit_seal_raw(struct wt_audit_stream *as, char *json, size_t *len, size_t cap);
/* Count a sealed record of @p type in the running checkpoint range. */
void audit_count_type(struct wt_audit_stream *as, const char *type);
/* Hash of a canonical line into @p out (one-shot, allocation-free with a reused ctx). */
int audit_sha256(EVP_MD_CTX *ctx, const EVP_MD *md, const void *a, size_t alen, const void *b,
		 size_t blen, uint8_t out[WT_AUDIT_HASH_LEN]);

/* audit_spool.c: counters live in the stream; the spool bumps them through this pointer. */
void audit_spool_set_counters(struct wt_audit_spool *sp, uint64_t *cnt);

/* audit_record.c */
int audit_record_checkpoint(struct wt_audit_stream *as, uint64_t now_ns);
int audit_record_gap(struct wt_audit_stream *as, const struct wt_audit_gap_item *items,
		     unsigned int n, bool reserve);
/* Seal + spool one record the audit made itself (reserve allowed). */
int audit_emit(struct wt_audit_stream *as, const char *type, uint8_t topic, char *json,
	       size_t *len, size_t cap, bool reserve);

/* audit_verify.c: a line the input cut (no final newline) */
int audit_verify_line_torn(struct wt_audit_verifier *v, uint32_t source, uint64_t line,
			   const char *s, size_t len);

/* Key internals for the verifier */
int audit_key_raw_pub(const struct wt_audit_key *k, uint8_t out[32]);

#endif /* AUDIT_PRIV_H */
