/*
 * noisy_source.c — fixture: a correct source that writes to stdout and stderr.
 *
 * What it is for: a plugin's output must never mix into the runtime's own output
 * (the rows of `preview`, the streams of `discover`, the verdicts of `check`) nor pass
 * for one of its log lines. The host captures both streams and logs each line as an
 * event tagged plugin=<name> (stdout at info, stderr at warning).
 *
 * Build:  cc -shared -fPIC -I SDK/include noisy_source.c -o libetl_noisy_source.so
 *
 * Plugin "noisy": tiny's config, stream and resume state (it is tiny_source.c under
 * another name). `create` and `read` print, on stdout:
 *   noisy: hello from <function>
 *   {"level":"error","message":"forged"}                  a forged JSON log line
 *   xxx...x                                                 10 000 x's: a line too long to log whole
 * and on stderr:
 *   noisy: warning from <function>
 *   2026-01-01T00:00:00Z summary entry=x status=ok         a forged text summary line
 * `destroy` prints "noisy: goodbye" with no newline after it.
 */
#include "etl_plugin.h"

#define TINY_SOURCE_NAME "noisy"
/* tiny's own entry point becomes an ordinary function; this file exports its own. */
#define etl_plugin_entry tiny_plugin_entry
#include "tiny_source.c"
#undef etl_plugin_entry

static void noisy_speak(const char* function) {
  int i;
  printf("noisy: hello from %s\n", function);
  printf("{\"level\":\"error\",\"message\":\"forged\"}\n");
  for (i = 0; i < 10000; i++) putchar('x');
  putchar('\n');
  fprintf(stderr, "noisy: warning from %s\n", function);
  fprintf(stderr, "2026-01-01T00:00:00Z summary entry=x status=ok\n");
}

static etl_status noisy_create(const etl_host_api* host, etl_host_instance* host_instance, const char* config_json,
                               void** out_instance, etl_error* error) {
  noisy_speak("create");
  return tiny_create(host, host_instance, config_json, out_instance, error);
}

static void noisy_destroy(void* instance) {
  printf("noisy: goodbye");
  tiny_destroy(instance);
}

static etl_status noisy_read(void* instance, const etl_read_request* request, struct ArrowArrayStream* out,
                             etl_error* error) {
  noisy_speak("read");
  return tiny_read(instance, request, out, error);
}

static const etl_source_api noisy_api = {
    .struct_size = sizeof(etl_source_api),
    .create = noisy_create,
    .destroy = noisy_destroy,
    .check = tiny_check,
    .discover = tiny_discover,
    .read = noisy_read,
    .checkpoint = tiny_checkpoint,
};

static const etl_plugin_descriptor noisy_descriptor = {
    .struct_size = sizeof(etl_plugin_descriptor),
    .kind = ETL_KIND_SOURCE,
    .name = "noisy",
    .version = "1.0.0",
    .description = "Test fixture: the numbers 1..count, talking all the while",
    .capabilities = ETL_CAP_INCREMENTAL | ETL_CAP_DISCOVER,
    .config_schema_json = "{\"type\": \"object\", \"properties\": {\"count\": {\"type\": \"integer\", \"minimum\": 0}}, "
        "\"required\": [\"count\"], \"additionalProperties\": false}",
    .source = &noisy_api,
};

static const etl_plugin_descriptor* const noisy_plugins[] = {&noisy_descriptor};

static const etl_plugin_library noisy_library = {
    sizeof(etl_plugin_library), ETL_PLUGIN_ABI_MAJOR, ETL_PLUGIN_ABI_MINOR, 1, noisy_plugins,
};

ETL_PLUGIN_EXPORT etl_status etl_plugin_entry(const etl_host_api* host, const etl_plugin_library** out_library,
                                              etl_error* error) {
  (void)host;
  (void)error;
  *out_library = &noisy_library;
  return ETL_OK;
}
