/* The system snappy (libsnappy-dev), through its C API: Parquet's default page codec. */
#include <snappy-c.h>
