/*
 * abi_1_1_source.c — fixture: the shared_create sources ("alpha", "beta",
 * "gamma") built against the ABI 1.1 header as shipped
 * (SDK/abi/1.1/etl_plugin.h), not the current one.
 *
 * What it is for: proving that a plugin built for ABI 1.1 keeps loading and
 * running in a host of a later 1.x: its etl_source_api (64 bytes on LP64) has
 * no check_read and its descriptor (72 bytes) no entry_options_schema_json,
 * and the library says abi_minor 1. The host must read neither field.
 *
 * Build:  cc -shared -fPIC -I SDK/include abi_1_1_source.c -o libetl_abi11_source.so
 * (the 1.1 header is included first by its path; its include guard then makes
 * shared_create.c's #include "etl_plugin.h" a no-op).
 */
#include "../../../SDK/abi/1.1/etl_plugin.h"

/* Fails to compile if the current header slipped in instead. */
typedef char abi_1_1_source_is_built_for_abi_1_1[ETL_PLUGIN_ABI_MINOR == 1 ? 1 : -1];

#include "shared_create.c"
