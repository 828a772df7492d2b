import ETLArrow
import ETLRuntimeCore
import Foundation
import Glibc
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
                batchSize: Int64(batchSize), maxBatchBytes: Int64(maxBatchBytes), maxRecords: Int64(maxRecords)))
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

    /// Renames `name` to `newName` (the file keeps its inode), as logrotate's default does.
    func rename(_ name: String, to newName: String) throws {
        guard Glibc.rename(path(name), path(newName)) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    /// Copies `name` to `newName`, a new file with a new inode, as logrotate's `copytruncate` does.
    func copy(_ name: String, to newName: String) throws {
        try FileManager.default.copyItem(atPath: path(name), toPath: path(newName))
    }

    /// Cuts `name` to `size` bytes in place (same inode), as logrotate's `copytruncate` does with 0.
    func truncate(_ name: String, to size: UInt64 = 0) throws {
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path(name)))
        defer { try? handle.close() }
        try handle.truncate(atOffset: size)
    }

    /// The inode of `name`.
    func inode(_ name: String) throws -> UInt64 {
        var info = stat()
        guard stat(path(name), &info) == 0 else { throw CocoaError(.fileReadNoSuchFile) }
        return UInt64(info.st_ino)
    }
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
