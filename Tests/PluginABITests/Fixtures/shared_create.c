/*
 * shared_create.c — fixture: three source plugins ("alpha", "beta", "gamma")
 * served by ONE etl_source_api whose `create` is NULL and whose ABI 1.1
 * create_with_descriptor tells them apart by descriptor->user_data.
 *
 * What it is for: proving that the host hands create_with_descriptor the
 * descriptor it found the table through, so a library may hold any number of
 * plugin types behind shared functions.
 *
 * Build:  cc -shared -fPIC -I SDK/include shared_create.c -o libetl_shared_create.so
 *
 * Each plugin: config {} (anything); discover returns one stream, named by its
 * descriptor's user_data ("alpha_stream", ...), with no columns. check fails
 * with ETL_IO_ERROR "shared_create: <name> is never reachable" so that tests
 * can tell which instance they hold. read is ETL_UNSUPPORTED.
 */
#include "etl_plugin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct shared_instance {
  const etl_plugin_descriptor* descriptor; /* [plugin-owned, static] */
} shared_instance;

static etl_status shared_create(const etl_plugin_descriptor* descriptor, const etl_host_api* host,
                                etl_host_instance* host_instance, const char* config_json, void** out_instance,
                                etl_error* error) {
  shared_instance* instance;
  (void)host;
  (void)host_instance;
  (void)config_json;
  if (descriptor == NULL || !ETL_HAS_FIELD(descriptor, etl_plugin_descriptor, user_data) ||
      descriptor->user_data == NULL) {
    error->code = ETL_INTERNAL;
    snprintf(error->message, sizeof error->message, "shared_create: create_with_descriptor got no usable descriptor");
    return ETL_INTERNAL;
  }
  instance = calloc(1, sizeof *instance);
  if (instance == NULL) return ETL_INTERNAL;
  instance->descriptor = descriptor;
  *out_instance = instance;
  return ETL_OK;
}

static void shared_destroy(void* instance) { free(instance); }

static etl_status shared_check(void* opaque, etl_error* error) {
  shared_instance* instance = opaque;
  error->code = ETL_IO_ERROR;
  snprintf(error->message, sizeof error->message, "shared_create: %s is never reachable", instance->descriptor->name);
  return ETL_IO_ERROR;
}

static void shared_schema_release(struct ArrowSchema* schema) {
  if (schema->n_children > 0) {
    schema->children[0]->release(schema->children[0]);
    free(schema->children[0]);
    free(schema->children);
  }
  schema->release = NULL;
}

static etl_status shared_discover(void* opaque, struct ArrowSchema* out, etl_error* error) {
  shared_instance* instance = opaque;
  struct ArrowSchema* stream = calloc(1, sizeof *stream);
  struct ArrowSchema** children = calloc(1, sizeof *children);
  if (stream == NULL || children == NULL) {
    free(stream);
    free(children);
    error->code = ETL_INTERNAL;
    return ETL_INTERNAL;
  }
  stream->format = "+s";
  stream->name = (const char*)instance->descriptor->user_data;
  stream->release = shared_schema_release;
  children[0] = stream;
  memset(out, 0, sizeof *out);
  out->format = "+s";
  out->name = "";
  out->n_children = 1;
  out->children = children;
  out->release = shared_schema_release;
  return ETL_OK;
}

static etl_status shared_read(void* instance, const etl_read_request* request, struct ArrowArrayStream* out,
                              etl_error* error) {
  (void)instance;
  (void)request;
  (void)out;
  error->code = ETL_UNSUPPORTED;
  snprintf(error->message, sizeof error->message, "shared_create: reading is not part of this fixture");
  return ETL_UNSUPPORTED;
}

static etl_status shared_checkpoint(void* instance, const char** out_state, etl_error* error) {
  (void)instance;
  (void)error;
  *out_state = NULL;
  return ETL_OK;
}

/* Designated initializers: fields a later ABI minor appends stay NULL (abi_1_1_source.c builds
 * this file against the 1.1 header, the tests against the current one). */
static const etl_source_api shared_api = {
    .struct_size = sizeof(etl_source_api),
    .create = NULL,
    .destroy = shared_destroy,
    .check = shared_check,
    .discover = shared_discover,
    .read = shared_read,
    .checkpoint = shared_checkpoint,
    .create_with_descriptor = shared_create,
};

#define SHARED_DESCRIPTOR(plugin_name, stream_name)                                                                \
  {                                                                                                               \
    .struct_size = sizeof(etl_plugin_descriptor), .kind = ETL_KIND_SOURCE, .name = plugin_name,                    \
    .version = "1.1.0", .description = "Test fixture: shared create", .capabilities = ETL_CAP_DISCOVER,           \
    .config_schema_json = "{\"type\": \"object\"}", .source = &shared_api, .sink = NULL,                           \
    .user_data = (void*)stream_name                                                                                 \
  }

static const etl_plugin_descriptor shared_alpha = SHARED_DESCRIPTOR("alpha", "alpha_stream");
static const etl_plugin_descriptor shared_beta = SHARED_DESCRIPTOR("beta", "beta_stream");
static const etl_plugin_descriptor shared_gamma = SHARED_DESCRIPTOR("gamma", "gamma_stream");

static const etl_plugin_descriptor* const shared_plugins[] = {&shared_alpha, &shared_beta, &shared_gamma};

static const etl_plugin_library shared_library = {
    .struct_size = sizeof(etl_plugin_library),
    .abi_major = ETL_PLUGIN_ABI_MAJOR,
    .abi_minor = ETL_PLUGIN_ABI_MINOR,
    .plugin_count = 3,
    .plugins = shared_plugins,
};

ETL_PLUGIN_EXPORT etl_status etl_plugin_entry(const etl_host_api* host, const etl_plugin_library** out_library,
                                              etl_error* error) {
  /* A 1.0 host would never call create_with_descriptor: refuse it here, by name. */
  if (host->abi_minor < 1) {
    error->code = ETL_UNSUPPORTED;
    snprintf(error->message, sizeof error->message,
             "shared_create needs a host of plugin ABI 1.1 or later (create_with_descriptor); this one speaks %u.%u",
             (unsigned)host->abi_major, (unsigned)host->abi_minor);
    return ETL_UNSUPPORTED;
  }
  *out_library = &shared_library;
  return ETL_OK;
}
