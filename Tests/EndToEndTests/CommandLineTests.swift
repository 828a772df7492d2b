import Foundation
import TestSupport
import XCTest

/// Help, version and usage errors behave as cron and humans expect.
final class CommandLineTests: XCTestCase {
    func testVersionNamesTheRuntimeAndTheABI() throws {
        let outcome = try ProcessRunner.etlRuntime(["--version"])
        XCTAssertEqual(outcome.status, 0)
        XCTAssertEqual(outcome.stdout, "etl-runtime 0.1.0 (plugin ABI 1.4)\n")
    }

    func testEveryCommandHasHelp() throws {
        for command in ["list-plugins", "validate"] {
            let outcome = try ProcessRunner.etlRuntime([command, "--help"])
            XCTAssertEqual(outcome.status, 0, command)
            XCTAssertTrue(outcome.stdout.contains("USAGE: etl-runtime \(command)"), outcome.stdout)
        }
    }

    func testAnUnknownOptionIsAUsageErrorWithExitCode64() throws {
        let outcome = try ProcessRunner.etlRuntime(["validate", "--manifset", "x.json"])
        XCTAssertEqual(outcome.status, 64)
        XCTAssertTrue(outcome.stderr.contains("Unknown option '--manifset'"), outcome.stderr)
    }
}
