/*
 * lying_sink.c — fixture: a sink that breaks the host's trust in one chosen way.
 *
 * Without options it is a CORRECT sink named "keeper": it keeps nothing but
 * counts, accepts every write mode, reports the rows it was sent from commit,
 * and remembers the last committed state per process (read_state hands it
 * back; a new worker process starts with none).
 *
 * Build:  cc -shared -fPIC -I SDK/include lying_sink.c -o libetl_lying_sink.so
 * Options (-D):
 *   LYING_SINK_NAME='"other"'  plugin name (default "keeper")
 *   LIE_EXTRA_ROWS=N            commit reports N rows more than it was sent
 *                               (the host must fail the entry, naming both numbers)
 *   DOUBLE_RELEASE_BATCH        write releases the batch twice, through a copy of
 *                               the struct (the host must name this sink, not
 *                               itself, when the process dies of it)
 *   RELEASE_LOAD_SCHEMA         begin releases a copy of the load's schema, which
 *                               the host owns (same expectation)
 */
#include "etl_plugin.h"

#include <stdio.h>
#include <string.h>

#ifndef LYING_SINK_NAME
#define LYING_SINK_NAME "keeper"
#endif
#ifndef LIE_EXTRA_ROWS
#define LIE_EXTRA_ROWS 0
#endif

typedef struct keeper_instance {
  int open;
  int64_t rows;
  int has_state;
  char state[1024];
} keeper_instance;

/* One instance at a time is all the tests need; a static one keeps the fixture free of malloc. */
static keeper_instance keeper_the_instance;

static etl_status keeper_create(const etl_host_api* host, etl_host_instance* host_instance, const char* config_json,
                                void** out_instance, etl_error* error) {
  (void)host;
  (void)host_instance;
  (void)config_json;
  (void)error;
  *out_instance = &keeper_the_instance;
  return ETL_OK;
}

static void keeper_destroy(void* instance) { (void)instance; }

static etl_status keeper_check(void* instance, etl_error* error) {
  (void)instance;
  (void)error;
  return ETL_OK;
}

static etl_status keeper_begin(void* instance, const etl_load_request* request, etl_error* error) {
  keeper_instance* k = instance;
  (void)error;
#ifdef RELEASE_LOAD_SCHEMA
  {
    /* Wrong: the host owns request->schema. Releasing a copy frees its memory under the host. */
    struct ArrowSchema copy = *request->schema;
    copy.release(&copy);
  }
#else
  (void)request;
#endif
  k->open = 1;
  k->rows = 0;
  return ETL_OK;
}

static etl_status keeper_write(void* instance, struct ArrowArray* batch, etl_error* error) {
  keeper_instance* k = instance;
  (void)error;
  k->rows += batch->length;
#ifdef DOUBLE_RELEASE_BATCH
  {
    /* Wrong: a copy made before the release still points at the freed buffers. */
    struct ArrowArray copy = *batch;
    batch->release(batch);
    copy.release(&copy);
  }
#else
  batch->release(batch);
#endif
  return ETL_OK;
}

static etl_status keeper_commit(void* instance, const char* state_json, int64_t* out_rows_committed,
                                etl_error* error) {
  keeper_instance* k = instance;
  if (state_json != NULL && strlen(state_json) >= sizeof k->state) {
    error->code = ETL_INTERNAL;
    snprintf(error->message, sizeof error->message, "%s: state too long for this fixture", LYING_SINK_NAME);
    return ETL_INTERNAL;
  }
  k->has_state = state_json != NULL;
  if (state_json != NULL) snprintf(k->state, sizeof k->state, "%s", state_json);
  *out_rows_committed = k->rows + LIE_EXTRA_ROWS;
  k->open = 0;
  return ETL_OK;
}

static etl_status keeper_abort(void* instance, etl_error* error) {
  keeper_instance* k = instance;
  (void)error;
  k->open = 0;
  return ETL_OK;
}

static etl_status keeper_read_state(void* instance, const char* entry_id, const char** out_state_json,
                                    etl_error* error) {
  keeper_instance* k = instance;
  (void)entry_id;
  (void)error;
  *out_state_json = k->has_state ? k->state : NULL;
  return ETL_OK;
}

static const etl_sink_api keeper_api = {
    .struct_size = sizeof(etl_sink_api),
    .create = keeper_create,
    .destroy = keeper_destroy,
    .check = keeper_check,
    .begin = keeper_begin,
    .write = keeper_write,
    .commit = keeper_commit,
    .abort = keeper_abort,
    .read_state = keeper_read_state,
};

static const etl_plugin_descriptor keeper_descriptor = {
    .struct_size = sizeof(etl_plugin_descriptor),
    .kind = ETL_KIND_SINK,
    .name = LYING_SINK_NAME,
    .version = "1.0.0",
    .description = "Test fixture: a sink that counts rows (and may lie about them)",
    .capabilities = ETL_CAP_APPEND | ETL_CAP_REPLACE | ETL_CAP_MERGE | ETL_CAP_TRANSACTIONAL,
    .config_schema_json = "{\"type\": \"object\", \"additionalProperties\": false}",
    .sink = &keeper_api,
};

static const etl_plugin_descriptor* const keeper_plugins[] = {&keeper_descriptor};

static const etl_plugin_library keeper_library = {
    sizeof(etl_plugin_library), ETL_PLUGIN_ABI_MAJOR, ETL_PLUGIN_ABI_MINOR, 1, keeper_plugins,
};

ETL_PLUGIN_EXPORT etl_status etl_plugin_entry(const etl_host_api* host, const etl_plugin_library** out_library,
                                              etl_error* error) {
  (void)host;
  (void)error;
  *out_library = &keeper_library;
  return ETL_OK;
}
