/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Counter names for stats/metrics, generated from foreach_wt_decode_drop so a new drop reason
 * can never be exported without a name. The preprocessor cannot lower-case, so the names are
 * lower-cased once at load time into fixed buffers the const array points to.
 */
#include <rte_common.h>

#include "wt_decode.h"

#define WT_DECODE_NAME_MAX 24

#define _(sym, desc) _Static_assert(sizeof(#sym) <= WT_DECODE_NAME_MAX, "drop name too long");
foreach_wt_decode_drop
#undef _

static char drop_name_buf[WT_DECODE_DROP__MAX][WT_DECODE_NAME_MAX];

static const char *const drop_syms[WT_DECODE_DROP__MAX] = {
	[WT_DECODE_OK] = "ok",
#define _(sym, desc) [WT_DECODE_DROP_##sym] = #sym,
	foreach_wt_decode_drop
#undef _
};

const char *const wt_decode_drop_names[WT_DECODE_DROP__MAX] = {
	[WT_DECODE_OK] = drop_name_buf[WT_DECODE_OK],
#define _(sym, desc) [WT_DECODE_DROP_##sym] = drop_name_buf[WT_DECODE_DROP_##sym],
	foreach_wt_decode_drop
#undef _
};

const char *const wt_decode_drop_descs[WT_DECODE_DROP__MAX] = {
	[WT_DECODE_OK] = "decoded",
#define _(sym, desc) [WT_DECODE_DROP_##sym] = desc,
	foreach_wt_decode_drop
#undef _
};

RTE_INIT(wt_decode_names_init)
{
	for (unsigned int i = 0; i < WT_DECODE_DROP__MAX; i++)
		wt_lower_name(drop_name_buf[i], sizeof(drop_name_buf[i]), drop_syms[i]);
}
