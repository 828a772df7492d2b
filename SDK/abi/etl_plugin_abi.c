/* Compile-time checks of the ABI's layout. Built with -Wall -Wextra -pedantic
 * -Werror by `make abi-check`, and by SwiftPM as the CETLPlugin target. A change
 * that moves a field fails here before it can break a plugin in the field. */
#include "etl_plugin.h"

#define ETL_ASSERT_OFFSET(type, field, expected) \
  _Static_assert(offsetof(type, field) == (expected), #type "." #field " moved: that breaks ABI 1")

/* Fixed for every ABI major: the host reads these before anything else. */
ETL_ASSERT_OFFSET(etl_plugin_library, struct_size, 0);
ETL_ASSERT_OFFSET(etl_plugin_library, abi_major, 4);
ETL_ASSERT_OFFSET(etl_plugin_library, abi_minor, 6);
ETL_ASSERT_OFFSET(etl_error, struct_size, 0);
ETL_ASSERT_OFFSET(etl_error, code, 4);
ETL_ASSERT_OFFSET(etl_error, message, 8);
ETL_ASSERT_OFFSET(etl_host_api, struct_size, 0);
ETL_ASSERT_OFFSET(etl_host_api, abi_major, 4);
ETL_ASSERT_OFFSET(etl_host_api, abi_minor, 6);
ETL_ASSERT_OFFSET(etl_plugin_descriptor, struct_size, 0);
ETL_ASSERT_OFFSET(etl_source_api, struct_size, 0);
ETL_ASSERT_OFFSET(etl_sink_api, struct_size, 0);

/* A minor version only appends: each struct of this header ends with the last
 * field of its newest version (a field added in the middle would break these). */
_Static_assert(sizeof(etl_host_api) == ETL_HOST_API_SIZE_1_3, "etl_host_api grows only at its end");
_Static_assert(sizeof(etl_source_api) == ETL_SOURCE_API_SIZE_1_2, "etl_source_api grows only at its end");
_Static_assert(sizeof(etl_sink_api) == ETL_SINK_API_SIZE_1_4, "etl_sink_api grows only at its end");
_Static_assert(sizeof(etl_model_request) == ETL_MODEL_REQUEST_SIZE_1_2, "etl_model_request grows only at its end");
_Static_assert(sizeof(etl_plugin_descriptor) == ETL_PLUGIN_DESCRIPTOR_SIZE_1_2,
               "etl_plugin_descriptor grows only at its end");
_Static_assert(ETL_HOST_API_SIZE_1_0 < ETL_HOST_API_SIZE_1_1, "1.1 appends to etl_host_api");
_Static_assert(ETL_SOURCE_API_SIZE_1_0 < ETL_SOURCE_API_SIZE_1_1, "1.1 appends to etl_source_api");
_Static_assert(ETL_SINK_API_SIZE_1_0 < ETL_SINK_API_SIZE_1_1, "1.1 appends to etl_sink_api");
_Static_assert(ETL_PLUGIN_DESCRIPTOR_SIZE_1_0 < ETL_PLUGIN_DESCRIPTOR_SIZE_1_1, "1.1 appends to the descriptor");
_Static_assert(ETL_SOURCE_API_SIZE_1_1 < ETL_SOURCE_API_SIZE_1_2, "1.2 appends to etl_source_api");
_Static_assert(ETL_PLUGIN_DESCRIPTOR_SIZE_1_1 < ETL_PLUGIN_DESCRIPTOR_SIZE_1_2, "1.2 appends to the descriptor");
_Static_assert(ETL_SINK_API_SIZE_1_1 < ETL_SINK_API_SIZE_1_2, "1.2 appends to etl_sink_api");
_Static_assert(ETL_HOST_API_SIZE_1_1 < ETL_HOST_API_SIZE_1_3, "1.3 appends to etl_host_api");

#if UINTPTR_MAX == 0xffffffffffffffffu
/* LP64 layout of ABI 1.0, as shipped: these numbers are what plugins built
 * against 1.0 put in struct_size, so they never change. */
_Static_assert(sizeof(struct ArrowSchema) == 72, "ArrowSchema must match the Arrow spec");
_Static_assert(sizeof(struct ArrowArray) == 80, "ArrowArray must match the Arrow spec");
_Static_assert(sizeof(struct ArrowArrayStream) == 40, "ArrowArrayStream must match the Arrow spec");
_Static_assert(ETL_ERROR_SIZE_1_0 == 8 + ETL_ERROR_MESSAGE_CAPACITY, "etl_error size 1.0");
_Static_assert(sizeof(etl_error) == ETL_ERROR_SIZE_1_0, "etl_error size");
_Static_assert(ETL_PLUGIN_LIBRARY_SIZE_1_0 == 24, "etl_plugin_library size 1.0");
_Static_assert(sizeof(etl_plugin_library) == 24, "etl_plugin_library size");
_Static_assert(ETL_PLUGIN_DESCRIPTOR_SIZE_1_0 == 64, "etl_plugin_descriptor size 1.0");
_Static_assert(ETL_SOURCE_API_SIZE_1_0 == 56, "etl_source_api size 1.0");
_Static_assert(ETL_SINK_API_SIZE_1_0 == 80, "etl_sink_api size 1.0");
_Static_assert(ETL_READ_REQUEST_SIZE_1_0 == 80, "etl_read_request size 1.0");
_Static_assert(sizeof(etl_read_request) == 80, "etl_read_request size");
_Static_assert(ETL_LOAD_REQUEST_SIZE_1_0 == 64, "etl_load_request size 1.0");
_Static_assert(sizeof(etl_load_request) == 64, "etl_load_request size");
_Static_assert(ETL_HOST_API_SIZE_1_0 == 160, "etl_host_api size 1.0");
ETL_ASSERT_OFFSET(etl_host_api, log, 16);
ETL_ASSERT_OFFSET(etl_host_api, set_error, 152);
ETL_ASSERT_OFFSET(etl_plugin_descriptor, capabilities, 32);
ETL_ASSERT_OFFSET(etl_plugin_descriptor, sink, 56);

/* LP64 layout of ABI 1.1. */
_Static_assert(ETL_HOST_API_SIZE_1_1 == 216, "etl_host_api size 1.1");
_Static_assert(ETL_SOURCE_API_SIZE_1_1 == 64, "etl_source_api size 1.1");
_Static_assert(ETL_SINK_API_SIZE_1_1 == 88, "etl_sink_api size 1.1");
_Static_assert(ETL_PLUGIN_DESCRIPTOR_SIZE_1_1 == 72, "etl_plugin_descriptor size 1.1");
ETL_ASSERT_OFFSET(etl_host_api, config_get_string, 160);
ETL_ASSERT_OFFSET(etl_host_api, free_string, 208);
ETL_ASSERT_OFFSET(etl_source_api, create_with_descriptor, 56);
ETL_ASSERT_OFFSET(etl_sink_api, create_with_descriptor, 80);
ETL_ASSERT_OFFSET(etl_plugin_descriptor, user_data, 64);

/* LP64 layout of ABI 1.2. */
_Static_assert(ETL_SOURCE_API_SIZE_1_2 == 72, "etl_source_api size 1.2");
_Static_assert(ETL_PLUGIN_DESCRIPTOR_SIZE_1_2 == 80, "etl_plugin_descriptor size 1.2");
ETL_ASSERT_OFFSET(etl_source_api, check_read, 64);
ETL_ASSERT_OFFSET(etl_plugin_descriptor, entry_options_schema_json, 72);
_Static_assert(ETL_SINK_API_SIZE_1_2 == 96, "etl_sink_api size 1.2");
ETL_ASSERT_OFFSET(etl_sink_api, run_model, 88);
_Static_assert(ETL_MODEL_REQUEST_SIZE_1_2 == 88, "etl_model_request size 1.2");
ETL_ASSERT_OFFSET(etl_model_request, materialization, 40);
ETL_ASSERT_OFFSET(etl_model_request, primary_key, 48);
ETL_ASSERT_OFFSET(etl_model_request, options_json, 80);

/* LP64 layout of ABI 1.3. */
_Static_assert(ETL_HOST_API_SIZE_1_3 == 224, "etl_host_api size 1.3");
ETL_ASSERT_OFFSET(etl_host_api, report_progress, 216);

/* LP64 layout of ABI 1.4. */
_Static_assert(ETL_SINK_API_SIZE_1_4 == 104, "etl_sink_api size 1.4");
ETL_ASSERT_OFFSET(etl_sink_api, check_load, 96);
#endif

/* The ABI version this copy of the header declares, for tools that inspect a
 * built SDK (`nm`, debuggers). */
const uint32_t etl_plugin_abi_version_of_sdk = (ETL_PLUGIN_ABI_MAJOR << 16) | ETL_PLUGIN_ABI_MINOR;
