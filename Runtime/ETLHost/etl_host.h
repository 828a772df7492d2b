/*
 * etl_host.h — embed etl-runtime's plugin host in another process (libETLHost.so).
 * Used by the pyarrow interop test through ctypes; usable from any C-callable language.
 * Both functions return 0 (ETL_OK) or an etl_status, and on failure write a
 * NUL-terminated message of at most error_capacity bytes into error_message
 * (caller-owned). They may be called from any thread.
 */
#ifndef ETL_HOST_H
#define ETL_HOST_H
#include "etl_plugin.h"

/* Reads `stream` of source `plugin` (searched in colon-separated plugin_dirs) with
 * config_json, resuming from state_json (NULL = from the start). *out becomes a
 * caller-owned ArrowArrayStream; releasing it also destroys the source instance. */
int32_t etl_host_read_source(const char* plugin_dirs, const char* plugin, const char* config_json,
                             const char* stream, const char* state_json, int64_t batch_size,
                             struct ArrowArrayStream* out, char* error_message, size_t error_capacity);

/* Loads all batches of `input` (moved in: released by this call, even on failure) into
 * `target` through sink `plugin` with write_mode "replace"|"append"|"merge"|"scd2", and
 * commits them with state_json (NULL allowed) for entry_id. *out_rows (may be NULL)
 * receives the rows the sink committed. */
int32_t etl_host_write_sink(const char* plugin_dirs, const char* plugin, const char* config_json,
                            const char* entry_id, const char* target, const char* write_mode,
                            struct ArrowArrayStream* input, const char* state_json, int64_t* out_rows,
                            char* error_message, size_t error_capacity);
#endif
