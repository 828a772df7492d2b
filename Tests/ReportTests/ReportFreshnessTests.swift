import Foundation
import TestSupport
import XCTest

/// The report shows each entry's freshness as `check --freshness` judges it: a badge (ok, warn,
/// error) with the age and the limits of each check, the last load's and the newest file's.
final class ReportFreshnessTests: XCTestCase {
    /// people: last load and newest file watched; totals: a tiny warn limit; broken: never succeeds.
    private func workspace() throws -> ReportWorkspace {
        try ReportWorkspace(freshness: [
            "people": #"{"warn_after": "PT1H", "error_after": "P1D", "newest_file": {"warn_after": "P7D", "error_after": "P30D"}}"#,
            "totals": #"{"warn_after": "PT1S", "error_after": "PT1H"}"#,
            "broken": #"{"error_after": "P1D"}"#,
        ])
    }

    /// The report of `workspace`, rendered by Chromium: its DOM, after checking the console.
    private func renderedReport(_ workspace: ReportWorkspace, name: String) throws -> String {
        let output = workspace.folder.file("\(name).html")
        let report = try workspace.etlRuntime(["report", "--manifest", workspace.manifest, "--output", output])
        XCTAssertEqual(report.status, 0, report.stderr)
        let page = try HeadlessChromium.dump("file://" + output)
        XCTAssertEqual(page.consoleMessages, [], "the page wrote to its console")
        return page.dom
    }

    /// The levels `check --freshness --json` gives, by entry (nil: no freshness).
    private func checkLevels(_ workspace: ReportWorkspace) throws -> [String: String?] {
        let check = try workspace.etlRuntime(["check", "--freshness", "--json", "--no-notify", "--manifest", workspace.manifest])
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any], check.stderr)
        let entries = try XCTUnwrap(report["entries"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: entries.map { ($0["entry"] as? String ?? "", $0["level"] as? String) })
    }

    /// The freshness cell of `entry`'s row in the entries table.
    private func freshnessCell(_ dom: String, _ entry: String) -> String {
        guard let row = dom.range(of: "<tr data-entry=\"\(entry)\">"),
              let cell = dom.range(of: "<td class=\"freshness\"", range: row.upperBound..<dom.endIndex),
              let end = dom.range(of: "</td>", range: cell.upperBound..<dom.endIndex) else { return "" }
        return String(dom[cell.lowerBound..<end.upperBound])
    }

    func testEachEntrysBadgeAgeAndLimitsAreThoseOfCheckFreshness() throws {
        let workspace = try workspace()
        try workspace.run(times: 1)
        // The model's run ended two minutes ago: past its one-second warn limit, not its hour.
        _ = try ProcessRunner.run("/usr/bin/sqlite3", [workspace.folder.file("state/etl_state.db"),
            "UPDATE etl_runs SET ended_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-120 seconds') WHERE entry_id = 'totals'"])
        let dom = try renderedReport(workspace, name: "report")

        let people = freshnessCell(dom, "people")
        XCTAssertTrue(people.contains("data-freshness=\"ok\""), people)
        XCTAssertTrue(people.contains("<span class=\"badge fresh-ok\">ok</span>"), people)
        XCTAssertTrue(people.contains("data-check=\"last_load\" data-level=\"ok\">last successful run "), people)
        XCTAssertTrue(people.contains("(warn after PT1H, error after P1D)"), people)
        XCTAssertTrue(people.contains("data-check=\"newest_file\" data-level=\"ok\">newest file "), people)
        XCTAssertTrue(people.contains("people.csv (warn after P7D, error after P30D)"), people)

        let totals = freshnessCell(dom, "totals")
        XCTAssertTrue(totals.contains("<span class=\"badge fresh-warn\">warn</span>"), totals)
        XCTAssertTrue(totals.contains(">last successful run 2m0s ago (warn after PT1S, error after PT1H)<"), totals)

        let broken = freshnessCell(dom, "broken")
        XCTAssertTrue(broken.contains("<span class=\"badge fresh-error\">error</span>"), broken)
        XCTAssertTrue(broken.contains(">no successful run yet (error after P1D)<"), broken)

        XCTAssertEqual(try checkLevels(workspace), ["people": "ok", "totals": "warn", "broken": "error"])
        XCTAssertFalse(dom.contains("freshness-unavailable"), "freshness was judged")
    }

    func testAnOldInputFileTurnsTheEntryWarnThoughItsLoadIsFresh() throws {
        let workspace = try workspace()
        try workspace.run(times: 1)
        // The file was loaded a moment ago, but it has not changed for ten days.
        let time = Date().timeIntervalSince1970 - 10 * 86_400
        var times = [timespec(tv_sec: Int(time), tv_nsec: 0), timespec(tv_sec: Int(time), tv_nsec: 0)]
        XCTAssertEqual(utimensat(AT_FDCWD, workspace.folder.file("people.csv"), &times, 0), 0)
        let people = freshnessCell(try renderedReport(workspace, name: "old-file"), "people")
        XCTAssertTrue(people.contains("<span class=\"badge fresh-warn\">warn</span>"), people)
        XCTAssertTrue(people.contains("data-check=\"last_load\" data-level=\"ok\""), people)
        XCTAssertTrue(people.contains("data-check=\"newest_file\" data-level=\"warn\">newest file 10d0h old: "), people)
        XCTAssertEqual(try checkLevels(workspace)["people"], "warn")
    }

    func testServesPageJudgesFreshnessAtEachRequest() throws {
        let workspace = try workspace()
        try workspace.run(times: 1)
        let server = try ServeProcess(workspace)
        defer { server.stop() }
        let before = try HeadlessChromium.dump(server.url)
        XCTAssertEqual(before.consoleMessages, [])
        XCTAssertTrue(freshnessCell(before.dom, "people").contains("fresh-ok"), freshnessCell(before.dom, "people"))
        XCTAssertTrue(freshnessCell(before.dom, "broken").contains("fresh-error"), freshnessCell(before.dom, "broken"))
        // Ten days without a new input file, seen by the next page without a restart.
        let time = Date().timeIntervalSince1970 - 10 * 86_400
        var times = [timespec(tv_sec: Int(time), tv_nsec: 0), timespec(tv_sec: Int(time), tv_nsec: 0)]
        XCTAssertEqual(utimensat(AT_FDCWD, workspace.folder.file("people.csv"), &times, 0), 0)
        let after = try HeadlessChromium.dump(server.url)
        XCTAssertTrue(freshnessCell(after.dom, "people").contains("<span class=\"badge fresh-warn\">warn</span>"), freshnessCell(after.dom, "people"))
    }

    func testAnEntryWithoutFreshnessShowsNoBadge() throws {
        let workspace = try ReportWorkspace(freshness: ["people": #"{"warn_after": "PT1H"}"#])
        try workspace.run(times: 1)
        let dom = try renderedReport(workspace, name: "report")
        XCTAssertTrue(freshnessCell(dom, "people").contains("fresh-ok"), freshnessCell(dom, "people"))
        XCTAssertEqual(freshnessCell(dom, "totals"), "<td class=\"freshness\">-</td>")
        XCTAssertEqual(freshnessCell(dom, "broken"), "<td class=\"freshness\">-</td>")
    }

    func testWithoutTheWholeManifestTheReportSaysWhyFreshnessIsMissing() throws {
        // The sink's path needs a variable that is not set here: the state is found, the rest is not.
        let workspace = try ReportWorkspace(
            warehouse: #"{"plugin": "sqlite", "config": {"path": "${ETL_TEST_UNSET_WAREHOUSE}/warehouse.db"}}"#,
            freshness: ["people": #"{"warn_after": "PT1H"}"#])
        let dom = try renderedReport(workspace, name: "report")
        XCTAssertTrue(dom.contains("<p class=\"muted freshness-unavailable\">Freshness is not shown: "), dom)
        XCTAssertTrue(dom.contains("ETL_TEST_UNSET_WAREHOUSE"), "the reason does not name the missing variable")
        XCTAssertEqual(freshnessCell(dom, "people"), "<td class=\"freshness\">-</td>")
    }
}
