/*
 * lying_source.c — fixture: a source that breaks the host's trust in one chosen way.
 *
 * Without options it is a CORRECT source named "liar" (a name for what its
 * options make it): config {"count": <integer >= 0>}; one stream "words" with
 * columns `n` (int64, 1..count) and `word` (utf8, "w1", "w2", ...), built by
 * hand as Arrow arrays (not with the host's batch builder, which would refuse
 * some of the lies); resume state {"next": k}, the next n. Honours batch_size
 * and max_records.
 *
 * Build:  cc -shared -fPIC -I SDK/include lying_source.c -o libetl_lying_source.so
 * Options (-D):
 *   LYING_SOURCE_NAME='"other"'  plugin name (default "liar")
 *   LIE_NO_CHECKPOINT            checkpoint returns ETL_OK and a NULL state
 *   LIE_UNPARSABLE_CHECKPOINT    checkpoint returns text that is not JSON
 *   LIE_JSON_NULL_CHECKPOINT     checkpoint returns the JSON text `null` (legal);
 *                                read then accepts only a NULL or "null" state
 *   LIE_INVALID_UTF8_AT=k        the last byte of the word of n == k is 0xFF (not UTF-8)
 *   LIE_DECREASING_OFFSET_AT=k   the offsets of n == k's word go backwards
 *   LIE_EXTRA_ROW                every batch has one row more than batch_size
 *   LIE_WORD_IS_POSITION         the `word` column is named "_etl_position" (the
 *                                reserved name), though no read asks for positions
 *   LIE_POSITIONS_CAPABILITY     declares ETL_CAP_POSITIONS but never appends the
 *                                position column a read asks for
 */
#include "etl_plugin.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef LYING_SOURCE_NAME
#define LYING_SOURCE_NAME "liar"
#endif

#ifdef LIE_WORD_IS_POSITION
#define LIAR_WORD_COLUMN ETL_POSITION_COLUMN
#else
#define LIAR_WORD_COLUMN "word"
#endif

#ifdef LIE_POSITIONS_CAPABILITY
#define LIAR_CAPABILITIES (ETL_CAP_INCREMENTAL | ETL_CAP_DISCOVER | ETL_CAP_POSITIONS)
#else
#define LIAR_CAPABILITIES (ETL_CAP_INCREMENTAL | ETL_CAP_DISCOVER)
#endif

typedef struct liar_instance {
  long long count;
  long long next;     /* next n the open stream returns */
  int64_t batch_size;
  int64_t rows_left;  /* -1: no max_records */
  int open;
  char state[64];
  char last_error[256];
} liar_instance;

static void liar_fail(etl_error* error, etl_status code, const char* message, const char* detail) {
  if (error == NULL) return;
  error->code = code;
  snprintf(error->message, sizeof error->message, "%s: %s%s", LYING_SOURCE_NAME, message, detail ? detail : "");
}

static int liar_parse(const char* json, const char* key, long long* out) {
  char format[64];
  int end = -1;
  snprintf(format, sizeof format, " { \"%s\" : %%lld } %%n", key);
  if (json == NULL || sscanf(json, format, out, &end) != 1 || end < 0 || json[end] != '\0') return 0;
  return *out >= 0;
}

/* ---- schemas: static names and formats, allocated nodes ---- */

static void liar_schema_release(struct ArrowSchema* schema) {
  int64_t i;
  for (i = 0; i < schema->n_children; i++) {
    if (schema->children[i]->release != NULL) schema->children[i]->release(schema->children[i]);
    free(schema->children[i]);
  }
  free(schema->children);
  schema->release = NULL;
}

static void liar_leaf(struct ArrowSchema* out, const char* format, const char* name, int64_t flags) {
  memset(out, 0, sizeof *out);
  out->format = format;
  out->name = name;
  out->flags = flags;
  out->release = liar_schema_release;
}

/* struct `name` { n: int64, word: utf8 }; 0 or ENOMEM (then `out` is left released). */
static int liar_stream_schema(struct ArrowSchema* out, const char* name) {
  liar_leaf(out, "+s", name, 0);
  out->children = calloc(2, sizeof *out->children);
  if (out->children == NULL) {
    out->release = NULL;
    return ENOMEM;
  }
  out->children[0] = calloc(1, sizeof **out->children);
  out->children[1] = calloc(1, sizeof **out->children);
  out->n_children = 2;
  if (out->children[0] == NULL || out->children[1] == NULL) {
    free(out->children[0]);
    free(out->children[1]);
    free(out->children);
    out->release = NULL;
    return ENOMEM;
  }
  liar_leaf(out->children[0], "l", "n", 0);
  liar_leaf(out->children[1], "u", LIAR_WORD_COLUMN, ARROW_FLAG_NULLABLE);
  return 0;
}

/* ---- batches: one block per batch; the root's release frees it all ---- */

typedef struct liar_batch {
  struct ArrowArray n_column;
  struct ArrowArray word_column;
  struct ArrowArray* children[2];
  const void* root_buffers[1];
  const void* n_buffers[2];
  const void* word_buffers[3];
  int64_t* values;
  int32_t* offsets;
  char* bytes;
} liar_batch;

static void liar_child_release(struct ArrowArray* array) { array->release = NULL; }

static void liar_batch_release(struct ArrowArray* array) {
  liar_batch* batch = array->private_data;
  int i;
  for (i = 0; i < 2; i++) {
    if (batch->children[i]->release != NULL) batch->children[i]->release(batch->children[i]);
  }
  free(batch->values);
  free(batch->offsets);
  free(batch->bytes);
  free(batch);
  array->release = NULL;
}

static void liar_column(struct ArrowArray* column, int64_t rows, int64_t n_buffers, const void** buffers) {
  memset(column, 0, sizeof *column);
  column->length = rows;
  column->n_buffers = n_buffers;
  column->buffers = buffers;
  column->release = liar_child_release;
}

/* Fills `out` with rows n = first .. first + rows - 1; 0 or ENOMEM. */
static int liar_batch_make(struct ArrowArray* out, long long first, int64_t rows) {
  liar_batch* batch = calloc(1, sizeof *batch);
  int64_t i;
  int32_t used = 0;
  if (batch == NULL) return ENOMEM;
  batch->values = malloc((size_t)rows * sizeof *batch->values);
  batch->offsets = malloc((size_t)(rows + 1) * sizeof *batch->offsets);
  batch->bytes = malloc((size_t)rows * 24 + 1);
  if (batch->values == NULL || batch->offsets == NULL || batch->bytes == NULL) {
    free(batch->values);
    free(batch->offsets);
    free(batch->bytes);
    free(batch);
    return ENOMEM;
  }
  batch->offsets[0] = 0;
  for (i = 0; i < rows; i++) {
    long long n = first + i;
    batch->values[i] = n;
    used += snprintf(batch->bytes + used, 24, "w%lld", n);
#ifdef LIE_INVALID_UTF8_AT
    if (n == LIE_INVALID_UTF8_AT) batch->bytes[used - 1] = (char)0xFF; /* "w1\xFF" instead of "w13" */
#endif
    batch->offsets[i + 1] = used;
#ifdef LIE_DECREASING_OFFSET_AT
    if (n == LIE_DECREASING_OFFSET_AT) batch->offsets[i + 1] = batch->offsets[i] - 1;
#endif
  }
  batch->root_buffers[0] = NULL;
  batch->n_buffers[0] = NULL;
  batch->n_buffers[1] = batch->values;
  batch->word_buffers[0] = NULL;
  batch->word_buffers[1] = batch->offsets;
  batch->word_buffers[2] = batch->bytes;
  liar_column(&batch->n_column, rows, 2, batch->n_buffers);
  liar_column(&batch->word_column, rows, 3, batch->word_buffers);
  batch->children[0] = &batch->n_column;
  batch->children[1] = &batch->word_column;
  memset(out, 0, sizeof *out);
  out->length = rows;
  out->n_buffers = 1;
  out->buffers = batch->root_buffers;
  out->n_children = 2;
  out->children = batch->children;
  out->release = liar_batch_release;
  out->private_data = batch;
  return 0;
}

/* ---- the stream ---- */

static int liar_get_schema(struct ArrowArrayStream* stream, struct ArrowSchema* out) {
  (void)stream;
  return liar_stream_schema(out, "words");
}

static int liar_get_next(struct ArrowArrayStream* stream, struct ArrowArray* out) {
  liar_instance* l = stream->private_data;
  int64_t rows = l->batch_size;
  memset(out, 0, sizeof *out);
#ifdef LIE_EXTRA_ROW
  rows += 1;
#endif
  if (l->rows_left >= 0 && rows > l->rows_left) rows = l->rows_left;
  if (rows > l->count - l->next + 1) rows = l->count - l->next + 1;
  if (rows <= 0) return 0; /* out->release == NULL: the end */
  if (liar_batch_make(out, l->next, rows) != 0) {
    snprintf(l->last_error, sizeof l->last_error, "%s: out of memory", LYING_SOURCE_NAME);
    return ENOMEM;
  }
  l->next += rows;
  if (l->rows_left > 0) l->rows_left -= rows;
  snprintf(l->state, sizeof l->state, "{\"next\": %lld}", l->next);
  return 0;
}

static const char* liar_get_last_error(struct ArrowArrayStream* stream) {
  liar_instance* l = stream->private_data;
  return l->last_error[0] ? l->last_error : NULL;
}

static void liar_stream_release(struct ArrowArrayStream* stream) {
  liar_instance* l = stream->private_data;
  l->open = 0;
  stream->release = NULL;
}

/* ---- the source API ---- */

static etl_status liar_create(const etl_host_api* host, etl_host_instance* host_instance, const char* config_json,
                              void** out_instance, etl_error* error) {
  long long count = 0;
  liar_instance* l;
  (void)host;
  (void)host_instance;
  if (!liar_parse(config_json, "count", &count)) {
    liar_fail(error, ETL_INVALID_CONFIG, "config must be {\"count\": <integer >= 0>}, got: ", config_json);
    return ETL_INVALID_CONFIG;
  }
  l = calloc(1, sizeof *l);
  if (l == NULL) {
    liar_fail(error, ETL_INTERNAL, "out of memory", NULL);
    return ETL_INTERNAL;
  }
  l->count = count;
  *out_instance = l;
  return ETL_OK;
}

static void liar_destroy(void* instance) { free(instance); }

static etl_status liar_check(void* instance, etl_error* error) {
  (void)instance;
  (void)error;
  return ETL_OK;
}

static etl_status liar_discover(void* instance, struct ArrowSchema* out, etl_error* error) {
  (void)instance;
  liar_leaf(out, "+s", "", 0);
  out->children = calloc(1, sizeof *out->children);
  if (out->children != NULL) out->children[0] = calloc(1, sizeof **out->children);
  if (out->children == NULL || out->children[0] == NULL) {
    free(out->children);
    out->release = NULL;
    liar_fail(error, ETL_INTERNAL, "out of memory", NULL);
    return ETL_INTERNAL;
  }
  out->n_children = 1;
  if (liar_stream_schema(out->children[0], "words") != 0) {
    out->release(out);
    liar_fail(error, ETL_INTERNAL, "out of memory", NULL);
    return ETL_INTERNAL;
  }
  return ETL_OK;
}

static etl_status liar_read(void* instance, const etl_read_request* request, struct ArrowArrayStream* out,
                            etl_error* error) {
  liar_instance* l = instance;
  long long next = 1;
  if (strcmp(request->stream, "words") != 0) {
    liar_fail(error, ETL_INVALID_CONFIG, "no such stream; this source has one stream, \"words\"", NULL);
    return ETL_INVALID_CONFIG;
  }
#ifdef LIE_JSON_NULL_CHECKPOINT
  /* The host must hand back exactly what checkpoint said: the JSON null, never a NULL pointer once stored. */
  if (request->state_json != NULL && strcmp(request->state_json, "null") != 0) {
    liar_fail(error, ETL_INVALID_CONFIG, "state must be NULL or null, got: ", request->state_json);
    return ETL_INVALID_CONFIG;
  }
#else
  if (request->state_json != NULL && (!liar_parse(request->state_json, "next", &next) || next < 1)) {
    liar_fail(error, ETL_INVALID_CONFIG, "state must be {\"next\": <integer >= 1>}, got: ", request->state_json);
    return ETL_INVALID_CONFIG;
  }
#endif
  if (l->open) {
    liar_fail(error, ETL_INTERNAL, "a stream is already open on this instance", NULL);
    return ETL_INTERNAL;
  }
  l->open = 1;
  l->next = next;
  l->batch_size = request->batch_size > 0 ? request->batch_size : 1;
  l->rows_left = request->max_records > 0 ? request->max_records : -1;
  l->last_error[0] = '\0';
  snprintf(l->state, sizeof l->state, "{\"next\": %lld}", l->next);
  memset(out, 0, sizeof *out);
  out->get_schema = liar_get_schema;
  out->get_next = liar_get_next;
  out->get_last_error = liar_get_last_error;
  out->release = liar_stream_release;
  out->private_data = l;
  return ETL_OK;
}

static etl_status liar_checkpoint(void* instance, const char** out_state_json, etl_error* error) {
  liar_instance* l = instance;
  (void)error;
#if defined(LIE_NO_CHECKPOINT)
  (void)l;
  *out_state_json = NULL;
#elif defined(LIE_UNPARSABLE_CHECKPOINT)
  (void)l;
  *out_state_json = "{\"next\": ";
#elif defined(LIE_JSON_NULL_CHECKPOINT)
  (void)l;
  *out_state_json = "null";
#else
  *out_state_json = l->state;
#endif
  return ETL_OK;
}

static const etl_source_api liar_api = {
    .struct_size = sizeof(etl_source_api),
    .create = liar_create,
    .destroy = liar_destroy,
    .check = liar_check,
    .discover = liar_discover,
    .read = liar_read,
    .checkpoint = liar_checkpoint,
};

static const etl_plugin_descriptor liar_descriptor = {
    .struct_size = sizeof(etl_plugin_descriptor),
    .kind = ETL_KIND_SOURCE,
    .name = LYING_SOURCE_NAME,
    .version = "1.0.0",
    .description = "Test fixture: numbered words, with one chosen lie",
    .capabilities = LIAR_CAPABILITIES,
    .config_schema_json = "{\"type\": \"object\", \"properties\": {\"count\": {\"type\": \"integer\", \"minimum\": 0}}, "
        "\"required\": [\"count\"], \"additionalProperties\": false}",
    .source = &liar_api,
};

static const etl_plugin_descriptor* const liar_plugins[] = {&liar_descriptor};

static const etl_plugin_library liar_library = {
    sizeof(etl_plugin_library), ETL_PLUGIN_ABI_MAJOR, ETL_PLUGIN_ABI_MINOR, 1, liar_plugins,
};

ETL_PLUGIN_EXPORT etl_status etl_plugin_entry(const etl_host_api* host, const etl_plugin_library** out_library,
                                              etl_error* error) {
  (void)host;
  (void)error;
  *out_library = &liar_library;
  return ETL_OK;
}
