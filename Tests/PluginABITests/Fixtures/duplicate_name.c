/*
 * duplicate_name.c — fixture: a valid source whose name, "lines", collides
 * with the `lines` source of the SDK example (libetl_example_c.so). It is
 * tiny_source.c under another name (same behaviour: stream "numbers", config
 * {"count": N}).
 *
 * Build:  cc -shared -fPIC -I SDK/include duplicate_name.c -o libetl_duplicate_name.so
 * Option: -DDUPLICATE_NAME='"lines_copy"' builds a differently named copy that
 *         collides with nothing (two fixtures loaded side by side).
 *
 * Loaded on the same plugin path as libetl_example_c.so, the copy found
 * later must be skipped and the host must print:
 *   libetl_duplicate_name.so: plugin "lines" is already provided by libetl_example_c.so
 *   (found earlier on the plugin path); this copy is ignored — rename one of them or remove
 *   a library from the plugin path
 */
#ifndef DUPLICATE_NAME
#define DUPLICATE_NAME "lines"
#endif
#define TINY_SOURCE_NAME DUPLICATE_NAME

#include "tiny_source.c"
