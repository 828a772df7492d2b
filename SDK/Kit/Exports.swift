// Configs, options and resume states are JSON values in the kit's public API
// (`PluginConfig.members`, `PluginConfig.value(_:)`), so `import ETLPluginKit` gives
// plugin authors the JSON module with it: one JSONValue for the runtime and the plugins.
@_exported import ETLJSON

// The C ABI's types (etl_host_api, etl_status, ...) for the entry function, and the Arrow
// batch builders for sources: a plugin built outside this package needs only `import ETLPluginKit`.
@_exported import CETLPlugin
@_exported import ETLArrow

// The requests a plugin receives (ReadRequest, LoadRequest, WriteMode): the same Swift types
// the runtime sends, from one module.
@_exported import ETLPluginTypes
