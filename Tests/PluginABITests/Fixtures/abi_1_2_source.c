/*
 * abi_1_2_source.c — fixture: the source "greeter" (entry_options_source.c)
 * built against the ABI 1.2 header as shipped (SDK/abi/1.2/etl_plugin.h), not
 * the current one.
 *
 * What it is for: proving that a plugin built for ABI 1.2 keeps loading and
 * running in a host of a later 1.x (1.3 appended report_progress to the host's
 * table, which a 1.2 plugin never reads), with its entry options schema and
 * check_read still used; the library says abi_minor 2.
 *
 * Build:  cc -shared -fPIC -I SDK/include abi_1_2_source.c -o libetl_abi12_source.so
 * (the 1.2 header is included first by its path; its include guard then makes
 * entry_options_source.c's #include "etl_plugin.h" a no-op).
 */
#include "../../../SDK/abi/1.2/etl_plugin.h"

/* Fails to compile if the current header slipped in instead. */
typedef char abi_1_2_source_is_built_for_abi_1_2[ETL_PLUGIN_ABI_MINOR == 2 ? 1 : -1];

#include "entry_options_source.c"
