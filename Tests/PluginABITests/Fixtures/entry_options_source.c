/*
 * entry_options_source.c — fixture: the source "greeter", an ABI 1.2 plugin
 * that declares an entry options schema and implements check_read.
 *
 * What it is for: proving that the host reads a 1.2 descriptor's
 * entry_options_schema_json, checks entries' options against it, and hands
 * them to check_read (and read) as the member "entry_options" of
 * options_json.
 *
 * Build:  cc -shared -fPIC -I SDK/include entry_options_source.c -o libetl_entry_options_source.so
 *
 * Config: {} (anything). Entry options: {"greeting": "<text>"} (required,
 * nothing else). check_read: ETL_INVALID_CONFIG "options.greeting is
 * \"<text>\"; greeter only says \"hello\"" unless the greeting is "hello"
 * (read through the host's config_get_string, path
 * "entry_options.greeting"). read returns the same status and message as
 * check_read, or ETL_UNSUPPORTED when check_read would accept. discover and
 * checkpoint are ETL_UNSUPPORTED.
 */
#include "etl_plugin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const etl_host_api* greeter_host;

static etl_status greeter_create(const etl_host_api* host, etl_host_instance* host_instance, const char* config_json,
                                 void** out_instance, etl_error* error) {
  (void)host_instance;
  (void)config_json;
  (void)error;
  greeter_host = host;
  *out_instance = &greeter_host; /* no state of its own */
  return ETL_OK;
}

static void greeter_destroy(void* instance) { (void)instance; }

static etl_status greeter_check(void* instance, etl_error* error) {
  (void)instance;
  (void)error;
  return ETL_OK;
}

static etl_status greeter_unsupported(etl_error* error, const char* what) {
  error->code = ETL_UNSUPPORTED;
  snprintf(error->message, sizeof error->message, "greeter: %s is not implemented", what);
  return ETL_UNSUPPORTED;
}

static etl_status greeter_discover(void* instance, struct ArrowSchema* out, etl_error* error) {
  (void)instance;
  (void)out;
  return greeter_unsupported(error, "discover");
}

static etl_status greeter_check_read(void* instance, const etl_read_request* request, etl_error* error) {
  char* greeting = NULL;
  etl_status status;
  (void)instance;
  if (request->options_json == NULL) {
    error->code = ETL_INVALID_CONFIG;
    snprintf(error->message, sizeof error->message, "greeter: the request has no options; set options.greeting");
    return ETL_INVALID_CONFIG;
  }
  status = greeter_host->config_get_string(request->options_json, "entry_options.greeting", &greeting, error);
  if (status != ETL_OK) return status;
  if (greeting == NULL || strcmp(greeting, "hello") != 0) {
    error->code = ETL_INVALID_CONFIG;
    snprintf(error->message, sizeof error->message, "options.greeting is \"%s\"; greeter only says \"hello\"",
             greeting == NULL ? "(absent)" : greeting);
    greeter_host->free_string(greeting);
    return ETL_INVALID_CONFIG;
  }
  greeter_host->free_string(greeting);
  return ETL_OK;
}

static etl_status greeter_read(void* instance, const etl_read_request* request, struct ArrowArrayStream* out,
                               etl_error* error) {
  etl_status status = greeter_check_read(instance, request, error);
  (void)out;
  if (status != ETL_OK) return status;
  return greeter_unsupported(error, "read");
}

static etl_status greeter_checkpoint(void* instance, const char** out_state, etl_error* error) {
  (void)instance;
  (void)out_state;
  return greeter_unsupported(error, "checkpoint");
}

static const etl_source_api greeter_api = {
    .struct_size = sizeof(etl_source_api),
    .create = greeter_create,
    .destroy = greeter_destroy,
    .check = greeter_check,
    .discover = greeter_discover,
    .read = greeter_read,
    .checkpoint = greeter_checkpoint,
    .check_read = greeter_check_read,
};

static const etl_plugin_descriptor greeter_descriptor = {
    .struct_size = sizeof(etl_plugin_descriptor),
    .kind = ETL_KIND_SOURCE,
    .name = "greeter",
    .version = "1.0.0",
    .description = "fixture: entry options and check_read (ABI 1.2)",
    .capabilities = 0,
    .config_schema_json = "{\"type\": \"object\"}",
    .source = &greeter_api,
    .entry_options_schema_json =
        "{\"type\": \"object\", \"properties\": {\"greeting\": {\"type\": \"string\"}},"
        " \"required\": [\"greeting\"], \"additionalProperties\": false}",
};

static const etl_plugin_descriptor* const greeter_plugins[] = {&greeter_descriptor};

static const etl_plugin_library greeter_library = {
    .struct_size = sizeof(etl_plugin_library),
    .abi_major = ETL_PLUGIN_ABI_MAJOR,
    .abi_minor = ETL_PLUGIN_ABI_MINOR,
    .plugin_count = 1,
    .plugins = greeter_plugins,
};

ETL_PLUGIN_EXPORT etl_status etl_plugin_entry(const etl_host_api* host, const etl_plugin_library** out_library,
                                              etl_error* error) {
  if (!ETL_HAS_FIELD(host, etl_host_api, free_string)) {
    error->code = ETL_UNSUPPORTED;
    snprintf(error->message, sizeof error->message, "greeter needs a host of ABI 1.1 or later (config_get_string)");
    return ETL_UNSUPPORTED;
  }
  (void)greeter_host;
  *out_library = &greeter_library;
  return ETL_OK;
}
