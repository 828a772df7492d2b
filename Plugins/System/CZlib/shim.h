/* The system zlib (zlib1g-dev): the csv source inflates .gz files and .zip members with it. */
#include <zlib.h>

/* inflateInit2 is a macro Swift cannot import: windowBits 15+16 reads gzip, -15 raw deflate. */
static inline int etl_inflate_init2(z_streamp stream, int windowBits) {
    return inflateInit2(stream, windowBits);
}
