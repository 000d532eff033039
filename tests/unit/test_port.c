#include <CUnit/CUnit.h>
int wt_test_port(void);
int wt_test_port(void) { return CU_add_suite("port", NULL, NULL) ? 0 : -1; }
