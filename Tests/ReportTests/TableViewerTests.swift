import Foundation
import TestSupport
import XCTest

/// `etl-runtime serve`: the report live at `/`, and a read-only viewer of the sinks' tables
/// that pages, sorts, filters and downloads CSV, navigated in headless Chromium; bad requests
/// get a 4xx with what to change, and never reach the SQL.
final class TableViewerTests: XCTestCase {
    private var workspace: ReportWorkspace!
    private var server: ServeProcess!

    override func setUpWithError() throws {
        workspace = try ReportWorkspace()
        try workspace.run(times: 2)
        server = try ServeProcess(workspace)
    }

    override func tearDown() {
        server?.stop()
        server = nil
        workspace = nil
    }

    func testTheLiveReportRendersInChromiumAndLinksTheTables() throws {
        let page = try HeadlessChromium.dump(server.url)
        XCTAssertEqual(page.consoleMessages, [])
        XCTAssertTrue(page.dom.contains("data-ready=\"yes\""))
        XCTAssertTrue(page.dom.contains("<tr data-entry=\"people\">"))
        XCTAssertTrue(page.dom.contains("href=\"/tables\""))
        let tables = try HeadlessChromium.dump(server.url + "tables")
        XCTAssertEqual(tables.consoleMessages, [])
        XCTAssertTrue(tables.dom.contains("<a href=\"/table?sink=warehouse&amp;table=people\">people</a>"), tables.dom)
        XCTAssertTrue(tables.dom.contains("<a href=\"/table?sink=warehouse&amp;table=totals\">totals</a>"), tables.dom)
    }

    func testPagingSortingAndFilteringInChromium() throws {
        // Six rows loaded (Carla was rejected); by amount, descending, two a page: 70 60 | 50 40 | 20 10.
        let second = try HeadlessChromium.dump(server.url + "table?sink=warehouse&table=people&sort=amount&dir=desc&size=2&page=2")
        XCTAssertEqual(second.consoleMessages, [])
        XCTAssertEqual(ViewerGrid.cells(second.dom, column: 1), ["Eva", "Davi"])
        XCTAssertTrue(second.dom.contains("6 rows · page <span class=\"page-number\">2</span> of 3"), second.dom)
        XCTAssertTrue(second.dom.contains("class=\"prev\""))
        XCTAssertTrue(second.dom.contains("class=\"next\""))
        // The next link it offers leads to page 3.
        let next = try XCTUnwrap(link(second.dom, class: "next"))
        let third = try HeadlessChromium.dump(server.url + String(next.dropFirst()))
        XCTAssertEqual(ViewerGrid.cells(third.dom, column: 1), ["Bruno", "Ana"])
        XCTAssertFalse(third.dom.contains("class=\"next\""))

        // Filters: equality (the form's encoding: + for space), contains, null.
        let ana = try HeadlessChromium.dump(server.url + "table?sink=warehouse&table=people&col=name&op=eq&value=Ana")
        XCTAssertEqual(ViewerGrid.cells(ana.dom, column: 0), ["1"])
        let withA = try HeadlessChromium.dump(server.url + "table?sink=warehouse&table=people&col=name&op=contains&value=a&sort=id")
        XCTAssertEqual(ViewerGrid.cells(withA.dom, column: 1), ["Ana", "Davi", "Eva", "Fabio"])
        let none = try HeadlessChromium.dump(server.url + "table?sink=warehouse&table=people&col=amount&op=null")
        XCTAssertTrue(none.dom.contains("0 rows match"), none.dom)
    }

    func testCSVDownloadHoldsTheFilteredSortedRows() throws {
        let csv = try server.get("table.csv?sink=warehouse&table=people&sort=amount&dir=desc&col=amount&op=notnull")
        XCTAssertEqual(csv.status, 200)
        XCTAssertTrue(csv.headers.lowercased().contains("content-type: text/csv"), csv.headers)
        XCTAssertTrue(csv.headers.contains("attachment; filename=\"warehouse-people.csv\""), csv.headers)
        XCTAssertEqual(csv.body, "id,name,amount\r\n7,Gil,70\r\n6,Fabio,60\r\n5,Eva,50\r\n4,Davi,40\r\n2,Bruno,20\r\n1,Ana,10\r\n")
    }

    func testBadInputGets4xxWithWhatToChangeAndTheTablesStayIntact() throws {
        let cases: [(path: String, status: Int, message: String)] = [
            ("table?sink=warehouse&table=people&size=100000000", 400, "size: expected a whole number of rows per page from 1 to 500"),
            ("table?sink=warehouse&table=people&size=99999999999999999999999", 400, "size: expected"),
            ("table?sink=warehouse&table=people&page=0", 400, "page: expected a whole number from 1"),
            ("table?sink=warehouse&table=people&page=-1", 400, "page: expected"),
            ("table?sink=warehouse&table=people&sort=nope", 400, "sort: table people has no column &quot;nope&quot;; its columns: id, name, amount"),
            ("table?sink=warehouse&table=people&sort=amount%20DESC;%20DROP%20TABLE%20people", 400, "sort: table people has no column"),
            ("table?sink=warehouse&table=people&dir=sideways", 400, "dir: expected asc or desc"),
            ("table?sink=warehouse&table=people&col=name%22%20OR%201=1%20--&value=x", 400, "col: table people has no column"),
            ("table?sink=warehouse&table=people&col=name&op=like&value=x", 400, "op: expected one of eq, contains, null, notnull"),
            ("table?sink=warehouse&table=people%3B%20DROP%20TABLE%20people", 404, "sink warehouse has no table &quot;people; DROP TABLE people&quot;"),
            ("table?sink=warehouse&table=nope", 404, "has no table &quot;nope&quot;"),
            ("table?sink=elsewhere&table=people", 404, "the manifest has no sink &quot;elsewhere&quot;; its sinks: warehouse"),
            ("table?table=people", 400, "sink and table: both are required"),
            ("table?sink=warehouse&table=people&value=%zz", 400, "malformed part"),
            ("nowhere", 404, "the report is at /, the sink tables at /tables"),
        ]
        for (path, status, message) in cases {
            let reply = try server.get(path)
            XCTAssertEqual(reply.status, status, path)
            XCTAssertTrue(reply.body.contains(message), "\(path): \(reply.body)")
        }
        // SQL-looking values are values: they match nothing, and change nothing.
        for value in ["%27%20OR%201=1%20--", "x%27;%20DROP%20TABLE%20people;%20--", "%22)%20OR%20(%221%22=%221"] {
            for op in ["eq", "contains"] {
                let reply = try server.get("table?sink=warehouse&table=people&col=name&op=\(op)&value=\(value)")
                XCTAssertEqual(reply.status, 200, value)
                XCTAssertTrue(reply.body.contains("0 rows match"), "\(value): \(reply.body)")
            }
        }
        let posted = try ProcessRunner.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", server.url + "table?sink=warehouse&table=people"])
        XCTAssertEqual(posted.stdout, "405")
        XCTAssertEqual(try workspace.warehouse("SELECT count(*), sum(amount) FROM people"), "6|250\n")
        XCTAssertEqual(try workspace.warehouse("SELECT n, total FROM totals"), "6|250\n")
        XCTAssertFalse(server.stderr.contains("Fatal error"), server.stderr)
    }

    func testSIGTERMStopsTheServerPromptlyAndCleanly() throws {
        XCTAssertEqual(try server.get("").status, 200)
        let stop = server.stop()
        XCTAssertEqual(stop.status, 0, server.stderr)
        XCTAssertLessThan(stop.seconds, 5, server.stderr)
        XCTAssertTrue(server.stderr.contains("serve: stopping (signal 15)"), server.stderr)
        XCTAssertFalse(server.stderr.contains("cannot listen"), server.stderr)
    }

    /// The href of the link with `class`, unescaped.
    private func link(_ dom: String, class name: String) -> String? {
        guard let start = dom.range(of: "class=\"\(name)\" href=\"") else { return nil }
        return String(dom[start.upperBound...].prefix { $0 != "\"" }).replacingOccurrences(of: "&amp;", with: "&")
    }
}
