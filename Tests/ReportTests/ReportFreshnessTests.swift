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
        let page = try HeadlessChromium.dump("file://" + writtenReport(workspace, name: name))
        XCTAssertEqual(page.consoleMessages, [], "the page wrote to its console")
        return page.dom
    }

    /// Writes the report of `workspace` and returns its path.
    private func writtenReport(_ workspace: ReportWorkspace, name: String) throws -> String {
        let output = workspace.folder.file("\(name).html")
        let report = try workspace.etlRuntime(["report", "--manifest", workspace.manifest, "--output", output])
        XCTAssertEqual(report.status, 0, report.stderr)
        return output
    }

    /// The levels `check --freshness --json` gives, by entry (nil: no freshness).
    private func checkLevels(_ workspace: ReportWorkspace) throws -> [String: String?] {
        let check = try workspace.etlRuntime(["check", "--freshness", "--json", "--no-notify", "--manifest", workspace.manifest])
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any], check.stderr)
        let entries = try XCTUnwrap(report["entries"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: entries.map { ($0["entry"] as? String ?? "", $0["level"] as? String) })
    }

    /// The levels of the entries' badges in a page (nil: no badge).
    private func badgeLevels(_ html: String) -> [String: String?] {
        Dictionary(uniqueKeysWithValues: ["people", "totals", "broken"].map { entry in
            let cell = freshnessCell(html, entry)
            return (entry, ["ok", "warn", "error"].first { cell.contains("<span class=\"badge fresh-\($0)\">\($0)</span>") })
        })
    }

    /// The text of the `kind` check of a freshness cell, without its markup.
    private func checkText(_ cell: String, _ kind: String) -> String {
        guard let check = cell.range(of: "data-check=\"\(kind)\""), let start = cell.range(of: ">", range: check.upperBound..<cell.endIndex),
              let end = cell.range(of: "</div>", range: start.upperBound..<cell.endIndex) else { return "" }
        return cell[start.upperBound..<end.lowerBound].replacingOccurrences(of: "<[^>]*>", with: "", options: .regularExpression)
    }

    /// The age a check's text shows, in seconds (`2m13s`, `9s`, ...); nil when it shows none.
    private func shownAge(_ text: String) -> Int? {
        guard let match = text.range(of: #"\b(\d+d)?(\d+h)?(\d+m)?(\d+s)?(?= (ago|old))"#, options: .regularExpression) else { return nil }
        var seconds = 0, number = 0
        for character in text[match] {
            if let digit = character.wholeNumberValue { number = number * 10 + digit; continue }
            seconds += number * ["d": 86_400, "h": 3_600, "m": 60, "s": 1][String(character)]!
            number = 0
        }
        return seconds
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
        XCTAssertTrue(people.contains("data-check=\"last_load\" data-level=\"ok\""), people)
        XCTAssertTrue(checkText(people, "last_load").hasPrefix("last successful run "), people)
        XCTAssertTrue(checkText(people, "last_load").hasSuffix(" ago (warn after PT1H, error after P1D)"), people)
        XCTAssertTrue(people.contains("data-check=\"newest_file\" data-level=\"ok\""), people)
        XCTAssertTrue(checkText(people, "newest_file").hasPrefix("newest file "), people)
        XCTAssertTrue(checkText(people, "newest_file").hasSuffix("people.csv (warn after P7D, error after P30D)"), people)

        let totals = freshnessCell(dom, "totals")
        XCTAssertTrue(totals.contains("<span class=\"badge fresh-warn\">warn</span>"), totals)
        // The page's script counts on from the runtime's 2m0s while the browser loads it.
        XCTAssertTrue(checkText(totals, "last_load").hasPrefix("last successful run 2m"), totals)
        XCTAssertTrue(checkText(totals, "last_load").hasSuffix(" ago (warn after PT1S, error after PT1H)"), totals)

        let broken = freshnessCell(dom, "broken")
        XCTAssertTrue(broken.contains("<span class=\"badge fresh-error\">error</span>"), broken)
        XCTAssertTrue(broken.contains("data-level=\"error\">no successful run yet (error after P1D)<"), broken)
        XCTAssertFalse(broken.contains("data-since-ms"), "an entry that never succeeded has no age to count: \(broken)")

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
        XCTAssertTrue(people.contains("data-check=\"newest_file\" data-level=\"warn\""), people)
        XCTAssertTrue(checkText(people, "newest_file").hasPrefix("newest file 10d0h old: "), people)
        XCTAssertEqual(try checkLevels(workspace)["people"], "warn")
    }

    func testAnOpenPagesBadgesCountOnAndTurnStalerAsCheckFreshnessWould() throws {
        // people: warn a minute after its load; totals: warn at once, error a minute after.
        let workspace = try ReportWorkspace(freshness: [
            "people": #"{"warn_after": "PT1M", "error_after": "P1D"}"#,
            "totals": #"{"warn_after": "PT1S", "error_after": "PT1M"}"#,
            "broken": #"{"error_after": "P1D"}"#,
        ])
        try workspace.run(times: 1)
        _ = try ProcessRunner.run("/usr/bin/sqlite3", [workspace.folder.file("state/etl_state.db"),
            "UPDATE etl_runs SET ended_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-5 seconds') WHERE entry_id = 'totals'"])
        let output = try writtenReport(workspace, name: "report")
        // Without its script the page shows the runtime's verdict, which is check's.
        let html = try String(contentsOfFile: output, encoding: .utf8)
        XCTAssertEqual(badgeLevels(html), ["people": "ok", "totals": "warn", "broken": "error"])
        XCTAssertEqual(try checkLevels(workspace), badgeLevels(html))
        XCTAssertTrue(freshnessCell(html, "people").contains("data-warn-after=\"60\" data-error-after=\"86400\""), freshnessCell(html, "people"))

        // Ninety seconds on a wall screen: the script's 30 s ticks see both limits passed.
        let page = try HeadlessChromium.dump("file://" + output, keptOpenFor: 95)
        XCTAssertEqual(page.consoleMessages, [], "the page wrote to its console")
        XCTAssertTrue(page.dom.contains("data-ready=\"yes\""), "the page's script did not run to its end")
        XCTAssertEqual(badgeLevels(page.dom), ["people": "warn", "totals": "error", "broken": "error"])
        let people = freshnessCell(page.dom, "people")
        XCTAssertTrue(people.contains("<td class=\"freshness\" data-freshness=\"warn\">"), people)
        XCTAssertTrue(people.contains("data-check=\"last_load\" data-level=\"warn\""), people)
        let peopleAge = try XCTUnwrap(shownAge(checkText(people, "last_load")), people)
        XCTAssertTrue((90..<180).contains(peopleAge), "people's age did not count on: \(people)")
        XCTAssertTrue(checkText(people, "last_load").hasSuffix(" ago (warn after PT1M, error after P1D)"), people)
        let totals = freshnessCell(page.dom, "totals")
        XCTAssertTrue(totals.contains("data-check=\"last_load\" data-level=\"error\""), totals)
        XCTAssertTrue((95..<180).contains(try XCTUnwrap(shownAge(checkText(totals, "last_load")), totals)), totals)
        XCTAssertTrue(freshnessCell(page.dom, "broken").contains(">no successful run yet (error after P1D)<"), freshnessCell(page.dom, "broken"))
        // The Age column counted as far.
        XCTAssertTrue(page.dom.contains(#"<td class="age" data-since=""#), "no age cell")
        XCTAssertTrue(page.dom.range(of: #"<tr data-entry="people">.*?<td class="age" data-since="[^"]*">1 min"#, options: .regularExpression) != nil,
                      "people's Age column did not count on")
    }

    func testAPageOpenedAfterALimitPassedShowsWhatCheckFreshnessSaysThen() throws {
        // people: its load may stay an hour old, its input file only eight seconds; totals: eight seconds.
        let workspace = try ReportWorkspace(freshness: [
            "people": #"{"warn_after": "PT1H", "newest_file": {"warn_after": "PT8S", "error_after": "P1D"}}"#,
            "totals": #"{"warn_after": "PT8S", "error_after": "P1D"}"#,
            "broken": #"{"error_after": "P1D"}"#,
        ])
        try workspace.run(times: 1)
        // The file changed and the model ended at `start`, a whole second.
        let start = Int(Date().timeIntervalSince1970)
        var times = [timespec(tv_sec: start, tv_nsec: 0), timespec(tv_sec: start, tv_nsec: 0)]
        XCTAssertEqual(utimensat(AT_FDCWD, workspace.folder.file("people.csv"), &times, 0), 0)
        _ = try ProcessRunner.run("/usr/bin/sqlite3", [workspace.folder.file("state/etl_state.db"),
            "UPDATE etl_runs SET ended_at = strftime('%Y-%m-%dT%H:%M:%fZ', \(start), 'unixepoch') WHERE entry_id = 'totals'"])
        let output = try writtenReport(workspace, name: "report")
        XCTAssertEqual(try checkLevels(workspace), ["people": "ok", "totals": "ok", "broken": "error"])
        let html = try String(contentsOfFile: output, encoding: .utf8)
        XCTAssertEqual(badgeLevels(html), ["people": "ok", "totals": "ok", "broken": "error"])
        // What the script judges by: the times as epoch ms, the limits in seconds.
        XCTAssertTrue(freshnessCell(html, "people").contains(
            "data-check=\"newest_file\" data-level=\"ok\" data-since-ms=\"\(start * 1000)\""), freshnessCell(html, "people"))
        XCTAssertTrue(freshnessCell(html, "people").contains("data-warn-after=\"8\" data-error-after=\"86400\""), freshnessCell(html, "people"))
        XCTAssertTrue(freshnessCell(html, "totals").contains("data-since-ms=\"\(start * 1000)\""), freshnessCell(html, "totals"))

        Thread.sleep(until: Date(timeIntervalSince1970: Double(start) + 9.5))
        let page = try HeadlessChromium.dump("file://" + output)
        XCTAssertEqual(page.consoleMessages, [], "the page wrote to its console")
        let people = freshnessCell(page.dom, "people")
        XCTAssertTrue(people.contains("data-check=\"last_load\" data-level=\"ok\""), people)
        XCTAssertTrue(people.contains("data-check=\"newest_file\" data-level=\"warn\""), people)
        XCTAssertTrue((9..<60).contains(try XCTUnwrap(shownAge(checkText(people, "newest_file")), people)), people)
        XCTAssertTrue(checkText(people, "newest_file").hasSuffix("people.csv (warn after PT8S, error after P1D)"), people)
        XCTAssertEqual(badgeLevels(page.dom), ["people": "warn", "totals": "warn", "broken": "error"])
        XCTAssertEqual(try checkLevels(workspace), badgeLevels(page.dom))
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
