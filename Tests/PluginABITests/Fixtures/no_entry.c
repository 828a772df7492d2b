/*
 * no_entry.c — fixture: a valid shared library that does NOT export
 * `etl_plugin_entry`. It exports the entry under another name instead, the
 * mistake a plugin author makes by misspelling it (or by compiling C++
 * without extern "C", which mangles it).
 *
 * Build:  cc -shared -fPIC -I SDK/include no_entry.c -o libetl_no_entry.so
 *
 * The host must skip the library, not crash, and print:
 *   libetl_no_entry.so: does not export etl_plugin_entry, so it is not an etl-runtime plugin
 *   (export it with ETL_PLUGIN_EXPORT from etl_plugin.h)
 */
#include "etl_plugin.h"

#include <stdio.h>

/* The right signature under the wrong name: dlsym("etl_plugin_entry") finds nothing. */
ETL_PLUGIN_EXPORT etl_status etl_plugin_init(const etl_host_api* host, const etl_plugin_library** out_library,
                                             etl_error* error);

ETL_PLUGIN_EXPORT etl_status etl_plugin_init(const etl_host_api* host, const etl_plugin_library** out_library,
                                             etl_error* error) {
  (void)host;
  *out_library = NULL;
  if (error != NULL) {
    error->code = ETL_INTERNAL;
    snprintf(error->message, sizeof error->message, "no_entry: etl_plugin_init is not the entry point");
  }
  return ETL_INTERNAL;
}
