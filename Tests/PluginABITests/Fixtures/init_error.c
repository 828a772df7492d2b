/*
 * init_error.c — fixture: etl_plugin_entry fails, as a licensed plugin does
 * when its key is missing. It returns ETL_INVALID_CONFIG with the message
 * "needs LICENSE_KEY in the environment" — always, whatever the environment,
 * so that the test never depends on it.
 *
 * Build:  cc -shared -fPIC -I SDK/include init_error.c -o libetl_init_error.so
 *
 * The host must skip the library, pass the plugin's own message through, and print:
 *   libetl_init_error.so: etl_plugin_entry failed (invalid config): needs LICENSE_KEY in the environment
 */
#include "etl_plugin.h"

#include <stdio.h>

ETL_PLUGIN_EXPORT etl_status etl_plugin_entry(const etl_host_api* host, const etl_plugin_library** out_library,
                                              etl_error* error) {
  (void)host;
  *out_library = NULL;
  if (error != NULL) {
    error->code = ETL_INVALID_CONFIG;
    snprintf(error->message, sizeof error->message, "needs LICENSE_KEY in the environment");
  }
  return ETL_INVALID_CONFIG;
}
