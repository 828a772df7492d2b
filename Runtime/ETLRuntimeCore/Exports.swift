// JSON values appear throughout the core's package API (manifest configs, initial
// values), so users of the core get the JSON module with it.
@_exported import ETLJSON
