import ETLRuntimeCore
import XCTest

/// An entry's `freshness`: limits on the time since its last successful run and on the age of
/// its newest input file, each a warn and an error duration.
final class FreshnessManifestTests: XCTestCase {
    private func load(_ freshness: String) throws -> (issues: [String], entry: ControlEntry?) {
        let workspace = try ManifestWorkspace()
        let result = try workspace.load(manifest(entry: commonEntryFields + #", "mode": "full", "freshness": "# + freshness))
        return (workspace.rendered(result), result.manifest?.controlTable.first)
    }

    func testBothClocksReachTheEntry() throws {
        let loaded = try load(#"{"warn_after": "PT6H", "error_after": "P1D", "newest_file": {"error_after": "P2D", "path": "drop/*.csv"}}"#)
        XCTAssertEqual(loaded.issues, [])
        let freshness = try XCTUnwrap(loaded.entry?.freshness)
        XCTAssertEqual(freshness.lastLoad?.warnAfter?.seconds, 6 * 3600)
        XCTAssertEqual(freshness.lastLoad?.errorAfter?.seconds, 86_400)
        XCTAssertNil(freshness.newestFile?.thresholds.warnAfter)
        XCTAssertEqual(freshness.newestFile?.thresholds.errorAfter?.seconds, 2 * 86_400)
        XCTAssertTrue(freshness.newestFile?.path?.hasPrefix("/") == true, "made absolute against the manifest's folder")
        XCTAssertTrue(freshness.newestFile?.path?.hasSuffix("/drop/*.csv") == true)
    }

    func testWarnMustComeBeforeError() throws {
        XCTAssertEqual(try load(#"{"warn_after": "P1D", "error_after": "PT6H"}"#).issues, [
            "plugins.json:6: $.control_table[0].freshness.warn_after: warn_after (P1D) must be shorter than error_after (PT6H): a warning comes before the error",
        ])
    }

    func testUnknownKeysAndBadDurationsAreRefusedWhereTheyAre() throws {
        let issues = try load(#"{"warn_afer": "PT6H", "error_after": "1 day", "newest_file": {"warn_after": "P1M", "glob": "x"}}"#).issues
        XCTAssertEqual(issues.count, 4, "\(issues)")
        XCTAssertTrue(issues[0].contains(#"$.control_table[0].freshness.warn_afer: unknown key; did you mean "warn_after"?"#), issues[0])
        XCTAssertTrue(issues.contains { $0.contains(#"$.control_table[0].freshness.error_after: expected an ISO 8601 duration"#) }, "\(issues)")
        XCTAssertTrue(issues.contains { $0.contains(#"$.control_table[0].freshness.newest_file.glob: unknown key; allowed keys are"#) }, "\(issues)")
        XCTAssertTrue(issues.contains { $0.contains(#"$.control_table[0].freshness.newest_file.warn_after: years and months have no fixed length"#) }, "\(issues)")
    }

    func testAnEmptyFreshnessAndANewestFileWithoutLimitsAreRefused() throws {
        XCTAssertEqual(try load("{}").issues, [
            #"plugins.json:6: $.control_table[0].freshness: expected "warn_after" and/or "error_after" (time since the last successful run), or "newest_file", such as {"warn_after": "PT6H", "error_after": "P1D"}"#,
        ])
        XCTAssertEqual(try load(#"{"newest_file": {"path": "in/*.csv"}}"#).issues, [
            #"plugins.json:6: $.control_table[0].freshness.newest_file: expected "warn_after" and/or "error_after", such as {"warn_after": "P1D", "error_after": "P2D"}"#,
        ])
    }

    func testANewestFilePathMustBeLocal() throws {
        let issues = try load(#"{"newest_file": {"error_after": "P1D", "path": "s3://bucket/in/*.csv"}}"#).issues
        XCTAssertEqual(issues.count, 1, "\(issues)")
        XCTAssertTrue(issues[0].contains("$.control_table[0].freshness.newest_file.path: expected a local file or glob, got a URL"), issues[0])
    }

    func testAZeroLimitIsRefused() throws {
        let issues = try load(#"{"error_after": "PT0S"}"#).issues
        XCTAssertEqual(issues.count, 1, "\(issues)")
        XCTAssertTrue(issues[0].contains("$.control_table[0].freshness.error_after: expected a duration of at least one second"), issues[0])
    }

    func testANewestFileWithoutPathNeedsASourceWithLocalFilesOrObjects() throws {
        let issues = try load(#"{"newest_file": {"error_after": "P1D"}}"#).issues
        XCTAssertEqual(issues, [
            #"plugins.json:6: $.control_table[0].freshness.newest_file: source "crm" has no "path" in its config to find its files by: give "path" (a local file or glob) in newest_file"#,
        ])
        let workspace = try ManifestWorkspace()
        let sources = #"{"sftp": {"plugin": "csv", "config": {"path": "sftp://drop.example/in/*.csv"}}, "lake": {"plugin": "csv", "config": {"path": "s3://lake/in/*.csv"}}}"#
        let entry = #""sink": "warehouse", "stream": "in", "mode": "full", "freshness": {"newest_file": {"error_after": "P1D"}}"#
        let result = try workspace.load(manifest(
            entries: [#""id": "a", "source": "sftp", "target": "a", "# + entry, #""id": "b", "source": "lake", "target": "b", "# + entry],
            sources: sources))
        XCTAssertEqual(workspace.rendered(result), [
            #"plugins.json:6: $.control_table[0].freshness.newest_file: source "sftp" reads its files over a URL, whose modification times are not kept: give "path" (a local file or glob, e.g. where the files land) in newest_file, or watch the last load with warn_after/error_after"#,
        ])
    }
}
