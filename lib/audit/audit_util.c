/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Small pieces every audit stage needs: hex, crc, and the
 * crash-safe file replacement (temp + fsync + rename + fsync of the directory).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit_priv.h"

void
audit_hex(char *out, const uint8_t *v, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[v[i] >> 4];
		out[2 * i + 1] = hex[v[i] & 0xf];
	}
}

static inline int
unhex1(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int
audit_unhex(uint8_t *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int hi = unhex1(s[2 * i]), lo = unhex1(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

int
audit_fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd) != 0)
		rc = -errno;
	close(fd);
	return rc;
}

int
audit_write_atomic(const char *dir, const char *name, const void *buf, size_t len)
{
	char tmp[PATH_MAX], dst[PATH_MAX];
	const char *p = buf;
	int fd, rc = 0;

	if (snprintf(tmp, sizeof(tmp), "%s/%s.tmp", dir, name) >= (int)sizeof(tmp) ||
	    snprintf(dst, sizeof(dst), "%s/%s", dir, name) >= (int)sizeof(dst))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	while (len > 0) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			rc = w < 0 ? -errno : -EIO;
			break;
		}
		p += w;
		len -= (size_t)w;
	}
	if (rc == 0 && fsync(fd) != 0)
		rc = -errno;
	if (close(fd) != 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, dst) != 0)
		rc = -errno;
	if (rc != 0) {
		unlink(tmp);
		return rc;
	}
	return audit_fsync_dir(dir);
}

int
audit_mkdir_p(const char *path, unsigned int mode)
{
	char tmp[PATH_MAX];
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof(tmp))
		return -ENAMETOOLONG;
	memcpy(tmp, path, n + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, mode) != 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, mode) != 0 && errno != EEXIST)
		return -errno;
	return 0;
}

const char *const wt_audit_counter_names[WT_AUDIT_CNT__MAX] = {
#define _(sym, desc) #sym,
	foreach_wt_audit_counter
#undef _
};

const char *const wt_audit_counter_descs[WT_AUDIT_CNT__MAX] = {
#define _(sym, desc) desc,
	foreach_wt_audit_counter
#undef _
};

const char *const wt_audit_bad_names[WT_AUDIT_BAD__MAX] = {
#define _(sym, name) name,
	foreach_wt_audit_bad
#undef _
};

void
wt_audit_conf_defaults(struct wt_audit_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->checkpoint_events = 10000;
	c->checkpoint_ms = 10000;
	c->spool_max_bytes = 1ull << 30;
	c->spool_segment_bytes = 64ull << 20;
	c->spool_sync_us = 2000;
	c->spool_sync_records = 512;
	c->ack_persist_ms = 200;
	c->full_policy = WT_AUDIT_FULL_KEEP_OLDEST;
}

int
wt_audit_conf_check(const struct wt_audit_conf *c, char *err, size_t errlen)
{
	if (!c->enabled)
		return 0;
	if (c->sensor[0] == '\0') {
		snprintf(err, errlen, "audit: sensor.name is empty (the chain's sensor id)");
		return -EINVAL;
	}
	if (c->dir[0] == '\0') {
		snprintf(err, errlen, "audit.dir: required when audit.enabled (state and spool)");
		return -EINVAL;
	}
	if (c->key_path[0] == '\0') {
		snprintf(err, errlen, "audit.key: required when audit.enabled (make one with "
				      "'wiretrail keygen DIR')");
		return -EINVAL;
	}
	if (c->spool_segment_bytes < 4096) {
		snprintf(err, errlen, "audit.spool.segment-bytes: %llu, need at least 4096",
			 (unsigned long long)c->spool_segment_bytes);
		return -EINVAL;
	}
	if (c->spool_max_bytes < 2 * c->spool_segment_bytes) {
		snprintf(err, errlen,
			 "audit.spool.max-bytes: %llu, need at least two segments (2 x %llu)",
			 (unsigned long long)c->spool_max_bytes,
			 (unsigned long long)c->spool_segment_bytes);
		return -EINVAL;
	}
	if (c->spool_sync_records == 0) {
		snprintf(err, errlen, "audit.spool.sync-records: must be at least 1");
		return -EINVAL;
	}
	if (c->full_policy != WT_AUDIT_FULL_KEEP_OLDEST) {
		snprintf(err, errlen, "audit.spool.full-policy: only keep-oldest is implemented");
		return -EINVAL;
	}
	return 0;
}

void
wt_audit_stats_add(struct wt_audit_stats *sum, const struct wt_audit_stats *s)
{
	for (unsigned int i = 0; i < WT_AUDIT_CNT__MAX; i++)
		sum->cnt[i] += s->cnt[i];
	sum->head_seq += s->head_seq;
	sum->durable_seq += s->durable_seq;
	sum->acked_seq += s->acked_seq;
	sum->spool_bytes += s->spool_bytes;
	sum->spool_segments += s->spool_segments;
	sum->epoch = WT_MAX(sum->epoch, s->epoch);
}
