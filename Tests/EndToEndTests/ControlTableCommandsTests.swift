import Foundation
import TestSupport
import XCTest

/// `status`, `history` and `state show` read the control table only: they work in a shell
/// without the pipeline's secrets and with plugins missing or broken.
final class ControlTableCommandsTests: XCTestCase {
    private let logDirectory = "tenant-logs"

    /// A `lines` → `jsonl` pipeline whose source path needs `${LOG_DIR}`, run once with it set;
    /// a second entry has never run.
    private func ranPipeline() throws -> RunWorkspace {
        let workspace = RunWorkspace()
        try FileManager.default.createDirectory(
            atPath: workspace.folder.file(logDirectory), withIntermediateDirectories: true)
        try workspace.logFile("\(logDirectory)/app.log", lines: 1...3)
        try workspace.manifest(
            sources: #"{"app": {"plugin": "lines", "config": {"path": "${LOG_DIR}/app.log"}}}"#,
            sinks: #"{"files": {"plugin": "jsonl", "config": {"directory": "out", "fsync": false}}}"#,
            entries: """
                [{"id": "app_raw", "source": "app", "stream": "lines", "sink": "files", "target": "app_raw",
                  "mode": "incremental", "write": "append", "cursor_field": "$offset"},
                 {"id": "app_later", "source": "app", "stream": "lines", "sink": "files", "target": "app_later",
                  "mode": "full", "active": false}]
                """)
        let run = try workspace.run(["run"], environment: ["LOG_DIR": logDirectory])
        XCTAssertEqual(run.status, 0, run.stderr)
        return workspace
    }

    /// Runs the three commands with no LOG_DIR and checks what each prints.
    private func assertControlTableCommandsWork(_ workspace: RunWorkspace, file: StaticString = #filePath, line: UInt = #line) throws {
        let status = try workspace.run(["status"])
        XCTAssertEqual(status.status, 0, status.stderr, file: file, line: line)
        let rows = status.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        guard rows.count == 3 else {
            return XCTFail("expected a header and two entries: \(status.stdout)\(status.stderr)", file: file, line: line)
        }
        XCTAssertEqual(rows[1].prefix(5), ["app_later", "no", "full", "replace", "files.app_later"], status.stdout, file: file, line: line)
        // LAST RUN, STATUS, ROWS, LOOKBACK, WATERMARK.
        XCTAssertEqual(rows[1][5...], ["never", "-", "0", "-", "-"], status.stdout, file: file, line: line)
        XCTAssertEqual(rows[2].prefix(5), ["app_raw", "yes", "incremental", "append", "files.app_raw"], status.stdout, file: file, line: line)
        XCTAssertEqual(rows[2][6...7], ["ok", "3"], status.stdout, file: file, line: line)

        let json = try workspace.run(["status", "--json"])
        XCTAssertEqual(json.status, 0, json.stderr, file: file, line: line)
        let objects = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]], file: file, line: line)
        XCTAssertEqual(objects.map { $0["id"] as? String }, ["app_later", "app_raw"], file: file, line: line)

        let history = try workspace.run(["history", "--entry", "app_raw"])
        XCTAssertEqual(history.status, 0, history.stderr, file: file, line: line)
        XCTAssertEqual(history.stdout.split(separator: "\n").count, 2, history.stdout, file: file, line: line)
        XCTAssertTrue(history.stdout.contains(" ok "), history.stdout, file: file, line: line)

        let state = try workspace.run(["state", "show", "app_raw"])
        XCTAssertEqual(state.status, 0, state.stderr, file: file, line: line)
        XCTAssertTrue(state.stdout.contains("\"line\": 3"), state.stdout, file: file, line: line)
    }

    func testStatusHistoryAndStateShowNeedNotTheSecretsOfTheManifest() throws {
        let workspace = try ranPipeline()
        let run = try workspace.run(["run"])
        XCTAssertEqual(run.status, 78, "run itself still needs LOG_DIR: \(run.stderr)")
        try assertControlTableCommandsWork(workspace)
    }

    func testStatusHistoryAndStateShowLoadNoPlugin() throws {
        let workspace = try ranPipeline()
        let plugins = workspace.folder.file("plugins")
        try FileManager.default.createDirectory(atPath: plugins, withIntermediateDirectories: true)
        try CCompiler.sharedLibrary("Tests/PluginABITests/Fixtures/crash_on_load.c", output: "\(plugins)/libetl_crash_on_load.so")
        let manifest = workspace.folder.file("plugins.json")
        let text = try String(contentsOfFile: manifest, encoding: .utf8)
            .replacingOccurrences(of: #""plugin": "lines""#, with: #""plugin": "no_such_plugin""#)
            .replacingOccurrences(of: #"{"manifest_version": 1,"#, with: #"{"manifest_version": 1, "plugin_dirs": ["plugins"],"#)
        try text.write(toFile: manifest, atomically: false, encoding: .utf8)
        let validate = try workspace.run(["validate"], environment: ["LOG_DIR": logDirectory])
        XCTAssertEqual(validate.status, 78, "the manifest is broken for every other command: \(validate.stderr)")
        try assertControlTableCommandsWork(workspace)
    }

    func testStateShowRefusesAnEntryTheManifestDoesNotHave() throws {
        let workspace = try ranPipeline()
        let outcome = try workspace.run(["state", "show", "app_rwa"])
        XCTAssertEqual(outcome.status, 64, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains(#"no entry "app_rwa" in the control table; did you mean "app_raw"?"#), outcome.stderr)
    }

    func testAManifestThatIsNotJSONOrHasNoUsableStatePathIsRefused() throws {
        let workspace = try ranPipeline()
        let manifest = workspace.folder.file("plugins.json")
        try "{\"manifest_version\": 1,".write(toFile: manifest, atomically: false, encoding: .utf8)
        let notJSON = try workspace.run(["status"])
        XCTAssertEqual(notJSON.status, 78, notJSON.stderr)
        XCTAssertTrue(notJSON.stderr.hasPrefix("plugins.json:1:"), notJSON.stderr)

        try #"{"manifest_version": 1, "state": {"path": "${STATE_DIR}/etl_state.db"}, "control_table": []}"#
            .write(toFile: manifest, atomically: false, encoding: .utf8)
        for command in [["status"], ["history"], ["state", "show", "app_raw"]] {
            let outcome = try workspace.run(command)
            XCTAssertEqual(outcome.status, 78, "\(command): \(outcome.stderr)")
            XCTAssertTrue(
                outcome.stderr.contains("plugins.json:1: $.state.path: environment variable STATE_DIR is not set"),
                "\(command): \(outcome.stderr)")
        }
        let withIt = try workspace.run(["history"], environment: ["STATE_DIR": "state"])
        XCTAssertEqual(withIt.status, 0, withIt.stderr)
        XCTAssertTrue(withIt.stdout.contains(" app_raw "), withIt.stdout)
    }
}
