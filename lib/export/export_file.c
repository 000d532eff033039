/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * File output: each exporter lcore buffers whole lines and appends them with one write(2) per
 * buffer (O_APPEND keeps lines of several lcores whole), so the exporter path makes a syscall
 * per ~64 KiB or per 100 ms, not per event.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export_priv.h"

int
export_file_open(struct export_file *f, const char *path, char *err, size_t errlen)
{
	f->used = 0;
	f->lines = 0;
	f->first_ns = 0;
	f->buf = malloc(WT_EXPORT_FILE_BUF);
	if (f->buf == NULL) {
		snprintf(err, errlen, "outputs.file: out of memory");
		return -ENOMEM;
	}
	f->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (f->fd < 0) {
		int e = errno;

		snprintf(err, errlen, "outputs.file.path '%s': %s", path, strerror(e));
		free(f->buf);
		f->buf = NULL;
		return -e;
	}
	return 0;
}

/* Lines not (fully) written from offset @p off on: they are lost. */
static uint32_t
lines_after(const char *p, const char *end)
{
	uint32_t n = 0;

	while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		n++;
		p++;
	}
	return n;
}

int
export_file_write(struct export_file *f, struct wt_export_stats *st)
{
	size_t off = 0;
	int rc = 0;

	while (off < f->used) {
		ssize_t w = write(f->fd, f->buf + off, f->used - off);

		if (w > 0) {
			off += (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		rc = w < 0 ? -errno : -EIO;
		break;
	}
	if (rc != 0) {
		uint32_t lost = lines_after(f->buf + off, f->buf + f->used);

		st->cnt[WT_EXPORT_CNT_FILE_ERRORS]++;
		st->cnt[WT_EXPORT_CNT_FILE_LINES_LOST] += lost;
		st->cnt[WT_EXPORT_CNT_FILE_LINES] += f->lines - lost;
	} else {
		st->cnt[WT_EXPORT_CNT_FILE_LINES] += f->lines;
	}
	st->cnt[WT_EXPORT_CNT_FILE_BYTES] += off;
	f->used = 0;
	f->lines = 0;
	return rc;
}

int
export_file_append(struct export_file *f, struct wt_export_stats *st, const char *line, size_t n)
{
	int rc = 0;

	WT_ASSERT_HOT(n + 1 <= WT_EXPORT_FILE_BUF);
	if (WT_EXPORT_FILE_BUF - f->used < n + 1)
		rc = export_file_write(f, st);
	if (f->used == 0)
		f->first_ns = wt_monotonic_ns();
	memcpy(f->buf + f->used, line, n);
	f->buf[f->used + n] = '\n';
	f->used += n + 1;
	f->lines++;
	return rc;
}

void
export_file_close(struct export_file *f, struct wt_export_stats *st)
{
	if (f->fd >= 0) {
		if (f->used > 0)
			(void)export_file_write(f, st);
		close(f->fd);
	}
	f->fd = -1;
	free(f->buf);
	f->buf = NULL;
}
