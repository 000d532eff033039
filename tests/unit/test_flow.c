#include <CUnit/CUnit.h>
int wt_test_flow(void);
int wt_test_flow(void) { return CU_add_suite("flow", NULL, NULL) ? 0 : -1; }
