import Foundation
import PostgresTestSupport
import TestSupport
import XCTest

/// The report reads a state kept in PostgreSQL (`"state": {"url": ...}`) as it reads SQLite's.
final class PostgresStateReportTests: XCTestCase {
    func testAReportOfAStateInPostgreSQLShowsTheSameParts() throws {
        let database = try PostgresTestDatabase()
        let workspace = try ReportWorkspace(state: #"{"url": "\#(database.url())", "schema": "report_state"}"#)
        try workspace.run(times: 2)
        let output = workspace.folder.file("report.html")
        let report = try workspace.etlRuntime(["report", "--manifest", workspace.manifest, "--output", output])
        XCTAssertEqual(report.status, 0, report.stderr)
        let page = try HeadlessChromium.dump("file://" + output)
        XCTAssertEqual(page.consoleMessages, [])
        XCTAssertTrue(page.dom.contains("state <code>postgresql://"), "the state is not named")
        XCTAssertFalse(page.dom.contains("password"), "a password reached the page")
        XCTAssertEqual(page.dom.components(separatedBy: "<svg class=\"chart\"").count - 1, 6)
        XCTAssertEqual(page.dom.components(separatedBy: "<tr class=\"failure\">").count - 1, 2)
        XCTAssertTrue(page.dom.contains("1 rejected record"), "the reject count is missing")
        XCTAssertTrue(page.dom.contains("people.csv:4"))
    }
}
