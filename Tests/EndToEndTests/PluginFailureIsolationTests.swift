import Foundation
import TestSupport
import XCTest

/// A plugin that is missing, in a library that does not load, or claimed by two libraries
/// fails only the entries that use it — with the cause, not just "no plugin named" — and the
/// other entries run. `run` still exits 78 (a person must fix the configuration), and
/// `validate` refuses the manifest naming the library and its reason.
final class PluginFailureIsolationTests: XCTestCase {
    private var workspace: RunWorkspace!
    private var plugins = ""

    override func setUpWithError() throws {
        workspace = RunWorkspace()
        plugins = workspace.folder.file("plugins")
        try FileManager.default.createDirectory(atPath: plugins, withIntermediateDirectories: true)
        try CCompiler.sharedLibrary("Tests/PluginABITests/Fixtures/tiny_source.c", output: "\(plugins)/libetl_tiny_source.so")
    }

    /// An entry "numbers" on the good plugin and an entry "other" whose source uses `plugin`.
    private func manifest(otherPlugin plugin: String) throws {
        try workspace.folder.write(
            "plugins.json",
            """
            {"manifest_version": 1, "plugin_dirs": ["plugins"], "state": {"path": "state/etl_state.db"},
             "sources": {"numbers": {"plugin": "tiny", "config": {"count": 5}},
                         "other": {"plugin": "\(plugin)", "config": {"count": 5}}},
             "sinks": {"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}},
             "control_table": [
               {"id": "other", "source": "other", "stream": "numbers", "sink": "warehouse", "target": "other", "mode": "full"},
               {"id": "numbers", "source": "numbers", "stream": "numbers", "sink": "warehouse", "target": "numbers", "mode": "full"}]}
            """)
    }

    /// Runs every entry, expecting "numbers" to load and "other" to fail with `error`.
    private func assertOnlyOtherFails(with error: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let run = try workspace.run(["run"])
        XCTAssertEqual(run.status, 78, run.stderr, file: file, line: line)
        XCTAssertTrue(run.stderr.contains("summary entry=numbers status=ok read=5 written=5"), run.stderr, file: file, line: line)
        XCTAssertTrue(run.stderr.contains("summary entry=other status=failed"), run.stderr, file: file, line: line)
        XCTAssertTrue(run.stderr.contains("error=source \"other\": \(error)"), run.stderr, file: file, line: line)
        XCTAssertEqual(
            try workspace.stateQuery("SELECT entry_id, status FROM etl_runs ORDER BY entry_id"), "numbers|ok\nother|failed\n",
            file: file, line: line)
    }

    func testAMissingPluginFailsOnlyTheEntriesThatUseIt() throws {
        try manifest(otherPlugin: "tinyy")
        try assertOnlyOtherFails(with: "no plugin named \"tinyy\"; did you mean \"tiny\"?")
        let validate = try workspace.run(["validate"])
        XCTAssertEqual(validate.status, 78, validate.stderr)
        XCTAssertTrue(validate.stderr.contains("$.sources.other.plugin: no plugin named \"tinyy\"; did you mean \"tiny\"?"), validate.stderr)
    }

    func testAPluginInALibraryThatCrashesWhileLoadingIsNamedWithTheLibraryAndWhy() throws {
        let broken = "\(plugins)/libetl_broken.so"
        try CCompiler.sharedLibrary("Tests/PluginABITests/Fixtures/crash_on_load.c", output: broken)
        try manifest(otherPlugin: "broken")
        let cause = "plugin \"broken\" cannot be used: \(broken): crashed while loading (signal 11, Segmentation fault)"
        try assertOnlyOtherFails(with: cause)
        let validate = try workspace.run(["validate"])
        XCTAssertEqual(validate.status, 78, validate.stderr)
        XCTAssertTrue(validate.stderr.contains("$.sources.other.plugin: \(cause)"), validate.stderr)
    }

    func testAPluginNoLibraryIsNamedAfterListsTheLibrariesThatDidNotLoad() throws {
        let broken = "\(plugins)/libetl_vendor_bundle.so"
        try CCompiler.sharedLibrary("Tests/PluginABITests/Fixtures/wrong_major.c", output: broken)
        try manifest(otherPlugin: "vendor_source")
        let validate = try workspace.run(["validate"])
        XCTAssertEqual(validate.status, 78, validate.stderr)
        XCTAssertTrue(
            validate.stderr.contains("$.sources.other.plugin: no plugin named \"vendor_source\""), validate.stderr)
        XCTAssertTrue(
            validate.stderr.contains(
                "1 plugin library on the search path could not be loaded and may hold it: \(broken) (built for plugin ABI 2.0, "),
            validate.stderr)
    }

    func testTwoLibrariesClaimingANameInOneFolderFailOnlyTheEntriesThatUseIt() throws {
        for copy in ["a", "b"] {
            try CCompiler.sharedLibrary(
                "Tests/PluginABITests/Fixtures/duplicate_name.c", output: "\(plugins)/libetl_copy_\(copy).so",
                defines: [#"DUPLICATE_NAME="copied""#])
        }
        try manifest(otherPlugin: "copied")
        try assertOnlyOtherFails(
            with: "plugin \"copied\" cannot be used: two plugins are named \"copied\": \(plugins)/libetl_copy_a.so and "
                + "\(plugins)/libetl_copy_b.so; remove or rename one of them")
    }

    func testADryRunNamesThePluginThatCannotBeUsedRatherThanAConfigRefusal() throws {
        try manifest(otherPlugin: "tinyy")
        let dryRun = try workspace.run(["run", "--dry-run"])
        XCTAssertEqual(dryRun.status, 78, dryRun.stderr)
        XCTAssertTrue(dryRun.stderr.contains("$.sources.other.plugin: no plugin named \"tinyy\"; did you mean \"tiny\"?"), dryRun.stderr)
        XCTAssertFalse(dryRun.stderr.contains("refuses this config"), dryRun.stderr)
    }

    func testControlTableCommandsWorkWithABrokenPluginInTheManifest() throws {
        try manifest(otherPlugin: "tinyy")
        _ = try workspace.run(["run"])
        for command in [["status"], ["history"], ["state", "show", "numbers"]] {
            let outcome = try workspace.run(command)
            XCTAssertEqual(outcome.status, 0, "\(command): \(outcome.stderr)")
        }
    }
}
