#include <CUnit/CUnit.h>
int wt_test_export(void);
int wt_test_export(void) { return CU_add_suite("export", NULL, NULL) ? 0 : -1; }
