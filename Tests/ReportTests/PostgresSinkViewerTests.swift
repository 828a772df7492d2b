import Foundation
import PostgresTestSupport
import TestSupport
import XCTest

/// The table viewer reads a `postgres` sink through the sink's own connection settings, in a
/// read-only session: the same paging, sorting, filtering and refusals as for SQLite.
final class PostgresSinkViewerTests: XCTestCase {
    func testAPostgresSinkIsPagedSortedFilteredAndNeverWrittenTo() throws {
        let database = try PostgresTestDatabase()
        let workspace = try ReportWorkspace(warehouse: #"{"plugin": "postgres", "config": {"url": "\#(database.url())", "schema": "viewer"}}"#)
        try workspace.run(times: 1)
        let server = try ServeProcess(workspace)
        defer { server.stop() }

        let tables = try server.get("tables")
        XCTAssertEqual(tables.status, 200)
        XCTAssertTrue(tables.body.contains("table=people\">people</a>"), tables.body)
        XCTAssertTrue(tables.body.contains("table=totals\">totals</a>"), tables.body)

        let page = try HeadlessChromium.dump(server.url + "table?sink=warehouse&table=people&sort=amount&dir=desc&size=2&page=2")
        XCTAssertEqual(page.consoleMessages, [])
        XCTAssertTrue(page.dom.contains("6 rows · page <span class=\"page-number\">2</span> of 3"), page.dom)
        XCTAssertTrue(page.dom.contains("<td>Eva</td>") && page.dom.contains("<td>Davi</td>"), page.dom)

        let csv = try server.get("table.csv?sink=warehouse&table=people&col=name&op=contains&value=a&sort=id")
        XCTAssertEqual(csv.body, "id,name,amount\r\n1,Ana,10\r\n4,Davi,40\r\n5,Eva,50\r\n6,Fabio,60\r\n")
        // A value that is no number, on a number column, matches nothing rather than failing.
        let text = try server.get("table?sink=warehouse&table=people&col=amount&value=abc")
        XCTAssertEqual(text.status, 200)
        XCTAssertTrue(text.body.contains("0 rows match"), text.body)
        for value in ["%27%20OR%201=1%20--", "x%27;%20DROP%20TABLE%20viewer.people;%20--"] {
            let reply = try server.get("table?sink=warehouse&table=people&col=name&value=\(value)")
            XCTAssertEqual(reply.status, 200, value)
            XCTAssertTrue(reply.body.contains("0 rows match"), "\(value): \(reply.body)")
        }
        XCTAssertEqual(try server.get("table?sink=warehouse&table=people&size=501").status, 400)
        XCTAssertEqual(try server.get("table?sink=warehouse&table=people&sort=amount%3B%20DROP%20TABLE%20people").status, 400)
        XCTAssertEqual(try server.get("table?sink=warehouse&table=etl_rejects").status, 404)
        XCTAssertEqual(try database.connection.scalar("SELECT count(*) FROM viewer.people"), "6")
    }
}
