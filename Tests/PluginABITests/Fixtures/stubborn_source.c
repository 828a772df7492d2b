/*
 * stubborn_source.c — fixture: a source that does not stop when asked.
 *
 * What it is for: the runtime's stop deadlines (`stop_timeout`, `timeout`). A run
 * asked to stop (SIGINT/SIGTERM, or an entry's timeout) must not wait forever for a
 * plugin that never looks at is_cancelled: after the entry's stop_timeout its worker
 * is killed and the run recorded with the reason.
 *
 * Build:  cc -shared -fPIC -I SDK/include stubborn_source.c -o libetl_stubborn_source.so
 * Options (-D):
 *   STUBBORN_NAME='"patient"'   plugin name (default "stubborn")
 *   STUBBORN_HONOURS_CANCEL     the endless wait ends as soon as is_cancelled turns
 *                               true (get_next returns ECANCELED): a slow source that
 *                               does stop when asked
 *
 * Plugin "stubborn": tiny's config, stream and resume state (it is tiny_source.c under
 * another name). Its first get_next yields a batch as tiny does; every later get_next
 * sleeps forever without asking is_cancelled — a call stuck on a network that never
 * answers.
 */
#define _POSIX_C_SOURCE 200809L
#include "etl_plugin.h"

#include <time.h>

#ifndef STUBBORN_NAME
#define STUBBORN_NAME "stubborn"
#endif
#define TINY_SOURCE_NAME STUBBORN_NAME
/* tiny's own entry point becomes an ordinary function; this file exports its own. */
#define etl_plugin_entry tiny_plugin_entry
#include "tiny_source.c"
#undef etl_plugin_entry

static int stubborn_get_next(struct ArrowArrayStream* stream, struct ArrowArray* out) {
  tiny_instance* t = stream->private_data;
  struct timespec pause = {0, 10 * 1000 * 1000};
  if (t->next == 1) return tiny_get_next(stream, out);
  memset(out, 0, sizeof *out);
  for (;;) {
#ifdef STUBBORN_HONOURS_CANCEL
    if (t->host->is_cancelled(t->host_instance)) {
      snprintf(t->last_error, sizeof t->last_error, "%s: cancelled by the host", STUBBORN_NAME);
      return ECANCELED;
    }
#endif
    nanosleep(&pause, NULL);
  }
}

static etl_status stubborn_read(void* instance, const etl_read_request* request, struct ArrowArrayStream* out,
                                etl_error* error) {
  etl_status status = tiny_read(instance, request, out, error);
  if (status == ETL_OK) out->get_next = stubborn_get_next;
  return status;
}

static const etl_source_api stubborn_api = {
    .struct_size = sizeof(etl_source_api),
    .create = tiny_create,
    .destroy = tiny_destroy,
    .check = tiny_check,
    .discover = tiny_discover,
    .read = stubborn_read,
    .checkpoint = tiny_checkpoint,
};

static const etl_plugin_descriptor stubborn_descriptor = {
    .struct_size = sizeof(etl_plugin_descriptor),
    .kind = ETL_KIND_SOURCE,
    .name = STUBBORN_NAME,
    .version = "1.0.0",
    .description = "Test fixture: the numbers 1..count, stuck after the first batch",
    .capabilities = ETL_CAP_INCREMENTAL | ETL_CAP_DISCOVER,
    .config_schema_json = "{\"type\": \"object\", \"properties\": {\"count\": {\"type\": \"integer\", \"minimum\": 0}}, "
        "\"required\": [\"count\"], \"additionalProperties\": false}",
    .source = &stubborn_api,
};

static const etl_plugin_descriptor* const stubborn_plugins[] = {&stubborn_descriptor};

static const etl_plugin_library stubborn_library = {
    sizeof(etl_plugin_library), ETL_PLUGIN_ABI_MAJOR, ETL_PLUGIN_ABI_MINOR, 1, stubborn_plugins,
};

ETL_PLUGIN_EXPORT etl_status etl_plugin_entry(const etl_host_api* host, const etl_plugin_library** out_library,
                                              etl_error* error) {
  (void)host;
  (void)error;
  *out_library = &stubborn_library;
  return ETL_OK;
}
