import ETLParquetFormat
import ETLPluginKit
import ETLTransport

/// The `parquet` sink's config:
/// `{"path": "lake", "compression": "snappy", "row_group_rows": 100000, "partition_by": {"column": "state"}, "fsync": true}`.
struct ParquetSinkSettings: Sendable {
    /// The folder holding one dataset folder per target (`<path>/<target>/`).
    let path: String
    let compression: ParquetCompression
    let rowGroupRows: Int
    let partitioning: Partitioning
    let fsync: Bool
    /// How the store is reached when `path` is `s3://bucket/prefix` or `gs://...` (the `remote`
    /// object, as the csv source reads it); nil for a local folder.
    let objectStore: ObjectStoreSettings?

    /// How a target's files are split into folders.
    enum Partitioning: Sendable, Equatable {
        /// All part files directly in the target folder.
        case none
        /// Hive style, one folder per value of a column: `<column>=<value>/`.
        case column(String)
        /// One folder per load date (UTC): `<key>=YYYY-MM-DD/`.
        case loadDate(key: String)
    }

    static let keys: Set<String> = ["path", "compression", "row_group_rows", "partition_by", "fsync", "remote"]

    static let schema = #"""
    {
      "$schema": "https://json-schema.org/draft/2020-12/schema",
      "title": "parquet sink",
      "type": "object",
      "properties": {
        "path": { "type": "string", "format": "path", "minLength": 1,
          "description": "Folder receiving one dataset folder per target (<path>/<target>/part-00000.parquet); created when missing. Or an object-store prefix, s3://bucket/prefix or gs://bucket/prefix: files are uploaded under temporary keys and published by a server-side copy." },
        "compression": { "enum": ["snappy", "zstd", "gzip", "none"], "default": "snappy", "description": "Page codec." },
        "row_group_rows": { "type": "integer", "minimum": 1, "maximum": 10000000, "default": 100000,
          "description": "Rows per row group; the sink buffers at most this many rows (across all partitions) before writing them out." },
        "partition_by": {
          "type": "object",
          "description": "Hive-style folders: {\"column\": \"state\"} gives state=CA/, {\"load_date\": \"dt\"} gives dt=2026-12-05/ (UTC date of the load).",
          "properties": {
            "column": { "type": "string", "minLength": 1 },
            "load_date": { "type": "string", "minLength": 1 }
          },
          "oneOf": [ { "required": ["column"] }, { "required": ["load_date"] } ],
          "additionalProperties": false
        },
        "fsync": { "type": "boolean", "default": true, "description": "Local folders only: wait for files and state to reach stable storage before publishing them." },
        "remote": $REMOTE$
      },
      "required": ["path"],
      "additionalProperties": false
    }
    """#.replacingAll("$REMOTE$", with: ObjectStoreSettings.schema)

    init(_ config: PluginConfig) throws(PluginError) {
        try config.rejectUnknownKeys(allowed: Self.keys)
        let path = try config.string("path")
        guard !path.isEmpty else {
            throw .invalidConfig("\(config.path).path is empty: set it to the folder that should receive the Parquet datasets")
        }
        if ObjectStoreURL.isObjectStore(path) {
            guard let url = ObjectStoreURL(path) else {
                throw .invalidConfig("\(config.path).path \"\(path)\" is not a usable object-store path: it needs a bucket, e.g. s3://bucket/lake")
            }
            guard !ParquetSinkSettings.hasWildcard(url.key) else {
                throw .invalidConfig("\(config.path).path \(url.text) has a wildcard: give the prefix that receives the datasets, e.g. \(url.provider.rawValue)://\(url.bucket)/lake")
            }
            if config.value("fsync") != nil {
                throw .invalidConfig("\(config.path).fsync applies to local folders only (an object store keeps what it acknowledged); remove it")
            }
            self.path = ObjectDatasetStorage.datasetRoot(url)
            objectStore = try ObjectStoreSettings(try config.optionalObject("remote"), provider: url.provider, configPath: "\(config.path).remote")
        } else {
            if path.contains("://") {
                throw .invalidConfig("\(config.path).path \(path) is a URL the parquet sink cannot write to: give a local folder, s3://bucket/prefix or gs://bucket/prefix")
            }
            if config.value("remote") != nil {
                throw .invalidConfig("\(config.path).remote applies only to s3:// and gs:// paths, and path \(path) is a local folder; remove remote")
            }
            self.path = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
            objectStore = nil
        }
        let codec = try config.string("compression", default: "snappy")
        guard let compression = ParquetCompression(rawValue: codec) else {
            let choices = ParquetCompression.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            throw .invalidConfig("\(config.path).compression: expected one of \(choices), got \"\(codec)\"")
        }
        self.compression = compression
        let rows = try config.int("row_group_rows", default: 100_000)
        guard (1...10_000_000).contains(rows) else {
            throw .invalidConfig("\(config.path).row_group_rows: expected 1 to 10000000 rows, got \(rows)")
        }
        rowGroupRows = Int(rows)
        fsync = try config.bool("fsync", default: true)
        partitioning = try Self.partitioning(config.optionalObject("partition_by"))
    }

    private static func hasWildcard(_ key: String) -> Bool {
        key.contains { $0 == "*" || $0 == "?" || $0 == "[" }
    }

    private static func partitioning(_ config: PluginConfig?) throws(PluginError) -> Partitioning {
        guard let config else { return .none }
        try config.rejectUnknownKeys(allowed: ["column", "load_date"])
        let column = try config.optionalString("column")
        let dateKey = try config.optionalString("load_date")
        switch (column, dateKey) {
        case (let column?, nil):
            guard !column.isEmpty else { throw .invalidConfig("\(config.path).column is empty: name the column whose values become folders") }
            return .column(column)
        case (nil, let key?):
            guard PartitionFolder.isPlainKey(key) else {
                throw .invalidConfig("\(config.path).load_date: \"\(key)\" cannot be a folder key; use letters, digits and _, e.g. \"dt\"")
            }
            return .loadDate(key: key)
        default:
            throw .invalidConfig("\(config.path): give exactly one of \"column\" (e.g. {\"column\": \"state\"}) or \"load_date\" (e.g. {\"load_date\": \"dt\"})")
        }
    }
}
