import Foundation
import TestSupport
import XCTest

/// `etl-runtime validate`, run as a real process against real manifest files.
final class ValidateCommandTests: XCTestCase {
    func testTheDefaultManifestIsValid() throws {
        let outcome = try ProcessRunner.etlRuntime(["validate"], currentDirectory: TestPaths.packageRoot)
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertTrue(outcome.stdout.hasPrefix("plugins.json: valid — "), outcome.stdout)
    }

    func testThreeMistakesAreAllReportedInOnePassWithFileLinePathAndExit78() throws {
        let folder = TemporaryDirectory()
        try folder.write(
            "plugins.json",
            """
            {
              "manifest_version": 1,
              "sources": { "logs": { "plugin": "lines", "config": { "path": "app.log", "strem": "x" } } },
              "sinks": { "files": { "plugin": "jsonl", "config": { "directory": "out" } } },
              "control_table": [
                { "id": "a", "source": "logs", "stream": "lines", "sink": "files", "target": "t",
                  "mode": "incr" },
                { "id": "b", "source": "log", "stream": "lines", "sink": "files", "target": "t2", "mode": "full" }
              ]
            }
            """)
        let outcome = try ProcessRunner.etlRuntime(["validate"], currentDirectory: folder.path)
        XCTAssertEqual(outcome.status, 78)
        XCTAssertEqual(outcome.stdout, "")
        XCTAssertEqual(
            outcome.stderr,
            """
            plugins.json:3: $.sources.logs.config.strem: unknown key; did you mean "stream"?
            plugins.json:7: $.control_table[0].mode: expected "full" or "incremental", got "incr"
            plugins.json:8: $.control_table[1].source: no source named "log"; did you mean "logs"? (sources: "logs")
            plugins.json: 3 problems found; nothing was run

            """)
    }

    func testASecretFromTheEnvironmentIsNeverPrintedEvenWhenItIsWrong() throws {
        let folder = TemporaryDirectory()
        try folder.write(
            "plugins.json",
            """
            {
              "manifest_version": 1,
              "sources": { "logs": { "plugin": "lines", "config": { "path": "${LOG_PATH}", "stream": 5 } } },
              "sinks": { "files": { "plugin": "jsonl", "config": { "directory": "out", "fsync": "${API_TOKEN}" } } },
              "control_table": []
            }
            """)
        let outcome = try ProcessRunner.etlRuntime(
            ["validate", "--log-format", "json"], environment: ["API_TOKEN": "s3cr3t-token-value", "LOG_PATH": "/var/log/app.log"],
            currentDirectory: folder.path)
        XCTAssertEqual(outcome.status, 78)
        XCTAssertFalse(outcome.stderr.contains("s3cr3t-token-value"), outcome.stderr)
        XCTAssertFalse(outcome.stdout.contains("s3cr3t-token-value"), outcome.stdout)
        XCTAssertTrue(outcome.stderr.contains("$.sinks.files.config.fsync: expected a boolean, got <value of ${API_TOKEN}>"), outcome.stderr)
    }

    func testAMissingVariableIsNamedWithItsPath() throws {
        let folder = TemporaryDirectory()
        try folder.write(
            "plugins.json",
            """
            {"manifest_version": 1, "sources": {"logs": {"plugin": "lines", "config": {"path": "${NO_SUCH_VAR_XYZ}"}}},
             "sinks": {}, "control_table": []}
            """)
        let outcome = try ProcessRunner.etlRuntime(["validate"], currentDirectory: folder.path)
        XCTAssertEqual(outcome.status, 78)
        XCTAssertTrue(outcome.stderr.contains("$.sources.logs.config.path"), outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("NO_SUCH_VAR_XYZ"), outcome.stderr)
    }

    func testAMissingManifestSaysHowToPointAtOne() throws {
        let folder = TemporaryDirectory()
        let outcome = try ProcessRunner.etlRuntime(["validate"], currentDirectory: folder.path)
        XCTAssertEqual(outcome.status, 78)
        XCTAssertTrue(outcome.stderr.contains("--manifest"), outcome.stderr)
    }
}
