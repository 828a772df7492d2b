import ETLArrow
import ETLRuntimeCore
import XCTest

/// Asked for positions, the sqlite source ends every row with `_etl_position`, the text a
/// reject of that row gives: its ordinal in a full read (of a table or a query), its cursor and
/// key in an incremental read.
final class SourcePositionTests: SourceTestCase {
    private let positions = #"{"positions": true}"#

    func testAFullReadOfATableNamesEachRowByItsOrdinalAsItsRejectDoes() throws {
        try database.execute("CREATE TABLE people (id INTEGER, age INTEGER); INSERT INTO people VALUES (1, 30), (2, 'thirty'), (3, 40)")
        let source = try makeSource(#""table": "people""#)
        let typed = try readAll(source, stream: "people", options: positions)
        XCTAssertEqual(typed.rows, [["1", "30", "\(path!): stream people, row 1"], ["3", "40", "\(path!): stream people, row 3"]])
        XCTAssertEqual(typed.rejects.map(\.position), ["\(path!): stream people, row 2"])
        // Fixed, row 2 loads under the position its reject named.
        try database.execute("UPDATE people SET age = 35 WHERE id = 2")
        let fixed = try readAll(source, stream: "people", options: positions)
        XCTAssertEqual(fixed.rows[1], ["2", "35", typed.rejects[0].position])
    }

    func testAQueryNamesRowsByTheirOrdinalInItsStream() throws {
        try database.execute("CREATE TABLE orders (id INTEGER, amount REAL); INSERT INTO orders VALUES (1, 2.5), (2, 4.0), (3, 1.0)")
        let source = try makeSource(#""query": "SELECT id, amount FROM orders WHERE amount > 2 ORDER BY id DESC", "stream": "big""#)
        XCTAssertEqual(try readAll(source, stream: "big", options: positions, batchSize: 1).rows,
                       [["2", "4.0", "\(path!): stream big, row 1"], ["1", "2.5", "\(path!): stream big, row 2"]])
    }

    func testAnIncrementalReadNamesRowsByCursorAndKeyAsItsRejectDoes() throws {
        try database.execute("CREATE TABLE events (id INTEGER, updated INTEGER); INSERT INTO events VALUES (1, 10), (2, NULL), (3, 20)")
        let source = try makeSource(#""table": "events""#)
        let rejecting = try readAll(source, stream: "events", cursor: "updated",
                                    options: #"{"primary_key": ["id"], "null_cursor": "reject", "positions": true}"#)
        XCTAssertEqual(rejecting.rows.map(\.last), ["\(path!): stream events [updated=10, id=1]", "\(path!): stream events [updated=20, id=3]"])
        XCTAssertEqual(rejecting.rejects.map(\.position), ["\(path!): stream events [updated=NULL, id=2]"])
        let loading = try readAll(source, stream: "events", cursor: "updated",
                                  options: #"{"primary_key": ["id"], "null_cursor": "load", "positions": true}"#)
        XCTAssertEqual(loading.rows.first { $0[0] == "2" }?.last, rejecting.rejects[0].position)
    }

    func testWithoutTheOptionTheStreamIsUnchanged() throws {
        try database.execute("CREATE TABLE items (id INTEGER); INSERT INTO items VALUES (1), (2)")
        let source = try makeSource(#""table": "items""#)
        XCTAssertEqual(try readAll(source, stream: "items").rows, [["1"], ["2"]])
        XCTAssertEqual(try source.discover()[0].schema.fields.map(\.name), ["id"])
    }

    func testTheSourceDeclaresThePositionsCapabilityAndTheSinkDoesNot() throws {
        XCTAssertTrue(try SQLitePlugins.sourcePlugin().info.capabilities.contains("positions"))
        XCTAssertFalse(try SQLitePlugins.sinkPlugin().info.capabilities.contains("positions"))
    }
}
