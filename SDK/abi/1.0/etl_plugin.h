/*
 * etl_plugin.h — the C ABI between etl-runtime and its plugins, version 1.0.
 *
 * This one header is all a plugin author needs: C99, no other includes than the
 * C standard library. A plugin is a shared library that exports exactly one
 * symbol, `etl_plugin_entry` (ETL_PLUGIN_ENTRY_SYMBOL). Everything else is
 * reached through tables of function pointers:
 *
 *   host ──etl_plugin_entry(host_api)──▶ plugin library
 *        ◀── etl_plugin_library { descriptors[] } ──
 *   descriptor ─▶ etl_source_api / etl_sink_api (create, check, read, write, ...)
 *
 * Records cross the boundary as Apache Arrow (C Data Interface and C Stream
 * Interface); configuration and resume state cross as UTF-8 JSON text.
 *
 * Reading the comments
 * --------------------
 * Every function says:
 *   (in) / (out)         direction of each pointer argument;
 *   [host-owned] / [plugin-owned] / [caller-owned]  who frees a pointer and
 *                        how long it stays valid;
 *   [load]               called once, while the library is being loaded;
 *   [any-thread]         may be called from any thread, concurrently;
 *   [instance]           called on one instance by one thread at a time
 *                        (separate instances may be used concurrently, from
 *                        different threads).
 *
 * Compatibility rules (see SDK/ABI.md)
 * ------------------------------------
 *   - ETL_PLUGIN_ABI_MAJOR changes only when an existing struct or function
 *     changes meaning; the host refuses a library of another major.
 *   - Every struct that crosses the boundary begins with `struct_size` and only
 *     ever grows at its end. A reader checks `struct_size` before touching a
 *     field added in a later minor version.
 *   - Status codes and capability bits are only ever added, never renumbered.
 */
#ifndef ETL_PLUGIN_H
#define ETL_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Apache Arrow C Data Interface and C Stream Interface.                     */
/* Copied verbatim from the Arrow specification, behind its standard guards, */
/* so that this header coexists with arrow/c/abi.h, nanoarrow, ADBC, ...     */
/* Ownership: whoever holds a struct with a non-NULL `release` must call it  */
/* exactly once; moving a struct means copying it and setting the source's   */
/* `release` to NULL.                                                         */
/* ------------------------------------------------------------------------ */

#ifndef ARROW_C_DATA_INTERFACE
#define ARROW_C_DATA_INTERFACE

#define ARROW_FLAG_DICTIONARY_ORDERED 1
#define ARROW_FLAG_NULLABLE 2
#define ARROW_FLAG_MAP_KEYS_SORTED 4

struct ArrowSchema {
  // Array type description
  const char* format;
  const char* name;
  const char* metadata;
  int64_t flags;
  int64_t n_children;
  struct ArrowSchema** children;
  struct ArrowSchema* dictionary;

  // Release callback
  void (*release)(struct ArrowSchema*);
  // Opaque producer-specific data
  void* private_data;
};

struct ArrowArray {
  // Array data description
  int64_t length;
  int64_t null_count;
  int64_t offset;
  int64_t n_buffers;
  int64_t n_children;
  const void** buffers;
  struct ArrowArray** children;
  struct ArrowArray* dictionary;

  // Release callback
  void (*release)(struct ArrowArray*);
  // Opaque producer-specific data
  void* private_data;
};

#endif  // ARROW_C_DATA_INTERFACE

#ifndef ARROW_C_STREAM_INTERFACE
#define ARROW_C_STREAM_INTERFACE

struct ArrowArrayStream {
  // Callback to get the stream type
  // (will be the same for all arrays in the stream).
  //
  // Return value: 0 if successful, an `errno`-compatible error code otherwise.
  //
  // If successful, the ArrowSchema must be released independently from the stream.
  int (*get_schema)(struct ArrowArrayStream*, struct ArrowSchema* out);

  // Callback to get the next array
  // (if no error and the array is released, the stream has ended)
  //
  // Return value: 0 if successful, an `errno`-compatible error code otherwise.
  //
  // If successful, the ArrowArray must be released independently from the stream.
  int (*get_next)(struct ArrowArrayStream*, struct ArrowArray* out);

  // Callback to get optional detailed error information.
  // This must only be called if the last stream operation failed
  // with a non-0 return code.
  //
  // Return value: pointer to a null-terminated character array describing
  // the last error, or NULL if no description is available.
  //
  // The returned pointer is only valid until the next operation on this stream
  // (including release).
  const char* (*get_last_error)(struct ArrowArrayStream*);

  // Release callback: release the stream's own resources.
  // Note that arrays returned by `get_next` must be individually released.
  void (*release)(struct ArrowArrayStream*);

  // Opaque producer-specific data
  void* private_data;
};

#endif  // ARROW_C_STREAM_INTERFACE

/* ------------------------------------------------------------------------ */
/* Versions, symbols, status codes                                            */
/* ------------------------------------------------------------------------ */

#define ETL_PLUGIN_ABI_MAJOR 1
#define ETL_PLUGIN_ABI_MINOR 0

/* The one symbol the host looks up with dlsym(). */
#define ETL_PLUGIN_ENTRY_SYMBOL "etl_plugin_entry"

/* Shared libraries the host considers plugins are named libetl_<name>.so. */
#define ETL_PLUGIN_FILE_PREFIX "libetl_"

/* Every plugin function returns one of these. Add at the end, never renumber. */
typedef int32_t etl_status;
#define ETL_OK 0
#define ETL_INVALID_CONFIG 1 /* the config (or a request) cannot work; fix it */
#define ETL_IO_ERROR 2       /* a file, socket or database failed */
#define ETL_BAD_DATA 3       /* input that cannot be read as declared */
#define ETL_RETRYABLE 4      /* transient: the same call may succeed later */
#define ETL_UNSUPPORTED 5    /* the plugin does not offer this operation/mode */
#define ETL_INTERNAL 6       /* a bug: a broken invariant, never bad input */
#define ETL_CANCELLED 7      /* the host asked to stop (see is_cancelled) */

/*
 * The error a failing function leaves for the host.
 * [caller-owned] The caller allocates it (usually on its stack), zeroes it and
 * sets struct_size = sizeof(etl_error). On failure the callee sets `code` and
 * writes a NUL-terminated UTF-8 message into `message` (truncated to fit).
 * Messages say what failed, where, and how to fix it; they never contain
 * secrets (tokens, passwords).
 */
#define ETL_ERROR_MESSAGE_CAPACITY 1024
typedef struct etl_error {
  uint32_t struct_size;
  etl_status code;
  char message[ETL_ERROR_MESSAGE_CAPACITY];
} etl_error;

/* Log levels for etl_host_api.log. */
typedef int32_t etl_log_level;
#define ETL_LOG_TRACE 0
#define ETL_LOG_DEBUG 1
#define ETL_LOG_INFO 2
#define ETL_LOG_WARNING 3
#define ETL_LOG_ERROR 4

/* ------------------------------------------------------------------------ */
/* The host API table (the host's side, handed to the plugin at load)         */
/* ------------------------------------------------------------------------ */

/*
 * Opaque: the host's handle for one plugin instance. The host passes it to
 * `create`; the plugin passes it back to log / is_cancelled / report_reject so
 * that the host knows which entry and run they concern.
 * [host-owned] valid from `create` until the instance's `destroy` returns.
 */
typedef struct etl_host_instance etl_host_instance;

/*
 * Opaque: a batch under construction (see batch_begin).
 * [plugin-owned through the host] created by batch_begin, freed by batch_free.
 * Used by one thread at a time.
 */
typedef struct etl_batch_builder etl_batch_builder;

typedef struct etl_host_api {
  uint32_t struct_size;      /* sizeof(etl_host_api) as the host built it */
  uint16_t abi_major;        /* the host's ETL_PLUGIN_ABI_MAJOR */
  uint16_t abi_minor;        /* the host's ETL_PLUGIN_ABI_MINOR */
  const char* host_version;  /* [host-owned, static] e.g. "0.1.0" */

  /*
   * Writes one log line to the run's log, tagged with the instance's plugin
   * and entry. `instance` may be NULL (during etl_plugin_entry).
   * (in) message: [caller-owned] UTF-8, copied before return; no secrets.
   * [any-thread]
   */
  void (*log)(etl_host_instance* instance, etl_log_level level, const char* message);

  /*
   * Returns 1 when the host wants the instance to stop at the next safe point
   * (SIGINT/SIGTERM, a deadline, or the entry failed elsewhere, e.g. in its
   * sink, so the batch being read is no longer wanted), else 0. A long read or write should poll it
   * between batches or requests and return ETL_CANCELLED.
   * [any-thread]
   */
  int32_t (*is_cancelled)(etl_host_instance* instance);

  /*
   * Records a row the source could not accept (it goes to etl_rejects).
   * A reject reported before a get_next() returns belongs to that batch.
   * (in) position: [caller-owned] where the row came from, e.g. "data.csv:17"
   * (in) raw, raw_length: [caller-owned] the raw bytes of the row (any bytes;
   *      the host stores them as text with invalid UTF-8 replaced)
   * (in) reason: [caller-owned] UTF-8, why the row was rejected
   * All are copied before return.
   * [instance]
   */
  void (*report_reject)(etl_host_instance* instance, const char* position, const char* raw,
                        int64_t raw_length, const char* reason);

  /* ---- Batch building: Arrow arrays without hand-made buffers. ----------
   *
   * Supported column formats (ArrowSchema.format):
   *   "b" bool, "l" int64, "g" double, "u" utf8, "z" binary,
   *   "tsu:UTC" timestamp (microseconds since the Unix epoch, UTC),
   *   "tdD" date32 (days since the Unix epoch), "n" null.
   * The batch is a struct array ("+s") whose children are the columns.
   * Append one value per column for each row, in any column order; `finish`
   * checks that every column got the same number of values.
   */

  /*
   * Starts a batch for `schema`, a struct schema ("+s") with one child per
   * column, in one of the formats above.
   * (in) schema: [caller-owned] read during the call only; not released.
   * (in) capacity_hint: expected rows (0 if unknown); buffers still grow.
   * (out) out_builder: [plugin-owned] free it with batch_free.
   * Returns ETL_UNSUPPORTED for a column format outside the list above.
   * [any-thread]
   */
  etl_status (*batch_begin)(const struct ArrowSchema* schema, int64_t capacity_hint,
                            etl_batch_builder** out_builder, etl_error* error);

  /*
   * Appends one value to `column` (0-based). Each returns ETL_OK, or
   * ETL_INTERNAL when the column does not exist or has another type (then
   * batch_last_error says which); the value is not appended in that case.
   * utf8 must be valid UTF-8 (ETL_BAD_DATA otherwise); binary may be any bytes.
   * (in) data: [caller-owned] copied before return.
   * [the builder's thread]
   */
  etl_status (*append_null)(etl_batch_builder* builder, int32_t column);
  etl_status (*append_bool)(etl_batch_builder* builder, int32_t column, int32_t value);
  etl_status (*append_int64)(etl_batch_builder* builder, int32_t column, int64_t value);
  etl_status (*append_double)(etl_batch_builder* builder, int32_t column, double value);
  etl_status (*append_utf8)(etl_batch_builder* builder, int32_t column, const char* data,
                            int64_t length);
  etl_status (*append_binary)(etl_batch_builder* builder, int32_t column, const void* data,
                              int64_t length);
  etl_status (*append_timestamp_us)(etl_batch_builder* builder, int32_t column,
                                    int64_t micros_since_epoch);
  etl_status (*append_date32)(etl_batch_builder* builder, int32_t column,
                              int32_t days_since_epoch);

  /* Rows complete in every column so far. [the builder's thread] */
  int64_t (*batch_row_count)(const etl_batch_builder* builder);

  /* Bytes held by the builder's buffers (for byte-bounded batches). */
  int64_t (*batch_byte_size)(const etl_batch_builder* builder);

  /*
   * Moves the rows appended so far into `out` (a struct array matching the
   * schema given to batch_begin) and empties the builder for the next batch.
   * (out) out: [caller-owned] the caller must call out->release exactly once.
   * Fails with ETL_INTERNAL when columns have different lengths.
   * [the builder's thread]
   */
  etl_status (*batch_finish)(etl_batch_builder* builder, struct ArrowArray* out,
                             etl_error* error);

  /*
   * The message of the last failed append on this builder, or "" if none.
   * [host-owned] valid until the next call on the builder.
   */
  const char* (*batch_last_error)(const etl_batch_builder* builder);

  /* Frees the builder and any rows not yet finished. NULL is allowed. */
  void (*batch_free)(etl_batch_builder* builder);

  /*
   * Fills `error` (if not NULL) with `code` and a copy of `message`, truncated
   * to fit. A convenience for plugins in languages without snprintf.
   * [any-thread]
   */
  void (*set_error)(etl_error* error, etl_status code, const char* message);
} etl_host_api;

/* ------------------------------------------------------------------------ */
/* Sources                                                                     */
/* ------------------------------------------------------------------------ */

/* What the host asks a source to read. [host-owned] valid during `read`. */
typedef struct etl_read_request {
  uint32_t struct_size;
  const char* entry_id;        /* control-table entry, for messages */
  const char* stream;          /* a stream name from discover */
  const char* state_json;      /* resume state from checkpoint(), or NULL to start afresh */
  const char* cursor_field;    /* NULL for full loads; "$offset"-style names are the plugin's */
  const char* initial_value;   /* JSON text: where an incremental load starts, or NULL */
  int64_t batch_size;          /* at most this many rows per ArrowArray (> 0) */
  int64_t max_batch_bytes;     /* aim to keep a batch below this size; 0 = no limit */
  int64_t max_records;         /* stop after this many rows in all; 0 = no limit */
  const char* options_json;    /* other entry settings as a JSON object, or NULL */
} etl_read_request;

typedef struct etl_source_api {
  uint32_t struct_size;

  /*
   * Creates an instance from its config (a JSON object already validated
   * against the descriptor's config_schema and with ${VAR}s expanded).
   * (in) host: [host-owned] valid for the life of the process.
   * (in) host_instance: [host-owned] valid until destroy returns.
   * (in) config_json: [caller-owned] UTF-8, NUL-terminated; copy what you keep.
   * (out) out_instance: [plugin-owned] released with destroy.
   * [any-thread]
   */
  etl_status (*create)(const etl_host_api* host, etl_host_instance* host_instance,
                       const char* config_json, void** out_instance, etl_error* error);

  /* Frees the instance. Any stream it returned is released first. [instance] */
  void (*destroy)(void* instance);

  /* Can the source be reached with this config? No data is read. [instance] */
  etl_status (*check)(void* instance, etl_error* error);

  /*
   * Lists the streams: `out_catalog` becomes a struct schema ("+s") with one
   * child per stream; each child is a struct schema named after the stream
   * whose children are the stream's columns.
   * (out) out_catalog: [caller-owned] the caller calls out_catalog->release.
   * [instance]
   */
  etl_status (*discover)(void* instance, struct ArrowSchema* out_catalog, etl_error* error);

  /*
   * Starts reading a stream. Each array the stream yields is a struct array
   * of the stream's columns, with at most request->batch_size rows.
   * (in) request: [host-owned] valid during the call only; copy what you keep.
   * (out) out_stream: [caller-owned] the caller releases it (before destroy).
   * [instance] The stream's callbacks are [instance] calls too: never two at
   * once, but possibly on another thread than `read` (see SDK/ABI.md, Threads).
   */
  etl_status (*read)(void* instance, const etl_read_request* request,
                     struct ArrowArrayStream* out_stream, etl_error* error);

  /*
   * The resume state (JSON text) matching exactly the rows the current read
   * stream has yielded so far: reading again from it yields the next row and
   * no earlier one. The host calls it after each get_next and stores the
   * text with the batch (the checkpoint).
   * (out) out_state_json: [plugin-owned] valid until the next call on the
   * instance.
   * [instance]
   */
  etl_status (*checkpoint)(void* instance, const char** out_state_json, etl_error* error);
} etl_source_api;

/* ------------------------------------------------------------------------ */
/* Sinks                                                                       */
/* ------------------------------------------------------------------------ */

typedef int32_t etl_write_mode;
#define ETL_WRITE_REPLACE 0 /* the target becomes exactly the loaded rows, atomically */
#define ETL_WRITE_APPEND 1  /* rows are added */
#define ETL_WRITE_MERGE 2   /* upsert on primary_key */
#define ETL_WRITE_SCD2 3    /* history rows: valid-from / valid-to / current flag */

/* What the host asks a sink to load. [host-owned] valid during `begin`. */
typedef struct etl_load_request {
  uint32_t struct_size;
  const char* entry_id;                 /* key of the resume state */
  const char* run_id;                   /* for metadata and logs */
  const char* target;                   /* table, file or endpoint name */
  etl_write_mode write_mode;
  int32_t primary_key_count;
  const char* const* primary_key;       /* primary_key_count column names */
  const struct ArrowSchema* schema;     /* struct schema of every batch; not released by the sink */
  const char* options_json;             /* other entry settings as a JSON object, or NULL */
} etl_load_request;

typedef struct etl_sink_api {
  uint32_t struct_size;

  /* As etl_source_api.create. [any-thread] */
  etl_status (*create)(const etl_host_api* host, etl_host_instance* host_instance,
                       const char* config_json, void** out_instance, etl_error* error);

  /* Frees the instance; an open load is aborted first. [instance] */
  void (*destroy)(void* instance);

  /* Can the sink be reached and written with this config? [instance] */
  etl_status (*check)(void* instance, etl_error* error);

  /*
   * Opens a load: begin → write* → commit or abort. One load at a time per
   * instance. Copy from `request` whatever is needed after the call.
   * [instance]
   */
  etl_status (*begin)(void* instance, const etl_load_request* request, etl_error* error);

  /*
   * Adds a batch (a struct array matching the load's schema) to the open load.
   * (in,moved) batch: the sink takes ownership: it calls batch->release
   * exactly once (now or later) and sets nothing in the caller's struct; the
   * host never touches the batch again. Even on failure the sink releases it.
   * [instance]
   */
  etl_status (*write)(void* instance, struct ArrowArray* batch, etl_error* error);

  /*
   * Makes the whole load durable together with `state_json` (the resume state
   * for the load's entry_id): for a transactional sink, in one transaction —
   * either both the rows and the state are stored, or neither.
   * (in) state_json: [caller-owned] may be NULL (nothing to resume from).
   * (out) out_rows_committed: rows the target gained or replaced, as the sink
   *       counted them (the host checks it against what it wrote).
   * [instance]
   */
  etl_status (*commit)(void* instance, const char* state_json, int64_t* out_rows_committed,
                       etl_error* error);

  /* Discards the open load; the target is as before `begin`. [instance] */
  etl_status (*abort)(void* instance, etl_error* error);

  /*
   * The state last committed for `entry_id`, or NULL when none was.
   * (out) out_state_json: [plugin-owned] valid until the next call on the
   * instance.
   * [instance]
   */
  etl_status (*read_state)(void* instance, const char* entry_id, const char** out_state_json,
                           etl_error* error);

  /*
   * Optional (NULL when the descriptor lacks ETL_CAP_SQL): runs SQL text
   * against the target, e.g. an entry's post_sql. [instance]
   */
  etl_status (*execute_sql)(void* instance, const char* sql, etl_error* error);
} etl_sink_api;

/* ------------------------------------------------------------------------ */
/* Descriptors and the entry point                                             */
/* ------------------------------------------------------------------------ */

typedef int32_t etl_plugin_kind;
#define ETL_KIND_SOURCE 1
#define ETL_KIND_SINK 2

/* Capability bits. Add at the end, never renumber. */
#define ETL_CAP_INCREMENTAL 0x01ULL           /* source: resumes from state */
#define ETL_CAP_MERGE 0x02ULL                 /* sink: ETL_WRITE_MERGE */
#define ETL_CAP_SCD2 0x04ULL                  /* sink: ETL_WRITE_SCD2 */
#define ETL_CAP_TRANSACTIONAL 0x08ULL         /* sink: data and state commit together */
#define ETL_CAP_SQL 0x10ULL                   /* sink: execute_sql */
#define ETL_CAP_APPEND 0x20ULL                /* sink: ETL_WRITE_APPEND */
#define ETL_CAP_REPLACE 0x40ULL               /* sink: ETL_WRITE_REPLACE */
#define ETL_CAP_DISCOVER 0x80ULL              /* source: discover lists real streams */

/* [plugin-owned, static] valid until the process exits. */
typedef struct etl_plugin_descriptor {
  uint32_t struct_size;
  etl_plugin_kind kind;
  const char* name;               /* manifest "plugin" value: [a-z][a-z0-9_]* */
  const char* version;            /* the plugin's own version, e.g. "1.2.0" */
  const char* description;        /* one line */
  uint64_t capabilities;          /* ETL_CAP_* bits */
  const char* config_schema_json; /* JSON Schema of the config object */
  const etl_source_api* source;   /* non-NULL iff kind == ETL_KIND_SOURCE */
  const etl_sink_api* sink;       /* non-NULL iff kind == ETL_KIND_SINK */
} etl_plugin_descriptor;

/*
 * What etl_plugin_entry hands back. The first three fields are fixed for
 * every ABI version: the host reads abi_major before anything else and
 * refuses the library when it differs from its own.
 * [plugin-owned, static] valid until the process exits (the host never
 * unloads a plugin library).
 */
typedef struct etl_plugin_library {
  uint32_t struct_size;
  uint16_t abi_major;   /* ETL_PLUGIN_ABI_MAJOR the library was built with */
  uint16_t abi_minor;   /* ETL_PLUGIN_ABI_MINOR the library was built with */
  int32_t plugin_count;
  const etl_plugin_descriptor* const* plugins; /* plugin_count descriptors */
} etl_plugin_library;

/*
 * The one exported symbol. Called once per process, right after dlopen.
 * (in) host: [host-owned] valid until the process exits; keep the pointer.
 *      A plugin that needs a newer host minor than host->abi_minor, or a
 *      host API field beyond host->struct_size, returns ETL_UNSUPPORTED.
 * (out) out_library: [plugin-owned, static]
 * [load] no other plugin function is called before it returns.
 */
typedef etl_status (*etl_plugin_entry_fn)(const etl_host_api* host,
                                          const etl_plugin_library** out_library,
                                          etl_error* error);

#if defined(_WIN32)
#define ETL_PLUGIN_EXPORT __declspec(dllexport)
#else
#define ETL_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

ETL_PLUGIN_EXPORT etl_status etl_plugin_entry(const etl_host_api* host,
                                              const etl_plugin_library** out_library,
                                              etl_error* error);

#ifdef __cplusplus
}
#endif

#endif /* ETL_PLUGIN_H */
