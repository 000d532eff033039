/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The crash-safe spool of one exporter stream: sealed records are appended to segment files
 * (header + crc per record), made durable by batched fdatasync, produced only once durable,
 * and deleted by whole segments once the acknowledged mark (persisted in the state file) has
 * passed them. A restart cuts a torn tail, finds the chain head and re-sends what is not
 * acknowledged. Owned by one exporter lcore: no locks.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit_priv.h"

#define SEG_MAGIC "WTSPOOL1"
#define SEG_VERSION 1
#define STATE_NAME "state"
#define STATE_MAGIC "wiretrail-audit-spool 1"
#define WBUF_SIZE (1u << 20)
#define RBUF_SIZE (256u << 10)
#define RESERVE_MAX (256u << 10)

struct seg_hdr {
	char magic[8];
	uint32_t version;
	uint32_t stream;
	uint64_t first_seq;
	uint64_t epoch;
	uint8_t prev[WT_AUDIT_HASH_LEN];
	uint32_t crc;                  /* over the bytes before it */
	uint32_t pad;
};
_Static_assert(sizeof(struct seg_hdr) == 72, "segment header layout");

struct rec_hdr {
	uint32_t crc;                  /* over the rest of the header, the key and the data */
	uint32_t len;                  /* data bytes */
	uint64_t seq;
	uint16_t keylen;
	uint8_t topic;
	uint8_t flags;
	uint32_t pad;
	uint8_t hash[WT_AUDIT_HASH_LEN];
};
_Static_assert(sizeof(struct rec_hdr) == 56, "record header layout");

struct seg {
	uint64_t first;                /* first seq it holds (or will hold) */
	uint64_t last;                 /* last seq in it; first - 1 when empty */
	uint64_t bytes;                /* file size, pending bytes included */
};

struct wt_audit_spool {
	char dir[PATH_MAX];
	char sensor_hex[2 * WT_AUDIT_NAME + 1];
	unsigned int stream;
	uint64_t seg_bytes, max_bytes, reserve;
	uint32_t persist_ms;
	uint64_t epoch;

	struct seg *segs;
	uint32_t n_segs, cap_segs;
	uint64_t total_bytes;

	/* writer: the newest segment */
	int wfd;
	uint64_t woff;                 /* bytes in the file (written) */
	char *wbuf;
	size_t wlen;                   /* pending bytes */
	uint32_t wrecs;
	uint64_t wfirst_ns;
	uint64_t last_seq;             /* last appended */
	uint8_t last_hash[WT_AUDIT_HASH_LEN];
	uint64_t durable;              /* last synced */
	wt_audit_durable_cb cb;
	void *cb_arg;

	/* acknowledgements */
	uint64_t acked, acked_persisted, persist_ns;
	uint64_t *bitmap;

	int lockfd;                    /* flock: one process per stream directory */

	/* reader */
	int rfd;
	uint64_t rfile;                /* first seq (name) of the segment rfd reads, 0 none */
	uint64_t roff, rseq;           /* next record's offset and seq */
	char *rbuf;
	uint64_t rbuf_off;
	size_t rbuf_len;

	uint64_t *cnt;
	uint64_t own_cnt[WT_AUDIT_CNT__MAX];
};

static inline void
cnt_add(struct wt_audit_spool *sp, enum wt_audit_counter c, uint64_t n)
{
	sp->cnt[c] += n;
}

void
audit_spool_set_counters(struct wt_audit_spool *sp, uint64_t *cnt)
{
	for (unsigned int i = 0; i < WT_AUDIT_CNT__MAX; i++)
		cnt[i] += sp->own_cnt[i];
	sp->cnt = cnt;
}

void
wt_audit_spool_set_cb(struct wt_audit_spool *sp, wt_audit_durable_cb cb, void *arg)
{
	sp->cb = cb;
	sp->cb_arg = arg;
}

static void
seg_name(char *buf, size_t len, const struct wt_audit_spool *sp, uint64_t first)
{
	snprintf(buf, len, "%s/seg-%020" PRIu64 ".wal", sp->dir, first);
}

static uint32_t
seg_hdr_crc(const struct seg_hdr *h)
{
	return audit_crc(h, offsetof(struct seg_hdr, crc), 0);
}

static uint32_t
rec_crc(const struct rec_hdr *h, const void *key, const void *data)
{
	uint32_t c = audit_crc(&h->len, sizeof(*h) - offsetof(struct rec_hdr, len), 0);

	c = audit_crc(key, h->keylen, c);
	return audit_crc(data, h->len, c);
}

/* ---- state file ---- */

static int
state_write(struct wt_audit_spool *sp, uint64_t ack)
{
	char buf[sizeof(sp->sensor_hex) + 256];
	int n = snprintf(buf, sizeof(buf), "%s\nsensor %s\nstream %u\nepoch %" PRIu64 "\nack %" PRIu64
			 "\n", STATE_MAGIC, sp->sensor_hex, sp->stream, sp->epoch, ack);
	int rc = audit_write_atomic(sp->dir, STATE_NAME, buf, (size_t)n);

	if (rc != 0)
		cnt_add(sp, WT_AUDIT_CNT_SPOOL_IO_ERRORS, 1);
	return rc;
}

static int
state_read(struct wt_audit_spool *sp, uint64_t *epoch, uint64_t *ack, char *err, size_t errlen)
{
	char path[PATH_MAX + 16], line[sizeof(sp->sensor_hex) + 64], sensor[sizeof(sp->sensor_hex)];
	unsigned int stream = 0;
	int have = 0;
	FILE *f;

	*epoch = 0;
	*ack = 0;
	snprintf(path, sizeof(path), "%s/%s", sp->dir, STATE_NAME);
	f = fopen(path, "re");
	if (f == NULL) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	sensor[0] = '\0';
	if (fgets(line, sizeof(line), f) == NULL || strncmp(line, STATE_MAGIC, strlen(STATE_MAGIC)))
		goto bad;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "sensor %512s", sensor) == 1)
			have |= 1;
		else if (sscanf(line, "stream %u", &stream) == 1)
			have |= 2;
		else if (sscanf(line, "epoch %" SCNu64, epoch) == 1)
			have |= 4;
		else if (sscanf(line, "ack %" SCNu64, ack) == 1)
			have |= 8;
	}
	fclose(f);
	if (have != 15)
		goto bad_closed;
	if (strcmp(sensor, sp->sensor_hex) != 0 || stream != sp->stream) {
		snprintf(err, errlen,
			 "%s: this spool belongs to another sensor name or stream; a renamed sensor "
			 "needs a new audit.dir (its chain starts again at seq 1)", path);
		return -EINVAL;
	}
	return 0;
bad:
	fclose(f);
bad_closed:
	snprintf(err, errlen, "%s: unreadable audit state; move it away to start a new chain "
			      "(the verifier will then report the restart)", path);
	return -EIO;
}

/* ---- segments ---- */

static int
segs_push(struct wt_audit_spool *sp, uint64_t first)
{
	if (sp->n_segs == sp->cap_segs) {
		uint32_t cap = sp->cap_segs ? sp->cap_segs * 2 : 64;
		struct seg *n = realloc(sp->segs, sizeof(*n) * cap);

		if (n == NULL)
			return -ENOMEM;
		sp->segs = n;
		sp->cap_segs = cap;
	}
	sp->segs[sp->n_segs].first = first;
	sp->segs[sp->n_segs].last = first - 1;
	sp->segs[sp->n_segs].bytes = 0;
	sp->n_segs++;
	return 0;
}

/* New newest segment starting at last_seq + 1, header durable before any record. */
static int
seg_create(struct wt_audit_spool *sp)
{
	char path[PATH_MAX + 64];
	struct seg_hdr h;
	uint64_t first = sp->last_seq + 1;
	int fd, rc;

	memset(&h, 0, sizeof(h));
	memcpy(h.magic, SEG_MAGIC, 8);
	h.version = SEG_VERSION;
	h.stream = sp->stream;
	h.first_seq = first;
	h.epoch = sp->epoch;
	memcpy(h.prev, sp->last_hash, WT_AUDIT_HASH_LEN);
	h.crc = seg_hdr_crc(&h);
	seg_name(path, sizeof(path), sp, first);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		goto io;
	if (pwrite(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h) || fdatasync(fd) != 0) {
		close(fd);
		unlink(path);
		goto io;
	}
	rc = audit_fsync_dir(sp->dir);
	if (rc != 0 || segs_push(sp, first) != 0) {
		close(fd);
		unlink(path);
		cnt_add(sp, WT_AUDIT_CNT_SPOOL_IO_ERRORS, 1);
		return rc ? rc : -ENOMEM;
	}
	if (sp->wfd >= 0)
		close(sp->wfd);
	sp->wfd = fd;
	sp->woff = sizeof(h);
	sp->segs[sp->n_segs - 1].bytes = sizeof(h);
	sp->total_bytes += sizeof(h);
	cnt_add(sp, WT_AUDIT_CNT_SPOOL_SEGMENTS_CREATED, 1);
	return 0;
io:
	rc = -errno;
	cnt_add(sp, WT_AUDIT_CNT_SPOOL_IO_ERRORS, 1);
	return rc ? rc : -EIO;
}

static int
u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* First seqs of every seg-*.wal in the directory, sorted. */
static int
segs_list(struct wt_audit_spool *sp, uint64_t **out, uint32_t *n_out)
{
	DIR *d = opendir(sp->dir);
	struct dirent *e;
	uint64_t *v = NULL;
	uint32_t n = 0, cap = 0;

	if (d == NULL)
		return -errno;
	while ((e = readdir(d)) != NULL) {
		uint64_t first;
		char tail[8];

		if (sscanf(e->d_name, "seg-%20" SCNu64 ".%4s", &first, tail) != 2 ||
		    strcmp(tail, "wal") != 0 || strlen(e->d_name) != 28 || first == 0)
			continue;
		if (n == cap) {
			uint64_t *nv = realloc(v, sizeof(*v) * (cap ? cap * 2 : 64));

			if (nv == NULL) {
				free(v);
				closedir(d);
				return -ENOMEM;
			}
			v = nv;
			cap = cap ? cap * 2 : 64;
		}
		v[n++] = first;
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof(*v), u64_cmp);
	*out = v;
	*n_out = n;
	return 0;
}

static int
seg_read_hdr(int fd, uint64_t first, unsigned int stream, struct seg_hdr *h)
{
	if (pread(fd, h, sizeof(*h), 0) != (ssize_t)sizeof(*h))
		return -EIO;
	if (memcmp(h->magic, SEG_MAGIC, 8) != 0 || h->version != SEG_VERSION ||
	    h->crc != seg_hdr_crc(h) || h->first_seq != first || h->stream != stream)
		return -EBADMSG;
	return 0;
}

/*
 * Scan the newest segment: every record whose header, seq and crc are right; cut the file at
 * the first that is not (a torn append from a crash).
 */
static int
seg_scan_tail(struct wt_audit_spool *sp, int fd, const struct seg_hdr *h, struct seg *s)
{
	struct stat st;
	uint64_t off = sizeof(*h), size;
	char *buf = NULL;
	size_t cap = 0;
	int rc = 0;

	if (fstat(fd, &st) != 0)
		return -errno;
	size = (uint64_t)st.st_size;
	s->last = h->first_seq - 1;
	memcpy(sp->last_hash, h->prev, WT_AUDIT_HASH_LEN);
	for (;;) {
		struct rec_hdr r;
		size_t need;

		if (off + sizeof(r) > size || pread(fd, &r, sizeof(r), (off_t)off) != sizeof(r))
			break;
		if (r.len > WT_AUDIT_LINE_MAX || r.keylen > WT_AUDIT_KEY_MAX ||
		    r.seq != s->last + 1 || off + sizeof(r) + r.keylen + r.len > size)
			break;
		need = (size_t)r.keylen + r.len;
		if (need > cap) {
			char *nb = realloc(buf, need);

			if (nb == NULL) {
				rc = -ENOMEM;
				break;
			}
			buf = nb;
			cap = need;
		}
		if (pread(fd, buf, need, (off_t)(off + sizeof(r))) != (ssize_t)need ||
		    r.crc != rec_crc(&r, buf, buf + r.keylen))
			break;
		s->last = r.seq;
		memcpy(sp->last_hash, r.hash, WT_AUDIT_HASH_LEN);
		off += sizeof(r) + need;
	}
	free(buf);
	if (rc != 0)
		return rc;
	if (off < size) {
		cnt_add(sp, WT_AUDIT_CNT_SPOOL_TORN_BYTES, size - off);
		WT_WARN("audit spool %s: cut %" PRIu64 " bytes of torn tail after seq %" PRIu64,
			sp->dir, size - off, s->last);
		if (ftruncate(fd, (off_t)off) != 0 || fsync(fd) != 0)
			return -errno;
	}
	s->bytes = off;
	return 0;
}

static int
spool_recover(struct wt_audit_spool *sp, char *err, size_t errlen)
{
	uint64_t *firsts = NULL;
	uint32_t n = 0;
	int rc = segs_list(sp, &firsts, &n);

	if (rc != 0) {
		snprintf(err, errlen, "audit spool %s: %s", sp->dir, strerror(-rc));
		return rc;
	}
	/* A newest segment whose header never became durable is a crash during rotation. */
	while (n > 0) {
		char path[PATH_MAX + 64];
		struct seg_hdr h;
		int fd;

		seg_name(path, sizeof(path), sp, firsts[n - 1]);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			rc = -errno;
			snprintf(err, errlen, "%s: %s", path, strerror(-rc));
			goto out;
		}
		if (seg_read_hdr(fd, firsts[n - 1], sp->stream, &h) != 0) {
			close(fd);
			WT_WARN("audit spool: %s: incomplete segment header (crash while rotating), "
				"removed", path);
			unlink(path);
			n--;
			continue;
		}
		for (uint32_t i = 0; i < n; i++) {
			rc = segs_push(sp, firsts[i]);
			if (rc != 0) {
				close(fd);
				snprintf(err, errlen, "audit spool: out of memory");
				goto out;
			}
		}
		for (uint32_t i = 0; i + 1 < n; i++) {
			struct stat st;
			char p2[PATH_MAX + 64];

			seg_name(p2, sizeof(p2), sp, firsts[i]);
			if (stat(p2, &st) != 0) {
				rc = -errno;
				close(fd);
				snprintf(err, errlen, "%s: %s", p2, strerror(-rc));
				goto out;
			}
			sp->segs[i].last = firsts[i + 1] - 1;
			sp->segs[i].bytes = (uint64_t)st.st_size;
			sp->total_bytes += (uint64_t)st.st_size;
		}
		rc = seg_scan_tail(sp, fd, &h, &sp->segs[n - 1]);
		if (rc != 0) {
			close(fd);
			snprintf(err, errlen, "%s: %s", path, strerror(-rc));
			goto out;
		}
		sp->total_bytes += sp->segs[n - 1].bytes;
		sp->last_seq = sp->segs[n - 1].last;
		sp->wfd = fd;
		sp->woff = sp->segs[n - 1].bytes;
		break;
	}
	if (n == 0) {
		rc = seg_create(sp);
		if (rc != 0)
			snprintf(err, errlen, "audit spool %s: cannot create a segment: %s", sp->dir,
				 strerror(-rc));
	}
out:
	free(firsts);
	return rc;
}

struct wt_audit_spool *
wt_audit_spool_open(const char *dir, const char *sensor, unsigned int stream,
		    const struct wt_audit_conf *c, struct wt_audit_spool_state *st, char *err,
		    size_t errlen)
{
	struct wt_audit_spool *sp;
	uint64_t ack;
	int rc;

	if (errlen)
		err[0] = '\0';
	sp = calloc(1, sizeof(*sp));
	if (sp == NULL)
		goto nomem;
	sp->wfd = sp->rfd = sp->lockfd = -1;
	sp->cnt = sp->own_cnt;
	sp->stream = stream;
	sp->seg_bytes = c->spool_segment_bytes;
	sp->max_bytes = c->spool_max_bytes;
	sp->reserve = WT_MIN((uint64_t)RESERVE_MAX, c->spool_max_bytes / 4);
	sp->persist_ms = c->ack_persist_ms;
	if (snprintf(sp->dir, sizeof(sp->dir), "%s", dir) >= (int)sizeof(sp->dir)) {
		snprintf(err, errlen, "audit.dir: path too long");
		free(sp);
		errno = ENAMETOOLONG;
		return NULL;
	}
	audit_hex(sp->sensor_hex, (const uint8_t *)sensor, strnlen(sensor, WT_AUDIT_NAME - 1));
	sp->wbuf = malloc(WBUF_SIZE);
	sp->rbuf = malloc(RBUF_SIZE);
	sp->bitmap = calloc(WT_AUDIT_ACK_WINDOW / 64, sizeof(uint64_t));
	if (sp->wbuf == NULL || sp->rbuf == NULL || sp->bitmap == NULL)
		goto nomem;
	rc = audit_mkdir_p(dir, 0700);
	if (rc != 0) {
		snprintf(err, errlen, "audit.dir %s: %s", dir, strerror(-rc));
		goto fail;
	}
	{
		char lp[PATH_MAX + 8];

		snprintf(lp, sizeof(lp), "%s/lock", sp->dir);
		sp->lockfd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (sp->lockfd < 0 || flock(sp->lockfd, LOCK_EX | LOCK_NB) != 0) {
			rc = errno == EWOULDBLOCK ? -EBUSY : -errno;
			snprintf(err, errlen, "audit.dir %s: %s", dir,
				 rc == -EBUSY ? "in use by another wiretrail process" : strerror(-rc));
			goto fail;
		}
	}
	rc = state_read(sp, &sp->epoch, &ack, err, errlen);
	if (rc != 0)
		goto fail;
	rc = spool_recover(sp, err, errlen);
	if (rc != 0)
		goto fail;
	sp->durable = sp->last_seq;
	sp->acked = WT_MIN(WT_MAX(ack, sp->segs[0].first - 1), sp->last_seq);
	sp->acked_persisted = sp->acked;
	cnt_add(sp, WT_AUDIT_CNT_SPOOL_RECOVERED, sp->last_seq - sp->acked);
	st->epoch = sp->epoch;
	st->last_seq = sp->last_seq;
	memcpy(st->last_hash, sp->last_hash, WT_AUDIT_HASH_LEN);
	st->acked = sp->acked;
	return sp;
nomem:
	snprintf(err, errlen, "audit spool: out of memory");
	rc = -ENOMEM;
fail:
	wt_audit_spool_close(sp);
	errno = -rc;
	return NULL;
}

int
wt_audit_spool_set_epoch(struct wt_audit_spool *sp, uint64_t epoch)
{
	sp->epoch = epoch;
	return state_write(sp, sp->acked_persisted);
}

bool
wt_audit_spool_room(const struct wt_audit_spool *sp, size_t bytes, bool reserve)
{
	uint64_t need = sp->total_bytes + sizeof(struct rec_hdr) + bytes;
	uint64_t limit = reserve ? sp->max_bytes : sp->max_bytes - sp->reserve;

	return need <= limit;
}

uint32_t
wt_audit_spool_pending(const struct wt_audit_spool *sp, uint64_t *oldest_ns)
{
	if (oldest_ns != NULL)
		*oldest_ns = sp->wfirst_ns;
	return sp->wrecs;
}

int
wt_audit_spool_sync(struct wt_audit_spool *sp)
{
	size_t off = 0;

	if (sp->wlen == 0)
		return 0;
	while (off < sp->wlen) {
		ssize_t w = pwrite(sp->wfd, sp->wbuf + off, sp->wlen - off, (off_t)(sp->woff + off));

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			cnt_add(sp, WT_AUDIT_CNT_SPOOL_IO_ERRORS, 1);
			return w < 0 ? -errno : -EIO;
		}
		off += (size_t)w;
	}
	if (fdatasync(sp->wfd) != 0) {
		cnt_add(sp, WT_AUDIT_CNT_SPOOL_IO_ERRORS, 1);
		return -errno;
	}
	cnt_add(sp, WT_AUDIT_CNT_SPOOL_SYNCS, 1);
	sp->woff += sp->wlen;
	/* Everything in the buffer is durable now: hand each record over, in order. */
	for (off = 0; off < sp->wlen;) {
		struct rec_hdr h;
		struct wt_audit_rec r;

		memcpy(&h, sp->wbuf + off, sizeof(h));
		r.seq = h.seq;
		r.topic = h.topic;
		r.keylen = h.keylen;
		r.key = sp->wbuf + off + sizeof(h);
		r.len = h.len;
		r.data = r.key + h.keylen;
		r.hash = (const uint8_t *)sp->wbuf + off + offsetof(struct rec_hdr, hash);
		sp->durable = h.seq;
		if (sp->cb != NULL)
			sp->cb(sp->cb_arg, &r);
		off += sizeof(h) + h.keylen + h.len;
	}
	sp->wlen = 0;
	sp->wrecs = 0;
	return 0;
}

int
wt_audit_spool_append(struct wt_audit_spool *sp, const struct wt_audit_rec *r, bool reserve)
{
	size_t rlen = sizeof(struct rec_hdr) + r->keylen + r->len;
	struct seg *active = &sp->segs[sp->n_segs - 1];
	struct rec_hdr h;
	int rc;

	if (r->len > WT_AUDIT_LINE_MAX || r->keylen > WT_AUDIT_KEY_MAX)
		return -EMSGSIZE;
	if (r->seq != sp->last_seq + 1)
		return -EINVAL;
	if (!wt_audit_spool_room(sp, (size_t)r->keylen + r->len, reserve))
		return -ENOSPC;
	if (active->bytes + rlen > sp->seg_bytes && active->last >= active->first) {
		rc = wt_audit_spool_sync(sp);
		if (rc == 0)
			rc = seg_create(sp);
		if (rc != 0)
			return rc;
		active = &sp->segs[sp->n_segs - 1];
	}
	if (sp->wlen + rlen > WBUF_SIZE) {
		rc = wt_audit_spool_sync(sp);
		if (rc != 0)
			return rc;
	}
	memset(&h, 0, sizeof(h));
	h.len = r->len;
	h.seq = r->seq;
	h.keylen = r->keylen;
	h.topic = r->topic;
	memcpy(h.hash, r->hash, WT_AUDIT_HASH_LEN);
	h.crc = rec_crc(&h, r->key, r->data);
	memcpy(sp->wbuf + sp->wlen, &h, sizeof(h));
	if (r->keylen)
		memcpy(sp->wbuf + sp->wlen + sizeof(h), r->key, r->keylen);
	memcpy(sp->wbuf + sp->wlen + sizeof(h) + r->keylen, r->data, r->len);
	if (sp->wrecs == 0)
		sp->wfirst_ns = wt_monotonic_ns();
	sp->wlen += rlen;
	sp->wrecs++;
	active->last = r->seq;
	active->bytes += rlen;
	sp->total_bytes += rlen;
	sp->last_seq = r->seq;
	memcpy(sp->last_hash, r->hash, WT_AUDIT_HASH_LEN);
	cnt_add(sp, WT_AUDIT_CNT_SPOOL_APPENDED, 1);
	cnt_add(sp, WT_AUDIT_CNT_SPOOL_BYTES, rlen);
	return 0;
}

/* ---- reader ---- */

static uint32_t
seg_find(const struct wt_audit_spool *sp, uint64_t seq)
{
	uint32_t lo = 0, hi = sp->n_segs - 1;

	while (lo < hi) {
		uint32_t mid = (lo + hi + 1) / 2;

		if (sp->segs[mid].first <= seq)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

/* Make rbuf hold [off, off + n) of the reader's file. */
static int
rbuf_fill(struct wt_audit_spool *sp, uint64_t off, size_t n, uint64_t limit)
{
	ssize_t got;

	if (off >= sp->rbuf_off && off + n <= sp->rbuf_off + sp->rbuf_len)
		return 0;
	if (off + n > limit)
		return -ENOENT;
	got = pread(sp->rfd, sp->rbuf, (size_t)WT_MIN((uint64_t)RBUF_SIZE, limit - off), (off_t)off);
	if (got < 0)
		return -errno;
	sp->rbuf_off = off;
	sp->rbuf_len = (size_t)got;
	return (size_t)got >= n ? 0 : -EBADMSG;
}

static int
reader_seek(struct wt_audit_spool *sp, uint32_t si, uint64_t seq)
{
	const struct seg *s = &sp->segs[si];

	if (sp->rfile != s->first) {
		char path[PATH_MAX + 64];

		if (sp->rfd >= 0)
			close(sp->rfd);
		seg_name(path, sizeof(path), sp, s->first);
		sp->rfd = open(path, O_RDONLY | O_CLOEXEC);
		sp->rfile = sp->rfd >= 0 ? s->first : 0;
		sp->rbuf_len = 0;
		sp->rseq = 0;
		if (sp->rfd < 0)
			return -errno;
	}
	if (seq < sp->rseq || sp->rseq < s->first || sp->rseq > s->last + 1) {
		sp->roff = sizeof(struct seg_hdr);
		sp->rseq = s->first;
	}
	return 0;
}

int
wt_audit_spool_read(struct wt_audit_spool *sp, uint64_t seq, struct wt_audit_rec *r)
{
	uint32_t si;
	uint64_t limit;
	int rc;

	if (seq > sp->durable || seq < sp->segs[0].first || seq == 0)
		return -ENOENT;
	si = seg_find(sp, seq);
	if (seq > sp->segs[si].last)
		return -ENOENT;
	rc = reader_seek(sp, si, seq);
	if (rc != 0)
		return rc;
	limit = si == sp->n_segs - 1 ? sp->woff : sp->segs[si].bytes;
	for (;;) {
		struct rec_hdr h;
		const char *p;

		rc = rbuf_fill(sp, sp->roff, sizeof(h), limit);
		if (rc == -ENOENT || rc == -EBADMSG)
			goto broken;
		if (rc != 0)
			return rc;
		memcpy(&h, sp->rbuf + (sp->roff - sp->rbuf_off), sizeof(h));
		if (h.seq != sp->rseq || h.len > WT_AUDIT_LINE_MAX || h.keylen > WT_AUDIT_KEY_MAX)
			goto broken;
		rc = rbuf_fill(sp, sp->roff, sizeof(h) + h.keylen + h.len, limit);
		if (rc != 0)
			goto broken;
		p = sp->rbuf + (sp->roff - sp->rbuf_off) + sizeof(h);
		if (h.seq == seq) {
			if (h.crc != rec_crc(&h, p, p + h.keylen)) {
				/* Payload damaged, framing intact: this record alone is lost. */
				sp->roff += sizeof(h) + h.keylen + h.len;
				sp->rseq++;
				cnt_add(sp, WT_AUDIT_CNT_SPOOL_CORRUPT, 1);
				return -EBADMSG;
			}
			r->seq = h.seq;
			r->topic = h.topic;
			r->keylen = h.keylen;
			r->key = p;
			r->len = h.len;
			r->data = p + h.keylen;
			r->hash = (const uint8_t *)p - sizeof(h) + offsetof(struct rec_hdr, hash);
			sp->roff += sizeof(h) + h.keylen + h.len;
			sp->rseq++;
			return 0;
		}
		sp->roff += sizeof(h) + h.keylen + h.len;
		sp->rseq++;
	}
broken:
	/* Framing lost: nothing after this point of the segment can be found. */
	sp->rseq = 0;
	cnt_add(sp, WT_AUDIT_CNT_SPOOL_CORRUPT, 1);
	return -ENOTRECOVERABLE;
}

uint64_t
wt_audit_spool_seg_last(const struct wt_audit_spool *sp, uint64_t seq)
{
	if (sp->n_segs == 0 || seq < sp->segs[0].first)
		return seq;
	return sp->segs[seg_find(sp, seq)].last;
}

/* ---- acknowledgements ---- */

static inline bool
bit_get(const uint64_t *bm, uint64_t seq)
{
	uint64_t i = seq % WT_AUDIT_ACK_WINDOW;

	return (bm[i / 64] >> (i % 64)) & 1;
}

void
wt_audit_spool_delivered(struct wt_audit_spool *sp, uint64_t seq)
{
	uint64_t i;

	if (seq <= sp->acked || seq > sp->acked + WT_AUDIT_ACK_WINDOW || seq > sp->last_seq)
		return;
	i = seq % WT_AUDIT_ACK_WINDOW;
	sp->bitmap[i / 64] |= 1ull << (i % 64);
	while (bit_get(sp->bitmap, sp->acked + 1)) {
		i = (sp->acked + 1) % WT_AUDIT_ACK_WINDOW;
		sp->bitmap[i / 64] &= ~(1ull << (i % 64));
		sp->acked++;
		cnt_add(sp, WT_AUDIT_CNT_ACKED, 1);
	}
}

bool
wt_audit_spool_is_delivered(const struct wt_audit_spool *sp, uint64_t seq)
{
	return seq <= sp->acked ||
	       (seq <= sp->acked + WT_AUDIT_ACK_WINDOW && bit_get(sp->bitmap, seq));
}

uint64_t
wt_audit_spool_acked(const struct wt_audit_spool *sp)
{
	return sp->acked;
}

uint64_t
wt_audit_spool_durable(const struct wt_audit_spool *sp)
{
	return sp->durable;
}

uint64_t
wt_audit_spool_oldest(const struct wt_audit_spool *sp)
{
	for (uint32_t i = 0; i < sp->n_segs; i++)
		if (sp->segs[i].last >= sp->segs[i].first)
			return sp->segs[i].first;
	return sp->last_seq + 1;
}

int
wt_audit_spool_persist(struct wt_audit_spool *sp, uint64_t now_ns, bool force)
{
	int rc = 0;

	if (sp->acked != sp->acked_persisted &&
	    (force || now_ns - sp->persist_ns >= (uint64_t)sp->persist_ms * 1000000ull)) {
		rc = state_write(sp, sp->acked);
		if (rc == 0) {
			sp->acked_persisted = sp->acked;
			sp->persist_ns = now_ns;
			cnt_add(sp, WT_AUDIT_CNT_ACK_PERSISTS, 1);
		}
	}
	/* Whole segments below the persisted mark go; the newest one always stays. */
	while (sp->n_segs > 1 && sp->segs[0].last <= sp->acked_persisted) {
		char path[PATH_MAX + 64];

		seg_name(path, sizeof(path), sp, sp->segs[0].first);
		if (sp->rfile == sp->segs[0].first) {
			close(sp->rfd);
			sp->rfd = -1;
			sp->rfile = 0;
			sp->rbuf_len = 0;
		}
		if (unlink(path) != 0 && errno != ENOENT) {
			cnt_add(sp, WT_AUDIT_CNT_SPOOL_IO_ERRORS, 1);
			return -errno;
		}
		sp->total_bytes -= sp->segs[0].bytes;
		memmove(sp->segs, sp->segs + 1, sizeof(*sp->segs) * (sp->n_segs - 1));
		sp->n_segs--;
		cnt_add(sp, WT_AUDIT_CNT_SPOOL_SEGMENTS_DELETED, 1);
	}
	return rc;
}

uint64_t
wt_audit_spool_bytes(const struct wt_audit_spool *sp, uint64_t *segments)
{
	if (segments != NULL)
		*segments = sp->n_segs;
	return sp->total_bytes;
}

void
wt_audit_spool_close(struct wt_audit_spool *sp)
{
	if (sp == NULL)
		return;
	if (sp->wfd >= 0) {
		if (wt_audit_spool_sync(sp) != 0)
			WT_ERR("audit spool %s: final sync failed: records after seq %" PRIu64
			       " are not durable", sp->dir, sp->durable);
		(void)wt_audit_spool_persist(sp, wt_monotonic_ns(), true);
		close(sp->wfd);
	}
	if (sp->rfd >= 0)
		close(sp->rfd);
	if (sp->lockfd >= 0)
		close(sp->lockfd);    /* releases the flock */
	free(sp->segs);
	free(sp->wbuf);
	free(sp->rbuf);
	free(sp->bitmap);
	free(sp);
}
