/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * HTTP parser configuration: defaults and the small setters the config loader uses. Control
 * plane only; the worker gets a copy in wt_http_lcore_create().
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "wt_http.h"

void
wt_http_conf_defaults(struct wt_http_conf *conf)
{
	static const char *const api_keys[] = { "x-api-key", "api-key", "x-auth-token" };

	memset(conf, 0, sizeof(*conf));
	for (unsigned int r = 0; r < WT_HTTP_ROLE__MAX; r++)
		wt_http_conf_add_trace_header(conf, wt_http_trace_role_names[r],
					      (enum wt_http_trace_role)r);
	for (unsigned int i = 0; i < WT_ARRAY_SIZE(api_keys); i++)
		wt_http_conf_add_api_key_header(conf, api_keys[i]);
	conf->mask_query_values = 1;
	conf->max_header_bytes = 16384;
	conf->max_headers = 100;
	conf->max_url_bytes = 4096;
	conf->json_inspect_bytes = 8192;
	conf->max_pipeline = WT_HTTP_MAX_PIPELINE;
	conf->resync_max_bytes = 65536;
	conf->tx_pool = 0;
}

int
wt_http_conf_set_key(struct wt_http_conf *conf, const uint8_t *key, size_t len)
{
	if (key == NULL || len < 16 || len > WT_HTTP_KEY_MAX)
		return -EINVAL;
	memset(conf->key, 0, sizeof(conf->key));
	memcpy(conf->key, key, len);
	conf->key_len = (uint32_t)len;
	return 0;
}

/* Lower-case copy of a header name; -EINVAL when empty, too long or not a token. */
static int
name_copy(char *dst, const char *name)
{
	size_t n = name != NULL ? strlen(name) : 0;

	if (n == 0 || n >= WT_HTTP_HDR_NAME_MAX)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];

		if (c <= ' ' || c >= 0x7f || c == ':')
			return -EINVAL;
		dst[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
	}
	dst[n] = '\0';
	return 0;
}

void
wt_http_conf_clear_trace_headers(struct wt_http_conf *conf)
{
	memset(conf->trace_hdrs, 0, sizeof(conf->trace_hdrs));
	conf->n_trace_hdrs = 0;
}

int
wt_http_conf_add_trace_header(struct wt_http_conf *conf, const char *name,
			      enum wt_http_trace_role role)
{
	char low[WT_HTTP_HDR_NAME_MAX];

	if ((unsigned int)role >= WT_HTTP_ROLE__MAX || name_copy(low, name) != 0)
		return -EINVAL;
	for (uint32_t i = 0; i < conf->n_trace_hdrs; i++)
		if (strcmp(conf->trace_hdrs[i].name, low) == 0)
			return -EEXIST;
	if (conf->n_trace_hdrs >= WT_HTTP_MAX_TRACE_HDRS)
		return -ENOSPC;
	memcpy(conf->trace_hdrs[conf->n_trace_hdrs].name, low, sizeof(low));
	conf->trace_hdrs[conf->n_trace_hdrs].role = (uint8_t)role;
	conf->n_trace_hdrs++;
	return 0;
}

void
wt_http_conf_clear_api_key_headers(struct wt_http_conf *conf)
{
	memset(conf->api_key_hdrs, 0, sizeof(conf->api_key_hdrs));
	conf->n_api_key_hdrs = 0;
}

int
wt_http_conf_add_api_key_header(struct wt_http_conf *conf, const char *name)
{
	char low[WT_HTTP_HDR_NAME_MAX];

	if (name_copy(low, name) != 0)
		return -EINVAL;
	for (uint32_t i = 0; i < conf->n_api_key_hdrs; i++)
		if (strcmp(conf->api_key_hdrs[i], low) == 0)
			return -EEXIST;
	if (conf->n_api_key_hdrs >= WT_HTTP_MAX_APIKEY_HDRS)
		return -ENOSPC;
	memcpy(conf->api_key_hdrs[conf->n_api_key_hdrs++], low, sizeof(low));
	return 0;
}

int
wt_http_trace_role_from_name(const char *name)
{
	for (unsigned int r = 0; r < WT_HTTP_ROLE__MAX; r++)
		if (name != NULL && strcasecmp(name, wt_http_trace_role_names[r]) == 0)
			return (int)r;
	return -EINVAL;
}
