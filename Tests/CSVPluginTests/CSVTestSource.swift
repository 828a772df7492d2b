import ETLArrow
import ETLRuntimeCore
import Foundation
import TestSupport
import PluginTestSupport
import XCTest

/// Drives the built `libetl_csv.so` the way `etl-runtime run` does: loaded with the runtime's
/// loader, created and read through its `SourceInstance` / `SourceReadStream` wrappers.
enum CSVTestSource {
    /// The csv plugin from the library beside the test bundle.
    static func plugin() throws -> LoadedPlugin {
        let path = TestPaths.buildDirectory + "/libetl_csv.so"
        let library = try PluginLibraryLoader.load(path).get()
        return try XCTUnwrap(library.plugins.first { $0.info.name == "csv" }, "libetl_csv.so has no plugin named csv")
    }

    /// Config JSON text from a dictionary (paths, strings, numbers, arrays).
    static func json(_ config: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: config, options: [.sortedKeys]), as: UTF8.self)
    }

    /// A source created from `config`.
    static func make(_ config: [String: Any], entry: String = "test_entry") throws -> SourceInstance {
        try SourceInstance(plugin: try plugin(), configJSON: try json(config), entryID: entry)
    }
}

/// What a csv read produced (see `SourceReadResult`).
typealias CSVReadResult = SourceReadResult

extension SourceInstance {
    /// Reads a stream to its end.
    func readAll(stream: String, state: String? = nil, cursor: String? = nil, batchSize: Int = 10_000,
                 maxRecords: Int = 0, maxBatchBytes: Int = 0, initialValue: String? = nil) throws -> CSVReadResult {
        try readAll(
            ReadRequest(
                entryID: "test_entry", stream: stream, stateJSON: state, cursorField: cursor, initialValueJSON: initialValue,
                batchSize: batchSize, maxBatchBytes: maxBatchBytes, maxRecords: maxRecords))
    }
}

/// Files for one test, in a fresh folder.
final class CSVFixture {
    let folder = TemporaryDirectory("etl-csv")

    /// Writes bytes to `name` and returns the path.
    @discardableResult
    func write(_ name: String, bytes: [UInt8]) throws -> String {
        let path = folder.file(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Writes text to `name` and returns the path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try write(name, bytes: Array(text.utf8))
    }

    /// Appends text to an existing file (same inode, as a logger would).
    func append(_ name: String, _ text: String) throws {
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: folder.file(name)))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }

    /// Sets a file's modification time `seconds` into the past.
    func age(_ name: String, seconds: Double) throws {
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -seconds)], ofItemAtPath: folder.file(name))
    }

    /// The full path of `name`.
    func path(_ name: String) -> String { folder.file(name) }
}

/// Asserts that `body` fails with a plugin error of `status` (its name, e.g. "bad data"; "" for
/// a failure of the stream, which carries no status) whose message contains every fragment.
func assertPluginError(_ status: String, _ fragments: [String], file: StaticString = #filePath, line: UInt = #line,
                       _ body: () throws -> Void) {
    XCTAssertThrowsError(try body(), file: file, line: line) { error in
        let text = "\(error)"
        if !status.isEmpty {
            XCTAssertTrue(text.contains("(\(status))"), "expected \(status): \(text)", file: file, line: line)
        }
        for fragment in fragments {
            XCTAssertTrue(text.contains(fragment), "missing \"\(fragment)\" in: \(text)", file: file, line: line)
        }
    }
}
