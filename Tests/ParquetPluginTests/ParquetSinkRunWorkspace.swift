import Foundation
import TestSupport
import XCTest

/// A folder with a manifest whose sink is `parquet`, run with the built `etl-runtime`.
final class ParquetSinkRunWorkspace {
    let folder = TemporaryDirectory("parquet-run")
    var path: String { folder.path }

    /// Writes `plugins.json` with the given sources, sinks and entries (JSON text).
    func manifest(sources: String, sinks: String, entries: String) throws {
        try folder.write("plugins.json", """
            {"manifest_version": 1, "plugin_dirs": ["\(TestPaths.buildDirectory)"], "state": {"path": "state/etl_state.db"},
             "sources": \(sources), "sinks": \(sinks), "control_table": \(entries)}
            """)
    }

    /// Runs `etl-runtime <arguments> --manifest plugins.json` to completion.
    func run(_ arguments: [String]) throws -> ProcessOutcome {
        try ProcessRunner.etlRuntime(arguments + ["--manifest", folder.file("plugins.json")], currentDirectory: path)
    }

    /// Starts `etl-runtime run` without waiting.
    func start(_ arguments: [String] = ["run"]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestPaths.runtimeExecutable)
        process.arguments = arguments + ["--manifest", folder.file("plugins.json")]
        process.currentDirectoryURL = URL(fileURLWithPath: path)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// The entry worker processes of `run` (`etl-runtime __run-entry --parent <pid>`).
    static func workers(of run: Process) -> [pid_t] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { entry in
            guard entry.allSatisfy(\.isNumber), let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { return nil }
            let arguments = String(decoding: data, as: UTF8.self).split(separator: "\u{0}").map(String.init)
            guard arguments.contains("__run-entry"), let index = arguments.firstIndex(of: "--parent"), index + 1 < arguments.count,
                  arguments[index + 1] == "\(run.processIdentifier)" else { return nil }
            return pid_t(entry)
        }
    }

    /// A CSV of `rows` lines `id,group` with ids from `first`, the group cycling through `groups`.
    func writeCSV(_ name: String, rows: Int, first: Int = 0, groups: [String]) throws {
        var text = ""
        text.reserveCapacity(rows * 12)
        for index in first..<(first + rows) { text += "\(index),\(groups[index % groups.count])\n" }
        _ = try folder.write(name, text)
    }

    /// Every file below `relative`, sorted.
    func files(_ relative: String) -> [String] {
        let root = folder.file(relative)
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return [] }
        var found: [String] = []
        while let name = enumerator.nextObject() as? String {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + name, isDirectory: &isFolder), !isFolder.boolValue { found.append(name) }
        }
        return found.sorted()
    }
}
