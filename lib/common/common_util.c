/* SPDX-License-Identifier: BSD-3-Clause */
/* Control-plane helpers used by every library: the log sink and time formatting. */
#include <ctype.h>
#include <stdarg.h>
#include <string.h>

#include "wt_common.h"

int wt_log_level = WT_LOG_INFO;

void
wt_log(enum wt_log_level lvl, const char *fmt, ...)
{
	static const char *const tag[] = { "error", "warning", "info", "debug" };
	va_list ap;

	if ((int)lvl > wt_log_level)
		return;
	fprintf(stderr, "wiretrail: %s: ", tag[lvl]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
wt_fmt_time(char *buf, size_t len, uint64_t ns)
{
	time_t sec = (time_t)(ns / 1000000000ull);
	unsigned usec = (unsigned)((ns % 1000000000ull) / 1000u);
	struct tm tm;
	size_t n;

	gmtime_r(&sec, &tm);
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	if (n == 0)
		return 0;
	return (int)n + snprintf(buf + n, len - n, ".%06u+0000", usec);
}

const char *
wt_lower_name(char *buf, size_t len, const char *name)
{
	size_t i;

	for (i = 0; i + 1 < len && name[i]; i++)
		buf[i] = (char)tolower((unsigned char)name[i]);
	buf[i] = '\0';
	return buf;
}
