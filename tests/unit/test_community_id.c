/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Community ID v1 against published vectors, so wiretrail's IDs join with other tools' records.
 * Sources: corelight/pycommunityid tests/communityid_test.py (seed 0 and seed 1) and
 * corelight/community-id-spec baseline/baseline_deflt.json + baseline_seed1.json. The "extra"
 * vectors (other seeds, equal addresses, more ICMP types) were computed with a small independent
 * python3 implementation written from the spec text, which reproduces all published vectors.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "wt_flow.h"

int wt_test_community_id(void);

struct cid_vec {
	uint16_t seed;
	const char *saddr, *daddr;
	uint8_t proto;
	uint16_t sport, dport;    /* ICMP: type, code */
	const char *id;
};

static const struct cid_vec vecs[] = {
	/* pycommunityid: tcp / udp / sctp / icmp / icmp6 / ip, seeds 0 and 1 */
	{ 0, "128.232.110.120", "66.35.250.204", 6, 34855, 80, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=" },
	{ 0, "66.35.250.204", "128.232.110.120", 6, 80, 34855, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=" },
	{ 1, "128.232.110.120", "66.35.250.204", 6, 34855, 80, "1:3V71V58M3Ksw/yuFALMcW0LAHvc=" },
	{ 0, "10.0.0.1", "10.0.0.2", 6, 10, 11569, "1:SXBGMX1lBOwhhoDrZynfROxnhnM=" },
	{ 1, "10.0.0.1", "10.0.0.2", 6, 10, 11569, "1:HmBRGR+fUyXF4t8WEtal7Y0gEAo=" },
	{ 0, "192.168.1.52", "8.8.8.8", 17, 54585, 53, "1:d/FP5EW3wiY1vCndhwleRRKHowQ=" },
	{ 0, "8.8.8.8", "192.168.1.52", 17, 53, 54585, "1:d/FP5EW3wiY1vCndhwleRRKHowQ=" },
	{ 1, "8.8.8.8", "192.168.1.52", 17, 53, 54585, "1:Q9We8WO3piVF8yEQBNJF4uiSVrI=" },
	{ 0, "192.168.170.8", "192.168.170.56", 132, 7, 80, "1:jQgCxbku+pNGw8WPbEc/TS/uTpQ=" },
	{ 0, "192.168.170.56", "192.168.170.8", 132, 80, 7, "1:jQgCxbku+pNGw8WPbEc/TS/uTpQ=" },
	{ 1, "192.168.170.8", "192.168.170.56", 132, 7, 80, "1:Y1/0jQg6e+I3ZwZZ9LP65DNbTXU=" },
	{ 0, "192.168.0.89", "192.168.0.1", 1, 8, 0, "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=" },
	{ 0, "192.168.0.1", "192.168.0.89", 1, 0, 8, "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=" },
	{ 1, "192.168.0.1", "192.168.0.89", 1, 0, 8, "1:03g6IloqVBdcZlPyX8r0hgoE7kA=" },
	{ 0, "192.168.0.89", "192.168.0.1", 1, 20, 0, "1:3o2RFccXzUgjl7zDpqmY7yJi8rI=" },
	{ 1, "192.168.0.89", "192.168.0.1", 1, 20, 0, "1:lCXHHxavE1Vq3oX9NH5ladQg02o=" },
	{ 0, "192.168.0.89", "192.168.0.1", 1, 20, 1, "1:tz/fHIDUHs19NkixVVoOZywde+I=" },
	{ 1, "192.168.0.89", "192.168.0.1", 1, 20, 1, "1:Ie3wmFyxiEyikbsbcO03d2nh+PM=" },
	{ 0, "192.168.0.1", "192.168.0.89", 1, 0, 20, "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=" },
	{ 0, "fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea", 58, 135, 0,
	  "1:dGHyGvjMfljg6Bppwm3bg0LO8TY=" },
	{ 0, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 58, 136, 0,
	  "1:dGHyGvjMfljg6Bppwm3bg0LO8TY=" },
	{ 1, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 58, 136, 0,
	  "1:kHa1FhMYIT6Ym2Vm2AOtoOARDzY=" },
	{ 0, "3ffe:507:0:1:260:97ff:fe07:69ea", "3ffe:507:0:1:200:86ff:fe05:80da", 58, 3, 0,
	  "1:NdobDX8PQNJbAyfkWxhtL2Pqp5w=" },
	{ 1, "3ffe:507:0:1:260:97ff:fe07:69ea", "3ffe:507:0:1:200:86ff:fe05:80da", 58, 3, 0,
	  "1:OlOWx9psIbBFi7lOCw/4MhlKR9M=" },
	{ 0, "3ffe:507:0:1:200:86ff:fe05:80da", "3ffe:507:0:1:260:97ff:fe07:69ea", 58, 3, 0,
	  "1:/OGBt9BN1ofenrmSPWYicpij2Vc=" },
	{ 1, "3ffe:507:0:1:200:86ff:fe05:80da", "3ffe:507:0:1:260:97ff:fe07:69ea", 58, 3, 0,
	  "1:Ij4ZxnC87/MXzhOjvH2vHu7LRmE=" },
	{ 0, "10.1.24.4", "10.1.12.1", 46, 0, 0, "1:/nQI4Rh/TtY3mf0R2gJFBkVlgS4=" },
	{ 0, "10.1.12.1", "10.1.24.4", 46, 0, 0, "1:/nQI4Rh/TtY3mf0R2gJFBkVlgS4=" },
	{ 1, "10.1.12.1", "10.1.24.4", 46, 0, 0, "1:BK3BVW3U2eemuwVQVN3zd/GULno=" },

	/* community-id-spec baseline (ICMP "ports" as listed there: type, mapped type or code) */
	{ 0, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 58, 135, 136,
	  "1:zavyT/cezQr1fmImYCwYnMXbgck=" },
	{ 0, "fe80::200:86ff:fe05:80da", "fe80::260:97ff:fe07:69ea", 58, 136, 135,
	  "1:zavyT/cezQr1fmImYCwYnMXbgck=" },
	{ 1, "fe80::260:97ff:fe07:69ea", "fe80::200:86ff:fe05:80da", 58, 135, 136,
	  "1:2hSqmsDZ2kdcY9kbiUzOEBic0iM=" },
	{ 0, "3ffe:501:1800:2345::2", "3ffe:507:0:1:200:86ff:fe05:80da", 58, 3, 0,
	  "1:2ObVBgIn28oZvibYZhZMBgh7WdQ=" },
	{ 1, "3ffe:501:1800:2345::2", "3ffe:507:0:1:200:86ff:fe05:80da", 58, 3, 0,
	  "1:lVEtCZpYu84Xqaa++3lXFyuu2n4=" },
	{ 0, "3ffe:501:410:0:2c0:dfff:fe47:33e", "3ffe:507:0:1:200:86ff:fe05:80da", 58, 1, 4,
	  "1:hLZd0XGWojozrvxqE0dWB1iM6R0=" },
	{ 1, "3ffe:501:410:0:2c0:dfff:fe47:33e", "3ffe:507:0:1:200:86ff:fe05:80da", 58, 1, 4,
	  "1:W8MHwXpWzpoSTD+cGcaJr4u0ys8=" },
	{ 0, "3ffe:507:0:1:200:86ff:fe05:80da", "3ffe:501:0:1001::2", 58, 128, 129,
	  "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg=" },
	{ 0, "3ffe:501:0:1001::2", "3ffe:507:0:1:200:86ff:fe05:80da", 58, 129, 128,
	  "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg=" },
	{ 1, "3ffe:501:0:1001::2", "3ffe:507:0:1:200:86ff:fe05:80da", 58, 129, 128,
	  "1:GfZxjAkDk2MkegpBYHV6tadtFXQ=" },
	{ 0, "fe80::200:86ff:fe05:80da", "ff02::2", 58, 133, 134, "1:hO+sN4H+MG5MY/8hIrXPqc4ZQz0=" },
	{ 1, "fe80::200:86ff:fe05:80da", "ff02::2", 58, 133, 134, "1:L7Ka0ZMYu+J3bL4ulW2PrqyXNo8=" },
	{ 0, "fe80::260:97ff:fe07:69ea", "ff02::1", 58, 134, 133, "1:pkvHqCL88/tg1k4cPigmZXUtL00=" },
	{ 1, "fe80::260:97ff:fe07:69ea", "ff02::1", 58, 134, 133, "1:K/ee5UCqAMAQXDorP5nSa2CGLjc=" },
	{ 0, "10.0.0.1", "10.0.0.2", 1, 11, 0, "1:YHxtAirCG//0OzkcVAukqKQN9xM=" },
	{ 1, "10.0.0.1", "10.0.0.2", 1, 11, 0, "1:XjUibYHaafLQ3pxQeiMI8g25q20=" },
	{ 0, "2001:470:e5bf:dead:4957:2174:e82c:4887", "2607:f8b0:400c:c03::1a", 6, 63943, 25,
	  "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=" },
	{ 0, "2607:f8b0:400c:c03::1a", "2001:470:e5bf:dead:4957:2174:e82c:4887", 6, 25, 63943,
	  "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=" },
	{ 1, "2607:f8b0:400c:c03::1a", "2001:470:e5bf:dead:4957:2174:e82c:4887", 6, 25, 63943,
	  "1:eJYTW6AOzFLlSUoESovMjnu7rMw=" },
	{ 0, "192.168.170.56", "192.168.170.8", 132, 7, 7, "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=" },
	{ 1, "192.168.170.8", "192.168.170.56", 132, 7, 7, "1:5w3ZRjeKBzqT3zsaEECDGjUbYeg=" },
	{ 0, "10.1.12.2", "10.1.12.1", 46, 0, 0, "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw=" },
	{ 1, "10.1.12.1", "10.1.12.2", 46, 0, 0, "1:rYir8gphR31noO9iDRQmF/BteEI=" },

	/* extra, from the independent python3 implementation */
	{ 0xbeef, "10.0.0.1", "10.0.0.2", 6, 1234, 80, "1:DRlvYXGLopv+Qa0/wOFya5a2Rdk=" },
	{ 0xbeef, "10.0.0.2", "10.0.0.1", 6, 80, 1234, "1:DRlvYXGLopv+Qa0/wOFya5a2Rdk=" },
	{ 0xffff, "2001:db8::1", "2001:db8::2", 17, 5353, 53, "1:j/HcQNtHOPkL1Sl6FERytNGcGmk=" },
	{ 0x1234, "192.0.2.7", "192.0.2.7", 17, 9000, 53, "1:sviOCB1cdaIgMCa1KJQEAaS2z3s=" },
	{ 0x1234, "192.0.2.7", "192.0.2.7", 17, 53, 9000, "1:sviOCB1cdaIgMCa1KJQEAaS2z3s=" },
	{ 7, "198.51.100.1", "198.51.100.200", 1, 13, 0, "1:j+e9fWA/jMUrMz5USc0mPr+VfEA=" },
	{ 7, "198.51.100.200", "198.51.100.1", 1, 14, 0, "1:j+e9fWA/jMUrMz5USc0mPr+VfEA=" },
	{ 7, "198.51.100.200", "198.51.100.1", 1, 3, 3, "1:RlddevKw3Pb9jGuO9w0gky0YXSg=" },
	{ 300, "2001:db8::5", "2001:db8::4", 58, 129, 0, "1:HkSNKyKf7HVepnUBLF63eE9TUKc=" },
	{ 300, "2001:db8::5", "2001:db8::4", 58, 1, 3, "1:lGNCdI57yETmeIMrJzUsfLGxY7s=" },
	{ 42, "2001:db8::1", "2001:db8::2", 47, 0, 0, "1:R1oKG0WIf/aXrcx7PiHajAKbh8A=" },
};

/* Parse @p s into 16 bytes as wt_pkt stores it; @return ipver. */
static uint8_t
parse_ip(const char *s, uint8_t out[16])
{
	memset(out, 0, 16);
	if (inet_pton(AF_INET, s, out) == 1)
		return 4;
	CU_ASSERT_FATAL(inet_pton(AF_INET6, s, out) == 1);
	return 6;
}

static void
test_vectors(void)
{
	for (size_t i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
		const struct cid_vec *v = &vecs[i];
		uint8_t s[16], d[16];
		uint8_t ver = parse_ip(v->saddr, s);
		char out[32];
		int rc;

		CU_ASSERT_EQUAL(parse_ip(v->daddr, d), ver);
		memset(out, 'x', sizeof(out));
		rc = wt_community_id(v->seed, ver, s, d, v->proto, v->sport, v->dport, out,
				     sizeof(out));
		CU_ASSERT_EQUAL(rc, 0);
		if (rc != 0 || strcmp(out, v->id) != 0)
			fprintf(stderr, "\n  vector %zu (%s -> %s proto %u): got %s want %s\n", i,
				v->saddr, v->daddr, v->proto, rc == 0 ? out : "(error)", v->id);
		CU_ASSERT_STRING_EQUAL(out, v->id);
	}
}

static void
test_symmetry(void)
{
	/* every bidirectional protocol gives the same ID both ways, for any seed */
	static const uint8_t protos[] = { 6, 17, 132 };
	uint8_t a[16], b[16];
	char x[32], y[32];

	parse_ip("2001:db8::10", a);
	parse_ip("2001:db8::9", b);
	for (size_t i = 0; i < sizeof(protos); i++) {
		for (uint32_t seed = 0; seed < 65536; seed += 4099) {
			CU_ASSERT_EQUAL(wt_community_id((uint16_t)seed, 6, a, b, protos[i], 40000, 443,
							x, sizeof(x)), 0);
			CU_ASSERT_EQUAL(wt_community_id((uint16_t)seed, 6, b, a, protos[i], 443, 40000,
							y, sizeof(y)), 0);
			CU_ASSERT_STRING_EQUAL(x, y);
			CU_ASSERT_EQUAL(strlen(x), 30);
		}
	}
	/* different seeds, different IDs */
	wt_community_id(0, 6, a, b, 6, 1, 2, x, sizeof(x));
	wt_community_id(1, 6, a, b, 6, 1, 2, y, sizeof(y));
	CU_ASSERT_STRING_NOT_EQUAL(x, y);
}

static void
test_errors(void)
{
	uint8_t a[16] = { 10, 0, 0, 1 }, b[16] = { 10, 0, 0, 2 };
	char out[32];

	CU_ASSERT_EQUAL(wt_community_id(0, 5, a, b, 6, 1, 2, out, sizeof(out)), -EINVAL);
	CU_ASSERT_EQUAL(wt_community_id(0, 4, NULL, b, 6, 1, 2, out, sizeof(out)), -EINVAL);
	CU_ASSERT_EQUAL(wt_community_id(0, 4, a, NULL, 6, 1, 2, out, sizeof(out)), -EINVAL);
	CU_ASSERT_EQUAL(wt_community_id(0, 4, a, b, 6, 1, 2, NULL, sizeof(out)), -EINVAL);
	CU_ASSERT_EQUAL(wt_community_id(0, 4, a, b, 6, 1, 2, out, 30), -EINVAL);
	CU_ASSERT_EQUAL(wt_community_id(0, 4, a, b, 6, 1, 2, out, 31), 0);
	CU_ASSERT_EQUAL(strlen(out), 30);
}

int
wt_test_community_id(void)
{
	CU_pSuite s = CU_add_suite("community_id", NULL, NULL);

	if (s == NULL)
		return -1;
	if (CU_add_test(s, "published and extra vectors", test_vectors) == NULL ||
	    CU_add_test(s, "direction symmetry and seeds", test_symmetry) == NULL ||
	    CU_add_test(s, "bad arguments", test_errors) == NULL)
		return -1;
	return 0;
}
