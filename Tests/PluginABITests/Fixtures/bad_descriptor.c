/*
 * bad_descriptor.c — fixture: etl_plugin_entry returns an ABI 1.0 library
 * whose one descriptor is invalid. Pick the defect with one -D switch; with
 * none, BAD_STRUCT_SIZE is built. The host must refuse the whole library
 * (never call into it) and print the line given for each case:
 *
 *   (default) / -DBAD_STRUCT_SIZE   struct_size = 8, smaller than any descriptor
 *     libetl_bad_descriptor.so: plugin #0: descriptor is 8 bytes, smaller than the 64 bytes
 *     of ABI 1.0; the library is broken
 *   -DBAD_KIND                      kind = 99
 *     libetl_bad_descriptor.so: plugin "bad_kind" has unknown kind 99 (expected 1 = source or 2 = sink)
 *   -DBAD_NULL_NAME                 name = NULL
 *     libetl_bad_descriptor.so: plugin #0 has no name (its descriptor's name is NULL)
 *   -DBAD_NAME_SYNTAX               name = "Bad-Name"
 *     libetl_bad_descriptor.so: plugin name "Bad-Name" is invalid: names match [a-z][a-z0-9_]*
 *   -DBAD_NULL_TABLE                kind = source but source = NULL
 *     libetl_bad_descriptor.so: plugin "no_table" is a source but its source table is NULL
 *
 * Build:  cc -shared -fPIC -I SDK/include [-DBAD_...] bad_descriptor.c -o libetl_bad_descriptor.so
 *
 * Every other field is valid, so each library shows exactly one defect. The
 * functions behind the descriptor must never run: they fail loudly if a host
 * calls them anyway.
 */
#include "etl_plugin.h"

#include <stdio.h>

#if defined(BAD_KIND)
#define BAD_DESCRIPTOR_SIZE sizeof(etl_plugin_descriptor)
#define BAD_DESCRIPTOR_KIND 99
#define BAD_DESCRIPTOR_NAME "bad_kind"
#define BAD_DESCRIPTOR_HAS_TABLE 1
#elif defined(BAD_NULL_NAME)
#define BAD_DESCRIPTOR_SIZE sizeof(etl_plugin_descriptor)
#define BAD_DESCRIPTOR_KIND ETL_KIND_SOURCE
#define BAD_DESCRIPTOR_NAME NULL
#define BAD_DESCRIPTOR_HAS_TABLE 1
#elif defined(BAD_NAME_SYNTAX)
#define BAD_DESCRIPTOR_SIZE sizeof(etl_plugin_descriptor)
#define BAD_DESCRIPTOR_KIND ETL_KIND_SOURCE
#define BAD_DESCRIPTOR_NAME "Bad-Name"
#define BAD_DESCRIPTOR_HAS_TABLE 1
#elif defined(BAD_NULL_TABLE)
#define BAD_DESCRIPTOR_SIZE sizeof(etl_plugin_descriptor)
#define BAD_DESCRIPTOR_KIND ETL_KIND_SOURCE
#define BAD_DESCRIPTOR_NAME "no_table"
#define BAD_DESCRIPTOR_HAS_TABLE 0
#else /* BAD_STRUCT_SIZE */
#define BAD_DESCRIPTOR_SIZE 8
#define BAD_DESCRIPTOR_KIND ETL_KIND_SOURCE
#define BAD_DESCRIPTOR_NAME "small_descriptor"
#define BAD_DESCRIPTOR_HAS_TABLE 1
#endif

static const char never_called[] =
    "bad_descriptor: the host called a plugin whose descriptor it should have refused";

static void report(etl_error* error) {
  if (error == NULL) return;
  error->code = ETL_INTERNAL;
  snprintf(error->message, sizeof error->message, "%s", never_called);
}

static etl_status bad_create(const etl_host_api* host, etl_host_instance* host_instance, const char* config_json,
                             void** out_instance, etl_error* error) {
  (void)host;
  (void)host_instance;
  (void)config_json;
  *out_instance = NULL;
  report(error);
  return ETL_INTERNAL;
}

static void bad_destroy(void* instance) { (void)instance; }

static etl_status bad_check(void* instance, etl_error* error) {
  (void)instance;
  report(error);
  return ETL_INTERNAL;
}

static etl_status bad_discover(void* instance, struct ArrowSchema* out_catalog, etl_error* error) {
  (void)instance;
  out_catalog->release = NULL;
  report(error);
  return ETL_INTERNAL;
}

static etl_status bad_read(void* instance, const etl_read_request* request, struct ArrowArrayStream* out_stream,
                           etl_error* error) {
  (void)instance;
  (void)request;
  out_stream->release = NULL;
  report(error);
  return ETL_INTERNAL;
}

static etl_status bad_checkpoint(void* instance, const char** out_state_json, etl_error* error) {
  (void)instance;
  *out_state_json = NULL;
  report(error);
  return ETL_INTERNAL;
}

/* Designated initializers: fields a later ABI minor appends stay zero (NULL). */
static const etl_source_api bad_api = {
    .struct_size = sizeof(etl_source_api),
    .create = bad_create,
    .destroy = bad_destroy,
    .check = bad_check,
    .discover = bad_discover,
    .read = bad_read,
    .checkpoint = bad_checkpoint,
};

static const etl_plugin_descriptor bad_descriptor = {
    .struct_size = (uint32_t)BAD_DESCRIPTOR_SIZE,
    .kind = BAD_DESCRIPTOR_KIND,
    .name = BAD_DESCRIPTOR_NAME,
    .version = "1.0.0",
    .description = "Test fixture: a descriptor with one defect",
    .capabilities = ETL_CAP_DISCOVER,
    .config_schema_json = "{\"type\": \"object\"}",
    .source = BAD_DESCRIPTOR_HAS_TABLE ? &bad_api : NULL,
};

static const etl_plugin_descriptor* const bad_plugins[] = {&bad_descriptor};

static const etl_plugin_library bad_library = {
    sizeof(etl_plugin_library), ETL_PLUGIN_ABI_MAJOR, ETL_PLUGIN_ABI_MINOR, 1, bad_plugins,
};

ETL_PLUGIN_EXPORT etl_status etl_plugin_entry(const etl_host_api* host, const etl_plugin_library** out_library,
                                              etl_error* error) {
  (void)host;
  (void)error;
  *out_library = &bad_library;
  return ETL_OK;
}
