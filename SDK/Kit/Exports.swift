// Configs, options and resume states are JSON values in the kit's public API
// (`PluginConfig.members`, `PluginConfig.value(_:)`), so `import ETLPluginKit` gives
// plugin authors the JSON module with it: one JSONValue for the runtime and the plugins.
@_exported import ETLJSON
