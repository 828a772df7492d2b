/* Exports the header's size macros as constants (see etl_plugin_layout.h). */
#include "etl_plugin_layout.h"

#include "etl_plugin.h"

const uint32_t etl_layout_error_size_1_0 = ETL_ERROR_SIZE_1_0;
const uint32_t etl_layout_host_api_size_1_0 = ETL_HOST_API_SIZE_1_0;
const uint32_t etl_layout_host_api_size_1_1 = ETL_HOST_API_SIZE_1_1;
const uint32_t etl_layout_host_api_size_1_3 = ETL_HOST_API_SIZE_1_3;
const uint32_t etl_layout_read_request_size_1_0 = ETL_READ_REQUEST_SIZE_1_0;
const uint32_t etl_layout_load_request_size_1_0 = ETL_LOAD_REQUEST_SIZE_1_0;
const uint32_t etl_layout_source_api_size_1_0 = ETL_SOURCE_API_SIZE_1_0;
const uint32_t etl_layout_source_api_size_1_1 = ETL_SOURCE_API_SIZE_1_1;
const uint32_t etl_layout_source_api_size_1_2 = ETL_SOURCE_API_SIZE_1_2;
const uint32_t etl_layout_sink_api_size_1_0 = ETL_SINK_API_SIZE_1_0;
const uint32_t etl_layout_sink_api_size_1_1 = ETL_SINK_API_SIZE_1_1;
const uint32_t etl_layout_sink_api_size_1_2 = ETL_SINK_API_SIZE_1_2;
const uint32_t etl_layout_sink_api_size_1_4 = ETL_SINK_API_SIZE_1_4;
const uint32_t etl_layout_model_request_size_1_2 = ETL_MODEL_REQUEST_SIZE_1_2;
const uint32_t etl_layout_plugin_descriptor_size_1_0 = ETL_PLUGIN_DESCRIPTOR_SIZE_1_0;
const uint32_t etl_layout_plugin_descriptor_size_1_1 = ETL_PLUGIN_DESCRIPTOR_SIZE_1_1;
const uint32_t etl_layout_plugin_descriptor_size_1_2 = ETL_PLUGIN_DESCRIPTOR_SIZE_1_2;
const uint32_t etl_layout_plugin_library_size_1_0 = ETL_PLUGIN_LIBRARY_SIZE_1_0;
