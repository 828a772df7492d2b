/*
 * hang_on_load.c — fixture: etl_plugin_entry never returns (it waits for a
 * network licence server that never answers, say). It also ignores SIGTERM,
 * so only SIGKILL stops the process that loads it.
 *
 * Build:  cc -shared -fPIC -I SDK/include hang_on_load.c -o libetl_hang.so
 *
 * The host probes libraries in a child process with a deadline (5 s, or
 * ETL_PROBE_TIMEOUT_SECONDS), kills that child when the deadline passes,
 * probes the remaining libraries in a new child, and prints:
 *   libetl_hang.so: did not return from etl_plugin_entry within 5 s ...
 * No probe process outlives the command that started it.
 */
#define _POSIX_C_SOURCE 200809L

#include "etl_plugin.h"

#include <signal.h>
#include <unistd.h>

ETL_PLUGIN_EXPORT etl_status etl_plugin_entry(const etl_host_api* host, const etl_plugin_library** out_library,
                                              etl_error* error) {
  (void)host;
  (void)error;
  *out_library = NULL;
  signal(SIGTERM, SIG_IGN);
  for (;;) sleep(60);
  return ETL_INTERNAL; /* not reached */
}
