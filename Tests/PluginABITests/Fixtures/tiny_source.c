/*
 * tiny_source.c — fixture: a minimal CORRECT source plugin.
 *
 * What it is for: tests that need a well-behaved plugin that is not the SDK
 * example (loading, list-plugins, engine runs, incremental resume). It must
 * load without any refusal, as one plugin: name "tiny", kind source, version
 * 1.0.0, ABI 1.0, capabilities INCREMENTAL | DISCOVER.
 *
 * Build:  cc -shared -fPIC -I SDK/include tiny_source.c -o libetl_tiny_source.so
 * Options (-D):
 *   TINY_SOURCE_NAME='"other"'   plugin name (default "tiny"); duplicate_name.c uses it
 *   TINY_SOURCE_ABI_MINOR=9      claim a newer ABI minor (1.9): a 1.0 host must still load it
 *   TINY_CRASH_AFTER_FIRST_BATCH  get_next dies with SIGSEGV once a batch was yielded
 *                                (for the runtime's worker-process isolation tests)
 *
 * Plugin "tiny": config {"count": <integer >= 0>}; one stream "numbers" with
 * one non-nullable column `n` int64 holding 1, 2, ..., count. Resume state
 * {"next": k}: the next value of n (1 when starting afresh). Honours
 * batch_size, max_records and is_cancelled. Built against ABI 1.3 or later, it
 * reports progress after each batch (done n-1 of count) when the host's table
 * holds report_progress; built against an older header, it never does. Config
 * errors read:
 *   tiny: config must be {"count": <integer >= 0>}, got: <the config text>
 */
#include "etl_plugin.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef TINY_SOURCE_NAME
#define TINY_SOURCE_NAME "tiny"
#endif
#ifndef TINY_SOURCE_ABI_MINOR
#define TINY_SOURCE_ABI_MINOR ETL_PLUGIN_ABI_MINOR
#endif

static void tiny_fail(etl_error* error, etl_status code, const char* message, const char* detail) {
  if (error == NULL) return;
  error->code = code;
  snprintf(error->message, sizeof error->message, "%s: %s%s", TINY_SOURCE_NAME, message, detail ? detail : "");
}

/* Reads `{"count": N}` (any whitespace) or `{"next": N}` into *out; anything else is refused. */
static int tiny_parse(const char* json, const char* key, long long* out) {
  char format[64];
  int end = -1;
  snprintf(format, sizeof format, " { \"%s\" : %%lld } %%n", key);
  if (json == NULL || sscanf(json, format, out, &end) != 1 || end < 0 || json[end] != '\0') return 0;
  return *out >= 0;
}

typedef struct tiny_instance {
  const etl_host_api* host;          /* [host-owned] */
  etl_host_instance* host_instance;  /* [host-owned] */
  long long count;
  long long next;                    /* next n the open stream returns */
  int64_t batch_size;
  int64_t rows_left;                 /* -1: no max_records */
  etl_batch_builder* builder;        /* [owned through the host] while a stream is open */
  char state[64];                    /* the checkpoint */
  char last_error[ETL_ERROR_MESSAGE_CAPACITY];
} tiny_instance;

/* ---- schemas: names and formats are static, only the nodes are allocated ---- */

static void tiny_schema_release(struct ArrowSchema* schema) {
  int64_t i;
  for (i = 0; i < schema->n_children; i++) {
    if (schema->children[i]->release != NULL) schema->children[i]->release(schema->children[i]);
    free(schema->children[i]);
  }
  free(schema->children);
  schema->release = NULL;
}

/* On failure `out` is left released (release == NULL), nothing leaked. */
static int tiny_schema(struct ArrowSchema* out, const char* format, const char* name, int64_t flags, int n_children) {
  int i;
  memset(out, 0, sizeof *out);
  out->format = format;
  out->name = name;
  out->flags = flags;
  out->release = tiny_schema_release;
  if (n_children == 0) return 0;
  out->children = calloc((size_t)n_children, sizeof *out->children);
  if (out->children == NULL) {
    out->release = NULL;
    return ENOMEM;
  }
  for (i = 0; i < n_children; i++) {
    out->children[i] = calloc(1, sizeof **out->children);
    if (out->children[i] == NULL) {
      tiny_schema_release(out);
      return ENOMEM;
    }
    out->n_children = i + 1;
  }
  return 0;
}

/* struct "numbers" { n: int64 }; on failure `out` is left released. */
static int tiny_stream_schema(struct ArrowSchema* out) {
  if (tiny_schema(out, "+s", "numbers", 0, 1) != 0) return ENOMEM;
  if (tiny_schema(out->children[0], "l", "n", 0, 0) != 0) {
    out->release(out);
    return ENOMEM;
  }
  return 0;
}

/* ---- the stream ---- */

static int tiny_get_schema(struct ArrowArrayStream* stream, struct ArrowSchema* out) {
  (void)stream;
  return tiny_stream_schema(out);
}

static int tiny_get_next(struct ArrowArrayStream* stream, struct ArrowArray* out) {
  tiny_instance* t = stream->private_data;
  int64_t rows = 0;
  etl_error error;
  memset(out, 0, sizeof *out);
  if (t->host->is_cancelled(t->host_instance)) {
    snprintf(t->last_error, sizeof t->last_error, "%s: cancelled by the host", TINY_SOURCE_NAME);
    return ECANCELED;
  }
#ifdef TINY_CRASH_AFTER_FIRST_BATCH
  if (t->next > 1) {
    volatile int* nowhere = NULL;
    *nowhere = 1; /* a volatile NULL store: SIGSEGV at every -O level */
  }
#endif
  while (rows < t->batch_size && t->rows_left != 0 && t->next <= t->count) {
    if (t->host->append_int64(t->builder, 0, (int64_t)t->next) != ETL_OK) {
      snprintf(t->last_error, sizeof t->last_error, "%s: %s", TINY_SOURCE_NAME, t->host->batch_last_error(t->builder));
      return EPROTO;
    }
    t->next++;
    rows++;
    if (t->rows_left > 0) t->rows_left--;
  }
  if (rows == 0) return 0; /* out->release == NULL: the end */
  memset(&error, 0, sizeof error);
  error.struct_size = sizeof error;
  if (t->host->batch_finish(t->builder, out, &error) != ETL_OK) {
    snprintf(t->last_error, sizeof t->last_error, "%s", error.message);
    return EPROTO;
  }
  snprintf(t->state, sizeof t->state, "{\"next\": %lld}", t->next);
#ifdef ETL_HOST_API_SIZE_1_3
  /* ABI 1.3: how far the read has come, in values of n. Only a host whose table holds the
   * function has it: a 1.2 host's table ends before it. */
  if (ETL_HAS_FIELD(t->host, etl_host_api, report_progress)) {
    t->host->report_progress(t->host_instance, (int64_t)(t->next - 1), (int64_t)t->count);
  }
#endif
  return 0;
}

static const char* tiny_get_last_error(struct ArrowArrayStream* stream) {
  tiny_instance* t = stream->private_data;
  return t->last_error[0] ? t->last_error : NULL;
}

static void tiny_stream_release(struct ArrowArrayStream* stream) {
  tiny_instance* t = stream->private_data;
  t->host->batch_free(t->builder);
  t->builder = NULL;
  stream->release = NULL;
}

/* ---- the source API ---- */

static etl_status tiny_create(const etl_host_api* host, etl_host_instance* host_instance, const char* config_json,
                              void** out_instance, etl_error* error) {
  long long count = 0;
  tiny_instance* t;
  if (!tiny_parse(config_json, "count", &count)) {
    tiny_fail(error, ETL_INVALID_CONFIG, "config must be {\"count\": <integer >= 0>}, got: ",
              config_json ? config_json : "(null)");
    return ETL_INVALID_CONFIG;
  }
  t = calloc(1, sizeof *t);
  if (t == NULL) {
    tiny_fail(error, ETL_INTERNAL, "out of memory", NULL);
    return ETL_INTERNAL;
  }
  t->host = host;
  t->host_instance = host_instance;
  t->count = count;
  *out_instance = t;
  return ETL_OK;
}

static void tiny_destroy(void* instance) { free(instance); }

static etl_status tiny_check(void* instance, etl_error* error) {
  (void)instance;
  (void)error;
  return ETL_OK;
}

static etl_status tiny_discover(void* instance, struct ArrowSchema* out, etl_error* error) {
  (void)instance;
  if (tiny_schema(out, "+s", "", 0, 1) != 0) {
    tiny_fail(error, ETL_INTERNAL, "out of memory", NULL);
    return ETL_INTERNAL;
  }
  if (tiny_stream_schema(out->children[0]) != 0) {
    out->release(out);
    tiny_fail(error, ETL_INTERNAL, "out of memory", NULL);
    return ETL_INTERNAL;
  }
  return ETL_OK;
}

static etl_status tiny_read(void* instance, const etl_read_request* request, struct ArrowArrayStream* out,
                            etl_error* error) {
  tiny_instance* t = instance;
  struct ArrowSchema schema;
  long long next = 1;
  etl_status status;
  if (strcmp(request->stream, "numbers") != 0) {
    if (error != NULL) {
      error->code = ETL_INVALID_CONFIG;
      snprintf(error->message, sizeof error->message,
               "%s: stream \"%.200s\" does not exist; this source has one stream, \"numbers\"", TINY_SOURCE_NAME,
               request->stream);
    }
    return ETL_INVALID_CONFIG;
  }
  if (request->state_json != NULL && (!tiny_parse(request->state_json, "next", &next) || next < 1)) {
    tiny_fail(error, ETL_INVALID_CONFIG, "state must be {\"next\": <integer >= 1>}, got: ", request->state_json);
    return ETL_INVALID_CONFIG;
  }
  if (t->builder != NULL) {
    tiny_fail(error, ETL_INTERNAL, "a stream is already open on this instance", NULL);
    return ETL_INTERNAL;
  }
  if (tiny_stream_schema(&schema) != 0) {
    tiny_fail(error, ETL_INTERNAL, "out of memory", NULL);
    return ETL_INTERNAL;
  }
  status = t->host->batch_begin(&schema, request->batch_size, &t->builder, error);
  schema.release(&schema);
  if (status != ETL_OK) return status;
  t->next = next;
  t->batch_size = request->batch_size > 0 ? request->batch_size : 1;
  t->rows_left = request->max_records > 0 ? request->max_records : -1;
  t->last_error[0] = '\0';
  snprintf(t->state, sizeof t->state, "{\"next\": %lld}", t->next);
  memset(out, 0, sizeof *out);
  out->get_schema = tiny_get_schema;
  out->get_next = tiny_get_next;
  out->get_last_error = tiny_get_last_error;
  out->release = tiny_stream_release;
  out->private_data = t;
  return ETL_OK;
}

static etl_status tiny_checkpoint(void* instance, const char** out_state_json, etl_error* error) {
  tiny_instance* t = instance;
  if (t->state[0] == '\0') {
    tiny_fail(error, ETL_INTERNAL, "checkpoint called before read", NULL);
    return ETL_INTERNAL;
  }
  *out_state_json = t->state;
  return ETL_OK;
}

/* Designated initializers: the file builds against every 1.x header (abi_1_0_source.c
 * builds it against 1.0), and fields a later minor appends stay zero (NULL). */
static const etl_source_api tiny_api = {
    .struct_size = sizeof(etl_source_api),
    .create = tiny_create,
    .destroy = tiny_destroy,
    .check = tiny_check,
    .discover = tiny_discover,
    .read = tiny_read,
    .checkpoint = tiny_checkpoint,
};

static const etl_plugin_descriptor tiny_descriptor = {
    .struct_size = sizeof(etl_plugin_descriptor),
    .kind = ETL_KIND_SOURCE,
    .name = TINY_SOURCE_NAME,
    .version = "1.0.0",
    .description = "Test fixture: the numbers 1..count",
    .capabilities = ETL_CAP_INCREMENTAL | ETL_CAP_DISCOVER,
    .config_schema_json =
        "{\"type\": \"object\", \"properties\": {\"count\": {\"type\": \"integer\", \"minimum\": 0}}, "
        "\"required\": [\"count\"], \"additionalProperties\": false}",
    .source = &tiny_api,
};

static const etl_plugin_descriptor* const tiny_plugins[] = {&tiny_descriptor};

static const etl_plugin_library tiny_library = {
    sizeof(etl_plugin_library), ETL_PLUGIN_ABI_MAJOR, TINY_SOURCE_ABI_MINOR, 1, tiny_plugins,
};

ETL_PLUGIN_EXPORT etl_status etl_plugin_entry(const etl_host_api* host, const etl_plugin_library** out_library,
                                              etl_error* error) {
  (void)host;
  (void)error;
  *out_library = &tiny_library;
  return ETL_OK;
}
