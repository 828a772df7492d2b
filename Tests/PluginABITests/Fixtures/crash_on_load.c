/*
 * crash_on_load.c — fixture: the library crashes the process that loads it
 * (a write through a NULL pointer: SIGSEGV). By default etl_plugin_entry
 * crashes; with -DCRASH_IN_CONSTRUCTOR a load-time constructor crashes
 * inside dlopen() itself, before the host can call anything.
 *
 * Build:  cc -shared -fPIC -I SDK/include crash_on_load.c -o libetl_crash_on_load.so
 *         cc -shared -fPIC -I SDK/include -DCRASH_IN_CONSTRUCTOR crash_on_load.c -o libetl_crash_in_dlopen.so
 *
 * The host probes unknown libraries in a child process, so it survives,
 * skips the library and prints:
 *   libetl_crash_on_load.so: crashed while loading (signal 11, SIGSEGV); the library was probed
 *   in a child process and skipped
 */
#include "etl_plugin.h"

#include <stddef.h>

/* Both the pointer and the store are volatile: otherwise an optimising build
 * may drop the store as dead, or prove the pointer NULL and emit a trap
 * instruction (SIGILL). The test expects SIGSEGV at any -O level. */
static void crash(void) {
  volatile int* volatile nowhere = NULL;
  *nowhere = 42;
}

#ifdef CRASH_IN_CONSTRUCTOR
__attribute__((constructor)) static void crash_during_dlopen(void) { crash(); }
#endif

ETL_PLUGIN_EXPORT etl_status etl_plugin_entry(const etl_host_api* host, const etl_plugin_library** out_library,
                                              etl_error* error) {
  (void)host;
  (void)error;
  *out_library = NULL;
  crash();
  return ETL_INTERNAL; /* not reached */
}
