/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Names for counters and enums, generated from the X-macros of wt_http.h so that nothing can be
 * counted or exported without a name. Counter names are lower-cased once at load time.
 */
#include <rte_common.h>

#include "wt_http.h"

#define WT_HTTP_NAME_MAX 24

#define _(sym, desc) _Static_assert(sizeof(#sym) <= WT_HTTP_NAME_MAX, "counter name too long");
foreach_wt_http_counter
#undef _

static char cnt_name_buf[WT_HTTP_CNT__MAX][WT_HTTP_NAME_MAX];

static const char *const cnt_syms[WT_HTTP_CNT__MAX] = {
#define _(sym, desc) #sym,
	foreach_wt_http_counter
#undef _
};

const char *const wt_http_counter_names[WT_HTTP_CNT__MAX] = {
#define _(sym, desc) cnt_name_buf[WT_HTTP_CNT_##sym],
	foreach_wt_http_counter
#undef _
};

const char *const wt_http_counter_descs[WT_HTTP_CNT__MAX] = {
#define _(sym, desc) desc,
	foreach_wt_http_counter
#undef _
};

const char *const wt_http_carrier_names[WT_HTTP_CARRIER__MAX] = {
#define _(sym, name) name,
	foreach_wt_http_carrier
#undef _
};

const char *const wt_http_trace_role_names[WT_HTTP_ROLE__MAX] = {
#define _(sym, name) name,
	foreach_wt_http_trace_role
#undef _
};

const char *const wt_http_auth_names[WT_HTTP_AUTH__MAX] = {
#define _(sym, name) name,
	foreach_wt_http_auth
#undef _
};

const char *const wt_http_noresp_names[WT_HTTP_NORESP__MAX] = {
#define _(sym, name) name,
	foreach_wt_http_noresp
#undef _
};

const char *const wt_http_upgrade_names[WT_HTTP_UPGRADE__MAX] = {
#define _(sym, name) name,
	foreach_wt_http_upgrade
#undef _
};

RTE_INIT(wt_http_names_init)
{
	for (unsigned int i = 0; i < WT_HTTP_CNT__MAX; i++)
		wt_lower_name(cnt_name_buf[i], sizeof(cnt_name_buf[i]), cnt_syms[i]);
}
