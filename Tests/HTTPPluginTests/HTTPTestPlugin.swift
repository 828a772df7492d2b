import ETLArrow
import ETLRuntimeCore
import Foundation
import TestSupport
import PluginTestSupport
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
        try source(baseURL: server.baseURL, stream: stream, extra: extra)
    }

    static func source(baseURL: String, stream: [String: Any], extra: [String: Any] = [:]) throws -> SourceInstance {
        var config: [String: Any] = ["base_url": baseURL, "streams": ["tasks": stream], "retry_base_seconds": 0.05,
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
/// What an http read produced (see `SourceReadResult`).
typealias HTTPReadResult = SourceReadResult

extension SourceInstance {
    /// Reads a stream to its end.
    func readAll(stream: String = "tasks", state: String? = nil, cursor: String? = nil, initialValue: String? = nil,
                 batchSize: Int = 10_000, maxRecords: Int = 0, options: String? = nil) throws -> HTTPReadResult {
        try readAll(
            ReadRequest(
                entryID: "http_test", stream: stream, stateJSON: state, cursorField: cursor, initialValueJSON: initialValue,
                batchSize: Int64(batchSize), maxBatchBytes: 0, maxRecords: Int64(maxRecords), optionsJSON: options))
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
