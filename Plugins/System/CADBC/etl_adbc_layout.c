/* Compile-time checks that our declarations keep the spec's layout (ADBC 1.1.0): the driver
 * table has 29 function slots in revision 1.0.0 and 29 more in 1.1.0, and AdbcError grew by two
 * pointers. A wrong slot count would make every later call jump to the wrong function. */
#include "etl_adbc.h"

_Static_assert(ETL_ADBC_DRIVER_1_0_0_SIZE == 29 * sizeof(void *), "ADBC 1.0.0 driver table: 29 slots");
_Static_assert(ETL_ADBC_DRIVER_1_1_0_SIZE == 58 * sizeof(void *), "ADBC 1.1.0 driver table: 58 slots");
_Static_assert(offsetof(struct AdbcDriver, StatementSetSubstraitPlan) == 28 * sizeof(void *), "last 1.0.0 slot");
_Static_assert(offsetof(struct AdbcDriver, StatementExecuteSchema) == (29 + 21) * sizeof(void *), "ExecuteSchema: 22nd slot of 1.1.0");
_Static_assert(offsetof(struct AdbcError, release) == 3 * sizeof(void *), "AdbcError 1.0.0 fields");
_Static_assert(sizeof(struct AdbcError) == 6 * sizeof(void *), "AdbcError 1.1.0 size");
