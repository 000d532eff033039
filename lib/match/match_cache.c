/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Compiled-database cache: compiling thousands of signatures takes seconds, deserializing them
 * milliseconds. The file name carries a SHA-256 of everything the compiler is fed (expressions,
 * flags, ids, modes), the Hyperscan version and the target platform, so a start with unchanged
 * rules loads, and any change compiles afresh. Written to a temporary file and renamed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "match_priv.h"

static const char magic[8] = { 'W', 'T', 'M', 'A', 'T', 'C', 'H', '1' };

static void
upd(EVP_MD_CTX *c, const void *p, size_t n)
{
	EVP_DigestUpdate(c, p, n);
}

static void
upd_spec(EVP_MD_CTX *c, const struct match_spec *s)
{
	upd(c, &s->mode, sizeof(s->mode));
	upd(c, &s->n, sizeof(s->n));
	for (uint32_t i = 0; i < s->n; i++) {
		upd(c, &s->flags[i], sizeof(s->flags[i]));
		upd(c, &s->ids[i], sizeof(s->ids[i]));
		upd(c, &s->rule[i], sizeof(s->rule[i]));
		upd(c, s->expr[i], strlen(s->expr[i]) + 1);
	}
}

void
match_cache_key(const struct match_cache_in *in, uint8_t key[32])
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	const char *v = hs_version();
	unsigned int len = 32;

	memset(key, 0, 32);
	if (!c)
		return;
	EVP_DigestInit_ex(c, EVP_sha256(), NULL);
	upd(c, magic, sizeof(magic));
	upd(c, v, strlen(v) + 1);
	upd(c, &in->plat->tune, sizeof(in->plat->tune));
	upd(c, &in->plat->cpu_features, sizeof(in->plat->cpu_features));
	for (unsigned k = 0; k < WT_MATCH_BUF__MAX; k++)
		upd_spec(c, &in->kind[k]);
	upd(c, &in->n_pcre, sizeof(in->n_pcre));
	for (uint32_t i = 0; i < in->n_pcre; i++)
		upd_spec(c, &in->pcre[i]);
	EVP_DigestFinal_ex(c, key, &len);
	EVP_MD_CTX_free(c);
}

static int
wr(FILE *f, const void *p, size_t n)
{
	return fwrite(p, 1, n, f) == n ? 0 : -1;
}

static int
wr_db(FILE *f, hs_database_t *db)
{
	char *bytes = NULL;
	size_t len = 0;
	uint64_t l64;
	int rc;

	if (db && hs_serialize_database(db, &bytes, &len) != HS_SUCCESS)
		return -1;
	l64 = len;
	rc = wr(f, &l64, sizeof(l64));
	if (rc == 0 && len)
		rc = wr(f, bytes, len);
	free(bytes);
	return rc;
}

/* @return 0, or -1 with @p why set. */
int
match_cache_store(const char *path, const uint8_t key[32], const struct wt_match_ruleset *rs,
		  char *why, size_t whylen)
{
	char tmp[600];
	uint32_t nd = 0, n;
	FILE *f;
	int rc;

	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
	f = fopen(tmp, "wb");
	if (!f) {
		snprintf(why, whylen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	for (uint32_t i = 0; i < rs->n_rules; i++)
		nd += rs->rules[i].disabled;
	rc = wr(f, magic, sizeof(magic)) | wr(f, key, 32) | wr(f, &nd, sizeof(nd));
	for (uint32_t i = 0; i < rs->n_rules && rc == 0; i++) {
		const struct match_rule *r = &rs->rules[i];
		uint16_t l;

		if (!r->disabled)
			continue;
		l = (uint16_t)(r->disabled_why ? strlen(r->disabled_why) : 0);
		rc = wr(f, &i, sizeof(i)) | wr(f, &l, sizeof(l));
		if (rc == 0 && l)
			rc = wr(f, r->disabled_why, l);
	}
	n = rs->n_pcre;
	if (rc == 0)
		rc = wr(f, &n, sizeof(n));
	for (uint32_t i = 0; i < rs->n_pcre && rc == 0; i++)
		rc = wr(f, &rs->pcre[i].som, 1) | wr_db(f, rs->pcre[i].db);
	for (unsigned k = 0; k < WT_MATCH_BUF__MAX && rc == 0; k++)
		rc = wr_db(f, rs->db[k]);
	if (fclose(f) != 0)
		rc = -1;
	if (rc == 0 && rename(tmp, path) != 0)
		rc = -1;
	if (rc) {
		snprintf(why, whylen, "%s: cannot write: %s", path, strerror(errno));
		unlink(tmp);
	}
	return rc;
}

static int
rd(FILE *f, void *p, size_t n)
{
	return fread(p, 1, n, f) == n ? 0 : -1;
}

static int
rd_db(FILE *f, hs_database_t **db)
{
	uint64_t len;
	char *bytes;
	int rc = 0;

	*db = NULL;
	if (rd(f, &len, sizeof(len)))
		return -1;
	if (len == 0)
		return 0;
	if (len > (1ull << 34))
		return -1;
	bytes = malloc(len);
	if (!bytes)
		return -1;
	if (rd(f, bytes, len) || hs_deserialize_database(bytes, len, db) != HS_SUCCESS)
		rc = -1;
	free(bytes);
	return rc;
}

/*
 * Load the databases of @p rs from @p path if it was stored for @p key. Disabled rules recorded
 * at store time are disabled again (same verdicts as the compile). @return 0 on a hit, -1 on a
 * miss or a damaged file (@p why says which; @p rs left without databases).
 */
int
match_cache_load(const char *path, const uint8_t key[32], struct wt_match_ruleset *rs,
		 struct wt_match_load_report *rep, char *why, size_t whylen)
{
	FILE *f = fopen(path, "rb");
	char m[8];
	uint8_t k[32];
	uint32_t nd, n;
	struct dis {
		uint32_t ri;
		char msg[200];
	} *dis = NULL;

	if (!f) {
		snprintf(why, whylen, "no cache file");
		return -1;
	}
	if (rd(f, m, 8) || memcmp(m, magic, 8) || rd(f, k, 32) || memcmp(k, key, 32) ||
	    rd(f, &nd, sizeof(nd)) || nd > rs->n_rules)
		goto bad;
	dis = calloc(nd ? nd : 1, sizeof(*dis));
	if (!dis)
		goto bad;
	for (uint32_t i = 0; i < nd; i++) {
		uint16_t l;

		if (rd(f, &dis[i].ri, sizeof(dis[i].ri)) || rd(f, &l, sizeof(l)) ||
		    dis[i].ri >= rs->n_rules || l >= sizeof(dis[i].msg) || rd(f, dis[i].msg, l))
			goto bad;
		dis[i].msg[l] = '\0';
	}
	if (rd(f, &n, sizeof(n)) || n != rs->n_pcre)
		goto bad;
	for (uint32_t i = 0; i < n; i++)
		if (rd(f, &rs->pcre[i].som, 1) || rd_db(f, &rs->pcre[i].db))
			goto bad;
	for (unsigned kk = 0; kk < WT_MATCH_BUF__MAX; kk++)
		if (rd_db(f, &rs->db[kk]))
			goto bad;
	fclose(f);
	for (uint32_t i = 0; i < nd; i++)
		match_disable(rs, rep, dis[i].ri, "%s", dis[i].msg);
	free(dis);
	return 0;
bad:
	fclose(f);
	free(dis);
	for (uint32_t i = 0; i < rs->n_pcre; i++) {
		hs_free_database(rs->pcre[i].db);
		rs->pcre[i].db = NULL;
	}
	for (unsigned kk = 0; kk < WT_MATCH_BUF__MAX; kk++) {
		hs_free_database(rs->db[kk]);
		rs->db[kk] = NULL;
	}
	snprintf(why, whylen, "cache file damaged or stale: recompiled");
	return -1;
}
