import ETLArrow
import ETLRuntimeCore
import Foundation
import TestSupport
import XCTest

/// Drives the built `libetl_http.so` through the runtime's loader and instance wrappers, as
/// `etl-runtime run` does.
enum HTTPTestPlugin {
    /// The plugin of `kind` ("source" or "sink") named http.
    static func plugin(sink: Bool) throws -> LoadedPlugin {
        let library = try PluginLibraryLoader.load(TestPaths.buildDirectory + "/libetl_http.so").get()
        return try XCTUnwrap(library.plugins.first { $0.info.name == "http" && $0.info.kind == (sink ? .sink : .source) },
                             "libetl_http.so has no http \(sink ? "sink" : "source")")
    }

    /// Config JSON text from a dictionary.
    static func json(_ value: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]), as: UTF8.self)
    }

    /// A source with one stream `tasks`, fast retries and short timeouts unless overridden.
    static func source(_ server: MockAPIServer, stream: [String: Any], extra: [String: Any] = [:]) throws -> SourceInstance {
        var config: [String: Any] = ["base_url": server.baseURL, "streams": ["tasks": stream], "retry_base_seconds": 0.05,
                                     "timeout_seconds": 5]
        for (key, value) in extra { config[key] = value }
        return try SourceInstance(plugin: try plugin(sink: false), configJSON: try json(config), entryID: "http_test")
    }

    /// A sink with fast retries.
    static func sink(_ server: MockAPIServer, _ config: [String: Any]) throws -> SinkInstance {
        var full: [String: Any] = ["base_url": server.baseURL, "retry_base_seconds": 0.05, "timeout_seconds": 5]
        for (key, value) in config { full[key] = value }
        return try SinkInstance(plugin: try plugin(sink: true), configJSON: try json(full), entryID: "http_sink_test")
    }

    /// The standard columns used by most tests.
    static var columns: [[String: Any]] { [
        ["name": "id", "type": "int64"], ["name": "name", "type": "text"], ["name": "updated_at", "type": "timestamp"],
        ["name": "assignee", "path": "$.assignees[0].username", "type": "text"],
    ] }
}

/// What one read produced.
struct HTTPReadResult {
    var schema: ArrowSchemaDescription
    var batches: [[[String?]]]
    var checkpoints: [String?]
    var rejects: [SourceReject]

    var rows: [[String?]] { batches.flatMap { $0 } }
    /// The first column as integers (the ids).
    var ids: [Int] { rows.compactMap { $0.first.flatMap { $0 }.flatMap { Int($0) } } }
}

extension SourceInstance {
    /// Reads a stream to its end.
    func readAll(stream: String = "tasks", state: String? = nil, cursor: String? = nil, initialValue: String? = nil,
                 batchSize: Int = 10_000, maxRecords: Int = 0, options: String? = nil) throws -> HTTPReadResult {
        let request = ReadRequest(entryID: "http_test", stream: stream, stateJSON: state, cursorField: cursor,
                                  initialValueJSON: initialValue, batchSize: batchSize, maxBatchBytes: 0, maxRecords: maxRecords,
                                  optionsJSON: options)
        let read = try self.read(request)
        let schema = try read.stream.schema()
        var result = HTTPReadResult(schema: schema, batches: [], checkpoints: [], rejects: [])
        while let batch = try read.stream.next() {
            result.batches.append((0..<batch.rowCount).map { row in
                (0..<schema.fields.count).map { HTTPReadResult.render(batch.column($0), row) }
            })
            result.checkpoints.append(try checkpoint())
        }
        result.rejects = context.takeRejects()
        return result
    }
}

extension HTTPReadResult {
    static func render(_ column: ImportedColumn, _ row: Int) -> String? {
        if column.isNull(row) { return nil }
        switch column.type {
        case .int64: return String(column.int64(row))
        case .double: return String(column.double(row))
        case .bool: return String(column.bool(row))
        case .utf8, .binary: return column.string(row)
        case .timestampMicrosecondsUTC: return String(column.timestampMicroseconds(row))
        case .date32: return String(column.date32(row))
        case .null: return nil
        }
    }
}

/// Asserts that `body` throws an error whose text contains every fragment and none of `absent`.
func assertFails(_ fragments: [String], absent: [String] = [], file: StaticString = #filePath, line: UInt = #line,
                 _ body: () throws -> Void) {
    XCTAssertThrowsError(try body(), file: file, line: line) { error in
        let text = "\(error)"
        for fragment in fragments {
            XCTAssertTrue(text.contains(fragment), "missing \"\(fragment)\" in: \(text)", file: file, line: line)
        }
        for secret in absent {
            XCTAssertFalse(text.contains(secret), "\"\(secret)\" leaked in: \(text)", file: file, line: line)
        }
    }
}

/// How many requests the server logged for paths starting with `prefix`.
func requestCount(_ server: MockAPIServer, prefix: String) throws -> Int {
    try server.requests().filter { ($0["path"] as? String)?.hasPrefix(prefix) == true }.count
}
