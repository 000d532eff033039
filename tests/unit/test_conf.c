#include <CUnit/CUnit.h>
int wt_test_conf(void);
int wt_test_conf(void) { return CU_add_suite("conf", NULL, NULL) ? 0 : -1; }
