import Foundation
import PostgresTestSupport
import TestSupport
import XCTest

/// Paging through a table sorted on a column whose values repeat shows every row exactly once:
/// the viewer breaks ties by where the row is stored, so one page's query and the next's agree
/// on the order of rows with the same value.
final class ViewerPagingTests: XCTestCase {
    static let rows = 600
    static let pageSize = 40

    func testPagesOfASQLiteTableSortedOnARepeatedValueHoldEveryRowOnce() throws {
        let workspace = try ReportWorkspace()
        try workspace.run(times: 1)
        // Two values in turn, so every row ties with half the table.
        _ = try workspace.warehouse("""
            CREATE TABLE ties(id INTEGER, grp TEXT);
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(Self.rows))
            INSERT INTO ties SELECT i, CASE i % 2 WHEN 0 THEN 'even' ELSE 'odd' END FROM n;
            """)
        XCTAssertEqual(try workspace.warehouse("SELECT count(*) FROM ties"), "\(Self.rows)\n")
        let server = try ServeProcess(workspace)
        defer { server.stop() }
        try assertEveryRowOnce(server)
    }

    func testPagesOfAPostgresTableSortedOnARepeatedValueHoldEveryRowOnce() throws {
        let database = try PostgresTestDatabase()
        let workspace = try ReportWorkspace(warehouse: #"{"plugin": "postgres", "config": {"url": "\#(database.url())", "schema": "viewer"}}"#)
        try workspace.run(times: 1)
        try database.connection.execute("""
            CREATE TABLE viewer.ties AS SELECT i AS id, CASE i % 2 WHEN 0 THEN 'even' ELSE 'odd' END AS grp
            FROM generate_series(1, \(Self.rows)) AS i
            """)
        let server = try ServeProcess(workspace)
        defer { server.stop() }
        try assertEveryRowOnce(server)
    }

    private func assertEveryRowOnce(_ server: ServeProcess, file: StaticString = #filePath, line: UInt = #line) throws {
        for direction in ["asc", "desc"] {
            var ids: [Int] = []
            var groups: [String] = []
            for page in 1...(Self.rows / Self.pageSize) {
                let reply = try server.get("table?sink=warehouse&table=ties&sort=grp&dir=\(direction)&size=\(Self.pageSize)&page=\(page)")
                XCTAssertEqual(reply.status, 200, reply.body, file: file, line: line)
                ids += ViewerGrid.cells(reply.body, column: 0).compactMap { Int($0) }
                groups += ViewerGrid.cells(reply.body, column: 1)
            }
            XCTAssertEqual(ids.count, Self.rows, direction, file: file, line: line)
            XCTAssertEqual(Set(ids), Set(1...Self.rows), "\(direction): some rows showed twice and others never", file: file, line: line)
            XCTAssertEqual(groups, direction == "asc" ? groups.sorted() : groups.sorted(by: >), direction, file: file, line: line)
        }
    }
}
