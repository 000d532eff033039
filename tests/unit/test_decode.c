#include <CUnit/CUnit.h>
int wt_test_decode(void);
int wt_test_decode(void) { return CU_add_suite("decode", NULL, NULL) ? 0 : -1; }
