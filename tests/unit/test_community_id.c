#include <CUnit/CUnit.h>
int wt_test_community_id(void);
int wt_test_community_id(void) { return CU_add_suite("community_id", NULL, NULL) ? 0 : -1; }
