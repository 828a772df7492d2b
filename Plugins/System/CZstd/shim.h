/* The system zstd (libzstd-dev): Parquet's ZSTD page codec. */
#include <zstd.h>
