import ETLPluginKit

/// The `jsonl` sink's config: `{"directory": "<path>", "fsync": true}`.
struct JSONLSinkSettings {
    /// Where the `<target>.jsonl` files go (created with its parents when missing). A relative
    /// path is resolved against the runtime's working directory.
    let directory: String
    /// Whether commits wait for the data to reach stable storage (`fsync`). Default true; false
    /// is faster but a power loss can then lose or truncate committed files.
    let fsync: Bool

    /// The JSON Schema published in the descriptor; the host validates configs against it.
    static let schema = #"""
    {
      "$schema": "https://json-schema.org/draft/2020-12/schema",
      "title": "jsonl sink",
      "type": "object",
      "properties": {
        "directory": {
          "type": "string",
          "format": "path",
          "minLength": 1,
          "description": "Directory that receives one <target>.jsonl file per target; created when missing."
        },
        "fsync": {
          "type": "boolean",
          "default": true,
          "description": "Wait for data and state to reach stable storage at each commit."
        }
      },
      "required": ["directory"],
      "additionalProperties": false
    }
    """#

    /// Reads the config, refusing unknown keys and an empty directory with `ETL_INVALID_CONFIG`.
    init(_ config: PluginConfig) throws(PluginError) {
        try config.rejectUnknownKeys(allowed: ["directory", "fsync"])
        let directory = try config.string("directory")
        guard !directory.isEmpty else {
            throw .invalidConfig("\(config.path).directory is empty: set it to the directory that should receive the .jsonl files")
        }
        // A trailing slash would only double up in the paths built from it.
        self.directory = directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        self.fsync = try config.bool("fsync", default: true)
    }
}
