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

#if UINTPTR_MAX == 0xffffffffffffffffu
/* LP64 layout of ABI 1.0, as shipped. */
_Static_assert(sizeof(struct ArrowSchema) == 72, "ArrowSchema must match the Arrow spec");
_Static_assert(sizeof(struct ArrowArray) == 80, "ArrowArray must match the Arrow spec");
_Static_assert(sizeof(struct ArrowArrayStream) == 40, "ArrowArrayStream must match the Arrow spec");
_Static_assert(sizeof(etl_error) == 8 + ETL_ERROR_MESSAGE_CAPACITY, "etl_error size");
_Static_assert(sizeof(etl_plugin_library) == 24, "etl_plugin_library size");
_Static_assert(sizeof(etl_plugin_descriptor) == 64, "etl_plugin_descriptor size");
_Static_assert(sizeof(etl_source_api) == 56, "etl_source_api size");
_Static_assert(sizeof(etl_sink_api) == 80, "etl_sink_api size");
_Static_assert(sizeof(etl_read_request) == 80, "etl_read_request size");
_Static_assert(sizeof(etl_load_request) == 64, "etl_load_request size");
_Static_assert(sizeof(etl_host_api) == 160, "etl_host_api size");
ETL_ASSERT_OFFSET(etl_host_api, log, 16);
ETL_ASSERT_OFFSET(etl_host_api, set_error, 152);
ETL_ASSERT_OFFSET(etl_plugin_descriptor, capabilities, 32);
ETL_ASSERT_OFFSET(etl_plugin_descriptor, sink, 56);
#endif

/* The ABI version this copy of the header declares, for tools that inspect a
 * built SDK (`nm`, debuggers). */
const uint32_t etl_plugin_abi_version_of_sdk = (ETL_PLUGIN_ABI_MAJOR << 16) | ETL_PLUGIN_ABI_MINOR;
