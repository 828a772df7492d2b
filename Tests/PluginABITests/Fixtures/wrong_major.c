/*
 * wrong_major.c — fixture: etl_plugin_entry succeeds but returns a library
 * built for plugin ABI 2.0 (abi_major = 2). Only the first three fields of
 * etl_plugin_library are fixed across majors, so the host must read
 * abi_major, refuse, and not look at anything after it (plugin_count is 0
 * and plugins NULL here: a host that skipped the check would list an empty
 * library instead of refusing — the test notices that).
 *
 * Build:  cc -shared -fPIC -I SDK/include wrong_major.c -o libetl_wrong_major.so
 * Option: -DFIXTURE_ABI_MAJOR=0 claims ABI 0.0 instead (an older major is refused too).
 *
 * The host must skip the library and print (naming both versions):
 *   libetl_wrong_major.so: built for plugin ABI 2.0, this etl-runtime speaks ABI 1.0;
 *   rebuild the plugin against etl_plugin.h 1.x
 */
#include "etl_plugin.h"

#include <stddef.h>

#ifndef FIXTURE_ABI_MAJOR
#define FIXTURE_ABI_MAJOR 2
#endif

static const etl_plugin_library wrong_major_library = {
    sizeof(etl_plugin_library), FIXTURE_ABI_MAJOR, 0, 0, NULL,
};

ETL_PLUGIN_EXPORT etl_status etl_plugin_entry(const etl_host_api* host, const etl_plugin_library** out_library,
                                              etl_error* error) {
  (void)host;
  (void)error;
  *out_library = &wrong_major_library;
  return ETL_OK;
}
