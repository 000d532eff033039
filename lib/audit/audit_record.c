/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The records the audit writes into its own chain: `gap` (losses named, with counts and
 * reasons) and `checkpoint` (range, chain head, counts, losses since the last one, Ed25519
 * signature), so a consumer can prove completeness, not just integrity.
 */
#include <errno.h>
#include <stdio.h>

#include "audit_priv.h"

static void
record_head(struct wt_audit_stream *as, struct jb *b, const char *type)
{
	char t[48];
	int n = wt_fmt_time(t, sizeof(t), wt_wallclock_ns());

	JB_LIT(b, "{\"timestamp\":\"");
	jb_mem(b, t, n > 0 ? (size_t)n : 0);
	JB_LIT(b, "\",\"sensor\":");
	jb_mem(b, as->sensor_json, as->sensor_json_len);
	JB_LIT(b, ",\"event_type\":");
	jb_str(b, type);
}

static void
reason_add(struct wt_audit_stream *as, const char *reason, uint64_t n)
{
	uint32_t i;

	for (i = 0; i < as->n_reasons; i++) {
		if (strcmp(as->reason_names[i], reason) == 0) {
			as->reason_counts[i] += n;
			return;
		}
	}
	if (i == WT_AUDIT_MAX_REASONS) {
		/* Table full: the last slot collects the rest as "other" (totals still match). */
		i--;
		reason = "other";
	} else {
		as->n_reasons++;
	}
	snprintf(as->reason_names[i], sizeof(as->reason_names[0]), "%s", reason);
	as->reason_counts[i] += n;
}

static int
gap_write(struct wt_audit_stream *as, const struct wt_audit_gap_item *items, unsigned int n,
	  uint64_t lost_first, uint64_t lost_last, bool reserve)
{
	struct jb b;
	uint64_t total = 0;
	size_t len;
	bool first = true;
	int rc;

	if (n > WT_AUDIT_MAX_REASONS)
		return -EMSGSIZE;
	for (unsigned int i = 0; i < n; i++)
		total += items[i].count;
	if (total == 0)
		return 0;
	jb_init(&b, as->buf, sizeof(as->buf) - WT_AUDIT_SEAL_MAX);
	record_head(as, &b, AUDIT_TYPE_GAP);
	JB_LIT(&b, ",\"gap\":{\"reasons\":{");
	for (unsigned int i = 0; i < n; i++) {
		if (items[i].count == 0)
			continue;
		if (strlen(items[i].reason) >= sizeof(as->reason_names[0]))
			return -EMSGSIZE;
		if (!first)
			JB_LIT(&b, ",");
		first = false;
		jb_str(&b, items[i].reason);
		JB_LIT(&b, ":");
		jb_u64(&b, items[i].count);
	}
	JB_LIT(&b, "},\"total\":");
	jb_u64(&b, total);
	if (lost_first != 0) {
		JB_LIT(&b, ",\"lost_seq\":[");
		jb_u64(&b, lost_first);
		JB_LIT(&b, ",");
		jb_u64(&b, lost_last);
		JB_LIT(&b, "]");
	}
	JB_LIT(&b, "}}");
	if (b.ovf)
		return -EMSGSIZE;
	len = (size_t)(b.p - as->buf);
	rc = audit_emit(as, AUDIT_TYPE_GAP, WT_AUDIT_TOPIC_GAP, as->buf, &len, sizeof(as->buf),
			reserve);
	if (rc != 0)
		return rc;
	for (unsigned int i = 0; i < n; i++)
		if (items[i].count)
			reason_add(as, items[i].reason, items[i].count);
	as->cnt[WT_AUDIT_CNT_GAPS]++;
	as->cnt[WT_AUDIT_CNT_GAP_LOST] += total;
	return 0;
}

int
audit_record_gap(struct wt_audit_stream *as, const struct wt_audit_gap_item *items,
		 unsigned int n, bool reserve)
{
	return gap_write(as, items, n, 0, 0, reserve);
}

int
wt_audit_gap(struct wt_audit_stream *as, const struct wt_audit_gap_item *items, unsigned int n)
{
	return gap_write(as, items, n, 0, 0, true);
}

int
wt_audit_gap_lost(struct wt_audit_stream *as, uint64_t first, uint64_t last)
{
	struct wt_audit_gap_item it = { AUDIT_REASON_SPOOL_CORRUPT, last - first + 1 };

	if (first == 0 || last < first)
		return -EINVAL;
	return gap_write(as, &it, 1, first, last, true);
}

int
audit_record_checkpoint(struct wt_audit_stream *as, uint64_t now_ns)
{
	uint8_t sig[WT_AUDIT_SIG_LEN];
	struct jb b;
	size_t len, msg_len;
	int rc;

	jb_init(&b, as->buf, sizeof(as->buf) - WT_AUDIT_SEAL_MAX);
	record_head(as, &b, AUDIT_TYPE_CHECKPOINT);
	JB_LIT(&b, ",\"checkpoint\":{\"stream\":");
	jb_u64(&b, as->idx);
	JB_LIT(&b, ",\"epoch\":");
	jb_u64(&b, as->epoch);
	JB_LIT(&b, ",\"first\":");
	jb_u64(&b, as->ckpt_first);
	JB_LIT(&b, ",\"last\":");
	jb_u64(&b, as->seq);
	JB_LIT(&b, ",\"head\":\"");
	jb_hex_raw(&b, as->head, WT_AUDIT_HASH_LEN);
	JB_LIT(&b, "\",\"events\":{");
	for (uint32_t i = 0; i < as->n_types; i++) {
		if (i)
			JB_LIT(&b, ",");
		jb_str(&b, as->type_names[i]);
		JB_LIT(&b, ":");
		jb_u64(&b, as->type_counts[i]);
	}
	if (as->type_other) {
		JB_LIT(&b, as->n_types ? ",\"other\":" : "\"other\":");
		jb_u64(&b, as->type_other);
	}
	JB_LIT(&b, "},\"gaps\":{");
	for (uint32_t i = 0; i < as->n_reasons; i++) {
		if (i)
			JB_LIT(&b, ",");
		jb_str(&b, as->reason_names[i]);
		JB_LIT(&b, ":");
		jb_u64(&b, as->reason_counts[i]);
	}
	JB_LIT(&b, "},\"key_id\":\"");
	if (as->key != NULL)
		jb_mem(&b, wt_audit_key_id(as->key), 16);
	JB_LIT(&b, "\"");
	/* Signed message: the line so far, from '{' up to (not including) ,"sig": */
	msg_len = (size_t)(b.p - as->buf);
	JB_LIT(&b, ",\"sig\":\"");
	if (as->key != NULL && !b.ovf) {
		rc = wt_audit_sign(as->key, as->buf, msg_len, sig);
		if (rc != 0)
			return rc;
		jb_hex_raw(&b, sig, WT_AUDIT_SIG_LEN);
	}
	JB_LIT(&b, "\"}}");
	if (b.ovf)
		return -EMSGSIZE;
	len = (size_t)(b.p - as->buf);
	rc = audit_emit(as, AUDIT_TYPE_CHECKPOINT, WT_AUDIT_TOPIC_CHECKPOINT, as->buf, &len,
			sizeof(as->buf), true);
	if (rc != 0) {
		as->cnt[WT_AUDIT_CNT_CHECKPOINT_SKIPPED]++;
		return rc;
	}
	/* The checkpoint record opens the next range. */
	as->cnt[WT_AUDIT_CNT_CHECKPOINTS]++;
	as->n_types = 0;
	as->type_other = 0;
	memset(as->type_counts, 0, sizeof(as->type_counts));
	as->n_reasons = 0;
	memset(as->reason_counts, 0, sizeof(as->reason_counts));
	audit_count_type(as, AUDIT_TYPE_CHECKPOINT);
	as->ckpt_first = as->seq;
	as->since_ckpt = 0;
	as->ckpt_last_ns = now_ns;
	return 0;
}
