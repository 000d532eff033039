/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The one list of CUnit suites (like DPDK's REGISTER_FAST_TEST). Each entry names a library
 * and the function in tests/unit/test_<name>.c that adds its suites: int wt_test_<name>(void).
 */
WT_TEST(decode)
WT_TEST(flow)
WT_TEST(community_id)
WT_TEST(conf)
WT_TEST(evq)
WT_TEST(export)
WT_TEST(audit)
WT_TEST(port)
WT_TEST(stream)
WT_TEST(http)
WT_TEST(match)
