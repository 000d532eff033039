#include <CUnit/CUnit.h>
int wt_test_evq(void);
int wt_test_evq(void) { return CU_add_suite("evq", NULL, NULL) ? 0 : -1; }
