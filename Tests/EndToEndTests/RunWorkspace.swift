import Foundation
import TestSupport

/// A folder with a manifest, data files and (after a run) a state database: what a
/// user's pipeline folder looks like.
final class RunWorkspace {
    let folder = TemporaryDirectory("etl-run")

    var path: String { folder.path }
    var statePath: String { folder.file("state/etl_state.db") }

    /// Writes plugins.json with the given sources, sinks and control table (JSON text).
    func manifest(sources: String, sinks: String, entries: String) throws {
        try folder.write(
            "plugins.json",
            """
            {"manifest_version": 1, "state": {"path": "state/etl_state.db"},
             "sources": \(sources), "sinks": \(sinks), "control_table": \(entries)}
            """)
    }

    /// A log file of `count` lines: "line 1", "line 2", ...
    @discardableResult
    func logFile(_ name: String, lines range: ClosedRange<Int>, append: Bool = false) throws -> String {
        try textFile(name, range.map { "line \($0)\n" }.joined(), append: append)
    }

    /// Writes `text` to the file `name` of the folder, or adds it at the end with `append`
    /// (as a program appending to its output would); returns the file's path.
    @discardableResult
    func textFile(_ name: String, _ text: String, append: Bool = false) throws -> String {
        let path = folder.file(name)
        if append, let handle = FileHandle(forWritingAtPath: path) {
            handle.seekToEndOfFile()
            handle.write(Data(text.utf8))
            try handle.close()
        } else {
            try text.write(toFile: path, atomically: false, encoding: .utf8)
        }
        return path
    }

    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> ProcessOutcome {
        try ProcessRunner.etlRuntime(arguments, environment: environment, currentDirectory: path)
    }

    /// Lines of a jsonl sink's target file, decoded.
    func jsonl(_ name: String) throws -> [[String: Any]] {
        guard let text = try? String(contentsOfFile: folder.file("out/\(name).jsonl"), encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:]
        }
    }

    /// Runs one SQL query against the state database with the sqlite3 shell.
    func stateQuery(_ sql: String) throws -> String {
        try ProcessRunner.run("/usr/bin/sqlite3", [statePath, sql]).stdout
    }
}
