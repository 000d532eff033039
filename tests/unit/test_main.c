/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CUnit runner for every library suite in tests/test_list.h. Starts a minimal EAL (no hugepages,
 * no PCI, no shared config) because rte_hash, rte_ring and rte_mempool need one.
 * Built once as wt_unit (all suites) and once per library as test_<lib> (-DWT_TEST_ONLY=<lib>).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <rte_eal.h>

#define WT__DECL(name) int wt_test_##name(void);
#define WT_TEST(name) WT__DECL(name)
#ifdef WT_TEST_ONLY
WT_TEST(WT_TEST_ONLY)
#else
#include "test_list.h"
#endif
#undef WT_TEST

static int
eal_start(void)
{
	char prefix[64];
	char *argv[] = { "wt_unit", "--no-huge", "--no-pci", "--no-shconf", "-m", "512", "-l", "0",
			 "--log-level", "*:error", "--file-prefix", prefix, NULL };

	snprintf(prefix, sizeof(prefix), "wtunit%d", (int)getpid());
	return rte_eal_init((int)(sizeof(argv) / sizeof(argv[0])) - 1, argv);
}

int
main(int argc, char **argv)
{
	unsigned int failed;
	int rc = 0;

	if (eal_start() < 0) {
		fprintf(stderr, "wt_unit: cannot start EAL\n");
		return 2;
	}
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
#define WT__CALL(name) rc |= wt_test_##name();
#define WT_TEST(name) WT__CALL(name)
#ifdef WT_TEST_ONLY
	WT_TEST(WT_TEST_ONLY)
#else
#include "test_list.h"
#endif
#undef WT_TEST
	if (rc != 0) {
		fprintf(stderr, "wt_unit: suite registration failed\n");
		CU_cleanup_registry();
		return 2;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	if (argc > 1) {
		/* Run only the named suites. */
		for (int i = 1; i < argc; i++) {
			CU_pSuite s = CU_get_suite(argv[i]);

			if (s == NULL) {
				fprintf(stderr, "wt_unit: no suite '%s'\n", argv[i]);
				CU_cleanup_registry();
				return 2;
			}
			CU_basic_run_suite(s);
		}
	} else {
		CU_basic_run_tests();
	}
	failed = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	rte_eal_cleanup();
	return failed ? 1 : 0;
}
