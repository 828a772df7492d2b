import ETLRuntimeCore
import Foundation
import XCTest

/// A temporary folder holding a manifest (and maybe a `.env`), removed afterwards.
final class ManifestWorkspace {
    let directory: String

    init() throws {
        let base = FileManager.default.temporaryDirectory.path
        directory = PathNormalizer.normalize(base + "/manifest-tests-" + UUID().uuidString)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
    }

    var manifestPath: String { directory + "/plugins.json" }

    @discardableResult
    func write(_ name: String, _ contents: String) throws -> String {
        let path = directory + "/" + name
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try contents.write(toFile: path, atomically: false, encoding: .utf8)
        return path
    }

    /// Writes `manifest` as plugins.json (and `dotEnv` as .env) and loads it.
    func load(
        _ manifest: String, environment: [String: String] = [:], dotEnv: String? = nil,
        plugins: (any PluginContractProviding)? = nil
    ) throws -> ManifestLoadResult {
        try write("plugins.json", manifest)
        if let dotEnv { try write(".env", dotEnv) }
        return ManifestLoader.load(path: manifestPath, environment: environment, plugins: plugins)
    }

    /// The issues as printed, with this folder left out so they read `plugins.json:14: ...`.
    func rendered(_ result: ManifestLoadResult) -> [String] {
        result.issues.map { $0.description.replacingOccurrences(of: directory + "/", with: "") }
    }
}

/// Removes trailing slashes and `//` so temp paths compare with the loader's normalised ones.
enum PathNormalizer {
    static func normalize(_ path: String) -> String {
        "/" + path.split(separator: "/").joined(separator: "/")
    }
}

/// The 1-based line of the first line containing `needle`; fails the test when absent.
func line(of needle: String, in text: String, file: StaticString = #filePath, lineNumber: UInt = #line) -> Int {
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
    where line.contains(needle) {
        return index + 1
    }
    XCTFail("\(needle) not found in the manifest text", file: file, line: lineNumber)
    return 0
}

/// Plugin contracts handed to the loader in place of real libraries.
struct FakePlugins: PluginContractProviding {
    var contracts: [PluginContract]
    var unusable: [String: String] = [:]

    func contract(forPlugin name: String) -> PluginContractLookup {
        if let reason = unusable[name] { return .unusable(reason: reason) }
        if let contract = contracts.first(where: { $0.name == name }) { return .found(contract) }
        return .notFound(available: contracts.map(\.name) + unusable.keys.sorted())
    }

    /// csv and http sources, sqlite and jsonl sinks, with schemas shaped like the real ones.
    static let standard = FakePlugins(contracts: [
        PluginContract(
            name: "csv", kind: .source, capabilities: ["incremental", "discover", "positions"],
            configSchemaJSON: """
                {
                  "type": "object",
                  "properties": {
                    "path": {"type": "string", "format": "path", "minLength": 1},
                    "header": {"type": "boolean", "default": true},
                    "delimiter": {"type": "string", "minLength": 1, "maxLength": 1},
                    "columns": {"type": "array", "items": {"$ref": "#/$defs/column"}},
                    "null_values": {"type": "array", "items": {"type": "string"}},
                    "trim": {"type": "boolean"}
                  },
                  "required": ["path"],
                  "additionalProperties": false,
                  "$defs": {
                    "column": {
                      "type": "object",
                      "properties": {
                        "name": {"type": "string"},
                        "type": {"enum": ["int64", "double", "string", "bool", "date", "timestamp"]}
                      },
                      "required": ["name"],
                      "additionalProperties": false
                    }
                  }
                }
                """,
            libraryPath: "/opt/etl/plugins/libetl_csv.so"),
        PluginContract(
            name: "http", kind: .source, capabilities: ["incremental", "positions"],
            configSchemaJSON: """
                {
                  "type": "object",
                  "properties": {
                    "base_url": {"type": "string", "pattern": "^https?://"},
                    "auth": {
                      "oneOf": [
                        {"type": "object", "properties": {"type": {"const": "bearer"}, "token_env": {"type": "string"}},
                         "required": ["type", "token_env"], "additionalProperties": false},
                        {"type": "object", "properties": {"type": {"const": "basic"}, "user": {"type": "string"},
                         "password": {"type": "string"}}, "required": ["type", "user", "password"],
                         "additionalProperties": false}
                      ]
                    },
                    "token": {"type": "string", "minLength": 8}
                  },
                  "required": ["base_url"],
                  "additionalProperties": false
                }
                """,
            libraryPath: "/opt/etl/plugins/libetl_http.so"),
        PluginContract(
            name: "sqlite", kind: .sink, capabilities: ["append", "replace", "merge", "scd2", "sql", "transactional", "models", "deletes"],
            configSchemaJSON: """
                {"type": "object", "properties": {"path": {"type": "string", "format": "path"}},
                 "required": ["path"], "additionalProperties": false}
                """,
            libraryPath: "/opt/etl/plugins/libetl_sqlite.so"),
        PluginContract(
            name: "jsonl", kind: .sink, capabilities: ["append", "replace"],
            configSchemaJSON: """
                {"type": "object", "properties": {"path": {"type": "string", "format": "path"}}}
                """,
            libraryPath: "/opt/etl/plugins/libetl_jsonl.so"),
    ])
}

/// The example manifest of DESIGN.md, with the column list written out.
let designExampleManifest = """
    {
      "manifest_version": 1,
      "plugin_dirs": ["plugins"],
      "state": { "path": "state/etl_state.db" },
      "sources": {
        "census": { "plugin": "csv", "config": { "path": "examples/data/adult.data",
          "header": false, "columns": [{"name": "age", "type": "int64"}, {"name": "workclass"}],
          "null_values": ["?"], "trim": true } },
        "crm": { "plugin": "http", "config": { "base_url": "${CRM_URL}",
          "auth": { "type": "bearer", "token_env": "CRM_TOKEN" } } }
      },
      "sinks": {
        "warehouse": { "plugin": "sqlite", "config": { "path": "warehouse.db" } }
      },
      "control_table": [
        { "id": "adult_stage", "active": true,
          "source": "census", "stream": "adult", "sink": "warehouse", "target": "stage_adult",
          "mode": "incremental", "write": "append", "cursor_field": "$offset",
          "batch_size": 10000, "max_records_per_run": 1630 },
        { "id": "crm_companies", "active": true,
          "source": "crm", "stream": "companies", "sink": "warehouse", "target": "dim_company",
          "mode": "incremental", "write": "scd2", "primary_key": ["id"],
          "cursor_field": "updated_at", "initial_value": "2024-01-01T00:00:00Z",
          "lookback": "PT10M", "transforms": [ { "rename": { "companyName": "name" } } ] }
      ]
    }
    """

/// The fields every test entry shares; tests add `mode` and whatever they examine.
let commonEntryFields = #""id": "companies", "source": "crm", "stream": "companies", "sink": "warehouse", "target": "dim_company""#

/// A small manifest (an http source "crm", a sqlite sink "warehouse") around one
/// control-table entry whose fields are given, one entry per line.
func manifest(entries: [String], sources: String? = nil, sinks: String? = nil) -> String {
    let defaultSources = #"{ "crm": { "plugin": "http", "config": { "base_url": "https://crm.example.com" } } }"#
    let defaultSinks = #"{ "warehouse": { "plugin": "sqlite", "config": { "path": "warehouse.db" } } }"#
    return """
        {
          "manifest_version": 1,
          "sources": \(sources ?? defaultSources),
          "sinks": \(sinks ?? defaultSinks),
          "control_table": [
        \(entries.map { "    { " + $0 + " }" }.joined(separator: ",\n"))
          ]
        }
        """
}

/// `manifest(entries:)` with one entry.
func manifest(entry: String, sources: String? = nil, sinks: String? = nil) -> String {
    manifest(entries: [entry], sources: sources, sinks: sinks)
}
