/* The per-version sizes of etl_plugin.h's structs (ETL_*_SIZE_X_Y) as constants,
 * for the runtime and the Swift kit: Swift cannot expand the header's offsetof
 * macros, and computing the same numbers again in Swift could drift from them.
 * Not part of the plugin SDK that `make install` ships. */
#ifndef ETL_PLUGIN_LAYOUT_H
#define ETL_PLUGIN_LAYOUT_H

#include <stdint.h>

extern const uint32_t etl_layout_error_size_1_0;
extern const uint32_t etl_layout_host_api_size_1_0;
extern const uint32_t etl_layout_host_api_size_1_1;
extern const uint32_t etl_layout_host_api_size_1_3;
extern const uint32_t etl_layout_read_request_size_1_0;
extern const uint32_t etl_layout_load_request_size_1_0;
extern const uint32_t etl_layout_source_api_size_1_0;
extern const uint32_t etl_layout_source_api_size_1_1;
extern const uint32_t etl_layout_source_api_size_1_2;
extern const uint32_t etl_layout_sink_api_size_1_0;
extern const uint32_t etl_layout_sink_api_size_1_1;
extern const uint32_t etl_layout_sink_api_size_1_2;
extern const uint32_t etl_layout_sink_api_size_1_4;
extern const uint32_t etl_layout_model_request_size_1_2;
extern const uint32_t etl_layout_plugin_descriptor_size_1_0;
extern const uint32_t etl_layout_plugin_descriptor_size_1_1;
extern const uint32_t etl_layout_plugin_descriptor_size_1_2;
extern const uint32_t etl_layout_plugin_library_size_1_0;

#endif /* ETL_PLUGIN_LAYOUT_H */
