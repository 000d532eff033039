/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Tamper-evident, loss-free audit delivery (docs/audit.md has the formats).
 *
 * - Chain: every record an exporter stream publishes carries
 *   `"audit":{"sensor":S,"stream":I,"epoch":E,"seq":N,"prev":P,"hash":H}` as its last member;
 *   H = SHA-256 of the line without the `,"hash":"..."` member, P = H of seq N-1.
 * - Checkpoints: signed (Ed25519) records in the chain naming the range they cover, the chain
 *   head, counts per event type and the losses (gap records) since the last one.
 * - Gap records: every loss named in the chain, so silence is never ambiguous.
 * - Spool: each sealed record is appended to segment files (crc per record, batched
 *   fdatasync) before it is produced; the acknowledged mark advances on delivery reports, is
 *   persisted, and on restart the unacknowledged tail is re-sent.
 * - Verifier: reads JSON lines (files or Kafka), deduplicates by (sensor, stream, seq), checks
 *   every hash, link, signature and gap and names the first bad point.
 *
 * Threading: one struct wt_audit_stream per exporter lcore, used by that lcore only (no
 * locks). Keys are read-only once loaded and may be shared. Syscalls (write, fdatasync,
 * rename) happen on the exporter lcore, never on a worker.
 */
#ifndef WT_AUDIT_H
#define WT_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "wt_common.h"

#define WT_AUDIT_HASH_LEN 32          /**< SHA-256 */
#define WT_AUDIT_HEX_LEN 64           /**< hash as lower-case hex */
#define WT_AUDIT_SIG_LEN 64           /**< Ed25519 signature */
#define WT_AUDIT_NAME 256             /**< sensor name (bytes, unescaped, with the NUL) */
#define WT_AUDIT_PATH 1024
/** Bytes wt_audit_seal() may add to a line (audit object, hash, escaped sensor). */
#define WT_AUDIT_SEAL_MAX (WT_AUDIT_NAME * 6 + 256)
/** Largest record the spool stores (sealed line, without newline). */
#define WT_AUDIT_LINE_MAX 16384
/** Largest key stored with a spooled record. */
#define WT_AUDIT_KEY_MAX 255
/** Distinct record types counted per checkpoint ("flow", "gap", "checkpoint", ...). */
#define WT_AUDIT_MAX_TYPES 16
/** Distinct loss reasons carried per gap record and per checkpoint. */
#define WT_AUDIT_MAX_REASONS 32
/** Distinct loss reasons wt_audit_loss() holds until they are written (then "other"). */
#define WT_AUDIT_MAX_PENDING 16
/** Spool topic bytes reserved for the audit's own records (events use their type index). */
#define WT_AUDIT_TOPIC_CHECKPOINT 254
#define WT_AUDIT_TOPIC_GAP 255
/** Delivery window: at most this many records between the acknowledged mark and the newest
 *  one produced (a bitmap of this many bits tracks out-of-order delivery reports). */
#define WT_AUDIT_ACK_WINDOW (1u << 20)

/** What the spool does when spool_max_bytes is reached. */
enum wt_audit_full_policy {
	/** Keep what is spooled, refuse (count) new events, then write a `gap` record. */
	WT_AUDIT_FULL_KEEP_OLDEST = 0,
};

/** Audit configuration (the `audit.*` config keys, see docs/audit.md). */
struct wt_audit_conf {
	uint8_t enabled;                 /* audit.enabled, default false */
	char sensor[WT_AUDIT_NAME];      /* sensor.name (the chain's sensor id) */
	char dir[WT_AUDIT_PATH];         /* audit.dir: state + spool, one subdir per stream;
					    "" = memory only (tests: no persistence, no spool) */
	char key_path[WT_AUDIT_PATH];    /* audit.key: Ed25519 private key (PEM, mode 0600) */
	uint32_t checkpoint_events;      /* audit.checkpoint-events, default 10000 (0 = off) */
	uint32_t checkpoint_ms;          /* audit.checkpoint-interval-ms, default 10000 (0 = off) */
	uint64_t spool_max_bytes;        /* audit.spool.max-bytes, default 1 GiB */
	uint64_t spool_segment_bytes;    /* audit.spool.segment-bytes, default 64 MiB */
	uint32_t spool_sync_us;          /* audit.spool.sync-us: fdatasync at least this often
					    while records wait, default 2000 */
	uint32_t spool_sync_records;     /* audit.spool.sync-records: or every N records, 512 */
	uint32_t ack_persist_ms;         /* audit.spool.ack-persist-ms, default 200 */
	uint8_t full_policy;             /* audit.spool.full-policy, enum wt_audit_full_policy */
};

/** Fill @p c with the defaults (audit off). */
void wt_audit_conf_defaults(struct wt_audit_conf *c);

/**
 * Check @p c for use (only meaningful when enabled): sensor and key set, sizes sane.
 * @return 0, or -EINVAL with a message naming the key in @p err.
 */
int wt_audit_conf_check(const struct wt_audit_conf *c, char *err, size_t errlen);

/* ---------------------------------------------------------------------------------------- */
/* Keys                                                                                      */

struct wt_audit_key;

/**
 * Make an Ed25519 key pair: DIR/audit.key (PKCS#8 PEM, created 0600, never overwritten) and
 * DIR/audit.pub (SubjectPublicKeyInfo PEM, 0644).
 * @return 0; -EEXIST when either file exists; another negative errno with a message.
 */
int wt_audit_keygen(const char *dir, char *err, size_t errlen);

/**
 * Load the private key at @p path. Refuses a file that is not a regular file owned by the
 * effective user with no group/other permission bits (0600 or 0400).
 * @return the key, or NULL with errno set (EPERM permissions/owner, ENOENT, EINVAL not an
 *   Ed25519 private key) and a message in @p err.
 */
struct wt_audit_key *wt_audit_key_load_private(const char *path, char *err, size_t errlen);

/** Load a public key (PEM). @return the key, or NULL with errno set and a message. */
struct wt_audit_key *wt_audit_key_load_public(const char *path, char *err, size_t errlen);

/** Free @p k (NULL is a no-op). */
void wt_audit_key_free(struct wt_audit_key *k);

/** First 8 bytes of SHA-256(raw public key), hex: names the key in checkpoints. */
const char *wt_audit_key_id(const struct wt_audit_key *k);

/** Sign @p msg. @return 0, -EINVAL (public-only key) or -EIO. */
int wt_audit_sign(const struct wt_audit_key *k, const void *msg, size_t len,
		  uint8_t sig[WT_AUDIT_SIG_LEN]);

/** @return 1 valid, 0 invalid signature. */
int wt_audit_sig_check(const struct wt_audit_key *k, const void *msg, size_t len,
		       const uint8_t sig[WT_AUDIT_SIG_LEN]);

/* ---------------------------------------------------------------------------------------- */
/* Counters                                                                                  */

#define foreach_wt_audit_counter \
	_(SEALED, "records sealed into the chain (events, gaps, checkpoints)") \
	_(CHECKPOINTS, "checkpoint records written") \
	_(CHECKPOINT_SKIPPED, "checkpoints not written: spool full (even its reserve)") \
	_(GAPS, "gap records written") \
	_(GAP_LOST, "losses named in gap records (sum of their counts)") \
	_(SPOOL_FULL_DROPS, "events refused: spool full (named in a later gap record)") \
	_(SPOOL_APPENDED, "records appended to the spool") \
	_(SPOOL_BYTES, "bytes appended to the spool") \
	_(SPOOL_SYNCS, "spool fdatasync calls") \
	_(SPOOL_IO_ERRORS, "spool write/fdatasync/rename failures") \
	_(SPOOL_SEGMENTS_CREATED, "spool segment files created") \
	_(SPOOL_SEGMENTS_DELETED, "fully acknowledged spool segments deleted") \
	_(SPOOL_CORRUPT, "spooled records unreadable (crc): named in a gap record") \
	_(SPOOL_RECOVERED, "unacknowledged records found in the spool at start") \
	_(SPOOL_TORN_BYTES, "bytes of torn tail cut at start (crash during append)") \
	_(ACKED, "records acknowledged (delivered) in seq order") \
	_(ACK_PERSISTS, "acknowledged mark written to the state file") \
	_(SEAL_TOO_BIG, "events refused: sealed line over the buffer")

enum wt_audit_counter {
#define _(sym, desc) WT_AUDIT_CNT_##sym,
	foreach_wt_audit_counter
#undef _
	WT_AUDIT_CNT__MAX
};
extern const char *const wt_audit_counter_names[WT_AUDIT_CNT__MAX];
extern const char *const wt_audit_counter_descs[WT_AUDIT_CNT__MAX];

/** Counters and gauges of one stream (or a sum, wt_audit_stats_add()). */
struct wt_audit_stats {
	uint64_t cnt[WT_AUDIT_CNT__MAX];
	uint64_t head_seq;          /* last seq sealed */
	uint64_t durable_seq;       /* last seq fdatasync'ed to the spool */
	uint64_t acked_seq;         /* highest contiguous delivered seq */
	uint64_t spool_bytes;       /* bytes in the spool's segment files */
	uint64_t spool_segments;
	uint64_t epoch;
};

/** Add @p s into @p sum (counters add up; gauges add up too: totals over streams). */
void wt_audit_stats_add(struct wt_audit_stats *sum, const struct wt_audit_stats *s);

/* ---------------------------------------------------------------------------------------- */
/* Spool                                                                                     */

struct wt_audit_spool;

/** One spooled record. Pointers are valid until the next spool call. */
struct wt_audit_rec {
	uint64_t seq;
	uint8_t topic;                 /* event type index, or WT_AUDIT_TOPIC_* */
	uint16_t keylen;
	const char *key;
	uint32_t len;
	const char *data;              /* the sealed line, no newline */
	const uint8_t *hash;           /* WT_AUDIT_HASH_LEN bytes */
};

/** Called for every record that became durable, in seq order (see wt_audit_stream_open()). */
typedef void (*wt_audit_durable_cb)(void *arg, const struct wt_audit_rec *r);

/** What wt_audit_spool_open() found on disk. */
struct wt_audit_spool_state {
	uint64_t epoch;                 /* persisted epoch (0: new spool) */
	uint64_t last_seq;              /* last record spooled (0: none) */
	uint8_t last_hash[WT_AUDIT_HASH_LEN]; /* its hash (zeros when none) */
	uint64_t acked;                 /* acknowledged mark */
};

/**
 * Open (create) the spool in directory @p dir (created 0700): state file, segments, torn tail
 * cut, acknowledged mark loaded. @p sensor must match the one the spool was created for.
 * The directory is locked (flock on DIR/lock) for as long as the spool is open.
 * @return the spool, or NULL with errno set (EINVAL another sensor's spool, EBUSY open by
 *   another process, EIO corrupt state, or the syscall's errno) and a message.
 */
struct wt_audit_spool *wt_audit_spool_open(const char *dir, const char *sensor,
					   unsigned int stream, const struct wt_audit_conf *c,
					   struct wt_audit_spool_state *st, char *err,
					   size_t errlen);

/** Set the callback run for every record that becomes durable (in seq order). */
void wt_audit_spool_set_cb(struct wt_audit_spool *sp, wt_audit_durable_cb cb, void *arg);

/** Persist @p epoch in the state file now (temp + fsync + rename). @return 0 or -errno. */
int wt_audit_spool_set_epoch(struct wt_audit_spool *sp, uint64_t epoch);

/**
 * True when a record of @p bytes (data + key) fits; @p reserve: may use the reserve kept for
 * gap and checkpoint records.
 */
bool wt_audit_spool_room(const struct wt_audit_spool *sp, size_t bytes, bool reserve);

/**
 * Append @p r (seq must be the last one + 1) to the write buffer; rotates segments. Data
 * become durable at the next wt_audit_spool_sync().
 * @return 0; -ENOSPC over spool_max_bytes; -EMSGSIZE; -EINVAL seq out of order; -EIO.
 */
int wt_audit_spool_append(struct wt_audit_spool *sp, const struct wt_audit_rec *r, bool reserve);

/**
 * Write and fdatasync what the buffer holds, then run the durable callback for each record
 * now durable. @return 0 or a negative errno (records stay buffered and are retried).
 */
int wt_audit_spool_sync(struct wt_audit_spool *sp);

/** Records waiting for wt_audit_spool_sync(), and the monotonic ns of the oldest. */
uint32_t wt_audit_spool_pending(const struct wt_audit_spool *sp, uint64_t *oldest_ns);

/**
 * Read durable record @p seq (sequential reads are cheap: a read cursor and a 256 KiB buffer).
 * @return 0; -ENOENT not in the spool (deleted, or not durable yet); -EBADMSG this record's
 *   crc does not match (it alone is lost); -ENOTRECOVERABLE the segment's framing is broken
 *   before @p seq (every record up to wt_audit_spool_seg_last() is lost); another -errno.
 */
int wt_audit_spool_read(struct wt_audit_spool *sp, uint64_t seq, struct wt_audit_rec *r);

/** Last seq of the segment holding @p seq. */
uint64_t wt_audit_spool_seg_last(const struct wt_audit_spool *sp, uint64_t seq);

/** Mark @p seq delivered; advances the acknowledged mark over contiguous delivered seqs. */
void wt_audit_spool_delivered(struct wt_audit_spool *sp, uint64_t seq);

/** True when @p seq was delivered (at or below the mark, or in the window's bitmap). */
bool wt_audit_spool_is_delivered(const struct wt_audit_spool *sp, uint64_t seq);

/** Highest contiguous delivered seq. */
uint64_t wt_audit_spool_acked(const struct wt_audit_spool *sp);

/** Last durable seq. */
uint64_t wt_audit_spool_durable(const struct wt_audit_spool *sp);

/** Oldest seq still in the spool (last + 1 when empty). */
uint64_t wt_audit_spool_oldest(const struct wt_audit_spool *sp);

/**
 * Persist the acknowledged mark if it moved and @p force or ack_persist_ms passed since the
 * last write, then delete every segment fully at or below the persisted mark (never the
 * newest). @return 0 or a negative errno.
 */
int wt_audit_spool_persist(struct wt_audit_spool *sp, uint64_t now_ns, bool force);

/** Bytes used by segment files, and their number. */
uint64_t wt_audit_spool_bytes(const struct wt_audit_spool *sp, uint64_t *segments);

/** Sync, persist the mark and close. NULL is a no-op. */
void wt_audit_spool_close(struct wt_audit_spool *sp);

/* ---------------------------------------------------------------------------------------- */
/* Stream: chain + checkpoints + gaps + spool of one exporter                                 */

struct wt_audit_stream;

/** One loss reason and its count, for wt_audit_gap(). */
struct wt_audit_gap_item {
	const char *reason;    /* e.g. "port.imissed", "pipeline.event_ring_full" */
	uint64_t count;
};

/**
 * Open stream @p idx of sensor c->sensor: recover the chain head and the unacknowledged tail
 * from the spool in c->dir/stream-<idx> (unless c->dir is ""), start a new epoch
 * (max(wall-clock us, last epoch + 1), persisted before anything is sealed).
 * @p key signs checkpoints (may be NULL: checkpoints then carry no signature; tests only).
 * @p cb is called for every record once it is durable in the spool (in seq order), e.g. to
 * produce it; without a spool it is called at once.
 * @return the stream, or NULL with errno set and a message in @p err.
 */
struct wt_audit_stream *wt_audit_stream_open(const struct wt_audit_conf *c,
					     const struct wt_audit_key *key, unsigned int idx,
					     wt_audit_durable_cb cb, void *cb_arg, char *err,
					     size_t errlen);

/**
 * Write pending losses and a checkpoint if anything was sealed since the last one, sync,
 * persist the mark, close the spool and free @p as. NULL is a no-op.
 */
void wt_audit_stream_close(struct wt_audit_stream *as);

/**
 * Seal @p json in place: @p json[0..*len) is one complete JSON object (no newline); on
 * success it ends with the audit object and its hash and *len is updated. Pure chain step:
 * seq++, prev = last hash. No spool, no I/O, no allocation.
 * @p type names the record's event type for checkpoint counts.
 * @return 0; -EMSGSIZE when @p cap cannot hold the result (nothing changed); -EINVAL not an
 *   object.
 */
int wt_audit_seal(struct wt_audit_stream *as, const char *type, char *json, size_t *len,
		  size_t cap);

/**
 * Seal @p json (as wt_audit_seal()) and append it to the spool with @p topic and @p key.
 * When the spool is full the event is refused and counted; a `gap` record naming the count
 * (reason "audit.spool_full") is written as soon as there is room again.
 * @return 0; -ENOSPC spool full; -EMSGSIZE; -EIO spool write failed.
 */
int wt_audit_append(struct wt_audit_stream *as, const char *type, uint8_t topic,
		    const char *key, size_t keylen, char *json, size_t *len, size_t cap);

/**
 * Write one `gap` record naming @p n losses (zero counts are left out; nothing is written when
 * all are zero). May use the spool's reserve.
 * @return 0; -ENOSPC; -EMSGSIZE too many/long reasons; -EIO.
 */
int wt_audit_gap(struct wt_audit_stream *as, const struct wt_audit_gap_item *items,
		 unsigned int n);

/**
 * Count @p n losses of @p reason (a string that outlives the stream, e.g. a literal) to be
 * named in the next `gap` record, written by wt_audit_tick() (or before the next event) as
 * soon as the spool has room. No I/O here: usable right where the loss is seen.
 */
void wt_audit_loss(struct wt_audit_stream *as, const char *reason, uint64_t n);

/**
 * Write one `gap` record for spooled records [@p first, @p last] that can no longer be read
 * (reason "audit.spool_corrupt", with "lost_seq":[first,last] so the verifier accepts the hole).
 * @return 0 or a negative errno.
 */
int wt_audit_gap_lost(struct wt_audit_stream *as, uint64_t first, uint64_t last);

/**
 * Write the pending losses' gap record (wt_audit_loss()), then a signed checkpoint if
 * anything was sealed since the last one.
 * @return 0 (also when nothing to do); -ENOSPC; -EIO.
 */
int wt_audit_checkpoint(struct wt_audit_stream *as);

/**
 * Periodic work, call it from the exporter loop: checkpoint when due, the pending
 * spool-full gap when room is back, batched fdatasync (durable callbacks), mark persistence
 * and segment deletion. @return 0 or the first negative errno (counted).
 */
int wt_audit_tick(struct wt_audit_stream *as, uint64_t now_ns);

/** Sync the spool now (durable callbacks run). @return 0 or a negative errno. */
int wt_audit_sync(struct wt_audit_stream *as);

/** The stream's spool, or NULL without c->dir. */
struct wt_audit_spool *wt_audit_stream_spool(struct wt_audit_stream *as);

/** Last seq sealed. */
uint64_t wt_audit_head_seq(const struct wt_audit_stream *as);

/** Current epoch. */
uint64_t wt_audit_epoch(const struct wt_audit_stream *as);

/** Copy the stream's counters and gauges into @p st. */
void wt_audit_stats_get(const struct wt_audit_stream *as, struct wt_audit_stats *st);

/* ---------------------------------------------------------------------------------------- */
/* Verifier                                                                                  */

/* Kinds of bad points (X-macro): enum WT_AUDIT_BAD_<SYM>, names as printed. */
#define foreach_wt_audit_bad \
	_(MODIFIED, "modified") \
	_(DELETED, "deleted") \
	_(REORDERED, "reordered") \
	_(INSERTED, "inserted") \
	_(TRUNCATED, "truncated") \
	_(BAD_SIGNATURE, "bad_signature") \
	_(ROLLED_BACK_EPOCH, "rolled_back_epoch")

enum wt_audit_bad {
#define _(sym, name) WT_AUDIT_BAD_##sym,
	foreach_wt_audit_bad
#undef _
	WT_AUDIT_BAD__MAX
};
extern const char *const wt_audit_bad_names[WT_AUDIT_BAD__MAX];

/** Problems kept in a result (the count of all is kept too). */
#define WT_AUDIT_VERIFY_MAX_PROBLEMS 64

struct wt_audit_problem {
	enum wt_audit_bad kind;
	char sensor[64];           /* as in the record (JSON-escaped), possibly cut */
	uint32_t stream;
	uint64_t seq;              /* 0: not tied to a record of a known stream */
	uint32_t source;           /* input index (file, or topic partition) */
	uint64_t line;             /* 1-based line in the file, or the Kafka offset */
	char detail[192];
};

struct wt_audit_verify_opts {
	const struct wt_audit_key *pub;  /* checkpoint signatures: required for a clean result */
	bool check_order;                /* a seq decrease inside one source is REORDERED
					    (files: yes; Kafka partitions: no, see docs) */
	bool live;                       /* streams may still be open: an unsigned tail after the
					    last checkpoint is reported in the summary only */
};

struct wt_audit_verify_stream_sum {
	char sensor[64];
	uint32_t stream;
	uint64_t first_seq, last_seq;
	uint64_t records;                /* unique */
	uint64_t duplicates;
	uint64_t checkpoints;            /* verified */
	uint64_t gaps, gap_lost;         /* gap records, sum of their counts */
	uint64_t epochs;
	uint64_t unsigned_tail;          /* records after the last checkpoint */
};

#define WT_AUDIT_VERIFY_MAX_STREAMS 64

struct wt_audit_verify_result {
	uint64_t lines;                  /* lines read */
	uint64_t records;                /* unique (sensor, stream, seq) */
	uint64_t duplicates;             /* identical copies dropped */
	uint64_t checkpoints;            /* signatures verified */
	uint64_t gap_lost;               /* losses named by gap records */
	uint32_t n_streams;              /* streams seen (summaries for the first 64) */
	struct wt_audit_verify_stream_sum streams[WT_AUDIT_VERIFY_MAX_STREAMS];
	uint32_t n_gap_reasons;
	struct { char reason[64]; uint64_t count; } gap_reasons[WT_AUDIT_MAX_REASONS];
	uint64_t n_problems;             /* all problems found */
	uint32_t n_kept;                 /* problems[] entries, first bad point first */
	struct wt_audit_problem problems[WT_AUDIT_VERIFY_MAX_PROBLEMS];
};

struct wt_audit_verifier;

/** @return a verifier, or NULL with errno = ENOMEM. */
struct wt_audit_verifier *wt_audit_verify_create(const struct wt_audit_verify_opts *o);

/**
 * Feed one line (without its newline) read from input @p source at @p line (1-based, or a
 * Kafka offset). Copies what it needs. @return 0 or -ENOMEM.
 */
int wt_audit_verify_line(struct wt_audit_verifier *v, uint32_t source, uint64_t line,
			 const char *s, size_t len);

/**
 * Report that input @p source ended inside a line (no final newline, or a line that does not
 * parse): TRUNCATED at @p line.
 */
void wt_audit_verify_torn(struct wt_audit_verifier *v, uint32_t source, uint64_t line);

/**
 * Read a JSON-lines file as input @p source. @return 0, or -errno when it cannot be read
 * (the message is in @p err).
 */
int wt_audit_verify_file(struct wt_audit_verifier *v, uint32_t source, const char *path,
			 char *err, size_t errlen);

/**
 * Consume every partition of @p topics (comma separated) from @p brokers, from the beginning
 * to the end offsets seen at start, feeding each message as a line (source = running index
 * of the topic-partition, line = offset). @return 0, or a negative errno with a message.
 */
int wt_audit_verify_kafka(struct wt_audit_verifier *v, const char *brokers, const char *topics,
			  int timeout_ms, char *err, size_t errlen);

/**
 * Run the whole-stream checks and fill @p r. The verifier may not be fed afterwards.
 * @return 0 when clean, 1 when problems were found.
 */
int wt_audit_verify_finish(struct wt_audit_verifier *v, struct wt_audit_verify_result *r);

/** Print @p r: the first bad point, then the others kept, then the summary. */
void wt_audit_verify_print(FILE *out, const struct wt_audit_verify_result *r);

/** Free @p v (NULL is a no-op). */
void wt_audit_verify_free(struct wt_audit_verifier *v);

#endif /* WT_AUDIT_H */
