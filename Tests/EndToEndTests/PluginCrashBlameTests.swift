import Foundation
import TestSupport
import XCTest

/// When a worker dies of a crash inside a plugin call, the entry's error names the plugin, its
/// library and the function — even when the crash happens in the host's code that the plugin
/// misused (a batch released twice frees host memory twice).
final class PluginCrashBlameTests: XCTestCase {
    private var workspace: RunWorkspace!

    override func setUp() {
        workspace = RunWorkspace()
    }

    /// Runs the workspace and checks the entry's error blames `site`; returns what the run printed.
    @discardableResult
    private func assertCrash(blaming site: String, file: StaticString = #filePath, line: UInt = #line) throws -> ProcessOutcome {
        let outcome = try workspace.run(["run"])
        XCTAssertEqual(outcome.status, 1, outcome.stderr, file: file, line: line)
        XCTAssertTrue(outcome.stderr.contains("summary entry=words status=failed"), outcome.stderr, file: file, line: line)
        let error = try workspace.lastRunError("words")
        XCTAssertTrue(error.contains("its worker process died of signal"), error, file: file, line: line)
        XCTAssertTrue(error.contains(" in \(site): a bug in that plugin, not in etl-runtime."), error, file: file, line: line)
        XCTAssertFalse(error.contains("most likely a plugin crashed"), error, file: file, line: line)
        // The crashed process says so itself too, before its backtrace.
        XCTAssertTrue(outcome.stderr.contains("etl-runtime: crashed in \(site)"), outcome.stderr, file: file, line: line)
        return outcome
    }

    func testASinkThatReleasesABatchTwiceIsNamedWithItsLibrary() throws {
        try workspace.faultyPlugin("tiny_source", name: "tiny_source", nameMacro: "TINY_SOURCE_NAME")
        let library = try workspace.lyingSink("double_release", lie: "DOUBLE_RELEASE_BATCH")
        try workspace.faultyPipeline(source: "tiny_source", stream: "numbers", sink: "double_release", mode: "full", settings: #", "batch_size": 10"#)
        let outcome = try assertCrash(blaming: #"sink plugin "double_release" (\#(library)), during write"#)
        // The backtrace keeps its innermost frames, down to the sink's own code.
        XCTAssertTrue(outcome.stderr.contains("keeper_write + "), outcome.stderr)
    }

    func testASinkThatReleasesTheHostsLoadSchemaIsNamed() throws {
        try workspace.faultyPlugin("tiny_source", name: "tiny_source", nameMacro: "TINY_SOURCE_NAME")
        let library = try workspace.lyingSink("schema_release", lie: "RELEASE_LOAD_SCHEMA")
        try workspace.faultyPipeline(source: "tiny_source", stream: "numbers", sink: "schema_release", mode: "full", settings: #", "batch_size": 10"#)
        try assertCrash(blaming: #"sink plugin "schema_release" (\#(library)), during begin"#)
    }

    func testASourceThatCrashesInGetNextIsNamed() throws {
        let library = try workspace.faultyPlugin(
            "tiny_source", name: "crasher", nameMacro: "TINY_SOURCE_NAME", defines: ["TINY_CRASH_AFTER_FIRST_BATCH"])
        try workspace.faultyPipeline(source: "crasher", stream: "numbers", mode: "full", settings: #", "batch_size": 10"#)
        try assertCrash(blaming: #"source plugin "crasher" (\#(library)), during get_next"#)
    }
}
