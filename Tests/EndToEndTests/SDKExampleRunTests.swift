import Foundation
import TestSupport
import XCTest

/// The SDK's example plugins, built the way their authors build them, run by `etl-runtime run`
/// as a user would run them: if an example breaks, these fail.
final class SDKExampleRunTests: XCTestCase {
    private var workspace: RunWorkspace!
    private var plugins: String { workspace.folder.file("plugins") }

    override func setUpWithError() throws {
        workspace = RunWorkspace()
        try FileManager.default.createDirectory(atPath: plugins, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: workspace.folder.file("out"), withIntermediateDirectories: true)
    }

    private func writeManifest(source: String, entry: String) throws {
        try workspace.folder.write(
            "plugins.json",
            """
            {"manifest_version": 1, "plugin_dirs": ["plugins"], "state": {"path": "state/etl_state.db"},
             "sources": {"numbers": \(source)},
             "sinks": {"file": {"plugin": "tsv_file", "config": {"path": "out/numbers.tsv"}}},
             "control_table": [\(entry)]}
            """)
    }

    private func tsv() -> String {
        (try? String(contentsOfFile: workspace.folder.file("out/numbers.tsv"), encoding: .utf8)) ?? ""
    }

    private func rows(_ range: ClosedRange<Int>) -> String {
        range.map { "\($0)\trow \($0)\n" }.joined()
    }

    func testTheShortCExampleLoadsIncrementallyAndResumesWhereItStopped() throws {
        try CCompiler.sharedLibrary("SDK/examples/c-short/etl_short.c", output: "\(plugins)/libetl_short_c.so")
        try writeManifest(
            source: #"{"plugin": "sequence", "config": {"count": 7}}"#,
            entry: """
                {"id": "numbers", "source": "numbers", "stream": "sequence", "sink": "file", "target": "numbers",
                 "mode": "incremental", "write": "append", "cursor_field": "n", "batch_size": 3,
                 "max_records_per_run": 5}
                """)

        let first = try workspace.run(["run"])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(tsv(), rows(1...5), "max_records_per_run stops the first run after 5 rows")
        XCTAssertEqual(try String(contentsOfFile: workspace.folder.file("out/numbers.tsv.state"), encoding: .utf8), #"{"next": 6}"#)

        let second = try workspace.run(["run"])
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(tsv(), rows(1...7), "the second run resumes after row 5")

        let third = try workspace.run(["run"])
        XCTAssertEqual(third.status, 0, third.stderr)
        XCTAssertEqual(tsv(), rows(1...7), "nothing is left to load")
        XCTAssertEqual(
            try workspace.stateQuery("SELECT watermark FROM etl_control WHERE id = 'numbers'"), "{\"next\": 8}\n")
    }

    func testTheShortCExampleIsListedWithBothPlugins() throws {
        try CCompiler.sharedLibrary("SDK/examples/c-short/etl_short.c", output: "\(plugins)/libetl_short_c.so")
        let outcome = try ProcessRunner.etlRuntime(["list-plugins", "--plugin-dir", plugins], currentDirectory: workspace.path)
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let listed = outcome.stdout.split(separator: "\n").filter { $0.hasSuffix("/libetl_short_c.so") }
        XCTAssertEqual(listed.map { String($0.split(separator: " ")[0]) }, ["sequence", "tsv_file"], outcome.stdout)
        XCTAssertTrue(listed.allSatisfy { $0.contains(" 1.4 ") }, "built for ABI 1.4: \(listed)")
    }

    /// cargo from PATH or rustup's default place; nil when Rust is not installed.
    private func cargo() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let candidates = path.split(separator: ":").map { "\($0)/cargo" } + [NSHomeDirectory() + "/.cargo/bin/cargo"]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    func testTheRustExampleLoadsDaysIncrementallyIntoSQLite() throws {
        guard let cargo = cargo() else { throw XCTSkip("cargo is not installed; the Rust example is built only where it is") }
        let target = workspace.folder.file("cargo-target")
        let build = try ProcessRunner.run(
            cargo, ["build", "--offline", "--quiet", "--manifest-path", TestPaths.source("SDK/examples/rust-source/Cargo.toml"),
                    "--target-dir", target])
        XCTAssertEqual(build.status, 0, build.stderr)
        try FileManager.default.copyItem(atPath: "\(target)/debug/libetl_rust_source.so", toPath: "\(plugins)/libetl_rust_source.so")
        try workspace.folder.write(
            "plugins.json",
            """
            {"manifest_version": 1, "plugin_dirs": ["plugins"], "state": {"path": "state/etl_state.db"},
             "sources": {"cal": {"plugin": "calendar", "config": {"from": "2024-02-26", "days": 6}}},
             "sinks": {"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}},
             "control_table": [{"id": "days", "source": "cal", "stream": "days", "sink": "warehouse", "target": "days",
               "mode": "incremental", "write": "append", "cursor_field": "day", "batch_size": 4, "max_records_per_run": 5}]}
            """)
        let warehouse = workspace.folder.file("warehouse.db")
        let first = try workspace.run(["run"])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(try ProcessRunner.run("/usr/bin/sqlite3", [warehouse, "SELECT count(*) FROM days"]).stdout, "5\n")
        let second = try workspace.run(["run"])
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(
            try ProcessRunner.run("/usr/bin/sqlite3", [warehouse, "SELECT day, weekday, weekend FROM days ORDER BY day"]).stdout,
            """
            2024-02-26|Monday|0
            2024-02-27|Tuesday|0
            2024-02-28|Wednesday|0
            2024-02-29|Thursday|0
            2024-03-01|Friday|0
            2024-03-02|Saturday|1

            """)
        XCTAssertEqual(try workspace.stateQuery("SELECT watermark FROM etl_control WHERE id = 'days'"), "{\"next\": 6}\n")
    }
}
