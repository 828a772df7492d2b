import ETLRuntimeCore
import XCTest

/// An unkeyed incremental read recognises the boundary rows it already emitted by their stored
/// values only: a query's computed column that changes at every read (a load time, random())
/// must not make an old row look new.
final class SourceBoundaryHashTests: SourceTestCase {
    func testAQueryWithALoadTimeColumnDoesNotRereadItsBoundaryRowOnTheNextRun() throws {
        try database.execute("CREATE TABLE events (id INTEGER, updated INTEGER); INSERT INTO events VALUES (1, 10), (2, 20)")
        let source = try makeSource(#""query": "SELECT id, updated, random() AS loaded_at FROM events", "stream": "events""#)
        let first = try readAll(source, stream: "events", cursor: "updated")
        XCTAssertEqual(first.rows.map { $0[0] }, ["1", "2"])
        let second = try readAll(try makeSource(#""query": "SELECT id, updated, random() AS loaded_at FROM events", "stream": "events""#),
                                 stream: "events", state: first.state, cursor: "updated")
        XCTAssertEqual(second.rows, [], "the boundary row (id 2) was loaded again")
    }

    func testRowsAddedAtTheBoundaryValueAreStillReadWhenAComputedColumnIsPresent() throws {
        try database.execute("CREATE TABLE events (id INTEGER, updated INTEGER); INSERT INTO events VALUES (1, 20)")
        let config = #""query": "SELECT id, updated, datetime('now', 'subsec') || random() AS loaded_at FROM events", "stream": "events""#
        let first = try readAll(try makeSource(config), stream: "events", cursor: "updated")
        try database.execute("INSERT INTO events VALUES (2, 20), (3, 30)")
        let second = try readAll(try makeSource(config), stream: "events", state: first.state, cursor: "updated")
        XCTAssertEqual(second.rows.map { $0[0] }, ["2", "3"])
    }

    func testAQueryOfExpressionsOnlyStillHashesEveryColumn() throws {
        try database.execute("CREATE TABLE events (id INTEGER, updated INTEGER); INSERT INTO events VALUES (1, 10), (2, 10)")
        let config = #""query": "SELECT id + 0 AS n, updated * 1 AS u FROM events", "stream": "events""#
        let first = try readAll(try makeSource(config), stream: "events", cursor: "u", maxRecords: 1)
        let second = try readAll(try makeSource(config), stream: "events", state: first.state, cursor: "u")
        XCTAssertEqual((first.rows + second.rows).map { $0[0] }.sorted(), ["1", "2"])
    }
}
