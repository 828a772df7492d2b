// JSON values appear throughout the core's package API (manifest configs, initial
// values), so users of the core get the JSON module with it.
@_exported import ETLJSON

// The requests sent to plugins (ReadRequest, LoadRequest, WriteMode) are the plugin kit's own
// types, from one module.
@_exported import ETLPluginTypes
