/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * wt_gen: command line, and the scheduler that keeps exactly --flows connections open at once:
 * each round visits every open flow once in a fresh pseudo-random order (an affine permutation
 * of the slots) and lets it send one packet, or a short back-to-back burst while it is in the
 * middle of a long message. A flow that closes is replaced by a new one in the same slot.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

static const char *const default_sigs[] = {
	"/etc/passwd", "cmd.exe /c", "UNION SELECT", "<script>alert(", "${jndi:ldap://",
	"../../../../", "eval(base64_decode(", "wget http://", "powershell -enc", "DROP TABLE",
	"xp_cmdshell", "/bin/sh -i",
};

static void
usage(FILE *out)
{
	fprintf(out,
		"usage: wt_gen -o FILE.pcap [options]\n"
		"  -o, --out FILE         capture to write (pcap, Ethernet, microsecond stamps)\n"
		"      --flows N          concurrently open TCP flows (default 1000; k/m suffixes)\n"
		"      --packets N        packets to write (default 1m; k/m suffixes)\n"
		"      --duration S       capture seconds instead of --packets (packets = S * rate)\n"
		"      --rate PPS         capture-time packet rate for timestamps (default 100k)\n"
		"      --size-mix MIX     small | bulk | mixed (default small)\n"
		"      --hit-ratio R      share of cleartext messages carrying a signature (0..1, 0)\n"
		"      --signatures FILE  signature strings, one a line (default: a built-in list)\n"
		"      --mix LIST         protocol shares of new flows (default\n"
		"                         http=60,grpc=20,tls=15,mqtt=5)\n"
		"      --seed N           seed (default 1); same options + seed = same bytes\n"
		"      --start MODE       steady: flows start at random points of their life (default)\n"
		"                         cold: every initial flow starts with its handshake\n"
		"      --mss N            TCP payload bytes per segment (default 1448, max 1448)\n"
		"      --burst N          packets a flow may send back to back (default 4)\n"
		"      --flow-msgs N      exchanges per connection (default: drawn per protocol, e.g.\n"
		"                         5..40 HTTP calls); a large N makes every flow persistent, so\n"
		"                         the capture holds exactly --flows distinct flows\n"
		"      --stats FILE       write what was generated as JSON (default: stderr)\n");
}

static int
parse_count(const char *s, uint64_t *v)
{
	char *end;
	double d = strtod(s, &end);

	if (end == s || d < 0)
		return -1;
	if (*end == 'k' || *end == 'K')
		d *= 1e3, end++;
	else if (*end == 'm' || *end == 'M')
		d *= 1e6, end++;
	if (*end != '\0')
		return -1;
	*v = (uint64_t)llround(d);
	return 0;
}

static int
parse_mix(const char *s, unsigned int *mix)
{
	char buf[256], *save = NULL, *tok;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	memset(mix, 0, sizeof(unsigned int) * GEN_PROTO__MAX);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		int p;

		if (eq == NULL)
			return -1;
		*eq = '\0';
		for (p = 0; p < GEN_PROTO__MAX; p++)
			if (strcmp(tok, gen_proto_names[p]) == 0)
				break;
		if (p == GEN_PROTO__MAX)
			return -1;
		mix[p] = (unsigned int)strtoul(eq + 1, NULL, 10);
	}
	return 0;
}

static int
load_sigs(struct gen_opts *o, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[1024];

	if (f == NULL)
		return -errno;
	o->n_sigs = 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		size_t n = strcspn(line, "\r\n");

		line[n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		if (n >= GEN_SIG_MAX || o->n_sigs == GEN_MAX_SIGS) {
			fclose(f);
			return -E2BIG;
		}
		memcpy(o->sigs[o->n_sigs], line, n);
		o->sig_len[o->n_sigs++] = (uint8_t)n;
	}
	fclose(f);
	return 0;
}

static int
parse_args(int argc, char **argv, struct gen_opts *o)
{
	static const struct option lo[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "flows", required_argument, NULL, 1 },
		{ "packets", required_argument, NULL, 2 },
		{ "duration", required_argument, NULL, 3 },
		{ "rate", required_argument, NULL, 4 },
		{ "size-mix", required_argument, NULL, 5 },
		{ "hit-ratio", required_argument, NULL, 6 },
		{ "signatures", required_argument, NULL, 7 },
		{ "mix", required_argument, NULL, 8 },
		{ "seed", required_argument, NULL, 9 },
		{ "start", required_argument, NULL, 10 },
		{ "mss", required_argument, NULL, 11 },
		{ "burst", required_argument, NULL, 12 },
		{ "stats", required_argument, NULL, 13 },
		{ "flow-msgs", required_argument, NULL, 14 },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int ch, rc;

	memset(o, 0, sizeof(*o));
	o->flows = 1000;
	o->packets = 1000000;
	o->rate = 100000;
	o->seed = 1;
	o->steady = 1;
	o->mss = 1448;
	o->burst = 4;
	parse_mix("http=60,grpc=20,tls=15,mqtt=5", o->mix);
	for (size_t i = 0; i < sizeof(default_sigs) / sizeof(default_sigs[0]); i++) {
		strcpy(o->sigs[i], default_sigs[i]);
		o->sig_len[i] = (uint8_t)strlen(default_sigs[i]);
		o->n_sigs++;
	}
	while ((ch = getopt_long(argc, argv, "o:h", lo, NULL)) != -1) {
		switch (ch) {
		case 'o': o->out = optarg; break;
		case 1:
			if (parse_count(optarg, &o->flows) != 0 || o->flows == 0) {
				fprintf(stderr, "wt_gen: --flows %s: expected a count > 0\n", optarg);
				return -1;
			}
			break;
		case 2:
			if (parse_count(optarg, &o->packets) != 0) {
				fprintf(stderr, "wt_gen: --packets %s: expected a count\n", optarg);
				return -1;
			}
			break;
		case 3: o->duration = strtod(optarg, NULL); break;
		case 4: o->rate = strtod(optarg, NULL); break;
		case 5:
			if (strcmp(optarg, "small") == 0)
				o->size_mix = GEN_MIX_SMALL;
			else if (strcmp(optarg, "bulk") == 0)
				o->size_mix = GEN_MIX_BULK;
			else if (strcmp(optarg, "mixed") == 0)
				o->size_mix = GEN_MIX_MIXED;
			else {
				fprintf(stderr, "wt_gen: --size-mix %s: small, bulk or mixed\n", optarg);
				return -1;
			}
			break;
		case 6:
			o->hit_ratio = strtod(optarg, NULL);
			if (!(o->hit_ratio >= 0 && o->hit_ratio <= 1)) {
				fprintf(stderr, "wt_gen: --hit-ratio %s: expected 0..1\n", optarg);
				return -1;
			}
			break;
		case 7:
			rc = load_sigs(o, optarg);
			if (rc != 0) {
				fprintf(stderr, "wt_gen: --signatures %s: %s\n", optarg,
					rc == -E2BIG ? "too many or too long (256 x 127 bytes)" :
						       strerror(-rc));
				return -1;
			}
			break;
		case 8:
			if (parse_mix(optarg, o->mix) != 0) {
				fprintf(stderr, "wt_gen: --mix %s: expected e.g. http=60,grpc=20,"
					"tls=15,mqtt=5\n", optarg);
				return -1;
			}
			break;
		case 9:
			if (parse_count(optarg, &v) != 0) {
				fprintf(stderr, "wt_gen: --seed %s: expected a number\n", optarg);
				return -1;
			}
			o->seed = v;
			break;
		case 10:
			if (strcmp(optarg, "steady") != 0 && strcmp(optarg, "cold") != 0) {
				fprintf(stderr, "wt_gen: --start %s: steady or cold\n", optarg);
				return -1;
			}
			o->steady = strcmp(optarg, "steady") == 0;
			break;
		case 11:
			o->mss = (uint32_t)strtoul(optarg, NULL, 10);
			if (o->mss < 64 || o->mss > 1448) {
				fprintf(stderr, "wt_gen: --mss %s: expected 64..1448\n", optarg);
				return -1;
			}
			break;
		case 12:
			o->burst = (unsigned int)strtoul(optarg, NULL, 10);
			if (o->burst < 1 || o->burst > 64) {
				fprintf(stderr, "wt_gen: --burst %s: expected 1..64\n", optarg);
				return -1;
			}
			break;
		case 13: o->stats = optarg; break;
		case 14:
			if (parse_count(optarg, &v) != 0 || v > 100000000) {
				fprintf(stderr, "wt_gen: --flow-msgs %s: expected 0..100m\n", optarg);
				return -1;
			}
			o->flow_msgs = (uint32_t)v;
			break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -1;
		}
	}
	if (o->out == NULL || optind < argc) {
		usage(stderr);
		return -1;
	}
	if (!(o->rate > 0)) {
		fprintf(stderr, "wt_gen: --rate must be > 0\n");
		return -1;
	}
	if (o->duration > 0)
		o->packets = (uint64_t)llround(o->duration * o->rate);
	{
		unsigned int sum = 0;

		for (int p = 0; p < GEN_PROTO__MAX; p++)
			sum += o->mix[p];
		if (sum == 0) {
			fprintf(stderr, "wt_gen: --mix: all shares are zero\n");
			return -1;
		}
	}
	return 0;
}

static unsigned int
pick_proto(const struct gen_opts *o, uint64_t h)
{
	unsigned int sum = 0, r;

	for (int p = 0; p < GEN_PROTO__MAX; p++)
		sum += o->mix[p];
	r = (unsigned int)((h >> 11) % sum);
	for (unsigned int p = 0; p < GEN_PROTO__MAX; p++) {
		if (r < o->mix[p])
			return p;
		r -= o->mix[p];
	}
	return GEN_HTTP;
}

static uint64_t
gcd64(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

static void
write_stats(const struct gen_ctx *g, FILE *out)
{
	const struct gen_stats *s = &g->st;
	const struct gen_opts *o = g->o;
	static const char *const mixes[] = { "small", "bulk", "mixed" };
	static const char *const hist[] = { "le64", "le128", "le256", "le512", "le1024", "gt1024" };

	fprintf(out, "{\"packets\":%llu,\"wire_bytes\":%llu,\"payload_bytes\":%llu,"
		"\"avg_frame\":%.1f,\"concurrent_flows\":%llu,\"flows\":%llu,\"flows_closed\":%llu,"
		"\"flows_midstream\":%llu,\"messages\":%llu,\"cleartext_messages\":%llu,"
		"\"hit_messages\":%llu,\"hit_share\":%.4f,\"syn\":%llu,\"fin\":%llu,\"rst\":%llu,"
		"\"pure_acks\":%llu,\"capture_seconds\":%.3f,\"seed\":%llu,\"size_mix\":\"%s\","
		"\"hit_ratio\":%.4f,\"start\":\"%s\",\"signatures\":%u,\"flow_msgs\":%u",
		(unsigned long long)s->packets, (unsigned long long)s->wire_bytes,
		(unsigned long long)s->payload_bytes,
		s->packets ? (double)s->wire_bytes / (double)s->packets : 0.0,
		(unsigned long long)o->flows, (unsigned long long)s->flows,
		(unsigned long long)s->flows_done, (unsigned long long)s->flows_midstream,
		(unsigned long long)s->msgs, (unsigned long long)s->cleartext_msgs,
		(unsigned long long)s->hit_msgs,
		s->cleartext_msgs ? (double)s->hit_msgs / (double)s->cleartext_msgs : 0.0,
		(unsigned long long)s->syn, (unsigned long long)s->fin, (unsigned long long)s->rst,
		(unsigned long long)s->pure_ack, (double)(s->last_ns - s->first_ns) / 1e9,
		(unsigned long long)o->seed, mixes[o->size_mix], o->hit_ratio,
		o->steady ? "steady" : "cold", o->n_sigs, o->flow_msgs);
	fprintf(out, ",\"frame_sizes\":{");
	for (int i = 0; i < 6; i++)
		fprintf(out, "%s\"%s\":%llu", i ? "," : "", hist[i],
			(unsigned long long)s->size_hist[i]);
	fprintf(out, "},\"protocols\":{");
	for (int p = 0; p < GEN_PROTO__MAX; p++)
		fprintf(out, "%s\"%s\":{\"flows\":%llu,\"packets\":%llu,\"bytes\":%llu,\"port\":%u}",
			p ? "," : "", gen_proto_names[p], (unsigned long long)s->proto_flows[p],
			(unsigned long long)s->proto_pkts[p], (unsigned long long)s->proto_bytes[p],
			gen_proto_port((unsigned int)p));
	fprintf(out, "}}\n");
}

int
main(int argc, char **argv)
{
	static struct gen_opts o;
	static struct gen_ctx g;
	struct gen_flow *slots;
	uint64_t serial = 0, rng, n;
	int rc;

	if (parse_args(argc, argv, &o) != 0)
		return 2;
	g.o = &o;
	g.step_ns = (uint64_t)llround(1e9 / o.rate);
	if (g.step_ns == 0)
		g.step_ns = 1;
	g.now_ns = 1733240000ull * 1000000000ull;
	n = o.flows;
	slots = calloc(n, sizeof(*slots));
	if (slots == NULL) {
		fprintf(stderr, "wt_gen: cannot allocate %llu flows\n", (unsigned long long)n);
		return 1;
	}
	rc = gen_pcap_open(&g, o.out);
	if (rc != 0) {
		fprintf(stderr, "wt_gen: %s: %s\n", o.out, strerror(-rc));
		return 1;
	}
	for (uint64_t i = 0; i < n; i++, serial++) {
		uint64_t h = gen_hash(o.seed ^ 0x5eedull, serial);

		gen_flow_init(&g, &slots[i], serial, pick_proto(&o, h));
		if (o.steady)
			gen_flow_fast_forward(&g, &slots[i], gen_hash(h, 0xff));
	}
	rng = gen_hash(o.seed, 0x5c4ed);
	while (g.st.packets < o.packets) {
		uint64_t a, b;

		/* a new visiting order each round: i = (a * j + b) mod n with gcd(a, n) = 1 */
		do {
			rng = gen_mix64(rng);
			a = n > 1 ? 1 + rng % (n - 1) : 1;
		} while (gcd64(a, n) != 1);
		rng = gen_mix64(rng);
		b = rng % n;
		for (uint64_t j = 0; j < n && g.st.packets < o.packets; j++) {
			struct gen_flow *f = &slots[(a * j + b) % n];
			unsigned int k = 0;
			int more;

			do {
				if (gen_flow_step(&g, f, &more)) {
					uint64_t h = gen_hash(o.seed ^ 0x5eedull, serial);

					gen_flow_init(&g, f, serial++, pick_proto(&o, h));
					break;
				}
			} while (more && ++k < o.burst && g.st.packets < o.packets);
		}
	}
	rc = gen_pcap_close(&g);
	if (rc != 0) {
		fprintf(stderr, "wt_gen: %s: %s\n", o.out, strerror(-rc));
		return 1;
	}
	if (o.stats != NULL) {
		FILE *f = fopen(o.stats, "w");

		if (f == NULL) {
			fprintf(stderr, "wt_gen: --stats %s: %s\n", o.stats, strerror(errno));
			return 1;
		}
		write_stats(&g, f);
		fclose(f);
	} else {
		write_stats(&g, stderr);
	}
	free(slots);
	return 0;
}
