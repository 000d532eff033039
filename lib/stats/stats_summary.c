/* SPDX-License-Identifier: BSD-3-Clause */
/* Gathers every stage's counters into one snapshot and prints it for people: a drop nobody can
 * see is a bug, so every non-zero loss is listed by reason. */
#include <string.h>

#include "wt_stats.h"

void
wt_stats_collect(struct wt_stats *st, const struct wt_pipeline *pl, const struct wt_port_set *ps)
{
	memset(st, 0, sizeof(*st));
	for (int i = 0; i < ps->n_ports; i++) {
		struct wt_port_stats p;

		if (wt_port_stats_get(&ps->ports[i], &p) != 0)
			continue;
		st->rx_pkts += p.ipackets;
		st->rx_bytes += p.ibytes;
		st->imissed += p.imissed;
		st->ierrors += p.ierrors;
		st->rx_nombuf += p.rx_nombuf;
	}
	for (unsigned int r = 0; r < pl->n_rx; r++) {
		const struct wt_rx_lcore *rx = &pl->rx[r];

		st->decoded += rx->dec.ok;
		for (int d = 1; d < WT_DECODE_DROP__MAX; d++)
			st->undecoded[d] += rx->dec.drops[d];
		for (int d = 0; d < WT_PIPE_DROP__MAX; d++)
			st->pipe_drops[d] += rx->drops[d];
	}
	for (unsigned int w = 0; w < pl->n_wk; w++) {
		const struct wt_worker_lcore *wk = &pl->wk[w];
		struct wt_flow_stats fs;

		st->decoded += wk->dec.ok;
		for (int d = 1; d < WT_DECODE_DROP__MAX; d++)
			st->undecoded[d] += wk->dec.drops[d];
		for (int d = 0; d < WT_PIPE_DROP__MAX; d++)
			st->pipe_drops[d] += wk->drops[d];
		st->worker_pkts += wk->pkts;
		st->worker_events += wk->events;
		if (wk->sl != NULL) {
			struct wt_stream_stats ss;

			wt_stream_stats_get(wk->sl, &ss);
			for (int k = 0; k < WT_STREAM_CTR__MAX; k++)
				st->stream[k] += ss.c[k];
			st->stream_memory += ss.memory;
		}
		if (wk->hl != NULL) {
			struct wt_http_stats hs;

			wt_http_stats_get(wk->hl, &hs);
			for (int k = 0; k < WT_HTTP_CNT__MAX; k++)
				st->http[k] += hs.cnt[k];
			st->http_memory += hs.memory;
		}
		if (wk->ft == NULL)
			continue;
		wt_flow_stats_get(wk->ft, &fs);
		st->flows_created += fs.created;
		st->flows_active += fs.active;
		st->flows_peak += fs.peak_active;
		for (int e = 0; e < WT_FLOW_END__MAX; e++)
			st->flows_ended[e] += fs.ended[e];
		st->flow_capacity += fs.capacity;
		st->flow_bytes_per_flow = fs.bytes_per_flow;
		st->flow_memory += fs.memory;
	}
	for (unsigned int x = 0; x < pl->n_ex; x++) {
		struct wt_export_stats es;

		for (int d = 0; d < WT_PIPE_DROP__MAX; d++)
			st->pipe_drops[d] += pl->ex[x].drops[d];
		if (pl->ex[x].ex == NULL)
			continue;
		wt_export_stats_get(pl->ex[x].ex, &es);
		wt_export_stats_add(&st->exp, &es);
	}
	for (int d = 1; d < WT_DECODE_DROP__MAX; d++)
		st->undecoded_total += st->undecoded[d];
	st->drops_total = st->imissed + st->ierrors + st->rx_nombuf +
			  st->exp.cnt[WT_EXPORT_CNT_DR_FAILED] + st->exp.cnt[WT_EXPORT_CNT_FLUSH_LEFT] +
			  st->exp.cnt[WT_EXPORT_CNT_FILE_LINES_LOST] +
			  st->exp.audit.cnt[WT_AUDIT_CNT_SPOOL_FULL_DROPS];
	for (int d = 0; d < WT_PIPE_DROP__MAX; d++)
		st->drops_total += st->pipe_drops[d];
}

static void
print_reasons(FILE *out, const char *prefix, const struct wt_export_reasons *r)
{
	for (uint32_t i = 0; i < r->n; i++)
		fprintf(out, "  %s.%s: %llu\n", prefix, r->r[i].name, (unsigned long long)r->r[i].count);
	if (r->other)
		fprintf(out, "  %s.other: %llu\n", prefix, (unsigned long long)r->other);
}

void
wt_stats_print_summary(FILE *out, const struct wt_stats *st, double elapsed_s)
{
	char name[64];
	uint64_t events = 0;

#define P(k, v) fprintf(out, "%s: %llu\n", (k), (unsigned long long)(v))
	fprintf(out, "== wiretrail summary ==\n");
	fprintf(out, "elapsed_s: %.3f\n", elapsed_s);
	P("packets", st->rx_pkts);
	P("bytes", st->rx_bytes);
	P("decoded", st->decoded);
	P("undecoded", st->undecoded_total);
	P("flows", st->flows_created);
	P("flows.active", st->flows_active);
	for (int e = 0; e < WT_FLOW_END__MAX; e++) {
		snprintf(name, sizeof(name), "flows.ended.%s", wt_flow_end_names[e]);
		P(name, st->flows_ended[e]);
	}
	P("flow.bytes_per_flow", st->flow_bytes_per_flow);
	P("flow.memory", st->flow_memory);
	for (int t = 0; t < WT_EVENT__MAX; t++) {
		snprintf(name, sizeof(name), "events.%s", wt_event_type_names[t]);
		P(name, st->exp.events[t]);
		events += st->exp.events[t];
	}
	P("events", events);
	P("kafka.produced", st->exp.cnt[WT_EXPORT_CNT_PRODUCED]);
	P("kafka.delivered", st->exp.cnt[WT_EXPORT_CNT_DELIVERED]);
	P("file.lines", st->exp.cnt[WT_EXPORT_CNT_FILE_LINES]);
	if (st->exp.audit.cnt[WT_AUDIT_CNT_SEALED]) {
		P("audit.sealed", st->exp.audit.cnt[WT_AUDIT_CNT_SEALED]);
		P("audit.checkpoints", st->exp.audit.cnt[WT_AUDIT_CNT_CHECKPOINTS]);
		P("audit.gap_records", st->exp.audit.cnt[WT_AUDIT_CNT_GAPS]);
		P("audit.losses_named", st->exp.audit.cnt[WT_AUDIT_CNT_GAP_LOST]);
		P("audit.acked_seq", st->exp.audit.acked_seq);
		P("audit.spool_bytes", st->exp.audit.spool_bytes);
		P("audit.spool_full_drops", st->exp.audit.cnt[WT_AUDIT_CNT_SPOOL_FULL_DROPS]);
	}
	P("stream.bytes", st->stream[WT_STREAM_CTR_BYTES_DELIVERED]);
	P("stream.gaps", st->stream[WT_STREAM_CTR_GAPS]);
	P("http.transactions", st->http[WT_HTTP_CNT_TRANSACTIONS]);
	P("http.parse_errors", st->http[WT_HTTP_CNT_PARSE_ERRORS]);
	P("drops", st->drops_total);
	if (st->drops_total) {
		fprintf(out, "drops by reason:\n");
		if (st->imissed)
			fprintf(out, "  port.imissed: %llu (NIC had no descriptor)\n",
				(unsigned long long)st->imissed);
		if (st->ierrors)
			fprintf(out, "  port.ierrors: %llu (erroneous or oversized frames)\n",
				(unsigned long long)st->ierrors);
		if (st->rx_nombuf)
			fprintf(out, "  port.rx_nombuf: %llu (mbuf pool empty)\n",
				(unsigned long long)st->rx_nombuf);
		for (int d = 0; d < WT_PIPE_DROP__MAX; d++)
			if (st->pipe_drops[d])
				fprintf(out, "  pipeline.%s: %llu (%s)\n",
					wt_lower_name(name, sizeof(name), wt_pipe_drop_names[d]),
					(unsigned long long)st->pipe_drops[d], wt_pipe_drop_descs[d]);
		print_reasons(out, "kafka.delivery_failed", &st->exp.dr_err);
		if (st->exp.cnt[WT_EXPORT_CNT_FLUSH_LEFT])
			fprintf(out, "  kafka.undelivered_at_exit: %llu\n",
				(unsigned long long)st->exp.cnt[WT_EXPORT_CNT_FLUSH_LEFT]);
		if (st->exp.audit.cnt[WT_AUDIT_CNT_SPOOL_FULL_DROPS])
			fprintf(out, "  audit.spool_full: %llu (named in gap records)\n",
				(unsigned long long)st->exp.audit.cnt[WT_AUDIT_CNT_SPOOL_FULL_DROPS]);
		if (st->exp.cnt[WT_EXPORT_CNT_FILE_LINES_LOST])
			fprintf(out, "  file.lines_lost: %llu\n",
				(unsigned long long)st->exp.cnt[WT_EXPORT_CNT_FILE_LINES_LOST]);
	}
	if (st->exp.produce_err.n || st->exp.produce_err.other)
		print_reasons(out, "kafka.produce_error", &st->exp.produce_err);
	if (st->exp.kafka_err.n || st->exp.kafka_err.other)
		print_reasons(out, "kafka.error", &st->exp.kafka_err);
	if (st->undecoded_total) {
		fprintf(out, "undecoded by reason (not lost: not IP, or not tracked yet):\n");
		for (int d = 1; d < WT_DECODE_DROP__MAX; d++)
			if (st->undecoded[d])
				fprintf(out, "  decode.%s: %llu (%s)\n", wt_decode_drop_names[d],
					(unsigned long long)st->undecoded[d], wt_decode_drop_descs[d]);
	}
#undef P
	fflush(out);
}

void
wt_stats_print_progress(FILE *out, const struct wt_stats *st, double elapsed_s)
{
	uint64_t events = 0;

	for (int t = 0; t < WT_EVENT__MAX; t++)
		events += st->exp.events[t];
	fprintf(out, "wiretrail: %.1fs packets=%llu flows=%llu active=%llu events=%llu delivered=%llu "
		"drops=%llu\n", elapsed_s, (unsigned long long)st->rx_pkts,
		(unsigned long long)st->flows_created, (unsigned long long)st->flows_active,
		(unsigned long long)events,
		(unsigned long long)st->exp.cnt[WT_EXPORT_CNT_DELIVERED],
		(unsigned long long)st->drops_total);
	fflush(out);
}

void
wt_stats_write_json(FILE *out, const struct wt_stats *st, double elapsed_s)
{
	char name[96], low[64];
	uint64_t events = 0;

#define J(k, v) fprintf(out, ",\"%s\":%llu", (k), (unsigned long long)(v))
	fprintf(out, "{\"elapsed_s\":%.6f", elapsed_s);
	J("packets", st->rx_pkts);
	J("bytes", st->rx_bytes);
	J("decoded", st->decoded);
	J("undecoded", st->undecoded_total);
	J("worker.packets", st->worker_pkts);
	J("flows", st->flows_created);
	J("flows.active", st->flows_active);
	J("flows.peak", st->flows_peak);
	for (int e = 0; e < WT_FLOW_END__MAX; e++) {
		snprintf(name, sizeof(name), "flows.ended.%s", wt_flow_end_names[e]);
		J(name, st->flows_ended[e]);
	}
	J("flow.capacity", st->flow_capacity);
	J("flow.bytes_per_flow", st->flow_bytes_per_flow);
	J("flow.memory", st->flow_memory);
	for (int t = 0; t < WT_EVENT__MAX; t++) {
		snprintf(name, sizeof(name), "events.%s", wt_event_type_names[t]);
		J(name, st->exp.events[t]);
		events += st->exp.events[t];
	}
	J("events", events);
	for (int c = 0; c < WT_EXPORT_CNT__MAX; c++) {
		snprintf(name, sizeof(name), "export.%s",
			 wt_lower_name(low, sizeof(low), wt_export_counter_names[c]));
		J(name, st->exp.cnt[c]);
	}
	J("stream.memory", st->stream_memory);
	J("http.memory", st->http_memory);
	for (int k = 0; k < WT_STREAM_CTR__MAX; k++) {
		snprintf(name, sizeof(name), "stream.%s",
			 wt_lower_name(low, sizeof(low), wt_stream_counter_names[k]));
		J(name, st->stream[k]);
	}
	for (int k = 0; k < WT_HTTP_CNT__MAX; k++) {
		snprintf(name, sizeof(name), "http.%s",
			 wt_lower_name(low, sizeof(low), wt_http_counter_names[k]));
		J(name, st->http[k]);
	}
	for (int k = 0; k < WT_AUDIT_CNT__MAX; k++) {
		snprintf(name, sizeof(name), "audit.%s",
			 wt_lower_name(low, sizeof(low), wt_audit_counter_names[k]));
		J(name, st->exp.audit.cnt[k]);
	}
	J("audit.acked_seq", st->exp.audit.acked_seq);
	J("audit.spool_bytes", st->exp.audit.spool_bytes);
	J("drops", st->drops_total);
	J("drops.port.imissed", st->imissed);
	J("drops.port.ierrors", st->ierrors);
	J("drops.port.rx_nombuf", st->rx_nombuf);
	for (int d = 0; d < WT_PIPE_DROP__MAX; d++) {
		snprintf(name, sizeof(name), "drops.pipeline.%s",
			 wt_lower_name(low, sizeof(low), wt_pipe_drop_names[d]));
		J(name, st->pipe_drops[d]);
	}
	for (int d = 1; d < WT_DECODE_DROP__MAX; d++) {
		snprintf(name, sizeof(name), "undecoded.%s", wt_decode_drop_names[d]);
		J(name, st->undecoded[d]);
	}
#undef J
	fprintf(out, "}\n");
	fflush(out);
}
