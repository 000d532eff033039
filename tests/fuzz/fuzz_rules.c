/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the rule parser (lib/match): one input is one rule's text. Every rule
 * that parses is also translated to its streaming-mode expressions, which Hyperscan then
 * checks, so the translation is fuzzed with the parser. Rule files come from operators and
 * from public sets, so the parser must never crash, leak or read out of bounds on any text.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "match_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const var_names[] = { "HOME_NET", "EXTERNAL_NET", "HTTP_PORTS", "LOOP" };
static const char *const var_values[] = { "[10.0.0.0/8,192.168.0.0/16]", "!$HOME_NET",
					  "[80,8080:8090]", "$LOOP" };
static const struct wt_match_vars vars = { var_names, var_values, 4 };
static struct match_class classes[] = {
	{ (char *)"trojan-activity", (char *)"A Network Trojan was detected", 1 },
	{ (char *)"misc-activity", (char *)"Misc activity", 3 },
};

static void
check_expr(const char *e)
{
	hs_expr_info_t *info = NULL;
	hs_compile_error_t *err = NULL;

	if (hs_expression_info(e, 0, &info, &err) == HS_SUCCESS)
		free(info);
	else
		hs_free_compile_error(err);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct match_parser p = { &vars, classes, 2 };
	struct match_rule r;
	char why[200];

	if (size > 8192)
		return 0;
	memset(&r, 0, sizeof(r));
	if (match_parse_rule(&p, (const char *)data, size, &r, why, sizeof(why)) == MPR_OK &&
	    r.stream) {
		struct match_stream_expr x;

		if (match_stream_exprs(&r, &x, why, sizeof(why)) == MPR_OK) {
			for (uint32_t i = 0; i < x.n_sub; i++)
				check_expr(x.sub[i]);
			match_stream_expr_free(&x);
		}
	}
	match_rule_clear(&r);
	return 0;
}
