/*
 * etl_example_c.c — two etl-runtime source plugins in plain C99.
 *
 * This file shows what a plugin written against nothing but etl_plugin.h looks
 * like: one library (libetl_example_c.so) exporting one symbol,
 * `etl_plugin_entry`, which hands the host a list of two descriptors:
 *
 *   lines    read a text file one line per row, incrementally by byte offset;
 *   datagen  deterministic synthetic rows with a column of every builder type,
 *            for testing pipelines.
 *
 * Build (see README.md and the Makefile):
 *   cc -std=c99 -Wall -Wextra -pedantic -Werror -shared -fPIC -fvisibility=hidden \
 *      -I SDK/include SDK/examples/c-source/etl_example_c.c -o libetl_example_c.so
 *
 * What it demonstrates, in reading order:
 *   1. error messages written into the caller's etl_error (never abort);
 *   2. config and state read with the host's config_get_* (ABI 1.1), with
 *      precise messages ("lines: config $.path: expected a string, found a
 *      number");
 *   3. ArrowSchema structs built by hand, with a release callback;
 *   4. an ArrowArrayStream whose batches come from the host's batch builder,
 *      honouring batch_size, max_records, max_batch_bytes and cancellation;
 *   5. resume state (the checkpoint) that matches exactly the rows emitted.
 *
 * Ownership is written on every pointer field: [owned] means this code frees
 * it, [borrowed] means someone else does and we only look, [host-owned] is as
 * in etl_plugin.h.
 */

/* open/fstat/read/strerror_r are POSIX, not C99: ask for them explicitly so the
 * file still builds with -std=c99 -pedantic. */
#define _POSIX_C_SOURCE 200809L
/* 64-bit off_t on 32-bit systems too: log files grow past 2 GiB. */
#define _FILE_OFFSET_BITS 64

#include "etl_plugin.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#if defined(__GNUC__)
#define EX_PRINTF(fmt, first) __attribute__((format(printf, fmt, first)))
#else
#define EX_PRINTF(fmt, first)
#endif

/* Longest line `lines` accepts, terminator included. Longer lines are rejected
 * (reported, skipped) so that one runaway line cannot exhaust memory: the
 * reader's buffer never grows past this. Overridable for tests. */
#ifndef LINES_MAX_LINE_BYTES
#define LINES_MAX_LINE_BYTES ((size_t)16 * 1024 * 1024)
#endif

/* How much of an over-long line goes into etl_rejects as its raw text. */
#define LINES_REJECT_SAMPLE_BYTES 1024

/* First read buffer of `lines`; it doubles up to LINES_MAX_LINE_BYTES. */
#define LINES_INITIAL_BUFFER ((size_t)64 * 1024)

/* datagen refuses more rows than this so that created_at (microseconds)
 * cannot overflow int64: 1e12 rows * 1e6 us stays below 2^63. */
#define DATAGEN_MAX_ROWS INT64_C(1000000000000)

/* ======================================================================== */
/* 1. Errors                                                                 */
/* ======================================================================== */

/* Length of the UTF-8 sequence a lead byte announces (1 for anything that
 * cannot start a longer one). */
static size_t utf8_sequence_length(unsigned char lead) {
  if (lead >= 0xF0) return 4;
  if (lead >= 0xE0) return 3;
  if (lead >= 0xC0) return 2;
  return 1;
}

/* vsnprintf truncates at a byte count and may split a multi-byte character;
 * the host expects valid UTF-8, so drop a trailing incomplete sequence. */
static void trim_incomplete_utf8(char* text) {
  size_t length = strlen(text);
  size_t start = length;
  while (start > 0 && ((unsigned char)text[start - 1] & 0xC0) == 0x80) start--;
  if (start == 0) return;
  if (utf8_sequence_length((unsigned char)text[start - 1]) > length - (start - 1)) {
    text[start - 1] = '\0';
  }
}

/* Writes code and message into `error` as far as the caller's struct_size
 * allows (the header makes the caller set it; a smaller struct than ours gets
 * only what fits). Returns `code` so callers can `return fail(...)`. */
static etl_status fail_v(etl_error* error, etl_status code, const char* format, va_list args) {
  size_t capacity;
  int written;
  if (error == NULL) return code;
  if (error->struct_size >= offsetof(etl_error, code) + sizeof error->code) error->code = code;
  if (error->struct_size <= offsetof(etl_error, message)) return code;
  capacity = error->struct_size - offsetof(etl_error, message);
  if (capacity > ETL_ERROR_MESSAGE_CAPACITY) capacity = ETL_ERROR_MESSAGE_CAPACITY;
  written = vsnprintf(error->message, capacity, format, args);
  if (written < 0) {
    error->message[0] = '\0';
  } else if ((size_t)written >= capacity) {
    trim_incomplete_utf8(error->message);
  }
  return code;
}

static etl_status fail(etl_error* error, etl_status code, const char* format, ...) EX_PRINTF(3, 4);
static etl_status fail(etl_error* error, etl_status code, const char* format, ...) {
  va_list args;
  va_start(args, format);
  fail_v(error, code, format, args);
  va_end(args);
  return code;
}

/* Adds text after an existing message (e.g. a fix-it hint after a parse
 * error written by a shared helper). */
static void append_to_error(etl_error* error, const char* format, ...) EX_PRINTF(2, 3);
static void append_to_error(etl_error* error, const char* format, ...) {
  va_list args;
  size_t capacity;
  size_t used;
  int written;
  if (error == NULL || error->struct_size <= offsetof(etl_error, message)) return;
  capacity = error->struct_size - offsetof(etl_error, message);
  if (capacity > ETL_ERROR_MESSAGE_CAPACITY) capacity = ETL_ERROR_MESSAGE_CAPACITY;
  used = strnlen(error->message, capacity);
  if (used + 1 >= capacity) return;
  va_start(args, format);
  written = vsnprintf(error->message + used, capacity - used, format, args);
  va_end(args);
  if (written >= 0 && (size_t)written >= capacity - used) trim_incomplete_utf8(error->message);
}

/* strerror is not thread-safe and instances run on several threads; the
 * POSIX strerror_r (selected by _POSIX_C_SOURCE) is. */
static const char* describe_errno(int number, char* buffer, size_t capacity) {
  if (strerror_r(number, buffer, capacity) != 0) snprintf(buffer, capacity, "errno %d", number);
  return buffer;
}

/* The Arrow stream callbacks return errno values, not etl_status; the host
 * reads the message from get_last_error and the kind of failure from this. */
static int status_to_errno(etl_status status) {
  switch (status) {
    case ETL_IO_ERROR: return EIO;
    case ETL_BAD_DATA: return EILSEQ;
    case ETL_CANCELLED: return ECANCELED;
    case ETL_RETRYABLE: return EAGAIN;
    case ETL_UNSUPPORTED: return ENOTSUP;
    case ETL_INVALID_CONFIG: return EINVAL; /* ABI 1.2: a configuration mistake, exit 78 */
    default: return EPROTO;
  }
}

/* A malloc'ed copy of a NUL-terminated string, or NULL when out of memory. */
static char* copy_string(const char* text) {
  size_t length = strlen(text) + 1;
  char* copy = malloc(length);
  if (copy != NULL) memcpy(copy, text, length);
  return copy;
}

/* ======================================================================== */
/* 2. UTF-8 validation                                                       */
/* ======================================================================== */

/* Index of the first byte that does not start a well-formed UTF-8 sequence
 * (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF), or
 * `length` when all of `data` is valid. */
static size_t utf8_invalid_at(const unsigned char* data, size_t length) {
  size_t i = 0;
  while (i < length) {
    unsigned char c = data[i];
    size_t need;
    unsigned char low = 0x80, high = 0xBF; /* allowed range of the 2nd byte */
    size_t k;
    if (c < 0x80) {
      i++;
      continue;
    }
    if (c >= 0xC2 && c <= 0xDF) {
      need = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      need = 2;
      if (c == 0xE0) low = 0xA0;  /* overlong */
      if (c == 0xED) high = 0x9F; /* surrogates U+D800..DFFF */
    } else if (c >= 0xF0 && c <= 0xF4) {
      need = 3;
      if (c == 0xF0) low = 0x90;  /* overlong */
      if (c == 0xF4) high = 0x8F; /* above U+10FFFF */
    } else {
      return i;
    }
    if (length - i <= need) return i;
    if (data[i + 1] < low || data[i + 1] > high) return i;
    for (k = 2; k <= need; k++) {
      if ((data[i + k] & 0xC0) != 0x80) return i;
    }
    i += need + 1;
  }
  return length;
}

/* ======================================================================== */
/* 3. Config and state values, read with the host's config_get_* (ABI 1.1)   */
/*                                                                           */
/* The host has already validated the config against the published schema,  */
/* but the plugin must not trust that for its state (it is read back from a  */
/* database a human can edit), so every value is checked again here. The    */
/* host's messages name the key and the type found ("$.offset: expected an   */
/* integer, found a string"); these helpers put the plugin and "config" or   */
/* "state" first. Strings from config_get_string are the host's copies:      */
/* they are freed with host->free_string, never free().                      */
/* ======================================================================== */

/* Puts "<plugin>: <what> " before the message the host wrote into `error`. */
static etl_status prefix_error(etl_error* error, etl_status status, const char* plugin, const char* what) {
  char message[ETL_ERROR_MESSAGE_CAPACITY];
  if (error == NULL) return status;
  snprintf(message, sizeof message, "%s", error->message);
  return fail(error, status, "%s: %s %s", plugin, what, message);
}

/* True for NULL and for the JSON text `null`: both mean "not given". */
static int json_is_absent(const etl_host_api* host, const char* text) {
  etl_json_kind kind = ETL_JSON_NUMBER;
  etl_error ignored;
  if (text == NULL) return 1;
  memset(&ignored, 0, sizeof ignored);
  ignored.struct_size = sizeof ignored;
  return host->config_get_kind(text, "", &kind, &ignored) == ETL_OK && kind == ETL_JSON_ABSENT;
}

/* Reads the integer member `key` of the object `json` into *out. When it is
 * absent (or null), *out keeps its value, or, if `required`, that is an error;
 * outside [minimum, maximum] is an error naming the bounds. */
static etl_status read_int64(const etl_host_api* host, const char* json, const char* plugin, const char* what,
                             const char* key, int required, int64_t minimum, int64_t maximum, int64_t* out,
                             etl_error* error) {
  etl_json_kind kind = ETL_JSON_ABSENT;
  int64_t value = 0;
  etl_status status = host->config_get_kind(json, key, &kind, error);
  if (status == ETL_OK && kind == ETL_JSON_ABSENT) {
    return required ? fail(error, ETL_INVALID_CONFIG, "%s: %s.%s is required", plugin, what, key) : ETL_OK;
  }
  if (status == ETL_OK) status = host->config_get_int64(json, key, &value, error);
  if (status != ETL_OK) return prefix_error(error, status, plugin, what);
  if (value < minimum || value > maximum) {
    return fail(error, ETL_INVALID_CONFIG,
                "%s: %s.%s: expected an integer from %" PRId64 " to %" PRId64 ", got %" PRId64, plugin, what, key,
                minimum, maximum, value);
  }
  *out = value;
  return ETL_OK;
}

/* Reads the string member `key` of `json`: *out becomes a malloc'ed copy
 * [caller-owned, free()], or stays NULL when the key is absent (or null). */
static etl_status read_string(const etl_host_api* host, const char* json, const char* plugin, const char* what,
                              const char* key, char** out, etl_error* error) {
  char* value = NULL; /* [host-owned copy] until free_string */
  etl_status status = host->config_get_string(json, key, &value, error);
  if (status != ETL_OK) return prefix_error(error, status, plugin, what);
  if (value != NULL) {
    *out = copy_string(value);
    host->free_string(value);
    if (*out == NULL) return fail(error, ETL_INTERNAL, "%s: out of memory", plugin);
  }
  return ETL_OK;
}

/* ======================================================================== */
/* 4. Arrow schemas built by hand                                            */
/*                                                                           */
/* Every node we allocate owns its name through private_data (a malloc'ed    */
/* copy) and its children (malloc'ed ArrowSchema structs). `format` points   */
/* at a string literal: static, valid forever, never freed.                  */
/* ======================================================================== */

/* One column of a stream: name, Arrow format and whether it may hold nulls. */
typedef struct column_def {
  const char* name;   /* [static] */
  const char* format; /* [static] one of the builder formats of etl_plugin.h */
  int nullable;
} column_def;

/* The release callback of every schema node made here. Per the Arrow spec a
 * consumer may have moved a child out (copied it and set its release to
 * NULL), so a child is only released when it still has a release callback. */
static void schema_release(struct ArrowSchema* schema) {
  int64_t i;
  if (schema == NULL || schema->release == NULL) return;
  for (i = 0; i < schema->n_children; i++) {
    struct ArrowSchema* child = schema->children[i];
    if (child == NULL) continue;
    if (child->release != NULL) child->release(child);
    free(child);
  }
  free(schema->children);
  free(schema->private_data); /* the name */
  schema->children = NULL;
  schema->private_data = NULL;
  schema->name = NULL;
  schema->release = NULL; /* marks the struct released, as the spec requires */
}

/* Fills `out` as a node with `n_children` empty (zeroed) children. On failure
 * returns ENOMEM and leaves `out` released (release == NULL), nothing leaked.
 * On success the caller fills the children, and `out->release` frees the node
 * and whichever children were filled. */
static int schema_init(struct ArrowSchema* out, const char* format, const char* name, int64_t flags,
                       int64_t n_children) {
  int64_t i;
  memset(out, 0, sizeof *out);
  out->format = format;
  out->flags = flags;
  out->private_data = copy_string(name);
  if (out->private_data == NULL) return ENOMEM;
  out->name = out->private_data;
  out->release = schema_release; /* from here on, release cleans up a partial node */
  if (n_children > 0) {
    out->children = calloc((size_t)n_children, sizeof *out->children);
    if (out->children == NULL) {
      schema_release(out);
      return ENOMEM;
    }
    out->n_children = n_children; /* set before the loop: release frees what exists */
    for (i = 0; i < n_children; i++) {
      out->children[i] = calloc(1, sizeof **out->children);
      if (out->children[i] == NULL) {
        schema_release(out);
        return ENOMEM;
      }
    }
  }
  return 0;
}

/* A stream's schema: struct "+s" named after the stream, one child per column. */
static int schema_make_stream(struct ArrowSchema* out, const char* stream_name, const column_def* columns,
                              int64_t column_count) {
  int64_t i;
  int result = schema_init(out, "+s", stream_name, 0, column_count);
  if (result != 0) return result;
  for (i = 0; i < column_count; i++) {
    result = schema_init(out->children[i], columns[i].format, columns[i].name,
                         columns[i].nullable ? ARROW_FLAG_NULLABLE : 0, 0);
    if (result != 0) {
      out->release(out);
      return result;
    }
  }
  return 0;
}

/* The catalog discover() returns: struct "+s" with one struct child per
 * stream. Both plugins here have one stream. */
static int schema_make_catalog(struct ArrowSchema* out, const char* stream_name, const column_def* columns,
                               int64_t column_count) {
  int result = schema_init(out, "+s", "", 0, 1);
  if (result != 0) return result;
  result = schema_make_stream(out->children[0], stream_name, columns, column_count);
  if (result != 0) out->release(out);
  return result;
}

/* ======================================================================== */
/* 5. What both sources share: instances, the read stream, the checkpoint    */
/* ======================================================================== */

typedef struct source_stream source_stream;

/* The common head of every instance of this library (the first member of
 * lines_instance and datagen_instance, so a pointer to either is a pointer
 * to this). */
typedef struct source_instance {
  const char* plugin;                /* [static] "lines" or "datagen", for messages */
  const etl_host_api* host;          /* [host-owned] valid for the process */
  etl_host_instance* host_instance;  /* [host-owned] valid until destroy returns */
  source_stream* active;             /* [borrowed] the open read stream, or NULL; the
                                        stream's release clears it */
  int has_state;
  char state_json[256];              /* the last checkpoint; returned by checkpoint() */
} source_instance;

/* Appends rows to the builder for one batch. Sets *consumed to the number of
 * input records used up (rows appended plus rows rejected): 0 means the
 * stream has ended. */
typedef etl_status (*stream_fill_fn)(source_stream* stream, int64_t* consumed, etl_error* error);
/* Makes the state after the batch just finished the instance's checkpoint. */
typedef void (*stream_commit_fn)(source_stream* stream);
/* Frees the plugin-specific reading state. */
typedef void (*stream_close_fn)(void* reader);

/* The private_data of every ArrowArrayStream this library returns. */
struct source_stream {
  source_instance* owner;           /* [borrowed] NULL once the instance is destroyed */
  const etl_host_api* host;         /* [host-owned] */
  etl_host_instance* host_instance; /* [host-owned] only used while owner != NULL */
  char* stream_name;                /* [owned] */
  const column_def* columns;        /* [static] */
  int64_t column_count;
  etl_batch_builder* builder;       /* [owned through the host] freed with batch_free */
  int64_t batch_size;               /* rows per batch, > 0 */
  int64_t max_batch_bytes;          /* 0 = no limit */
  int64_t rows_left;                /* rows max_records still allows; -1 = no limit */
  int64_t rows_emitted;             /* rows in the batches returned so far */
  int finished;                     /* the end has been returned */
  int failed_errno;                 /* sticky: a failed stream keeps failing the same way */
  etl_error last_error;             /* what get_last_error returns */
  stream_fill_fn fill;
  stream_commit_fn commit;
  stream_close_fn close;
  void* reader;                     /* [owned] plugin-specific state, freed with close */
};

static int stream_fail(source_stream* stream, etl_status status) {
  stream->failed_errno = status_to_errno(status);
  return stream->failed_errno;
}

static int stream_get_schema(struct ArrowArrayStream* arrow_stream, struct ArrowSchema* out) {
  source_stream* stream = arrow_stream->private_data;
  if (stream == NULL) return EINVAL;
  if (schema_make_stream(out, stream->stream_name, stream->columns, stream->column_count) != 0) {
    fail(&stream->last_error, ETL_INTERNAL, "%s: out of memory building the schema of stream \"%s\"",
         stream->owner ? stream->owner->plugin : "stream", stream->stream_name);
    return ENOMEM;
  }
  return 0;
}

static int stream_get_next(struct ArrowArrayStream* arrow_stream, struct ArrowArray* out) {
  source_stream* stream = arrow_stream->private_data;
  etl_status status;
  int64_t consumed = 0;
  /* A released ArrowArray (release == NULL) is how the stream says "ended". */
  memset(out, 0, sizeof *out);
  if (stream == NULL) return EINVAL;
  if (stream->failed_errno != 0) return stream->failed_errno;
  if (stream->finished) return 0;
  if (stream->owner == NULL) {
    fail(&stream->last_error, ETL_INTERNAL,
         "stream \"%s\": its instance was destroyed; the host must release a stream before destroy",
         stream->stream_name);
    return stream_fail(stream, ETL_INTERNAL);
  }
  if (stream->rows_left == 0) {
    stream->finished = 1;
    return 0;
  }
  if (stream->host->is_cancelled(stream->host_instance)) {
    fail(&stream->last_error, ETL_CANCELLED,
         "%s: cancelled by the host after %" PRId64 " rows of stream \"%s\"; the last checkpoint "
         "covers exactly the rows returned",
         stream->owner->plugin, stream->rows_emitted, stream->stream_name);
    return stream_fail(stream, ETL_CANCELLED);
  }
  status = stream->fill(stream, &consumed, &stream->last_error);
  if (status != ETL_OK) return stream_fail(stream, status);
  if (consumed == 0) {
    stream->finished = 1;
    return 0;
  }
  /* A batch may hold 0 rows when every record in it was rejected: it still
   * has to reach the host, so that the checkpoint moves past the rejects. */
  status = stream->host->batch_finish(stream->builder, out, &stream->last_error);
  if (status != ETL_OK) return stream_fail(stream, status);
  stream->commit(stream);
  return 0;
}

static const char* stream_get_last_error(struct ArrowArrayStream* arrow_stream) {
  source_stream* stream = arrow_stream->private_data;
  if (stream == NULL || stream->last_error.message[0] == '\0') return NULL;
  return stream->last_error.message;
}

static void stream_release(struct ArrowArrayStream* arrow_stream) {
  source_stream* stream;
  if (arrow_stream == NULL || arrow_stream->release == NULL) return;
  stream = arrow_stream->private_data;
  if (stream != NULL) {
    if (stream->owner != NULL) stream->owner->active = NULL;
    if (stream->reader != NULL) stream->close(stream->reader);
    stream->host->batch_free(stream->builder);
    free(stream->stream_name);
    free(stream);
  }
  arrow_stream->private_data = NULL;
  arrow_stream->release = NULL;
}

/* Checks the request fields every read needs. */
static etl_status check_read_request(const source_instance* instance, const etl_read_request* request,
                                     etl_error* error) {
  if (request == NULL) return fail(error, ETL_INTERNAL, "%s: read called with a NULL request", instance->plugin);
  if (request->struct_size < sizeof(etl_read_request)) {
    return fail(error, ETL_INTERNAL, "%s: the read request is %u bytes; ABI 1.0 needs %u", instance->plugin,
                (unsigned)request->struct_size, (unsigned)sizeof(etl_read_request));
  }
  if (instance->active != NULL) {
    return fail(error, ETL_INTERNAL,
                "%s: a read stream is still open on this instance; release it before reading again",
                instance->plugin);
  }
  if (request->stream == NULL) return fail(error, ETL_INVALID_CONFIG, "%s: no stream requested", instance->plugin);
  if (request->batch_size <= 0) {
    return fail(error, ETL_INVALID_CONFIG, "%s: batch_size must be > 0, got %" PRId64, instance->plugin,
                request->batch_size);
  }
  if (request->max_batch_bytes < 0 || request->max_records < 0) {
    return fail(error, ETL_INVALID_CONFIG, "%s: max_batch_bytes and max_records must be >= 0 (0 = no limit)",
                instance->plugin);
  }
  return ETL_OK;
}

/* Creates the stream, its builder and hands it to the host. Takes ownership
 * of `reader` in every case: on failure it is closed here. */
static etl_status stream_open(source_instance* instance, const etl_read_request* request, const char* stream_name,
                              const column_def* columns, int64_t column_count, stream_fill_fn fill,
                              stream_commit_fn commit, stream_close_fn close, void* reader,
                              struct ArrowArrayStream* out, etl_error* error) {
  source_stream* stream = calloc(1, sizeof *stream);
  struct ArrowSchema schema;
  etl_status status;
  if (stream == NULL || (stream->stream_name = copy_string(stream_name)) == NULL) {
    free(stream);
    close(reader);
    return fail(error, ETL_INTERNAL, "%s: out of memory opening stream \"%s\"", instance->plugin, stream_name);
  }
  stream->owner = instance;
  stream->host = instance->host;
  stream->host_instance = instance->host_instance;
  stream->columns = columns;
  stream->column_count = column_count;
  stream->batch_size = request->batch_size;
  stream->max_batch_bytes = request->max_batch_bytes;
  stream->rows_left = request->max_records > 0 ? request->max_records : -1;
  stream->last_error.struct_size = sizeof stream->last_error;
  stream->fill = fill;
  stream->commit = commit;
  stream->close = close;
  stream->reader = reader;
  /* The builder only reads the schema during batch_begin; ours is released
   * right after. */
  if (schema_make_stream(&schema, stream_name, columns, column_count) != 0) {
    status = fail(error, ETL_INTERNAL, "%s: out of memory building the schema", instance->plugin);
  } else {
    status = instance->host->batch_begin(&schema, request->batch_size < 65536 ? request->batch_size : 65536,
                                         &stream->builder, error);
    schema.release(&schema);
  }
  if (status != ETL_OK) {
    close(reader);
    free(stream->stream_name);
    free(stream);
    return status;
  }
  out->get_schema = stream_get_schema;
  out->get_next = stream_get_next;
  out->get_last_error = stream_get_last_error;
  out->release = stream_release;
  out->private_data = stream;
  instance->active = stream;
  return ETL_OK;
}

/* Shared by both descriptors: the state after exactly the rows returned. */
static etl_status source_checkpoint(void* opaque, const char** out_state_json, etl_error* error) {
  source_instance* instance = opaque;
  if (instance == NULL || out_state_json == NULL) {
    return fail(error, ETL_INTERNAL, "checkpoint called with a NULL instance or output");
  }
  if (!instance->has_state) {
    return fail(error, ETL_INTERNAL, "%s: checkpoint called before read; there is no state yet",
                instance->plugin);
  }
  *out_state_json = instance->state_json;
  return ETL_OK;
}

/* Detaches a still-open stream so that it fails cleanly instead of touching
 * freed memory if a host releases it after destroy. */
static void source_instance_detach(source_instance* instance) {
  if (instance->active != NULL) instance->active->owner = NULL;
  instance->active = NULL;
}

/* Turns a failed append into an etl_error naming the column. */
static etl_status append_checked(source_stream* stream, etl_status status, int32_t column, etl_error* error) {
  if (status == ETL_OK) return ETL_OK;
  return fail(error, status, "%s: appending to column \"%s\" failed: %s", stream->owner->plugin,
              stream->columns[column].name, stream->host->batch_last_error(stream->builder));
}

/* The stream's batch is full by size once the builder holds max_batch_bytes. */
static int batch_is_full_by_bytes(const source_stream* stream) {
  return stream->max_batch_bytes > 0 && stream->host->batch_byte_size(stream->builder) >= stream->max_batch_bytes;
}

/* Checks cursor_field against the names a plugin supports (NULL = full load). */
static etl_status check_cursor_field(const source_instance* instance, const char* cursor_field,
                                     const char* const* supported, const char* supported_text, etl_error* error) {
  size_t i;
  if (cursor_field == NULL) return ETL_OK;
  for (i = 0; supported[i] != NULL; i++) {
    if (strcmp(cursor_field, supported[i]) == 0) return ETL_OK;
  }
  return fail(error, ETL_INVALID_CONFIG, "%s: cursor_field \"%s\" is not supported; use one of %s",
              instance->plugin, cursor_field, supported_text);
}

/* ======================================================================== */
/* 6. The `lines` source                                                     */
/* ======================================================================== */

static const column_def lines_columns[] = {
    {"line_number", "l", 0}, /* 1-based */
    {"text", "u", 0},        /* without the LF or CRLF terminator */
    {"byte_offset", "l", 0}, /* of the line's first byte */
};
#define LINES_COLUMN_COUNT ((int64_t)(sizeof lines_columns / sizeof lines_columns[0]))

typedef struct lines_instance {
  source_instance base; /* first: the shared code sees this struct as a source_instance */
  char* path;           /* [owned] config.path, as given */
  char* stream;         /* [owned] config.stream, default "lines" */
} lines_instance;

/* The resume state: {"offset": N, "line": L, "size": S, "inode": I}. */
typedef struct lines_state {
  int64_t offset; /* bytes consumed: just after the terminator of the last line read */
  int64_t line;   /* lines consumed (emitted or rejected): the next one is line + 1 */
  int64_t size;   /* bytes of the file seen when this state was written (>= offset);
                     a file that is now smaller was truncated */
  uint64_t inode; /* the file's inode: another inode means the file was replaced */
} lines_state;

/* Reads lines from a file descriptor through one growing buffer. */
typedef struct lines_reader {
  int fd;                  /* [owned] closed by lines_reader_close */
  char* path;              /* [owned] copy, for reject positions and messages */
  unsigned char* buffer;   /* [owned] bytes [begin, end) are read but not consumed */
  size_t capacity;
  size_t begin;
  size_t end;
  int64_t position;        /* file offset of buffer[begin] */
  int64_t read_to;         /* file offset just after the last byte read() returned */
  int at_eof;              /* read() returned 0: the rest of this run sees no new bytes */
  int partial_reported;    /* the "last line is incomplete" notice was logged */
  lines_state pending;     /* after everything consumed so far, batch in progress included */
  unsigned char sample[LINES_REJECT_SAMPLE_BYTES]; /* start of an over-long line */
} lines_reader;

static void lines_reader_close(void* opaque) {
  lines_reader* reader = opaque;
  if (reader == NULL) return;
  if (reader->fd >= 0) close(reader->fd);
  free(reader->buffer);
  free(reader->path);
  free(reader);
}

static const char lines_config_schema[] =
    "{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\", "
    "\"title\": \"lines source\", "
    "\"description\": \"Reads a UTF-8 text file, one row per line (LF or CRLF).\", "
    "\"type\": \"object\", "
    "\"properties\": {"
    "\"path\": {\"type\": \"string\", \"format\": \"path\", \"minLength\": 1, "
    "\"description\": \"The text file to read.\"}, "
    "\"stream\": {\"type\": \"string\", \"minLength\": 1, \"default\": \"lines\", "
    "\"description\": \"Name of the one stream this source offers.\"}}, "
    "\"required\": [\"path\"], "
    "\"additionalProperties\": false}";

static etl_status lines_create(const etl_host_api* host, etl_host_instance* host_instance, const char* config_json,
                               void** out_instance, etl_error* error) {
  char* path = NULL;   /* [owned] until moved into the instance */
  char* stream = NULL; /* [owned] likewise; absent means "lines" */
  lines_instance* instance;
  etl_status status;
  if (out_instance == NULL || host == NULL) {
    return fail(error, ETL_INTERNAL, "lines: create called with NULL arguments");
  }
  *out_instance = NULL;
  if (config_json == NULL) return fail(error, ETL_INVALID_CONFIG, "lines: config is missing (NULL)");
  if ((status = read_string(host, config_json, "lines", "config", "path", &path, error)) == ETL_OK &&
      (status = read_string(host, config_json, "lines", "config", "stream", &stream, error)) == ETL_OK) {
    if (path == NULL) status = fail(error, ETL_INVALID_CONFIG, "lines: config.path is required");
    else if (path[0] == '\0') status = fail(error, ETL_INVALID_CONFIG, "lines: config.path must not be empty");
    else if (stream != NULL && stream[0] == '\0') {
      status = fail(error, ETL_INVALID_CONFIG, "lines: config.stream must not be empty");
    } else if (stream == NULL && (stream = copy_string("lines")) == NULL) {
      status = fail(error, ETL_INTERNAL, "lines: out of memory");
    }
  }
  instance = status == ETL_OK ? calloc(1, sizeof *instance) : NULL;
  if (instance == NULL) {
    free(path);
    free(stream);
    return status != ETL_OK ? status : fail(error, ETL_INTERNAL, "lines: out of memory");
  }
  instance->path = path;
  instance->stream = stream;
  instance->base.plugin = "lines";
  instance->base.host = host;
  instance->base.host_instance = host_instance;
  *out_instance = instance;
  return ETL_OK;
}

static void lines_destroy(void* opaque) {
  lines_instance* instance = opaque;
  if (instance == NULL) return;
  source_instance_detach(&instance->base);
  free(instance->path);
  free(instance->stream);
  free(instance);
}

/* Opens config.path for reading and checks it is a regular file. On success
 * *out_fd is [caller-owned]. */
static etl_status lines_open(const lines_instance* instance, int* out_fd, struct stat* out_info, etl_error* error) {
  char reason[128];
  int fd;
  do {
    fd = open(instance->path, O_RDONLY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    int saved = errno;
    return fail(error, ETL_IO_ERROR, "lines: cannot open config.path \"%s\": %s; check the path and its permissions",
                instance->path, describe_errno(saved, reason, sizeof reason));
  }
  if (fstat(fd, out_info) != 0) {
    int saved = errno;
    close(fd);
    return fail(error, ETL_IO_ERROR, "lines: cannot stat \"%s\": %s", instance->path,
                describe_errno(saved, reason, sizeof reason));
  }
  if (!S_ISREG(out_info->st_mode)) {
    close(fd);
    return fail(error, ETL_INVALID_CONFIG, "lines: config.path \"%s\" is not a regular file; point it at a text file",
                instance->path);
  }
  *out_fd = fd;
  return ETL_OK;
}

static etl_status lines_check(void* opaque, etl_error* error) {
  lines_instance* instance = opaque;
  struct stat info;
  int fd = -1;
  etl_status status;
  if (instance == NULL) return fail(error, ETL_INTERNAL, "lines: check called with a NULL instance");
  status = lines_open(instance, &fd, &info, error);
  if (status == ETL_OK) close(fd);
  return status;
}

static etl_status lines_discover(void* opaque, struct ArrowSchema* out_catalog, etl_error* error) {
  lines_instance* instance = opaque;
  if (instance == NULL || out_catalog == NULL) {
    return fail(error, ETL_INTERNAL, "lines: discover called with NULL arguments");
  }
  if (schema_make_catalog(out_catalog, instance->stream, lines_columns, LINES_COLUMN_COUNT) != 0) {
    return fail(error, ETL_INTERNAL, "lines: out of memory building the catalog");
  }
  return ETL_OK;
}

static void lines_format_state(const lines_state* state, char* out, size_t capacity) {
  snprintf(out, capacity,
           "{\"offset\": %" PRId64 ", \"line\": %" PRId64 ", \"size\": %" PRId64 ", \"inode\": %" PRId64 "}",
           state->offset, state->line, state->size, (int64_t)state->inode);
}

/* Parses a state written by lines_format_state. `line` is capped far below
 * INT64_MAX so that a hand-edited state cannot make line + 1 overflow. The
 * inode is kept as the int64 with the same bits (numbers above 2^63 - 1 read
 * back negative), so that every inode fits the host's int64 reader. */
static etl_status lines_parse_state(const etl_host_api* host, const char* text, const char* entry_id,
                                    lines_state* out, etl_error* error) {
  int64_t inode = 0;
  etl_status status;
  if ((status = read_int64(host, text, "lines", "state", "offset", 1, 0, INT64_MAX, &out->offset, error)) == ETL_OK &&
      (status = read_int64(host, text, "lines", "state", "line", 1, 0, INT64_MAX / 2, &out->line, error)) == ETL_OK &&
      (status = read_int64(host, text, "lines", "state", "size", 1, 0, INT64_MAX, &out->size, error)) == ETL_OK &&
      (status = read_int64(host, text, "lines", "state", "inode", 1, INT64_MIN, INT64_MAX, &inode, error)) == ETL_OK &&
      out->size < out->offset) {
    status = fail(error, ETL_INVALID_CONFIG, "lines: state: size %" PRId64 " is smaller than offset %" PRId64,
                  out->size, out->offset);
  }
  out->inode = (uint64_t)inode;
  if (status != ETL_OK) {
    append_to_error(error,
                    "; this is not a resume state of the lines source (edited by hand, or saved by another "
                    "plugin). Reset it with: etl-runtime state reset %s",
                    entry_id != NULL ? entry_id : "ENTRY");
  }
  return status;
}

/* Makes sure at least one more byte can be read into the buffer: compacts it
 * and grows it up to LINES_MAX_LINE_BYTES. Returns 0 when the buffer is full
 * of one line that is too long. */
static int lines_make_room(lines_reader* reader, int* out_of_memory) {
  *out_of_memory = 0;
  if (reader->begin > 0) {
    memmove(reader->buffer, reader->buffer + reader->begin, reader->end - reader->begin);
    reader->end -= reader->begin;
    reader->begin = 0;
  }
  if (reader->end < reader->capacity) return 1;
  if (reader->capacity >= LINES_MAX_LINE_BYTES) return 0;
  {
    size_t grown = reader->capacity * 2 < LINES_MAX_LINE_BYTES ? reader->capacity * 2 : LINES_MAX_LINE_BYTES;
    unsigned char* bigger = realloc(reader->buffer, grown);
    if (bigger == NULL) {
      *out_of_memory = 1;
      return 0;
    }
    reader->buffer = bigger;
    reader->capacity = grown;
  }
  return 1;
}

/* Reads more bytes after buffer[end]. Sets at_eof when there are none. */
static etl_status lines_fill_buffer(lines_reader* reader, etl_error* error) {
  ssize_t got;
  char reason[128];
  do {
    got = read(reader->fd, reader->buffer + reader->end, reader->capacity - reader->end);
  } while (got < 0 && errno == EINTR);
  if (got < 0) {
    int saved = errno;
    return fail(error, ETL_IO_ERROR, "lines: reading \"%s\" at byte %" PRId64 " failed: %s", reader->path,
                reader->position + (int64_t)(reader->end - reader->begin),
                describe_errno(saved, reason, sizeof reason));
  }
  if (got == 0) {
    reader->at_eof = 1;
  } else {
    reader->end += (size_t)got;
    reader->read_to += (int64_t)got;
    if (reader->read_to > reader->pending.size) reader->pending.size = reader->read_to;
  }
  return ETL_OK;
}

typedef enum line_kind {
  LINE_NONE,    /* no complete line left in this run (end of file, or an unterminated last line) */
  LINE_READY,   /* a complete line */
  LINE_TOO_LONG /* a complete line longer than LINES_MAX_LINE_BYTES; `data` holds its start */
} line_kind;

typedef struct line_view {
  line_kind kind;
  const unsigned char* data; /* [borrowed from the reader] valid until the next lines_next */
  size_t length;             /* bytes in data, terminator excluded */
  int64_t offset;            /* file offset of the line's first byte */
  int64_t next_offset;       /* file offset just after its terminator */
  int64_t full_length;       /* LINE_TOO_LONG: the whole line's length with its terminator */
  int unterminated;          /* LINE_NONE: bytes follow `offset` but no line terminator yet */
} line_view;

/* Skips the rest of a line that filled the whole buffer: keeps its first
 * bytes for the reject and reads on to its newline. */
static etl_status lines_skip_long(lines_reader* reader, line_view* out, etl_error* error) {
  int64_t line_offset = reader->position;
  int64_t skipped = (int64_t)reader->end; /* begin == 0 here: the whole buffer is this line */
  size_t sample = reader->end < LINES_REJECT_SAMPLE_BYTES ? reader->end : LINES_REJECT_SAMPLE_BYTES;
  memcpy(reader->sample, reader->buffer, sample);
  for (;;) {
    unsigned char* newline;
    etl_status status;
    reader->begin = reader->end = 0;
    status = lines_fill_buffer(reader, error);
    if (status != ETL_OK) return status;
    if (reader->at_eof) {
      /* Still unterminated: it is retried (and skipped) once it is complete. */
      out->kind = LINE_NONE;
      out->offset = line_offset;
      out->unterminated = 1;
      return ETL_OK;
    }
    newline = memchr(reader->buffer, '\n', reader->end);
    if (newline == NULL) {
      skipped += (int64_t)reader->end;
      continue;
    }
    reader->begin = (size_t)(newline - reader->buffer) + 1;
    out->kind = LINE_TOO_LONG;
    out->data = reader->sample;
    out->length = sample;
    out->offset = line_offset;
    out->full_length = skipped + (int64_t)reader->begin;
    out->next_offset = line_offset + out->full_length;
    reader->position = out->next_offset;
    return ETL_OK;
  }
}

/* The next complete line, or LINE_NONE. */
static etl_status lines_next(lines_reader* reader, line_view* out, etl_error* error) {
  size_t scan = reader->begin;
  memset(out, 0, sizeof *out);
  for (;;) {
    unsigned char* newline = memchr(reader->buffer + scan, '\n', reader->end - scan);
    int out_of_memory;
    etl_status status;
    if (newline != NULL) {
      size_t length = (size_t)(newline - (reader->buffer + reader->begin));
      out->kind = LINE_READY;
      out->data = reader->buffer + reader->begin;
      out->offset = reader->position;
      out->next_offset = reader->position + (int64_t)length + 1;
      if (length > 0 && out->data[length - 1] == '\r') length--; /* CRLF */
      out->length = length;
      reader->position = out->next_offset;
      reader->begin = (size_t)(newline - reader->buffer) + 1;
      return ETL_OK;
    }
    if (reader->at_eof) {
      out->kind = LINE_NONE;
      out->offset = reader->position;
      out->unterminated = reader->end > reader->begin;
      return ETL_OK;
    }
    scan = reader->end - reader->begin; /* after compaction, resume the search here */
    if (!lines_make_room(reader, &out_of_memory)) {
      if (out_of_memory) return fail(error, ETL_INTERNAL, "lines: out of memory reading \"%s\"", reader->path);
      return lines_skip_long(reader, out, error);
    }
    status = lines_fill_buffer(reader, error);
    if (status != ETL_OK) return status;
  }
}

/* Reports a line the source cannot turn into a row. */
static etl_status lines_reject(source_stream* stream, lines_reader* reader, const line_view* line, int64_t line_number,
                               const char* reason) {
  size_t capacity = strlen(reader->path) + 32;
  char* position = malloc(capacity);
  if (position == NULL) return fail(&stream->last_error, ETL_INTERNAL, "lines: out of memory");
  snprintf(position, capacity, "%s:%" PRId64, reader->path, line_number);
  stream->host->report_reject(stream->host_instance, position, (const char*)line->data, (int64_t)line->length, reason);
  free(position);
  return ETL_OK;
}

static etl_status lines_fill(source_stream* stream, int64_t* consumed, etl_error* error) {
  lines_reader* reader = stream->reader;
  const etl_host_api* host = stream->host;
  *consumed = 0;
  /* Rejected lines count towards batch_size too, so that a file of bad lines
   * still comes back in bounded steps (and cancellation is polled). */
  while (*consumed < stream->batch_size && stream->rows_left != 0) {
    line_view line;
    int64_t line_number;
    size_t bad;
    etl_status status = lines_next(reader, &line, error);
    if (status != ETL_OK) return status;
    if (line.kind == LINE_NONE) {
      if (line.unterminated && !reader->partial_reported) {
        char message[512];
        reader->partial_reported = 1;
        snprintf(message, sizeof message,
                 "lines: \"%.300s\": the last line (from byte %" PRId64 ") has no line terminator yet; "
                 "it will be read once it is complete",
                 reader->path, line.offset);
        host->log(stream->host_instance, ETL_LOG_WARNING, message);
      }
      break;
    }
    line_number = reader->pending.line + 1;
    reader->pending.line = line_number;
    reader->pending.offset = line.next_offset;
    (*consumed)++;
    if (line.kind == LINE_TOO_LONG) {
      char reason[200];
      snprintf(reason, sizeof reason,
               "line is %" PRId64 " bytes long, over the %zu-byte limit of the lines source; it was skipped "
               "(raw text truncated to its first %zu bytes)",
               line.full_length, (size_t)LINES_MAX_LINE_BYTES, line.length);
      if ((status = lines_reject(stream, reader, &line, line_number, reason)) != ETL_OK) return status;
      continue;
    }
    bad = utf8_invalid_at(line.data, line.length);
    if (bad < line.length) {
      char reason[200];
      snprintf(reason, sizeof reason,
               "invalid UTF-8 at byte %zu of the line (0x%02X); the line was skipped; convert the file to "
               "UTF-8 (e.g. iconv -f latin1 -t utf-8)",
               bad + 1, line.data[bad]);
      if ((status = lines_reject(stream, reader, &line, line_number, reason)) != ETL_OK) return status;
      continue;
    }
    if ((status = append_checked(stream, host->append_int64(stream->builder, 0, line_number), 0, error)) != ETL_OK ||
        (status = append_checked(stream,
                                 host->append_utf8(stream->builder, 1, (const char*)line.data, (int64_t)line.length),
                                 1, error)) != ETL_OK ||
        (status = append_checked(stream, host->append_int64(stream->builder, 2, line.offset), 2, error)) != ETL_OK) {
      return status;
    }
    stream->rows_emitted++;
    if (stream->rows_left > 0) stream->rows_left--;
    if (batch_is_full_by_bytes(stream)) break;
  }
  return ETL_OK;
}

static void lines_commit(source_stream* stream) {
  lines_reader* reader = stream->reader;
  if (stream->owner == NULL) return;
  lines_format_state(&reader->pending, stream->owner->state_json, sizeof stream->owner->state_json);
  stream->owner->has_state = 1;
}

static etl_status lines_read(void* opaque, const etl_read_request* request, struct ArrowArrayStream* out_stream,
                             etl_error* error) {
  static const char* const cursors[] = {"$offset", "byte_offset", "line_number", NULL};
  lines_instance* instance = opaque;
  const char* entry;
  lines_state start;
  lines_reader* reader;
  struct stat info;
  int fd = -1;
  etl_status status;
  if (instance == NULL || out_stream == NULL) {
    return fail(error, ETL_INTERNAL, "lines: read called with NULL arguments");
  }
  memset(out_stream, 0, sizeof *out_stream);
  if ((status = check_read_request(&instance->base, request, error)) != ETL_OK) return status;
  entry = request->entry_id != NULL ? request->entry_id : "ENTRY";
  if (strcmp(request->stream, instance->stream) != 0) {
    return fail(error, ETL_INVALID_CONFIG,
                "lines: stream \"%s\" does not exist; this source has one stream, \"%s\" (config.stream names it)",
                request->stream, instance->stream);
  }
  if ((status = check_cursor_field(&instance->base, request->cursor_field, cursors,
                                   "\"$offset\", \"byte_offset\", \"line_number\" "
                                   "(all resume after the last line read)",
                                   error)) != ETL_OK) {
    return status;
  }
  memset(&start, 0, sizeof start);
  if (json_is_absent(instance->base.host, request->state_json) &&
      !json_is_absent(instance->base.host, request->initial_value)) {
    return fail(error, ETL_UNSUPPORTED,
                "lines: initial_value is not supported: the source starts at the first line of the file and then "
                "resumes from its state; remove initial_value from entry \"%s\"",
                entry);
  }
  if (!json_is_absent(instance->base.host, request->state_json) &&
      (status = lines_parse_state(instance->base.host, request->state_json, entry, &start, error)) != ETL_OK) {
    return status;
  }
  if ((status = lines_open(instance, &fd, &info, error)) != ETL_OK) return status;
  if (!json_is_absent(instance->base.host, request->state_json)) {
    /* An appended-to file only grows and keeps its inode; anything else means
     * the saved offset points into different content. */
    if ((uint64_t)info.st_ino != start.inode || (int64_t)info.st_size < start.size) {
      int replaced = (uint64_t)info.st_ino != start.inode;
      close(fd);
      return fail(error, ETL_BAD_DATA,
                  "lines: \"%s\" was %s since the last run: it now has %" PRId64 " bytes (inode %" PRIu64
                  "), but the saved state expects at least %" PRId64 " bytes (inode %" PRIu64
                  ") and resumes at byte offset %" PRId64 ", so it no longer matches the file's content. To load "
                  "the file again from its first line, run: etl-runtime state reset %s",
                  instance->path, replaced ? "replaced" : "truncated", (int64_t)info.st_size,
                  (uint64_t)info.st_ino, start.size, start.inode, start.offset, entry);
    }
    if (lseek(fd, (off_t)start.offset, SEEK_SET) < 0) {
      char reason[128];
      int saved = errno;
      close(fd);
      return fail(error, ETL_IO_ERROR, "lines: cannot seek \"%s\" to byte %" PRId64 ": %s", instance->path,
                  start.offset, describe_errno(saved, reason, sizeof reason));
    }
  } else {
    start.inode = (uint64_t)info.st_ino;
  }
  if ((int64_t)info.st_size > start.size) start.size = (int64_t)info.st_size;

  reader = calloc(1, sizeof *reader);
  if (reader == NULL) {
    close(fd);
    return fail(error, ETL_INTERNAL, "lines: out of memory");
  }
  reader->fd = fd; /* owned by the reader from here on */
  reader->capacity = LINES_INITIAL_BUFFER < LINES_MAX_LINE_BYTES ? LINES_INITIAL_BUFFER : LINES_MAX_LINE_BYTES;
  reader->buffer = malloc(reader->capacity);
  reader->path = copy_string(instance->path);
  reader->position = start.offset;
  reader->read_to = start.offset;
  reader->pending = start;
  if (reader->buffer == NULL || reader->path == NULL) {
    lines_reader_close(reader);
    return fail(error, ETL_INTERNAL, "lines: out of memory");
  }
  /* Until the first batch, the checkpoint is where this read starts. */
  lines_format_state(&start, instance->base.state_json, sizeof instance->base.state_json);
  instance->base.has_state = 1;
  return stream_open(&instance->base, request, instance->stream, lines_columns, LINES_COLUMN_COUNT, lines_fill,
                     lines_commit, lines_reader_close, reader, out_stream, error);
}

static const etl_source_api lines_api = {
    .struct_size = sizeof(etl_source_api),
    .create = lines_create,
    .destroy = lines_destroy,
    .check = lines_check,
    .discover = lines_discover,
    .read = lines_read,
    .checkpoint = source_checkpoint,
};

static const etl_plugin_descriptor lines_descriptor = {
    .struct_size = sizeof(etl_plugin_descriptor),
    .kind = ETL_KIND_SOURCE,
    .name = "lines",
    .version = "1.0.0",
    .description = "Lines of a UTF-8 text file (LF or CRLF), read incrementally by byte offset",
    .capabilities = ETL_CAP_INCREMENTAL | ETL_CAP_DISCOVER,
    .config_schema_json = lines_config_schema,
    .source = &lines_api,
};

/* ======================================================================== */
/* 7. The `datagen` source                                                   */
/*                                                                           */
/* Every value is a pure function of (seed, row index i), documented in      */
/* README.md, so that tests in any language can recompute the expected rows. */
/* ======================================================================== */

static const column_def datagen_columns[] = {
    {"id", "l", 0},
    {"flag", "b", 1},
    {"score", "g", 1},
    {"name", "u", 1},
    {"payload", "z", 1},
    {"created_at", "tsu:UTC", 1},
    {"day", "tdD", 1},
    {"nothing", "n", 1},
};
#define DATAGEN_COLUMN_COUNT ((int64_t)(sizeof datagen_columns / sizeof datagen_columns[0]))

/* Written as escapes so that the file is plain ASCII; the text is in the
 * comment on each line. Index 3 is the empty string on purpose. */
static const char* const datagen_names[8] = {
    "Alice",
    "Bob",
    "Zo\xC3\xAB",                      /* Zoë */
    "",                                /* empty */
    "Jos\xC3\xA9 M\xC3\xBCller",       /* José Müller */
    "\xE6\x9D\x8E\xE9\x9B\xB7",        /* 李雷 */
    "O'Brien, \"Jr.\"",                /* quotes and a comma, for text sinks */
    "\xCE\xA9mega",                    /* Ωmega */
};

/* 2024-01-01T00:00:00Z in microseconds since the Unix epoch. */
#define DATAGEN_EPOCH_US INT64_C(1704067200000000)
#define DATAGEN_US_PER_DAY INT64_C(86400000000)

typedef struct datagen_instance {
  source_instance base; /* first: the shared code sees this struct as a source_instance */
  int64_t rows;
  int64_t seed;
  int64_t null_every;
} datagen_instance;

typedef struct datagen_reader {
  uint64_t seed;      /* config.seed as two's complement: the formulas work mod 2^64 */
  int64_t null_every;
  int64_t next;       /* index of the next row to generate */
  int64_t end;        /* config.rows */
} datagen_reader;

/* The finaliser of SplitMix64: a bijective mix of 64 bits. */
static uint64_t datagen_mix(uint64_t z) {
  z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
  return z ^ (z >> 31);
}

/* u(i) = mix(seed + (i + 1) * 0x9E3779B97F4A7C15) mod 2^64: all the row's values derive from it. */
static uint64_t datagen_u(uint64_t seed, int64_t index) {
  return datagen_mix(seed + ((uint64_t)index + 1u) * UINT64_C(0x9E3779B97F4A7C15));
}

static const char datagen_config_schema[] =
    "{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\", "
    "\"title\": \"datagen source\", "
    "\"description\": \"Deterministic synthetic rows with one column of every type, for testing pipelines.\", "
    "\"type\": \"object\", "
    "\"properties\": {"
    "\"rows\": {\"type\": \"integer\", \"minimum\": 0, \"maximum\": 1000000000000, "
    "\"description\": \"How many rows the stream has.\"}, "
    "\"seed\": {\"type\": \"integer\", \"minimum\": -9223372036854775808, \"maximum\": 9223372036854775807, "
    "\"default\": 0, \"description\": \"Selects the data set; same seed, same rows.\"}, "
    "\"null_every\": {\"type\": \"integer\", \"minimum\": 0, \"maximum\": 9223372036854775807, \"default\": 0, "
    "\"description\": \"k > 0: row i is null in every nullable column when i % k == k - 1; 0: no nulls.\"}}, "
    "\"required\": [\"rows\"], "
    "\"additionalProperties\": false}";

static etl_status datagen_create(const etl_host_api* host, etl_host_instance* host_instance, const char* config_json,
                                 void** out_instance, etl_error* error) {
  int64_t rows = 0, seed = 0, null_every = 0; /* seed and null_every default to 0 */
  datagen_instance* instance;
  etl_status status;
  if (out_instance == NULL || host == NULL) {
    return fail(error, ETL_INTERNAL, "datagen: create called with NULL arguments");
  }
  *out_instance = NULL;
  if (config_json == NULL) return fail(error, ETL_INVALID_CONFIG, "datagen: config is missing (NULL)");
  if ((status = read_int64(host, config_json, "datagen", "config", "rows", 1, 0, DATAGEN_MAX_ROWS, &rows, error)) !=
          ETL_OK ||
      (status = read_int64(host, config_json, "datagen", "config", "seed", 0, INT64_MIN, INT64_MAX, &seed, error)) !=
          ETL_OK ||
      (status = read_int64(host, config_json, "datagen", "config", "null_every", 0, 0, INT64_MAX, &null_every,
                           error)) != ETL_OK) {
    return status;
  }
  instance = calloc(1, sizeof *instance);
  if (instance == NULL) return fail(error, ETL_INTERNAL, "datagen: out of memory");
  instance->base.plugin = "datagen";
  instance->base.host = host;
  instance->base.host_instance = host_instance;
  instance->rows = rows;
  instance->seed = seed;
  instance->null_every = null_every;
  *out_instance = instance;
  return ETL_OK;
}

static void datagen_destroy(void* opaque) {
  datagen_instance* instance = opaque;
  if (instance == NULL) return;
  source_instance_detach(&instance->base);
  free(instance);
}

/* Nothing to reach: the config was checked by create. */
static etl_status datagen_check(void* opaque, etl_error* error) {
  if (opaque == NULL) return fail(error, ETL_INTERNAL, "datagen: check called with a NULL instance");
  return ETL_OK;
}

static etl_status datagen_discover(void* opaque, struct ArrowSchema* out_catalog, etl_error* error) {
  if (opaque == NULL || out_catalog == NULL) {
    return fail(error, ETL_INTERNAL, "datagen: discover called with NULL arguments");
  }
  if (schema_make_catalog(out_catalog, "rows", datagen_columns, DATAGEN_COLUMN_COUNT) != 0) {
    return fail(error, ETL_INTERNAL, "datagen: out of memory building the catalog");
  }
  return ETL_OK;
}

/* Appends row `index`, following the formulas in README.md. */
static etl_status datagen_append_row(source_stream* stream, const datagen_reader* reader, int64_t index,
                                     etl_error* error) {
  const etl_host_api* host = stream->host;
  etl_batch_builder* builder = stream->builder;
  uint64_t u = datagen_u(reader->seed, index);
  int nulls = reader->null_every > 0 && index % reader->null_every == reader->null_every - 1;
  etl_status status;
  int32_t column;
  if ((status = append_checked(stream, host->append_int64(builder, 0, index), 0, error)) != ETL_OK) return status;
  if (nulls) {
    for (column = 1; column < (int32_t)DATAGEN_COLUMN_COUNT; column++) {
      if ((status = append_checked(stream, host->append_null(builder, column), column, error)) != ETL_OK) return status;
    }
    return ETL_OK;
  }
  {
    const char* name = datagen_names[(u >> 20) % 8];
    unsigned char payload[3];
    size_t payload_length = (size_t)((u >> 24) % 4);
    int64_t created_at = DATAGEN_EPOCH_US + index * INT64_C(1000000) + (int64_t)((u >> 40) % 1000000);
    payload[0] = (unsigned char)((uint64_t)index & 0xFF);
    payload[1] = 0x00; /* every payload of 2+ bytes holds a NUL byte: binary must survive it */
    payload[2] = (unsigned char)((u >> 32) & 0xFF);
    if ((status = append_checked(stream, host->append_bool(builder, 1, (int32_t)(u & 1)), 1, error)) != ETL_OK ||
        (status = append_checked(stream, host->append_double(builder, 2, (double)((u >> 1) % 100000) / 100.0), 2,
                                 error)) != ETL_OK ||
        (status = append_checked(stream, host->append_utf8(builder, 3, name, (int64_t)strlen(name)), 3,
                                 error)) != ETL_OK ||
        (status = append_checked(stream, host->append_binary(builder, 4, payload, (int64_t)payload_length), 4,
                                 error)) != ETL_OK ||
        (status = append_checked(stream, host->append_timestamp_us(builder, 5, created_at), 5, error)) != ETL_OK ||
        (status = append_checked(stream, host->append_date32(builder, 6, (int32_t)(created_at / DATAGEN_US_PER_DAY)), 6,
                                 error)) != ETL_OK ||
        (status = append_checked(stream, host->append_null(builder, 7), 7, error)) != ETL_OK) {
      return status;
    }
  }
  return ETL_OK;
}

static etl_status datagen_fill(source_stream* stream, int64_t* consumed, etl_error* error) {
  datagen_reader* reader = stream->reader;
  *consumed = 0;
  while (*consumed < stream->batch_size && stream->rows_left != 0 && reader->next < reader->end) {
    etl_status status = datagen_append_row(stream, reader, reader->next, error);
    if (status != ETL_OK) return status;
    reader->next++;
    (*consumed)++;
    stream->rows_emitted++;
    if (stream->rows_left > 0) stream->rows_left--;
    if (batch_is_full_by_bytes(stream)) break;
  }
  return ETL_OK;
}

static void datagen_commit(source_stream* stream) {
  datagen_reader* reader = stream->reader;
  if (stream->owner == NULL) return;
  snprintf(stream->owner->state_json, sizeof stream->owner->state_json, "{\"next\": %" PRId64 "}", reader->next);
  stream->owner->has_state = 1;
}

static void datagen_reader_close(void* reader) { free(reader); }

static etl_status datagen_read(void* opaque, const etl_read_request* request, struct ArrowArrayStream* out_stream,
                               etl_error* error) {
  static const char* const cursors[] = {"$offset", "id", NULL};
  datagen_instance* instance = opaque;
  datagen_reader* reader;
  const char* entry;
  int64_t next = 0;
  etl_status status;
  if (instance == NULL || out_stream == NULL) {
    return fail(error, ETL_INTERNAL, "datagen: read called with NULL arguments");
  }
  memset(out_stream, 0, sizeof *out_stream);
  if ((status = check_read_request(&instance->base, request, error)) != ETL_OK) return status;
  entry = request->entry_id != NULL ? request->entry_id : "ENTRY";
  if (strcmp(request->stream, "rows") != 0) {
    return fail(error, ETL_INVALID_CONFIG,
                "datagen: stream \"%s\" does not exist; this source has one stream, \"rows\"", request->stream);
  }
  if ((status = check_cursor_field(&instance->base, request->cursor_field, cursors,
                                   "\"$offset\", \"id\" (both resume after the last row read)", error)) != ETL_OK) {
    return status;
  }
  if (!json_is_absent(instance->base.host, request->state_json)) {
    status = read_int64(instance->base.host, request->state_json, "datagen", "state", "next", 1, 0, INT64_MAX, &next,
                        error);
    if (status != ETL_OK) {
      append_to_error(error,
                      "; this is not a resume state of the datagen source (edited by hand, or saved by another "
                      "plugin). Reset it with: etl-runtime state reset %s",
                      entry);
      return status;
    }
  } else if (!json_is_absent(instance->base.host, request->initial_value)) {
    /* Row indexes are the cursor: initial_value N starts at row N. The path "" reads the
     * whole document, here a scalar. */
    next = -1;
    if (instance->base.host->config_get_int64(request->initial_value, "", &next, error) != ETL_OK || next < 0) {
      return fail(error, ETL_INVALID_CONFIG,
                  "datagen: initial_value must be a row index (an integer >= 0), got %.64s; fix entry \"%s\"",
                  request->initial_value, entry);
    }
  }
  reader = calloc(1, sizeof *reader);
  if (reader == NULL) return fail(error, ETL_INTERNAL, "datagen: out of memory");
  reader->seed = (uint64_t)instance->seed;
  reader->null_every = instance->null_every;
  reader->next = next;
  reader->end = instance->rows;
  snprintf(instance->base.state_json, sizeof instance->base.state_json, "{\"next\": %" PRId64 "}", next);
  instance->base.has_state = 1;
  return stream_open(&instance->base, request, "rows", datagen_columns, DATAGEN_COLUMN_COUNT, datagen_fill,
                     datagen_commit, datagen_reader_close, reader, out_stream, error);
}

static const etl_source_api datagen_api = {
    .struct_size = sizeof(etl_source_api),
    .create = datagen_create,
    .destroy = datagen_destroy,
    .check = datagen_check,
    .discover = datagen_discover,
    .read = datagen_read,
    .checkpoint = source_checkpoint,
};

static const etl_plugin_descriptor datagen_descriptor = {
    .struct_size = sizeof(etl_plugin_descriptor),
    .kind = ETL_KIND_SOURCE,
    .name = "datagen",
    .version = "1.0.0",
    .description = "Deterministic synthetic rows with a column of every type, for testing pipelines",
    .capabilities = ETL_CAP_INCREMENTAL | ETL_CAP_DISCOVER,
    .config_schema_json = datagen_config_schema,
    .source = &datagen_api,
};

/* ======================================================================== */
/* 8. The entry point                                                        */
/* ======================================================================== */

static const etl_plugin_descriptor* const example_descriptors[] = {&lines_descriptor, &datagen_descriptor};

static const etl_plugin_library example_library = {
    sizeof(etl_plugin_library),
    ETL_PLUGIN_ABI_MAJOR,
    ETL_PLUGIN_ABI_MINOR,
    (int32_t)(sizeof example_descriptors / sizeof example_descriptors[0]),
    example_descriptors,
};

ETL_PLUGIN_EXPORT etl_status etl_plugin_entry(const etl_host_api* host, const etl_plugin_library** out_library,
                                              etl_error* error) {
  if (out_library == NULL) return fail(error, ETL_INTERNAL, "example_c: etl_plugin_entry called with out_library NULL");
  *out_library = NULL;
  if (host == NULL) return fail(error, ETL_INTERNAL, "example_c: etl_plugin_entry called with host NULL");
  /* A host of another major refuses us by reading example_library.abi_major,
   * with one message for every plugin, so only a same-major host that lacks
   * fields we call is refused here: we call up to ABI 1.1's config readers. */
  if (host->abi_major == ETL_PLUGIN_ABI_MAJOR && !ETL_HAS_FIELD(host, etl_host_api, free_string)) {
    return fail(error, ETL_UNSUPPORTED,
                "example_c: the host API table has %u bytes, this library needs %u (ABI 1.1's config readers; "
                "the host speaks %u.%u); upgrade etl-runtime",
                (unsigned)host->struct_size, (unsigned)ETL_HOST_API_SIZE_1_1, (unsigned)host->abi_major,
                (unsigned)host->abi_minor);
  }
  *out_library = &example_library;
  return ETL_OK;
}
