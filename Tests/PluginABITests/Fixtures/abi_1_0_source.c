/*
 * abi_1_0_source.c — fixture: the `tiny` source (tiny_source.c) built against
 * the ABI 1.0 header as shipped (SDK/abi/1.0/etl_plugin.h), not the current one.
 *
 * What it is for: proving that a plugin built for ABI 1.0 keeps loading and
 * running in a host of a later 1.x: its etl_source_api and descriptor have the
 * 1.0 sizes (56 and 64 bytes on LP64), no create_with_descriptor and no
 * user_data, and the library says abi_minor 0.
 *
 * Build:  cc -shared -fPIC -I SDK/include abi_1_0_source.c -o libetl_abi10_source.so
 * (the 1.0 header is included first by its path; its include guard then makes
 * tiny_source.c's #include "etl_plugin.h" a no-op).
 */
#include "../../../SDK/abi/1.0/etl_plugin.h"

/* Fails to compile if the current header slipped in instead. */
typedef char abi_1_0_source_is_built_for_abi_1_0[ETL_PLUGIN_ABI_MINOR == 0 ? 1 : -1];

#include "tiny_source.c"
