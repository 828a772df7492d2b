import Foundation
import TestSupport
import XCTest

/// What a plugin prints is captured, never mixed into the runtime's output: `discover`,
/// `preview` and `check` print only their own results on stdout, and each line a plugin writes
/// to stdout or stderr becomes one log event tagged with the plugin (stdout at info, stderr at
/// warning), so JSON logs stay one object per line and no plugin can forge a log line.
/// The fixture is Tests/PluginABITests/Fixtures/noisy_source.c.
final class PluginOutputTests: XCTestCase {
    private var workspace: RunWorkspace!

    /// A forged summary, as the noisy plugin writes it to stderr.
    private let forgedSummary = "2026-01-01T00:00:00Z summary entry=x status=ok"
    private let forgedJSON = #"{"level":"error","message":"forged"}"#

    override func setUpWithError() throws {
        workspace = RunWorkspace()
        let plugins = workspace.folder.file("plugins")
        try FileManager.default.createDirectory(atPath: plugins, withIntermediateDirectories: true)
        try CCompiler.sharedLibrary("Tests/PluginABITests/Fixtures/noisy_source.c", output: "\(plugins)/libetl_noisy_source.so")
        try workspace.folder.write(
            "plugins.json",
            """
            {"manifest_version": 1, "plugin_dirs": ["plugins"], "state": {"path": "state/etl_state.db"},
             "sources": {"numbers": {"plugin": "noisy", "config": {"count": 3}}},
             "sinks": {"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}},
             "control_table": [
               {"id": "loud", "source": "numbers", "stream": "numbers", "sink": "warehouse", "target": "numbers",
                "mode": "incremental", "write": "append", "cursor_field": "n"}]}
            """)
    }

    /// The lines of `text`, without the empty one after the last newline.
    private func lines(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
    }

    /// Text logs: the plugin's lines come after the runtime's prefix, never at a line's start.
    private func assertPluginLinesArePrefixed(_ stderr: String, plugin: String, file: StaticString = #filePath, line: UInt = #line) {
        let logLines = lines(stderr)
        XCTAssertFalse(logLines.contains { $0.hasPrefix(forgedSummary) }, "a forged summary starts a line:\n\(stderr)", file: file, line: line)
        XCTAssertFalse(logLines.contains { $0.hasPrefix(forgedJSON) }, "a forged JSON line starts a line:\n\(stderr)", file: file, line: line)
        for text in ["noisy: hello from create", forgedJSON] {
            XCTAssertTrue(
                logLines.contains { $0.contains(" info ") && $0.contains("plugin=\(plugin)") && $0.hasSuffix(": " + text) },
                "no info event with plugin=\(plugin) for \(text):\n\(stderr)", file: file, line: line)
        }
        for text in ["noisy: warning from create", forgedSummary] {
            XCTAssertTrue(
                logLines.contains { $0.contains(" warning ") && $0.contains("plugin=\(plugin)") && $0.hasSuffix(": " + text) },
                "no warning event with plugin=\(plugin) for \(text):\n\(stderr)", file: file, line: line)
        }
    }

    func testDiscoverPrintsOnlyTheStreamsAndLogsWhatThePluginPrinted() throws {
        let outcome = try workspace.run(["discover", "numbers"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertEqual(outcome.stdout, "numbers\n  n  int64 not null\n")
        assertPluginLinesArePrefixed(outcome.stderr, plugin: "noisy")
    }

    func testPreviewPrintsOnlyTheRows() throws {
        let outcome = try workspace.run(["preview", "loud"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertEqual(lines(outcome.stdout).map { $0.trimmingCharacters(in: .whitespaces) }, ["n", "1", "2", "3"], outcome.stdout)
        assertPluginLinesArePrefixed(outcome.stderr, plugin: "noisy")
    }

    func testCheckPrintsOnlyItsVerdictsAndNamesThePluginThatPrinted() throws {
        let outcome = try workspace.run(["check"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertEqual(outcome.stdout, "ok      source numbers (noisy)\nok      sink warehouse (sqlite)\n")
        assertPluginLinesArePrefixed(outcome.stderr, plugin: "noisy")
    }

    func testARunsTextLogCarriesThePluginsLinesBehindItsOwnPrefix() throws {
        for mode in [[], ["--in-process"]] {
            let outcome = try workspace.run(["run"] + mode)
            XCTAssertEqual(outcome.status, 0, "\(mode): \(outcome.stderr)")
            XCTAssertEqual(outcome.stdout, "", "\(mode)")
            // A run loads a source and a sink: either may have printed a line.
            assertPluginLinesArePrefixed(outcome.stderr, plugin: "noisy|sqlite")
            XCTAssertTrue(outcome.stderr.contains("summary entry=loud status=ok"), outcome.stderr)
        }
    }

    func testJSONLogsStayOneObjectPerLineWithThePluginsTextInsideMessages() throws {
        for arguments in [["run"], ["run", "--in-process"], ["discover", "numbers"], ["preview", "loud"], ["check"]] {
            let outcome = try workspace.run(arguments + ["--log-format", "json"])
            XCTAssertEqual(outcome.status, 0, "\(arguments): \(outcome.stderr)")
            var pluginEvents: [[String: Any]] = []
            for line in lines(outcome.stderr) {
                guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
                    XCTFail("\(arguments): not a JSON object: \(line.prefix(200))")
                    continue
                }
                XCTAssertNotEqual(object["message"] as? String, "forged", "\(arguments): a forged event passed for the runtime's")
                if object["output"] != nil { pluginEvents.append(object) }
            }
            let messages = pluginEvents.compactMap { $0["message"] as? String }
            for text in [forgedJSON, forgedSummary, "noisy: hello from create", "noisy: warning from create"] {
                XCTAssertTrue(messages.contains(text), "\(arguments): \(text) not logged as a message: \(messages)")
            }
            let expectedPlugin = arguments[0] == "run" ? "noisy|sqlite" : "noisy"
            for event in pluginEvents {
                XCTAssertEqual(event["plugin"] as? String, expectedPlugin, "\(arguments): \(event)")
                let stream = event["output"] as? String, level = event["level"] as? String
                XCTAssertEqual(level, stream == "stdout" ? "info" : "warning", "\(arguments): \(event)")
            }
        }
    }

    func testALineLongerThan8KiBIsCutWithANote() throws {
        let outcome = try workspace.run(["discover", "numbers"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let cut = try XCTUnwrap(lines(outcome.stderr).first { $0.contains("xxxxxxxx") }, outcome.stderr)
        XCTAssertTrue(cut.hasSuffix(": " + String(repeating: "x", count: 8192) + " [cut: the line is longer than 8192 bytes]"), cut)
    }

    func testALastLineWithoutANewlineIsStillLogged() throws {
        let outcome = try workspace.run(["discover", "numbers"])
        XCTAssertTrue(lines(outcome.stderr).contains { $0.contains("plugin=noisy") && $0.hasSuffix(": noisy: goodbye") }, outcome.stderr)
        XCTAssertFalse(outcome.stdout.contains("goodbye"), outcome.stdout)
    }
}
