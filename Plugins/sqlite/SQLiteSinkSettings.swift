import ETLPluginKit

/// The `sqlite` sink's config:
/// `{"path": "warehouse.db", "journal_mode": "wal", "synchronous": "normal", "busy_timeout_ms": 5000}`.
struct SQLiteSinkSettings: Sendable, Equatable {
    /// The warehouse database file (the runtime resolves a relative path against the manifest's
    /// folder); created when missing.
    let path: String
    /// `PRAGMA journal_mode`: "wal" (readers see the old data until a load commits) or "delete".
    let journalMode: String
    /// `PRAGMA synchronous`: "normal", "full" or "off" (see README.md for what each survives).
    let synchronous: String
    /// How long a load waits for another writer's lock before failing with ETL_RETRYABLE.
    let busyTimeoutMilliseconds: Int32

    /// The JSON Schema published in the descriptor.
    static let schema = #"""
    {
      "$schema": "https://json-schema.org/draft/2020-12/schema",
      "title": "sqlite sink",
      "type": "object",
      "properties": {
        "path": {
          "type": "string",
          "format": "path",
          "minLength": 1,
          "description": "The warehouse database file; created when missing. Relative paths resolve against the manifest's folder."
        },
        "journal_mode": {
          "enum": ["wal", "delete"],
          "default": "wal",
          "description": "wal: readers keep seeing the previous data while a load runs. delete: the classic rollback journal."
        },
        "synchronous": {
          "enum": ["normal", "full", "off"],
          "default": "normal",
          "description": "normal: a committed load survives a killed process but the last commits may roll back on power loss (with wal). full: commits survive power loss, slower. off: a crash of the machine can corrupt the database."
        },
        "busy_timeout_ms": {
          "type": "integer",
          "minimum": 0,
          "maximum": 2147483647,
          "default": 5000,
          "description": "How long to wait for another writer's lock before the load fails as retryable."
        }
      },
      "required": ["path"],
      "additionalProperties": false
    }
    """#

    /// Reads the config, refusing unknown keys and values outside the schema with
    /// `ETL_INVALID_CONFIG`.
    init(_ config: PluginConfig) throws(PluginError) {
        try config.rejectUnknownKeys(allowed: ["path", "journal_mode", "synchronous", "busy_timeout_ms"])
        path = try config.string("path")
        guard !path.isEmpty else {
            throw .invalidConfig("\(config.path).path is empty: set it to the warehouse database file, e.g. \"warehouse.db\"")
        }
        journalMode = try Self.choice(config, "journal_mode", ["wal", "delete"], default: "wal")
        synchronous = try Self.choice(config, "synchronous", ["normal", "full", "off"], default: "normal")
        let timeout = try config.int("busy_timeout_ms", default: 5000)
        guard (0...Int64(Int32.max)).contains(timeout) else {
            throw .invalidConfig("\(config.path).busy_timeout_ms must be between 0 and \(Int32.max) (got \(timeout))")
        }
        busyTimeoutMilliseconds = Int32(timeout)
    }

    private static func choice(_ config: PluginConfig, _ key: String, _ allowed: [String], default fallback: String) throws(PluginError) -> String {
        let value = try config.string(key, default: fallback).lowercased()
        guard allowed.contains(value) else {
            let list = allowed.map { "\"\($0)\"" }.joined(separator: ", ")
            throw .invalidConfig("\(config.path).\(key) must be one of \(list) (got \"\(value)\")")
        }
        return value
    }
}
