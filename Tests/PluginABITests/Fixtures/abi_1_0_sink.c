/*
 * abi_1_0_sink.c — fixture: a minimal CORRECT sink built against the ABI 1.0
 * header as shipped (SDK/abi/1.0/etl_plugin.h).
 *
 * What it is for: proving that a sink built for ABI 1.0 (etl_sink_api of 80
 * bytes on LP64, no create_with_descriptor) keeps loading and running in a
 * host of a later 1.x.
 *
 * Build:  cc -shared -fPIC abi_1_0_sink.c -o libetl_abi10_sink.so
 *
 * Plugin "counting_sink": config {} (anything is accepted); capabilities
 * APPEND | TRANSACTIONAL. Keeps nothing but counts: commit reports the rows
 * written since begin, and remembers the state it was given for read_state
 * (in memory, per instance).
 */
#include "../../../SDK/abi/1.0/etl_plugin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef char abi_1_0_sink_is_built_for_abi_1_0[ETL_PLUGIN_ABI_MINOR == 0 ? 1 : -1];

typedef struct counting_sink {
  int open;           /* a load is open */
  int64_t rows;       /* rows written since begin */
  char state[256];    /* the last committed state; "" = none */
  int has_state;
} counting_sink;

static etl_status counting_fail(etl_error* error, etl_status code, const char* message) {
  if (error != NULL) {
    error->code = code;
    snprintf(error->message, sizeof error->message, "counting_sink: %s", message);
  }
  return code;
}

static etl_status counting_create(const etl_host_api* host, etl_host_instance* host_instance,
                                  const char* config_json, void** out_instance, etl_error* error) {
  (void)host;
  (void)host_instance;
  (void)config_json;
  *out_instance = calloc(1, sizeof(counting_sink));
  return *out_instance != NULL ? ETL_OK : counting_fail(error, ETL_INTERNAL, "out of memory");
}

static void counting_destroy(void* instance) { free(instance); }

static etl_status counting_check(void* instance, etl_error* error) {
  (void)instance;
  (void)error;
  return ETL_OK;
}

static etl_status counting_begin(void* instance, const etl_load_request* request, etl_error* error) {
  counting_sink* sink = instance;
  (void)request;
  if (sink->open) return counting_fail(error, ETL_INTERNAL, "begin while a load is open");
  sink->open = 1;
  sink->rows = 0;
  return ETL_OK;
}

static etl_status counting_write(void* instance, struct ArrowArray* batch, etl_error* error) {
  counting_sink* sink = instance;
  int64_t length = batch->length;
  batch->release(batch);
  if (!sink->open) return counting_fail(error, ETL_INTERNAL, "write without begin");
  sink->rows += length;
  return ETL_OK;
}

static etl_status counting_commit(void* instance, const char* state_json, int64_t* out_rows, etl_error* error) {
  counting_sink* sink = instance;
  if (!sink->open) return counting_fail(error, ETL_INTERNAL, "commit without begin");
  if (state_json != NULL && strlen(state_json) >= sizeof sink->state) {
    return counting_fail(error, ETL_INTERNAL, "state too long for this fixture");
  }
  sink->has_state = state_json != NULL;
  snprintf(sink->state, sizeof sink->state, "%s", state_json != NULL ? state_json : "");
  *out_rows = sink->rows;
  sink->open = 0;
  return ETL_OK;
}

static etl_status counting_abort(void* instance, etl_error* error) {
  (void)error;
  ((counting_sink*)instance)->open = 0;
  return ETL_OK;
}

static etl_status counting_read_state(void* instance, const char* entry_id, const char** out_state,
                                      etl_error* error) {
  counting_sink* sink = instance;
  (void)entry_id;
  (void)error;
  *out_state = sink->has_state ? sink->state : NULL;
  return ETL_OK;
}

static const etl_sink_api counting_api = {
    sizeof(etl_sink_api), counting_create, counting_destroy, counting_check, counting_begin,
    counting_write,       counting_commit, counting_abort,   counting_read_state, NULL,
};

static const etl_plugin_descriptor counting_descriptor = {
    sizeof(etl_plugin_descriptor),
    ETL_KIND_SINK,
    "counting_sink",
    "1.0.0",
    "Test fixture: counts the rows it is given (built against ABI 1.0)",
    ETL_CAP_APPEND | ETL_CAP_TRANSACTIONAL,
    "{\"type\": \"object\"}",
    NULL,
    &counting_api,
};

static const etl_plugin_descriptor* const counting_plugins[] = {&counting_descriptor};

static const etl_plugin_library counting_library = {
    sizeof(etl_plugin_library), ETL_PLUGIN_ABI_MAJOR, ETL_PLUGIN_ABI_MINOR, 1, counting_plugins,
};

ETL_PLUGIN_EXPORT etl_status etl_plugin_entry(const etl_host_api* host, const etl_plugin_library** out_library,
                                              etl_error* error) {
  (void)host;
  (void)error;
  *out_library = &counting_library;
  return ETL_OK;
}
