/*
 * etl_short.c — the shortest useful etl-runtime plugins in C (read it before c-source/):
 *   sequence  source: rows n = 1..count with text "row <n>"; resumes after the last row.
 *   tsv_file  sink: appends int64/utf8 rows to a tab-separated file; state in <path>.state.
 * Build (needs a host of ABI 1.1): cc -std=c99 -Wall -Wextra -pedantic -Werror -shared -fPIC \
 *   -fvisibility=hidden -I SDK/include SDK/examples/c-short/etl_short.c -o libetl_short_c.so
 */
#define _POSIX_C_SOURCE 200809L /* fsync, fileno, truncate: POSIX, not C99 (see etl_plugin.h) */
#include "etl_plugin.h"
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const etl_host_api* host; /* [host-owned] kept from etl_plugin_entry: valid forever */

static etl_status fail(etl_error* error, etl_status code, const char* message) {
  host->set_error(error, code, message);
  return code;
}

/* ---- Source `sequence` ---------------------------------------------------- */

typedef struct sequence {
  etl_host_instance* context; /* [host-owned] */
  int64_t count, next;        /* rows are 1..count; `next` is the next one to emit */
  int64_t batch_size, left;   /* left: rows still allowed by max_records (-1: no limit) */
  etl_batch_builder* builder; /* [owned] from read to the next read or destroy */
  char state[64], last_error[ETL_ERROR_MESSAGE_CAPACITY];
} sequence;

/* One allocation per schema (names, formats: static). The root's release frees it; a child's marks it released. */
typedef struct schema_memory { struct ArrowSchema stream, columns[2], *stream_list[1], *column_list[2]; } schema_memory;

static void release_child(struct ArrowSchema* schema) { schema->release = NULL; }
static void release_root(struct ArrowSchema* schema) { free(schema->private_data), schema->release = NULL; }

/* The stream's schema, struct "sequence" {n: int64, text: utf8}; or, for discover, the
 * catalog: a struct with that stream as its one child. */
static int sequence_schema(struct ArrowSchema* out, int catalog) {
  schema_memory* m = calloc(1, sizeof *m);
  if (m == NULL) return ENOMEM;
  m->columns[0] = (struct ArrowSchema){"l", "n", NULL, 0, 0, NULL, NULL, release_child, NULL};
  m->columns[1] = (struct ArrowSchema){"u", "text", NULL, 0, 0, NULL, NULL, release_child, NULL};
  m->column_list[0] = &m->columns[0], m->column_list[1] = &m->columns[1];
  m->stream = (struct ArrowSchema){"+s", "sequence", NULL, 0, 2, m->column_list, NULL, release_child, NULL};
  m->stream_list[0] = &m->stream;
  *out = catalog ? (struct ArrowSchema){"+s", "", NULL, 0, 1, m->stream_list, NULL, release_root, m} : m->stream;
  out->release = release_root;
  out->private_data = m;
  return 0;
}

static etl_status sequence_create(const etl_host_api* api, etl_host_instance* context, const char* config,
                                  void** out, etl_error* error) {
  sequence* s = calloc(1, sizeof *s);
  etl_status status;
  if (s == NULL) return fail(error, ETL_INTERNAL, "sequence: out of memory");
  s->context = context;
  /* An absent key would leave the default (0) in place; the schema makes "count" required. */
  if ((status = api->config_get_int64(config, "count", &s->count, error)) != ETL_OK) {
    free(s);
    return status;
  }
  *out = s;
  return ETL_OK;
}

static void sequence_destroy(void* instance) {
  sequence* s = instance;
  host->batch_free(s->builder);
  free(s);
}

/* `check` of both: the rows are computed, and the file is made by the first commit. */
static etl_status always_reachable(void* instance, etl_error* error) {
  (void)instance, (void)error;
  return ETL_OK;
}

static etl_status sequence_discover(void* instance, struct ArrowSchema* out, etl_error* error) {
  (void)instance;
  return sequence_schema(out, 1) == 0 ? ETL_OK : fail(error, ETL_INTERNAL, "sequence: out of memory");
}

/* Stream callbacks return errno values; the message waits in last_error. */
static int stream_schema(struct ArrowArrayStream* stream, struct ArrowSchema* out) {
  (void)stream;
  return sequence_schema(out, 0);
}

static int stream_fail(sequence* s, int code, const char* message) {
  snprintf(s->last_error, sizeof s->last_error, "sequence: %s", message);
  return code;
}

/* One batch: at most batch_size rows, none past `count` or max_records. */
static int stream_next(struct ArrowArrayStream* stream, struct ArrowArray* out) {
  sequence* s = stream->private_data;
  etl_error error = {sizeof(etl_error), ETL_OK, ""};
  char text[32];
  int64_t rows = 0;
  memset(out, 0, sizeof *out); /* release == NULL: the end of the stream */
  if (host->is_cancelled(s->context)) return stream_fail(s, ECANCELED, "cancelled by the host");
  for (; rows < s->batch_size && s->left != 0 && s->next <= s->count; rows++, s->next++, s->left--) {
    int length = snprintf(text, sizeof text, "row %" PRId64, s->next);
    if (host->append_int64(s->builder, 0, s->next) != ETL_OK ||
        host->append_utf8(s->builder, 1, text, length) != ETL_OK) {
      return stream_fail(s, EPROTO, host->batch_last_error(s->builder)); /* a bug, not the config */
    }
  }
  if (rows == 0) return 0;
  if (host->batch_finish(s->builder, out, &error) != ETL_OK) return stream_fail(s, EPROTO, error.message);
  snprintf(s->state, sizeof s->state, "{\"next\": %" PRId64 "}", s->next); /* exactly after this batch */
  return 0;
}

static const char* stream_last_error(struct ArrowArrayStream* stream) {
  return ((sequence*)stream->private_data)->last_error;
}

/* The builder stays with the instance (freed by the next read or destroy). */
static void stream_release(struct ArrowArrayStream* stream) { stream->release = NULL; }

static etl_status sequence_read(void* instance, const etl_read_request* request, struct ArrowArrayStream* out,
                                etl_error* error) {
  sequence* s = instance;
  struct ArrowSchema schema;
  etl_status status = ETL_OK;
  if (strcmp(request->stream, "sequence")) return fail(error, ETL_INVALID_CONFIG, "sequence: stream is \"sequence\"");
  s->next = 1; /* state NULL or JSON null: start afresh; otherwise resume */
  if (request->state_json != NULL) status = host->config_get_int64(request->state_json, "next", &s->next, error);
  if (status != ETL_OK) return status;
  if (sequence_schema(&schema, 0) != 0) return fail(error, ETL_INTERNAL, "sequence: out of memory");
  host->batch_free(s->builder); /* the previous read's; NULL is allowed */
  status = host->batch_begin(&schema, request->batch_size, &s->builder, error);
  schema.release(&schema);
  if (status != ETL_OK) return status;
  s->batch_size = request->batch_size;
  s->left = request->max_records > 0 ? request->max_records : -1; /* the host does not cut the stream */
  snprintf(s->state, sizeof s->state, "{\"next\": %" PRId64 "}", s->next);
  *out = (struct ArrowArrayStream){stream_schema, stream_next, stream_last_error, stream_release, s};
  return ETL_OK;
}

/* The state after exactly the rows returned so far. [plugin-owned] until the next call. */
static etl_status sequence_checkpoint(void* instance, const char** out_state, etl_error* error) {
  (void)error;
  *out_state = ((sequence*)instance)->state;
  return ETL_OK;
}

/* ---- Sink `tsv_file` ------------------------------------------------------ */

typedef struct tsv_file {
  char* path;            /* [owned] config.path, made absolute by the host ("format": "path") */
  char state_path[4200], temporary[4210]; /* <path>.state, where commit keeps the state */
  char state[4096];      /* what read_state returns: [plugin-owned] until the next call */
  FILE* file;            /* [owned] open from begin to commit or abort */
  long start;            /* the file's size at begin: abort cuts it back to this */
  int64_t rows;
} tsv_file;

static etl_status tsv_create(const etl_host_api* api, etl_host_instance* context, const char* config, void** out,
                             etl_error* error) {
  tsv_file* t = calloc(1, sizeof *t);
  etl_status status;
  (void)api, (void)context;
  if (t == NULL) return fail(error, ETL_INTERNAL, "tsv_file: out of memory");
  if ((status = host->config_get_string(config, "path", &t->path, error)) != ETL_OK) {
    free(t);
    return status;
  }
  snprintf(t->state_path, sizeof t->state_path, "%s.state", t->path);
  snprintf(t->temporary, sizeof t->temporary, "%s.tmp", t->state_path);
  *out = t;
  return ETL_OK;
}

static etl_status tsv_abort(void* instance, etl_error* error) {
  tsv_file* t = instance;
  (void)error;
  if (t->file != NULL && fclose(t->file) == 0) truncate(t->path, t->start); /* the rows of this load go */
  t->file = NULL;
  return ETL_OK;
}

static void tsv_destroy(void* instance) {
  tsv_abort(instance, NULL); /* an open load is aborted */
  host->free_string(((tsv_file*)instance)->path);
  free(instance);
}

static etl_status tsv_begin(void* instance, const etl_load_request* request, etl_error* error) {
  tsv_file* t = instance;
  for (int64_t i = 0; i < request->schema->n_children; i++) {
    const char* format = request->schema->children[i]->format;
    if (strcmp(format, "l") != 0 && strcmp(format, "u") != 0) {
      return fail(error, ETL_UNSUPPORTED, "tsv_file: writes int64 and utf8 columns only; cast or drop the others");
    }
  }
  if ((t->file = fopen(t->path, "a")) == NULL) return fail(error, ETL_IO_ERROR, "tsv_file: cannot open config.path");
  fseek(t->file, 0, SEEK_END);
  t->start = ftell(t->file);
  t->rows = 0;
  return ETL_OK;
}

/* Appends every row of the struct array `batch`: int64 and utf8 children, nulls empty. */
static etl_status tsv_write(void* instance, struct ArrowArray* batch, etl_error* error) {
  tsv_file* t = instance;
  for (int64_t row = 0; row < batch->length; row++) {
    for (int64_t c = 0; c < batch->n_children; c++) {
      const struct ArrowArray* column = batch->children[c];
      const uint8_t* valid = column->buffers[0];
      int64_t i = row + column->offset;
      if (c > 0) fputc('\t', t->file);
      if (valid != NULL && !(valid[i / 8] >> (i % 8) & 1)) continue;
      if (column->n_buffers == 2) {
        fprintf(t->file, "%" PRId64, ((const int64_t*)column->buffers[1])[i]);
      } else {
        const int32_t* offsets = column->buffers[1];
        fwrite((const char*)column->buffers[2] + offsets[i], 1, (size_t)(offsets[i + 1] - offsets[i]), t->file);
      }
    }
    fputc('\n', t->file);
  }
  t->rows += batch->length;
  batch->release(batch); /* the sink owns the batch, on every path */
  return ferror(t->file) ? fail(error, ETL_IO_ERROR, "tsv_file: writing config.path failed") : ETL_OK;
}

/* Makes the rows durable, then replaces <path>.state (write, fsync, rename). Two steps, not
 * one transaction: a crash between them loads those rows again (at least once). */
static etl_status tsv_commit(void* instance, const char* state_json, int64_t* out_rows, etl_error* error) {
  tsv_file* t = instance;
  FILE* state;
  if (fflush(t->file) != 0 || fsync(fileno(t->file)) != 0) return fail(error, ETL_IO_ERROR, "tsv_file: fsync failed");
  if ((state = fopen(t->temporary, "w")) == NULL) return fail(error, ETL_IO_ERROR, "tsv_file: cannot write the state");
  fputs(state_json != NULL ? state_json : "", state);
  if (fflush(state) != 0 || fsync(fileno(state)) != 0 || fclose(state) != 0 || rename(t->temporary, t->state_path)) {
    return fail(error, ETL_IO_ERROR, "tsv_file: writing the state file failed");
  }
  fclose(t->file);
  t->file = NULL;
  *out_rows = t->rows;
  return ETL_OK;
}

/* One file, one entry: the state in <path>.state, whatever entry_id asks. */
static etl_status tsv_read_state(void* instance, const char* entry_id, const char** out, etl_error* error) {
  tsv_file* t = instance;
  FILE* state = fopen(t->state_path, "r");
  size_t n = state != NULL ? fread(t->state, 1, sizeof t->state - 1, state) : 0;
  (void)entry_id, (void)error;
  if (state != NULL) fclose(state);
  t->state[n] = '\0';
  *out = n > 0 ? t->state : NULL; /* NULL: never committed */
  return ETL_OK;
}

/* ---- The library ------------------------------------------------------------ */

static const etl_source_api sequence_api = {
    .struct_size = sizeof(etl_source_api), .create = sequence_create, .destroy = sequence_destroy,
    .check = always_reachable, .discover = sequence_discover, .read = sequence_read, .checkpoint = sequence_checkpoint,
};
static const etl_sink_api tsv_api = {
    .struct_size = sizeof(etl_sink_api), .create = tsv_create, .destroy = tsv_destroy, .check = always_reachable,
    .begin = tsv_begin, .write = tsv_write, .commit = tsv_commit, .abort = tsv_abort, .read_state = tsv_read_state,
};
static const etl_plugin_descriptor sequence_descriptor = {
    .struct_size = sizeof(etl_plugin_descriptor), .kind = ETL_KIND_SOURCE, .name = "sequence", .version = "1.0.0",
    .description = "Rows 1..count with a text column; resumes after the last row",
    .capabilities = ETL_CAP_INCREMENTAL | ETL_CAP_DISCOVER, .source = &sequence_api,
    .config_schema_json = "{\"type\": \"object\", \"required\": [\"count\"], \"additionalProperties\": false, "
                          "\"properties\": {\"count\": {\"type\": \"integer\", \"minimum\": 0}}}",
};
static const etl_plugin_descriptor tsv_descriptor = {
    .struct_size = sizeof(etl_plugin_descriptor), .kind = ETL_KIND_SINK, .name = "tsv_file", .version = "1.0.0",
    .description = "Appends int64 and utf8 rows to a tab-separated file", .capabilities = ETL_CAP_APPEND,
    .sink = &tsv_api,
    .config_schema_json = "{\"type\": \"object\", \"required\": [\"path\"], \"additionalProperties\": false, "
                          "\"properties\": {\"path\": {\"type\": \"string\", \"format\": \"path\"}}}",
};
static const etl_plugin_descriptor* const plugins[] = {&sequence_descriptor, &tsv_descriptor};
static const etl_plugin_library library = {sizeof library, ETL_PLUGIN_ABI_MAJOR, ETL_PLUGIN_ABI_MINOR, 2, plugins};

ETL_PLUGIN_EXPORT etl_status etl_plugin_entry(const etl_host_api* api, const etl_plugin_library** out,
                                              etl_error* error) {
  if (!ETL_HAS_FIELD(api, etl_host_api, free_string)) { /* a host older than ABI 1.1 */
    api->set_error(error, ETL_UNSUPPORTED, "short_c needs etl-runtime with plugin ABI 1.1 or later; upgrade it");
    return ETL_UNSUPPORTED;
  }
  host = api;
  *out = &library;
  return ETL_OK;
}
