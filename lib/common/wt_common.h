/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Shared macros for every wiretrail library: assertions in two tiers, control-plane logging,
 * counter X-macro helpers and time. Nothing here may allocate or block.
 */
#ifndef WT_COMMON_H
#define WT_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define WT_LIKELY(x)   __builtin_expect(!!(x), 1)
#define WT_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define WT_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define WT_MIN(a, b) ((a) < (b) ? (a) : (b))
#define WT_MAX(a, b) ((a) > (b) ? (a) : (b))

/** Maximum number of lcores / workers / exporters / ports wiretrail handles. */
#define WT_MAX_WORKERS   64
#define WT_MAX_EXPORTERS 8
#define WT_MAX_PORTS     16

/* Setup/control-code assertion: always compiled in, aborts with location. */
#define WT_ASSERT(cond) do { \
	if (WT_UNLIKELY(!(cond))) { \
		fprintf(stderr, "wiretrail: assertion '%s' failed at %s:%d\n", #cond, __FILE__, __LINE__); \
		abort(); \
	} } while (0)

/* Data-path assertion: compiled out unless -Dhot_asserts=true. */
#ifdef WT_DEBUG_HOT
#define WT_ASSERT_HOT(cond) WT_ASSERT(cond)
#else
#define WT_ASSERT_HOT(cond) do { (void)sizeof(cond); } while (0)
#endif

/** Control-plane log levels. Never used on a worker per packet. */
enum wt_log_level { WT_LOG_ERR = 0, WT_LOG_WARN, WT_LOG_INFO, WT_LOG_DEBUG };
extern int wt_log_level;
void wt_log(enum wt_log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define WT_ERR(...)  wt_log(WT_LOG_ERR, __VA_ARGS__)
#define WT_WARN(...) wt_log(WT_LOG_WARN, __VA_ARGS__)
#define WT_INFO(...) wt_log(WT_LOG_INFO, __VA_ARGS__)
#define WT_DBG(...)  wt_log(WT_LOG_DEBUG, __VA_ARGS__)

/*
 * Counter X-macros: a list `foreach_x` of `_(SYM, "description")` generates
 *   enum { WT_X_SYM, ..., WT_X__MAX }  with WT_ENUM_FROM(foreach_x, WT_X_)
 *   static const char *names[] = { "sym", ... } with WT_NAMES_FROM(foreach_x)
 */
#define WT__ENUM_ITEM(pfx, sym, desc) pfx##sym,
#define WT__DESC_ITEM(sym, desc) desc,
#define WT__NAME_ITEM(sym, desc) #sym,

/** Wall clock in nanoseconds since the Unix epoch (control plane, idle paths). */
static inline uint64_t
wt_wallclock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/** Monotonic clock in nanoseconds. */
static inline uint64_t
wt_monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/**
 * Format @p ns (epoch nanoseconds) as RFC 3339 UTC with microseconds,
 * e.g. "2026-12-03T16:34:01.123456+0000" (EVE style). @p buf must hold 32 bytes.
 * @return number of characters written.
 */
int wt_fmt_time(char *buf, size_t len, uint64_t ns);

/** Lower-case a name: "TRUNC_ETH" -> "trunc_eth" into @p buf (for counter names). */
const char *wt_lower_name(char *buf, size_t len, const char *name);

#endif /* WT_COMMON_H */
