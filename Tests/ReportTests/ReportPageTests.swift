import Foundation
import TestSupport
import XCTest

/// `etl-runtime report` writes one HTML file that needs nothing else: opened in headless
/// Chromium it renders with no console message, shows each entry, its last success, its runs as
/// charts, its failures and rejects (markup in them shown as text), and the dependency graph.
final class ReportPageTests: XCTestCase {
    /// The bars of the rows chart (`RunCharts`, ok runs) and the duration line.
    static let barBlue = "3b82f6", durationOrange = "f97316"

    func testTheReportIsOneFileThatRendersWithoutConsoleMessagesAndShowsEveryPart() throws {
        let workspace = try ReportWorkspace()
        try workspace.run(times: 3)
        let output = workspace.folder.file("out/report.html")
        try FileManager.default.createDirectory(atPath: workspace.folder.file("out"), withIntermediateDirectories: true)
        let report = try workspace.etlRuntime(["report", "--manifest", workspace.manifest, "--output", output])
        XCTAssertEqual(report.status, 0, report.stderr)
        let html = try String(contentsOfFile: output, encoding: .utf8)

        // Self-contained: nothing is loaded from anywhere, and the policy forbids it anyway.
        XCTAssertFalse(html.contains(" src="), "the page loads something")
        XCTAssertFalse(html.contains("href=\"http"), "the page links out")
        XCTAssertTrue(html.contains("default-src 'none'"))
        // Markup from an error and from a rejected record is text, never markup.
        XCTAssertFalse(html.contains(ReportWorkspace.markup))
        XCTAssertTrue(html.contains("&lt;script&gt;console.error(&quot;injected&quot;)&lt;/script&gt;"))

        let page = try HeadlessChromium.dump("file://" + output)
        XCTAssertEqual(page.consoleMessages, [], "the page wrote to its console")
        XCTAssertTrue(page.dom.contains("data-ready=\"yes\""), "the page's script did not run to its end")
        for entry in ["people", "totals", "broken"] {
            XCTAssertTrue(page.dom.contains("<tr data-entry=\"\(entry)\">"), "no row for \(entry)")
        }
        // Each entry's status, and the last success of those that succeeded.
        XCTAssertTrue(row(page.dom, "broken").contains(">failed<"), row(page.dom, "broken"))
        XCTAssertTrue(row(page.dom, "broken").contains("<td>never</td>"), row(page.dom, "broken"))
        let lastOK = try workspace.etlRuntime(["history", "--manifest", workspace.manifest, "--entry", "people", "--json", "--limit", "1"])
        let ended = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(lastOK.stdout.utf8)) as? [[String: Any]])?.first?["ended_at"] as? String)
        XCTAssertTrue(row(page.dom, "people").contains("<td>\(ended)</td>"), row(page.dom, "people"))
        XCTAssertTrue(row(page.dom, "people").contains("class=\"age\" data-since=\"\(ended)\""), row(page.dom, "people"))
        // Charts of the three runs of each entry, the failures with their errors, the reject.
        XCTAssertEqual(page.dom.components(separatedBy: "<svg class=\"chart\"").count - 1, 6)
        XCTAssertEqual(page.dom.components(separatedBy: "<tr class=\"failure\">").count - 1, 3)
        XCTAssertTrue(page.dom.contains("gone&lt;script&gt;console.error(\"injected\")&lt;/script&gt;/x.csv"), "the failure's error is not shown")
        XCTAssertTrue(page.dom.contains("people.csv:4"), "the reject's position is not shown")
        XCTAssertTrue(page.dom.contains("x&lt;script&gt;console.error(\"injected\")&lt;/script&gt;"), "the rejected record is not shown")
        // The DAG: three boxes and one arrow, people → totals.
        XCTAssertEqual(page.dom.components(separatedBy: "<g class=\"node").count - 1, 3)
        XCTAssertEqual(page.dom.components(separatedBy: "class=\"edge\"").count - 1, 1)
    }

    func testTheScreenshotShowsTheChartsOnlyOnceEntriesHaveRun() throws {
        let workspace = try ReportWorkspace()
        let before = workspace.folder.file("before.html"), after = workspace.folder.file("after.html")
        XCTAssertEqual(try workspace.etlRuntime(["report", "--manifest", workspace.manifest, "--output", before]).status, 0)
        try workspace.run(times: 2)
        XCTAssertEqual(try workspace.etlRuntime(["report", "--manifest", workspace.manifest, "--output", after]).status, 0)

        var counts: [String: [String: Int]] = [:]
        for (name, file) in [("before", before), ("after", after)] {
            let png = workspace.folder.file("\(name).png")
            let page = try HeadlessChromium.screenshot("file://" + file, to: png)
            XCTAssertEqual(page.consoleMessages, [], name)
            counts[name] = try HeadlessChromium.pixelCounts(png, colours: [Self.barBlue, Self.durationOrange])
        }
        // No run, no chart; two entries with two ok runs each draw four bars of ~100×90 pixels.
        XCTAssertEqual(counts["before"]?[Self.barBlue], 0)
        XCTAssertEqual(counts["before"]?[Self.durationOrange], 0)
        XCTAssertGreaterThan(counts["after"]?[Self.barBlue] ?? 0, 10_000, "the rows charts are missing")
        XCTAssertGreaterThan(counts["after"]?[Self.durationOrange] ?? 0, 100, "the duration charts are missing")
    }

    func testOnlyThePagesOwnScriptRunsEvenIfMarkupSlippedPastTheEscaping() throws {
        let workspace = try ReportWorkspace()
        try workspace.run(times: 1)
        let report = try workspace.etlRuntime(["report", "--manifest", workspace.manifest, "--output", "-"])
        XCTAssertEqual(report.status, 0, report.stderr)
        let nonce = try XCTUnwrap(report.stdout.firstMatch(of: /script-src 'nonce-([A-Za-z0-9+\/=]+)'/)?.1)
        XCTAssertTrue(report.stdout.contains("<script nonce=\"\(nonce)\">"))
        XCTAssertFalse(report.stdout.contains("script-src 'unsafe-inline'"))
        let again = try workspace.etlRuntime(["report", "--manifest", workspace.manifest, "--output", "-"]).stdout
        XCTAssertNotNil(again.firstMatch(of: /script-src 'nonce-/))
        XCTAssertFalse(again.contains(String(nonce)), "each page has a nonce of its own")

        // An escaping mistake, as if a rejected record's markup had reached the page as markup.
        let injected = report.stdout.replacingOccurrences(
            of: "<body>", with: #"<body><script>console.error("the injected script ran")</script>"#)
        let page = try workspace.folder.write("injected.html", injected)
        let opened = try HeadlessChromium.dump("file://" + page)
        XCTAssertFalse(opened.consoleMessages.contains { $0.contains("the injected script ran") }, "\(opened.consoleMessages)")
        XCTAssertTrue(opened.consoleMessages.contains { $0.contains("Content Security Policy") }, "\(opened.consoleMessages)")
        XCTAssertTrue(opened.dom.contains("data-ready=\"yes\""), "the page's own script did not run")
    }

    func testTheConsoleCheckSeesAPageThatFails() throws {
        // The check the report passes is one a broken page fails.
        let folder = TemporaryDirectory("etl-report")
        let page = try folder.write("broken.html", "<html><body><script>console.error(\"boom\"); missingFunction();</script></body></html>")
        let messages = try HeadlessChromium.dump("file://" + page).consoleMessages
        XCTAssertEqual(messages.count, 2, "\(messages)")
        XCTAssertTrue(messages.last?.contains("missingFunction is not defined") ?? false, "\(messages)")
    }

    func testAReportToStandardOutputAndAnUnwritableOutput() throws {
        let workspace = try ReportWorkspace()
        let stdout = try workspace.etlRuntime(["report", "--manifest", workspace.manifest, "--output", "-"])
        XCTAssertEqual(stdout.status, 0, stdout.stderr)
        XCTAssertTrue(stdout.stdout.hasPrefix("<!DOCTYPE html>"))
        XCTAssertTrue(stdout.stdout.contains("No entry has run yet."))
        // Entries that never ran are neither green nor red, in the table and in the graph.
        XCTAssertEqual(stdout.stdout.components(separatedBy: "<span class=\"badge run-none\">never run</span>").count - 1, 3)
        XCTAssertEqual(stdout.stdout.components(separatedBy: "<g class=\"node run-none never\">").count - 1, 3)
        XCTAssertFalse(stdout.stdout.contains("class=\"badge run-failed\""))
        let refused = try workspace.etlRuntime(["report", "--manifest", workspace.manifest, "--output", workspace.folder.file("no/such/folder/r.html")])
        XCTAssertEqual(refused.status, 74, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("cannot write \(workspace.folder.file("no/such/folder/r.html"))"), refused.stderr)
    }

    /// The `<tr>` of `entry` in the entries table.
    private func row(_ dom: String, _ entry: String) -> String {
        guard let start = dom.range(of: "<tr data-entry=\"\(entry)\">") else { return "" }
        return String(dom[start.lowerBound...].prefix { $0 != "\n" }.components(separatedBy: "</tr>").first ?? "")
    }
}
