/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * EVE-compatible JSON for audit events, written with a bounded appender into a caller buffer:
 * no heap on the exporter path, and output that Suricata-minded tools already read.
 * Cost: ~0.8 us per TCP flow event with its Community ID (the three wt_fmt_time() calls,
 * strftime + snprintf, are about 40% of it; measured on the dev box, -O2).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <string.h>

#include "export_priv.h"
#include "wt_jb.h"
#include "export_priv.h"

static void
jb_time(struct jb *b, uint64_t ns)
{
	char t[48];
	int n = wt_fmt_time(t, sizeof(t), ns);

	jb_qraw(b, t, n > 0 ? (size_t)n : 0);
}

/* IPv4 by hand (inet_ntop goes through sprintf for it); IPv6 needs inet_ntop's "::" rules. */
static void
jb_ip(struct jb *b, uint8_t ipver, const uint8_t *ip)
{
	char t[INET6_ADDRSTRLEN];
	size_t n = 0;

	if (ipver == 6) {
		if (inet_ntop(AF_INET6, ip, t, sizeof(t)) == NULL)
			t[0] = '\0';
		jb_qraw(b, t, strlen(t));
		return;
	}
	for (int i = 0; i < 4; i++) {
		unsigned v = ip[i];

		if (v >= 100)
			t[n++] = (char)('0' + v / 100);
		if (v >= 10)
			t[n++] = (char)('0' + v / 10 % 10);
		t[n++] = (char)('0' + v % 10);
		t[n++] = '.';
	}
	jb_qraw(b, t, n - 1);
}

static void
jb_hex8(struct jb *b, uint8_t v)
{
	static const char hex[] = "0123456789abcdef";
	char t[2] = { hex[v >> 4], hex[v & 0xf] };

	jb_qraw(b, t, 2);
}

static const char *
proto_name(uint8_t proto, char *tmp, size_t len)
{
	switch (proto) {
	case IPPROTO_TCP: return "TCP";
	case IPPROTO_UDP: return "UDP";
	case IPPROTO_ICMP: return "ICMP";
	case IPPROTO_ICMPV6: return "IPv6-ICMP";
	default: {
		struct jb b = { tmp, tmp + len - 1, false };

		jb_u64(&b, proto);
		*b.p = '\0';
		return tmp;
	}
	}
}

static inline bool
is_icmp(uint8_t proto)
{
	return proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6;
}

/* Suricata's "tcp" object: flags as hex, one boolean per flag seen either way, the state. */
static void
json_tcp(struct jb *b, const struct wt_event_flow *fl)
{
	static const struct { uint8_t bit; const char *key; size_t len; } flags[] = {
#define F(bit, s) { bit, ",\"" s "\":true", sizeof(",\"" s "\":true") - 1 }
		F(WT_TCP_SYN, "syn"), F(WT_TCP_FIN, "fin"), F(WT_TCP_RST, "rst"),
		F(WT_TCP_PSH, "psh"), F(WT_TCP_ACK, "ack"), F(WT_TCP_URG, "urg"),
		F(WT_TCP_ECE, "ecn"), F(WT_TCP_CWR, "cwr"),
#undef F
	};
	uint8_t all = fl->tcp_flags_ts | fl->tcp_flags_tc;
	const char *state = fl->state < WT_TCP_STATE__MAX ? wt_tcp_state_names[fl->state] : "none";

	JB_LIT(b, ",\"tcp\":{\"tcp_flags\":");
	jb_hex8(b, all);
	JB_LIT(b, ",\"tcp_flags_ts\":");
	jb_hex8(b, fl->tcp_flags_ts);
	JB_LIT(b, ",\"tcp_flags_tc\":");
	jb_hex8(b, fl->tcp_flags_tc);
	for (size_t i = 0; i < WT_ARRAY_SIZE(flags); i++)
		if (all & flags[i].bit)
			jb_mem(b, flags[i].key, flags[i].len);
	JB_LIT(b, ",\"state\":");
	jb_str(b, state);
	if (fl->flags & WT_FLOW_F_MIDSTREAM)
		JB_LIT(b, ",\"midstream\":true");
	jb_chr(b, '}');
}

static void
json_flow(struct jb *b, const struct wt_event *ev)
{
	const struct wt_event_flow *fl = &ev->u.flow;
	uint64_t s0 = fl->start_ns / 1000000000ull, s1 = fl->end_ns / 1000000000ull;
	const char *state, *reason;

	if (ev->proto == IPPROTO_TCP)
		state = fl->state < WT_TCP_STATE__MAX ? wt_tcp_state_names[fl->state] : "none";
	else
		state = "closed";
	reason = fl->reason < WT_FLOW_END__MAX ? wt_flow_end_names[fl->reason] : "unknown";

	JB_LIT(b, ",\"flow\":{\"pkts_toserver\":");
	jb_u64(b, fl->pkts_toserver);
	JB_LIT(b, ",\"pkts_toclient\":");
	jb_u64(b, fl->pkts_toclient);
	JB_LIT(b, ",\"bytes_toserver\":");
	jb_u64(b, fl->bytes_toserver);
	JB_LIT(b, ",\"bytes_toclient\":");
	jb_u64(b, fl->bytes_toclient);
	JB_LIT(b, ",\"start\":");
	jb_time(b, fl->start_ns);
	JB_LIT(b, ",\"end\":");
	jb_time(b, fl->end_ns);
	JB_LIT(b, ",\"age\":");
	jb_u64(b, s1 > s0 ? s1 - s0 : 0);   /* whole seconds, as Suricata computes it */
	JB_LIT(b, ",\"state\":");
	jb_str(b, state);
	JB_LIT(b, ",\"reason\":");
	jb_str(b, reason);
	JB_LIT(b, ",\"alerted\":false}");
	if (ev->proto == IPPROTO_TCP)
		json_tcp(b, fl);
}

size_t
export_json_format(const struct wt_event *ev, const char *sensor, const char *cid, char *buf,
		   size_t len)
{
	struct jb b;
	char tmp[8];
	const char *app;

	if (len == 0 || ev->type >= WT_EVENT__MAX)
		return 0;
	b.p = buf;
	b.end = buf + len - 1;
	b.ovf = false;
	app = ev->app_proto < WT_APP__MAX ? wt_app_proto_names[ev->app_proto] : "unknown";

	JB_LIT(&b, "{\"timestamp\":");
	jb_time(&b, ev->ts_ns);
	JB_LIT(&b, ",\"flow_id\":");
	jb_u64(&b, ev->flow_id);
	JB_LIT(&b, ",\"sensor\":");
	jb_str(&b, sensor != NULL ? sensor : "");
	JB_LIT(&b, ",\"event_type\":");
	jb_str(&b, wt_event_type_names[ev->type]);
	if (ev->vlan != 0) {
		JB_LIT(&b, ",\"vlan\":[");
		jb_u64(&b, ev->vlan);
		jb_chr(&b, ']');
	}
	JB_LIT(&b, ",\"src_ip\":");
	jb_ip(&b, ev->ipver, ev->src_ip);
	if (!is_icmp(ev->proto)) {
		JB_LIT(&b, ",\"src_port\":");
		jb_u64(&b, ev->sport);
	}
	JB_LIT(&b, ",\"dest_ip\":");
	jb_ip(&b, ev->ipver, ev->dst_ip);
	if (!is_icmp(ev->proto)) {
		JB_LIT(&b, ",\"dest_port\":");
		jb_u64(&b, ev->dport);
	}
	JB_LIT(&b, ",\"proto\":");
	jb_str(&b, proto_name(ev->proto, tmp, sizeof(tmp)));
	if (is_icmp(ev->proto)) {
		/* Suricata's EVE carries ICMP type/code instead of ports. */
		JB_LIT(&b, ",\"icmp_type\":");
		jb_u64(&b, ev->sport);
		JB_LIT(&b, ",\"icmp_code\":");
		jb_u64(&b, ev->dport);
	}
	JB_LIT(&b, ",\"app_proto\":");
	jb_str(&b, app);
	if (cid != NULL && cid[0] != '\0') {
		JB_LIT(&b, ",\"community_id\":");
		jb_str(&b, cid);
	}
	switch (ev->type) {
	case WT_EVENT_FLOW:
		json_flow(&b, ev);
		break;
	case WT_EVENT_HTTP:
		export_json_http(&b, ev);
		break;
	default:
		break;
	}
	jb_chr(&b, '}');
	if (b.ovf)
		return 0;
	*b.p = '\0';
	return (size_t)(b.p - buf);
}

size_t
wt_export_format_json(const struct wt_event *ev, const char *sensor, char *buf, size_t len)
{
	char cid[EXPORT_CID_LEN];

	if (wt_community_id(0, ev->ipver, ev->src_ip, ev->dst_ip, ev->proto, ev->sport, ev->dport,
			    cid, sizeof(cid)) != 0)
		cid[0] = '\0';
	return export_json_format(ev, sensor, cid, buf, len);
}
