/*
 * etl_plugin.h — the C ABI between etl-runtime and its plugins, version 1.3.
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
 * SDK/ABI.md is the prose companion of this file: what the host does around
 * each call, the JSON Schema it accepts, deadlines, processes.
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
 *                        different threads);
 *   [the builder's thread]  called on one batch builder by one thread at a
 *                        time: the thread that is using the builder now. Calls
 *                        on one builder never overlap; they may come from
 *                        different threads if each starts after the previous
 *                        returned (e.g. a stream's get_next moving between
 *                        threads). Separate builders are independent.
 *   Returns:             the statuses the function may return, and for plugin
 *                        functions what the host does with each. A status not
 *                        listed is treated like ETL_INTERNAL.
 *
 * Compatibility rules (see SDK/ABI.md)
 * ------------------------------------
 *   - ETL_PLUGIN_ABI_MAJOR changes only when an existing struct or function
 *     changes meaning; the host refuses a library of another major.
 *   - Every struct that crosses the boundary begins with `struct_size` and only
 *     ever grows at its end. A reader checks `struct_size` before touching a
 *     field added in a later minor version: ETL_HAS_FIELD(ptr, type, field).
 *     ETL_<STRUCT>_SIZE_<major>_<minor> give each struct's size in each version.
 *   - Status codes and capability bits are only ever added, never renumbered.
 *
 * Building with -std=c99
 * ----------------------
 * -std=c99 hides POSIX functions (strdup, strerror_r, fileno, ...). Calling one
 * then compiles with only a warning ("implicit declaration"), and C assumes it
 * returns int: a pointer from strdup is cut to 32 bits and crashes later. Define
 * `_POSIX_C_SOURCE 200809L` before the first #include, and build with -Werror.
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
#define ETL_PLUGIN_ABI_MINOR 3

/* The one symbol the host looks up with dlsym(). */
#define ETL_PLUGIN_ENTRY_SYMBOL "etl_plugin_entry"

/* Shared libraries the host considers plugins are named libetl_<name>.so. */
#define ETL_PLUGIN_FILE_PREFIX "libetl_"

/*
 * Every plugin function returns one of these. Add at the end, never renumber.
 * What the host does with each depends on the function: see its "Returns".
 * Common to all: the host shows the status name and the message with the
 * plugin and entry; RETRYABLE is retried only where a function says so;
 * CANCELLED after a stop request records the entry as cancelled, not failed.
 */
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

/* What a JSON value is, for etl_host_api.config_get_kind (ABI 1.1). */
typedef int32_t etl_json_kind;
#define ETL_JSON_ABSENT 0 /* no such value, or JSON null */
#define ETL_JSON_BOOL 1
#define ETL_JSON_NUMBER 2
#define ETL_JSON_STRING 3
#define ETL_JSON_ARRAY 4
#define ETL_JSON_OBJECT 5

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
 * Used on [the builder's thread] (see the top of this file).
 */
typedef struct etl_batch_builder etl_batch_builder;

/*
 * The host's functions. Every function pointer within the table's struct_size
 * is set (never NULL); a field beyond struct_size does not exist in that host
 * and must not be read: check with ETL_HAS_FIELD(host, etl_host_api, field),
 * or compare host->struct_size with ETL_HOST_API_SIZE_1_1.
 */
typedef struct etl_host_api {
  uint32_t struct_size;      /* the bytes of this table the host filled in */
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
   * sink, so the batch being read is no longer wanted), else 0. A long read or
   * write should poll it between batches or requests and return ETL_CANCELLED
   * (ECANCELED from get_next). Once 1, it stays 1.
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
   * Not "d:P,S" (decimal128, ABI 1.2): batches may carry it (SDK/ABI.md,
   * "ABI 1.2: decimal128 columns"), but no append_* function takes a 128-bit
   * value, so batch_begin refuses it; export such arrays yourself.
   * The batch is a struct array ("+s") whose children are the columns.
   * Append one value per column for each row, in any column order; `finish`
   * checks that every column got the same number of values.
   */

  /*
   * Starts a batch for `schema`, a struct schema ("+s") with one child per
   * column, in one of the formats above.
   * (in) schema: [caller-owned] read during the call only; not released.
   * (in) capacity_hint: expected rows (0 if unknown); buffers still grow.
   * (out) out_builder: [plugin-owned] free it with batch_free. Set to NULL on
   *       failure.
   * Returns: ETL_OK; ETL_UNSUPPORTED for a column format outside the list
   * above (decimal128 included); ETL_INTERNAL for a NULL argument or a malformed schema. `error`
   * says which column.
   * [any-thread] The new builder is then used on [the builder's thread].
   */
  etl_status (*batch_begin)(const struct ArrowSchema* schema, int64_t capacity_hint,
                            etl_batch_builder** out_builder, etl_error* error);

  /*
   * Appends one value to `column` (0-based).
   * Returns: ETL_OK; ETL_INTERNAL when the column does not exist, has another
   * type, or a pointer/length is unusable (NULL data with length > 0, a
   * negative length, a NULL builder); ETL_BAD_DATA when append_utf8 gets
   * invalid UTF-8 (binary may be any bytes). On failure the value is not
   * appended and batch_last_error says why.
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

  /* Rows complete in every column so far (0 for NULL). [the builder's thread] */
  int64_t (*batch_row_count)(const etl_batch_builder* builder);

  /*
   * Bytes held by the builder's buffers so far (0 for NULL): compare it with
   * etl_read_request.max_batch_bytes to end a batch early.
   * [the builder's thread]
   */
  int64_t (*batch_byte_size)(const etl_batch_builder* builder);

  /*
   * Moves the rows appended so far into `out` (a struct array matching the
   * schema given to batch_begin) and empties the builder for the next batch.
   * (out) out: [caller-owned] the caller must call out->release exactly once.
   * Returns: ETL_OK; ETL_INTERNAL when columns have different lengths or an
   * argument is NULL (nothing is moved; the rows stay in the builder).
   * [the builder's thread]
   */
  etl_status (*batch_finish)(etl_batch_builder* builder, struct ArrowArray* out,
                             etl_error* error);

  /*
   * The message of the last failed call on this builder, or "" if none
   * (also "" for a NULL builder).
   * [host-owned] valid until the next call on the builder (or batch_free).
   * [the builder's thread]
   */
  const char* (*batch_last_error)(const etl_batch_builder* builder);

  /*
   * Frees the builder and any rows not yet finished. NULL is allowed. Arrays
   * already returned by batch_finish stay valid (they have their own release).
   * [the builder's thread]
   */
  void (*batch_free)(etl_batch_builder* builder);

  /*
   * Fills `error` (if not NULL) with `code` and a copy of `message`, truncated
   * to fit. A convenience for plugins in languages without snprintf.
   * [any-thread]
   */
  void (*set_error)(etl_error* error, etl_status code, const char* message);

  /* ---- ABI 1.1: reading values from JSON text (config, state, options). --
   *
   * Present when ETL_HAS_FIELD(host, etl_host_api, free_string) (a host of
   * ABI 1.1 or later). They read one value from a JSON document, usually the
   * config_json given to create; each call parses `json` again, which is
   * cheap for a config but not meant for once per row.
   *
   * `path` selects the value: "" (or "$") is the whole document; members are
   * separated by '.', array elements are [N] counted from 0, and a key that
   * holds '.', '[' or ']' is written as a quoted JSON string in brackets.
   * A leading "$." is allowed. Examples:
   *   "path"   "auth.token_env"   "columns[2].name"   "$[\"a.b\"].c"
   *
   * A value that is absent, or JSON `null`, leaves *out untouched and returns
   * ETL_OK: initialise *out with your default first. Required keys belong in
   * the config schema ("required"), which the host checks before create;
   * config_get_kind tells absent from present where that matters (a state).
   *
   * Returns: ETL_OK; ETL_INVALID_CONFIG when `json` is not valid JSON or the
   * value has another type or does not fit (the message names the path in
   * "$.a.b[0]" form and the type found, never the value: it may be a secret);
   * ETL_INTERNAL for a NULL argument or a malformed `path`.
   * [any-thread]
   */

  /*
   * A string value.
   * (out) out_value: [plugin-owned] a NUL-terminated UTF-8 copy: free it with
   *       free_string (not free()). A string holding "\u0000" is refused
   *       (ETL_INVALID_CONFIG): C would cut it short silently.
   */
  etl_status (*config_get_string)(const char* json, const char* path, char** out_value,
                                  etl_error* error);

  /* An integer: a JSON number with no fraction (2.0 counts) within int64. */
  etl_status (*config_get_int64)(const char* json, const char* path, int64_t* out_value,
                                 etl_error* error);

  /* A number, as the nearest double; one beyond the double range is refused. */
  etl_status (*config_get_double)(const char* json, const char* path, double* out_value,
                                  etl_error* error);

  /* true or false, as 1 or 0. */
  etl_status (*config_get_bool)(const char* json, const char* path, int32_t* out_value,
                                etl_error* error);

  /*
   * The number of elements of an array, or of members of an object; read the
   * elements with paths such as "columns[0]".
   */
  etl_status (*config_get_length)(const char* json, const char* path, int64_t* out_length,
                                  etl_error* error);

  /*
   * What the value is (ETL_JSON_*): ETL_JSON_ABSENT when it is absent or null
   * (*out_kind is set in that case too). Tells a missing key from a present
   * one, and lets a config accept several forms ("a string or an array").
   */
  etl_status (*config_get_kind)(const char* json, const char* path, etl_json_kind* out_kind,
                                etl_error* error);

  /* Frees a string from config_get_string. NULL is allowed. [any-thread] */
  void (*free_string)(char* value);

  /* ---- ABI 1.3: how far a read has come. --------------------------------
   *
   * Present when ETL_HAS_FIELD(host, etl_host_api, report_progress) (a host
   * of ABI 1.3 or later; host->abi_minor >= 3 says the same). A host of 1.2
   * or earlier has no such field: reading it reads beyond the table, so check
   * first (the Swift kit's PluginHost.reportProgress does).
   *
   * Tells the host how much of its input a source's read has consumed, so
   * that a long load shows a percentage and an estimated time left. Call it
   * whenever convenient, typically once per batch from get_next; calls are
   * cheap (the host stores the two numbers) and optional: a source that never
   * calls it shows rows, bytes and rate only.
   * (in) done: units consumed so far in this read, >= 0. Any unit the source
   *      can count ahead: bytes of its files as stored (compressed bytes for a
   *      compressed file), rows from a file's footer, pages of an API; the
   *      same unit for both numbers, and the same for the whole read.
   * (in) total: units the read will consume in all, or -1 when unknown (the
   *      host then shows no percentage). It may change between calls (a size
   *      learned late); done > total is shown as 100 %.
   * The host estimates the time left from how fast `done` grows, so report
   * what was consumed, not what was merely requested. Numbers apply to the
   * instance's current read; a new `read` starts again from none.
   * Returns nothing; bad numbers (done < 0) are ignored.
   * [instance] from the thread calling into the instance (read, get_next).
   */
  void (*report_progress)(etl_host_instance* instance, int64_t done, int64_t total);
} etl_host_api;

/* ------------------------------------------------------------------------ */
/* Sources                                                                     */
/* ------------------------------------------------------------------------ */

struct etl_plugin_descriptor; /* below; create_with_descriptor receives one */

/* What the host asks a source to read. [host-owned] valid during `read`. */
typedef struct etl_read_request {
  uint32_t struct_size;
  const char* entry_id;        /* control-table entry, for messages */
  const char* stream;          /* a stream name from discover */
  const char* state_json;      /* resume state from checkpoint(); NULL or the JSON text
                                  "null" both mean: start afresh (from initial_value) */
  const char* cursor_field;    /* NULL for full loads; "$offset"-style names are the plugin's */
  const char* initial_value;   /* JSON text: where an incremental load starts, or NULL */
  int64_t batch_size;          /* at most this many rows per ArrowArray (> 0); the host
                                  refuses a longer batch */
  int64_t max_batch_bytes;     /* aim to keep a batch below this size; 0 = no limit */
  int64_t max_records;         /* stop after this many rows in all; 0 = no limit. The
                                  plugin must stop: the host does not cut the stream */
  const char* options_json;    /* other entry settings as a JSON object, or NULL; the
                                  entry's own "options" are its member "entry_options"
                                  (SDK/ABI.md, "Entry options the runtime sends").
                                  With "positions": true (ETL_READ_OPTION_POSITIONS),
                                  see "Source positions" below. */
} etl_read_request;

/*
 * Source positions (ABI 1.2). The host asks for them only from a source whose
 * descriptor has ETL_CAP_POSITIONS, and only for an entry that loads them (a
 * `metadata` transform with `source_position`): the request's options_json
 * then holds "positions": true. Such a source appends one last column, named
 * ETL_POSITION_COLUMN, of format "u" (utf8), to the schema of the stream `read`
 * returns and to every batch of it; for each row it holds the position the
 * source would give report_reject for that row (e.g. "data.csv:17"). Without
 * the option the stream is unchanged. The host refuses a stream that lacks the
 * column when it asked for it, and one that has a column of that name when it
 * did not (the name is reserved), naming the plugin. A null value is stored
 * as a null position. `discover` never lists the column.
 */
#define ETL_READ_OPTION_POSITIONS "positions"
#define ETL_POSITION_COLUMN "_etl_position"

/*
 * The signature of `create` in both API tables: creates an instance from its
 * config (a JSON object already validated against the descriptor's
 * config_schema, with ${VAR}s expanded and "format": "path" strings made
 * absolute).
 * (in) host: [host-owned] valid for the life of the process.
 * (in) host_instance: [host-owned] valid until destroy returns.
 * (in) config_json: [caller-owned] UTF-8, NUL-terminated; copy what you keep.
 * (out) out_instance: [plugin-owned] released with destroy.
 * Returns: ETL_OK with *out_instance set (ETL_OK without an instance is
 * treated as ETL_INTERNAL). ETL_INVALID_CONFIG: the config cannot work —
 * `validate` and `run --dry-run` report it at the endpoint's config path, and
 * `run` fails the entry and exits 78 (configuration error). Any other status:
 * the entry fails (exit 1); `validate` does not report it (the config may be
 * right, e.g. a server is down). RETRYABLE is not retried.
 * [any-thread] Do no data work here: validate, check and dry runs create
 * instances too.
 */
typedef etl_status (*etl_create_fn)(const struct etl_host_api* host, etl_host_instance* host_instance,
                                    const char* config_json, void** out_instance, etl_error* error);

/*
 * ABI 1.1: `create` that also receives the descriptor the host found this
 * table through, so one function can serve many plugin types (reach your own
 * data through descriptor->user_data). Same rules and returns as etl_create_fn.
 * (in) descriptor: [plugin-owned, static] the plugin's own descriptor.
 */
typedef etl_status (*etl_create_with_descriptor_fn)(const struct etl_plugin_descriptor* descriptor,
                                                    const struct etl_host_api* host,
                                                    etl_host_instance* host_instance,
                                                    const char* config_json, void** out_instance,
                                                    etl_error* error);

typedef struct etl_source_api {
  uint32_t struct_size;

  /*
   * See etl_create_fn. May be NULL when create_with_descriptor is set: the
   * host calls create_with_descriptor when the table has it (struct_size)
   * and it is not NULL, else `create`. A host of ABI 1.0 only knows `create`
   * and refuses a table whose `create` is NULL.
   */
  etl_create_fn create;

  /* Frees the instance. Any stream it returned is released first. [instance] */
  void (*destroy)(void* instance);

  /*
   * Can the source be reached with this config? No data is read.
   * Returns: ETL_OK; any other status: `etl-runtime check` prints the
   * source as FAILED with the status and message, and exits 1.
   * [instance]
   */
  etl_status (*check)(void* instance, etl_error* error);

  /*
   * Lists the streams: `out_catalog` becomes a struct schema ("+s") with one
   * child per stream; each child is a struct schema named after the stream
   * whose children are the stream's columns.
   * (out) out_catalog: [caller-owned] the caller calls out_catalog->release.
   * Returns: ETL_OK; any other status: `discover` prints it and exits 1.
   * [instance]
   */
  etl_status (*discover)(void* instance, struct ArrowSchema* out_catalog, etl_error* error);

  /*
   * Starts reading a stream. Each array the stream yields is a struct array
   * of the stream's columns, with at most request->batch_size rows.
   * (in) request: [host-owned] valid during the call only; copy what you keep.
   * (out) out_stream: [caller-owned] the caller releases it (before destroy).
   * Returns: ETL_OK; any other status fails the entry before anything is
   * written (ETL_CANCELLED after a stop request: the entry is recorded as
   * cancelled). Errors found before streaming (bad config, bad state, a
   * missing file) belong here rather than in the first get_next.
   * get_next returns errno values (SDK/ABI.md, "Errors inside a stream"): any
   * non-zero value fails the entry and nothing of that batch is committed.
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
   * Returns: ETL_OK; any other status fails the entry, and the batch it
   * would have covered is not committed.
   * [instance]
   */
  etl_status (*checkpoint)(void* instance, const char** out_state_json, etl_error* error);

  /* ---- ABI 1.1 ---- */

  /* See etl_create_with_descriptor_fn and `create` above. */
  etl_create_with_descriptor_fn create_with_descriptor;

  /* ---- ABI 1.2 ---- */

  /*
   * Optional (may be NULL): would `read` accept this request? Answer from the
   * config and the request alone — no I/O, no network, no file. `validate`
   * and `run --dry-run` call it for every entry, with the request the run
   * would send (state_json: the watermark stored in the state database), so
   * a mistake only a read would find (an option a path needs, a stream that
   * cannot be read incrementally) is reported before any run.
   * The host calls it only when the table's struct_size holds it
   * (ETL_HAS_FIELD(api, etl_source_api, check_read)) and it is not NULL.
   * (in) request: [host-owned] valid during the call only.
   * Returns: ETL_OK; ETL_INVALID_CONFIG: the entry cannot work — `validate`
   * and `run --dry-run` report it at the entry's JSON path and exit 78. Any
   * other status: reported the same way, as the plugin's failure to check.
   * [instance]
   */
  etl_status (*check_read)(void* instance, const etl_read_request* request, etl_error* error);
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
  const struct ArrowSchema* schema;     /* struct schema of every batch; not released by the sink.
                                           With "delete_column" in options_json (ETL_CAP_DELETES),
                                           its last column is that bool flag, never stored */
  const char* options_json;             /* other entry settings as a JSON object, or NULL; the
                                           entry's own "options" are its member "entry_options" */
} etl_load_request;

/* How a SQL model entry keeps its result (ABI 1.2). */
typedef int32_t etl_materialization;
#define ETL_MATERIALIZE_TABLE 1       /* replace the target with the query's rows, atomically */
#define ETL_MATERIALIZE_INCREMENTAL 2 /* insert (or merge on primary_key) the rows the query returns */
#define ETL_MATERIALIZE_VIEW 3        /* the target is a view of the query, replaced atomically */

/*
 * A SQL model entry (ABI 1.2): a query that runs inside the sink and writes
 * its result to `target`. [host-owned] valid during `run_model`.
 */
typedef struct etl_model_request {
  uint32_t struct_size;
  const char* entry_id;                 /* key of the resume state */
  const char* run_id;                   /* for metadata and logs */
  const char* target;                   /* the table or view to write */
  const char* sql;                      /* the query (a SELECT), as the entry wrote it */
  etl_materialization materialization;
  int32_t primary_key_count;
  const char* const* primary_key;       /* incremental: merge on these columns (0: insert) */
  const char* cursor_field;             /* incremental: the result column whose maximum over
                                           the rows written is the new watermark; else NULL */
  const char* state_json;               /* incremental: the state run_model last returned
                                           for entry_id (as read_state gives it), or NULL */
  const char* initial_value_json;       /* incremental: the watermark before any state (a
                                           JSON scalar), or NULL */
  const char* options_json;             /* as etl_load_request.options_json */
} etl_model_request;

typedef struct etl_sink_api {
  uint32_t struct_size;

  /* As etl_source_api.create (may be NULL when create_with_descriptor is set). */
  etl_create_fn create;

  /* Frees the instance; an open load is aborted first. [instance] */
  void (*destroy)(void* instance);

  /*
   * Can the sink be reached and written with this config?
   * Returns: as etl_source_api.check.
   * [instance]
   */
  etl_status (*check)(void* instance, etl_error* error);

  /*
   * Opens a load: begin → write* → commit or abort. One load at a time per
   * instance. Copy from `request` whatever is needed after the call.
   * An incremental run opens one load per batch (begin, write, commit); a
   * full run one load for the whole stream.
   * Returns: ETL_OK; ETL_RETRYABLE (busy: another writer holds the target)
   * makes the host call begin again, waiting 50 ms, doubling up to 1 s
   * between calls, for up to 600 s (logged every 30 s), then it fails the
   * entry with the last message — it stops waiting when the run is stopped.
   * Any other status fails the entry; abort is not called (nothing was open).
   * [instance]
   */
  etl_status (*begin)(void* instance, const etl_load_request* request, etl_error* error);

  /*
   * Adds a batch (a struct array matching the load's schema) to the open load.
   * (in,moved) batch: the sink takes ownership: it calls batch->release
   * exactly once (now or later) and sets nothing in the caller's struct; the
   * host never touches the batch again. Even on failure the sink releases it.
   * Returns: ETL_OK; any other status: the host calls abort and fails the
   * entry (no retry).
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
   * Returns: ETL_OK; any other status: the host calls abort and fails the
   * entry; the sink must leave the target as before `begin` (or, if it cannot
   * tell, say so in the message).
   * [instance]
   */
  etl_status (*commit)(void* instance, const char* state_json, int64_t* out_rows_committed,
                       etl_error* error);

  /*
   * Discards the open load; the target is as before `begin`. Also called
   * when nothing is open (after a failed commit, or defensively): return
   * ETL_OK then.
   * Returns: the host ignores the status (the entry has failed already).
   * [instance]
   */
  etl_status (*abort)(void* instance, etl_error* error);

  /*
   * The state last committed for `entry_id`, or NULL when none was. Called at
   * the start of every incremental run: what it returns wins over the control
   * table (it was stored with the data), unless the user set or reset the
   * state with `etl-runtime state`.
   * (out) out_state_json: [plugin-owned] valid until the next call on the
   * instance.
   * Returns: ETL_OK; ETL_UNSUPPORTED when the sink keeps no state of its own
   * (e.g. an HTTP API): the host then starts from the control table's
   * watermark. Any other status fails the entry before anything is read.
   * [instance]
   */
  etl_status (*read_state)(void* instance, const char* entry_id, const char** out_state_json,
                           etl_error* error);

  /*
   * Optional (NULL when the descriptor lacks ETL_CAP_SQL): runs SQL text
   * against the target, e.g. an entry's post_sql, after the load committed.
   * Returns: ETL_OK; any other status fails the entry (its data stays
   * committed).
   * [instance]
   */
  etl_status (*execute_sql)(void* instance, const char* sql, etl_error* error);

  /* ---- ABI 1.1 ---- */

  /* See etl_create_with_descriptor_fn and etl_source_api.create. */
  etl_create_with_descriptor_fn create_with_descriptor;

  /* ---- ABI 1.2 ---- */

  /*
   * Optional (NULL when the descriptor lacks ETL_CAP_MODELS): runs a SQL
   * model entry inside the sink. `{{watermark}}` in the SQL (incremental)
   * stands for the current watermark — taken from state_json, else
   * initial_value_json, else NULL — which the sink binds as a parameter and
   * never pastes into the text. The result and the new state are committed
   * together; on any failure the target and the state are as before.
   * (out) out_rows: rows the target holds (table), gained or updated
   *       (incremental), 0 (view).
   * (out) out_state_json: [plugin-owned] valid until the next call on the
   *       instance: the entry's new resume state (incremental; the previous
   *       one when no row came), or NULL.
   * (out) out_reads_json: [plugin-owned] valid until the next call on the
   *       instance: a JSON array of the tables and views the query reads
   *       (lineage), or NULL when the sink cannot tell.
   * Returns: ETL_OK; ETL_INVALID_CONFIG (the SQL is wrong: the entry's
   * mistake); ETL_RETRYABLE (busy: retried as `begin`); any other status
   * fails the entry.
   * [instance]
   */
  etl_status (*run_model)(void* instance, const etl_model_request* request, int64_t* out_rows,
                          const char** out_state_json, const char** out_reads_json, etl_error* error);
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
#define ETL_CAP_MODELS 0x100ULL               /* sink: run_model (SQL model entries), ABI 1.2 */
#define ETL_CAP_DELETES 0x200ULL              /* sink: load option "delete_column" (merge, scd2), ABI 1.2 */
#define ETL_CAP_POSITIONS 0x400ULL            /* source: per-row positions on request, ABI 1.2 */

/* [plugin-owned, static] valid until the process exits. */
typedef struct etl_plugin_descriptor {
  uint32_t struct_size;
  etl_plugin_kind kind;
  const char* name;               /* manifest "plugin" value: [a-z][a-z0-9_]* */
  const char* version;            /* the plugin's own version, e.g. "1.2.0" */
  const char* description;        /* one line */
  uint64_t capabilities;          /* ETL_CAP_* bits */
  const char* config_schema_json; /* JSON Schema of the config object (SDK/ABI.md lists
                                     the keywords the host accepts) */
  const etl_source_api* source;   /* non-NULL iff kind == ETL_KIND_SOURCE */
  const etl_sink_api* sink;       /* non-NULL iff kind == ETL_KIND_SINK */

  /* ---- ABI 1.1 ---- */

  /* The plugin's own pointer, for create_with_descriptor. The host never reads
   * or frees it. [plugin-owned] */
  void* user_data;

  /* ---- ABI 1.2 ---- */

  /* JSON Schema (the keywords config_schema_json may use) of the entry
   * "options" object this plugin honours, or NULL: the plugin honours none,
   * and `validate` refuses an entry that sets options for it (when the
   * entry's other plugin honours none either). The host checks each entry's
   * options against it before any call, and hands them to the plugin as the
   * member "entry_options" of the request's options_json. The host reads it
   * only when struct_size holds it
   * (ETL_HAS_FIELD(descriptor, etl_plugin_descriptor, entry_options_schema_json)).
   * [plugin-owned, static] valid until the process exits. */
  const char* entry_options_schema_json;
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
 * Returns: ETL_OK with *out_library set. Any other status: the library is
 * not loadable; `list-plugins` shows "loadable: no — etl_plugin_entry failed
 * (<status>): <message>", and entries using its plugins fail.
 * [load] no other plugin function is called before it returns. The host
 * gives it a deadline (5 s by default, SDK/ABI.md "Deadlines"): no network
 * or slow I/O here.
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

/* ------------------------------------------------------------------------ */
/* Sizes by ABI version, and field checks                                      */
/*                                                                             */
/* A struct's size in version X.Y is the end of its last field of X.Y; a       */
/* struct another party filled has a struct_size at least that large when it  */
/* was built against X.Y or later. Check before reading a later field:         */
/*                                                                             */
/*   if (ETL_HAS_FIELD(host, etl_host_api, config_get_string)) { ... }         */
/*   if (descriptor->struct_size >= ETL_PLUGIN_DESCRIPTOR_SIZE_1_2) { ... }    */
/*                                                                             */
/* When you fill a struct yourself, set struct_size = sizeof(the struct).      */
/* ------------------------------------------------------------------------ */

/* Bytes from the start of `type` to the end of `field`. */
#define ETL_FIELD_END(type, field) (offsetof(type, field) + sizeof(((type*)0)->field))

/* True when the struct at `ptr` (whose struct_size its producer set) holds `field`. */
#define ETL_HAS_FIELD(ptr, type, field) ((size_t)(ptr)->struct_size >= ETL_FIELD_END(type, field))

#define ETL_ERROR_SIZE_1_0 ETL_FIELD_END(etl_error, message)
#define ETL_HOST_API_SIZE_1_0 ETL_FIELD_END(etl_host_api, set_error)
#define ETL_HOST_API_SIZE_1_1 ETL_FIELD_END(etl_host_api, free_string)
#define ETL_HOST_API_SIZE_1_3 ETL_FIELD_END(etl_host_api, report_progress)
#define ETL_READ_REQUEST_SIZE_1_0 ETL_FIELD_END(etl_read_request, options_json)
#define ETL_LOAD_REQUEST_SIZE_1_0 ETL_FIELD_END(etl_load_request, options_json)
#define ETL_SOURCE_API_SIZE_1_0 ETL_FIELD_END(etl_source_api, checkpoint)
#define ETL_SOURCE_API_SIZE_1_1 ETL_FIELD_END(etl_source_api, create_with_descriptor)
#define ETL_SOURCE_API_SIZE_1_2 ETL_FIELD_END(etl_source_api, check_read)
#define ETL_SINK_API_SIZE_1_0 ETL_FIELD_END(etl_sink_api, execute_sql)
#define ETL_SINK_API_SIZE_1_1 ETL_FIELD_END(etl_sink_api, create_with_descriptor)
#define ETL_SINK_API_SIZE_1_2 ETL_FIELD_END(etl_sink_api, run_model)
#define ETL_MODEL_REQUEST_SIZE_1_2 ETL_FIELD_END(etl_model_request, options_json)
#define ETL_PLUGIN_DESCRIPTOR_SIZE_1_0 ETL_FIELD_END(etl_plugin_descriptor, sink)
#define ETL_PLUGIN_DESCRIPTOR_SIZE_1_1 ETL_FIELD_END(etl_plugin_descriptor, user_data)
#define ETL_PLUGIN_DESCRIPTOR_SIZE_1_2 ETL_FIELD_END(etl_plugin_descriptor, entry_options_schema_json)
#define ETL_PLUGIN_LIBRARY_SIZE_1_0 ETL_FIELD_END(etl_plugin_library, plugins)

#ifdef __cplusplus
}
#endif

#endif /* ETL_PLUGIN_H */
