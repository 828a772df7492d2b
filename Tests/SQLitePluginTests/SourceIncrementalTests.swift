import CETLPlugin
import ETLArrow
import ETLRuntimeCore
import Foundation
import XCTest

/// Incremental reads on a cursor column: exact resumption at ties, a watermark that never moves
/// back, and explicit NULL-cursor policies.
final class SourceIncrementalTests: SourceTestCase {
    private let byID = #"{"primary_key": ["id"]}"#

    func testAKeyedReadResumesAfterTheLastCursorAndKeyPairAcrossRuns() throws {
        try database.execute("CREATE TABLE events (id INTEGER, updated INTEGER); INSERT INTO events VALUES (1, 10), (2, 20), (3, 20), (4, 20)")
        let source = try makeSource(#""table": "events""#)
        let first = try readAll(source, stream: "events", cursor: "updated", options: byID, maxRecords: 3)
        XCTAssertEqual(first.rows.map { $0[0] }, ["1", "2", "3"])
        XCTAssertEqual(first.state, #"{"cursor_field":"updated","cursor":20,"key":{"id":3},"null_rows":0}"#)
        try database.execute("INSERT INTO events VALUES (5, 20), (6, 30)")
        let second = try readAll(source, stream: "events", state: first.state, cursor: "updated", options: byID)
        XCTAssertEqual(second.rows.map { $0[0] }, ["4", "5", "6"])
    }

    func testAnUnkeyedReadRereadsTheBoundaryValueAndSkipsOnlyTheRowsAlreadyEmitted() throws {
        try database.execute("CREATE TABLE events (updated INTEGER, name TEXT); INSERT INTO events VALUES (10, 'a'), (20, 'b'), (20, 'c'), (20, 'c')")
        let source = try makeSource(#""table": "events""#)
        let first = try readAll(source, stream: "events", cursor: "updated", maxRecords: 3)
        XCTAssertEqual(first.rows.count, 3)
        try database.execute("INSERT INTO events VALUES (20, 'd'), (30, 'e')")
        let second = try readAll(source, stream: "events", state: first.state, cursor: "updated")
        let everything = (first.rows + second.rows).map { $0.joined(separator: ":") }.sorted()
        XCTAssertEqual(everything, ["10:a", "20:b", "20:c", "20:c", "20:d", "30:e"])
    }

    func testEveryBatchCheckpointResumesExactlyWithoutAKey() throws {
        try fillWithTies()
        let rows = try readOneBatchPerRun(options: nil)
        XCTAssertEqual(rows.sorted(), (1...20).map { "\($0)" }.sorted())
    }

    func testEveryBatchCheckpointResumesExactlyWithAKey() throws {
        try fillWithTies()
        let rows = try readOneBatchPerRun(options: byID)
        XCTAssertEqual(rows, (1...20).map { "\($0)" })
    }

    func testAnEmptyRunKeepsTheStateItStartedFrom() throws {
        try database.execute("CREATE TABLE events (id INTEGER, updated INTEGER); INSERT INTO events VALUES (1, 10)")
        let source = try makeSource(#""table": "events""#)
        let first = try readAll(source, stream: "events", cursor: "updated", options: byID)
        let second = try readAll(source, stream: "events", state: first.state, cursor: "updated", options: byID)
        XCTAssertEqual(second.rows, [])
        XCTAssertEqual(second.state, first.state)
    }

    func testTheCursorNeverMovesBackwardsWhenRowsMoveBelowTheWatermark() throws {
        try database.execute("CREATE TABLE events (id INTEGER, updated INTEGER); INSERT INTO events VALUES (1, 10), (2, 20)")
        let source = try makeSource(#""table": "events""#)
        let first = try readAll(source, stream: "events", cursor: "updated", options: byID)
        try database.execute("UPDATE events SET updated = 5 WHERE id = 2; DELETE FROM events WHERE id = 1")
        let second = try readAll(source, stream: "events", state: first.state, cursor: "updated", options: byID)
        XCTAssertEqual(second.rows, [])
        XCTAssertEqual(second.state, first.state)
    }

    func testALookbackRereadsItsWindowWithoutMovingTheCursorBack() throws {
        try database.execute("CREATE TABLE events (id INTEGER, updated TEXT); INSERT INTO events VALUES (1, '2024-01-01 10:00:00')")
        let source = try makeSource(#""table": "events""#)
        let first = try readAll(source, stream: "events", cursor: "updated", options: byID)
        // A row committed late, with a cursor just below the watermark.
        try database.execute("INSERT INTO events VALUES (2, '2024-01-01 09:59:30'), (3, '2024-01-01 09:58:00')")
        let options = #"{"primary_key": ["id"], "lookback_seconds": 60}"#
        let second = try readAll(source, stream: "events", state: first.state, cursor: "updated", options: options)
        XCTAssertEqual(second.rows.map { $0[0] }, ["2", "1"])
        XCTAssertEqual(second.state, first.state)
    }

    func testTheInitialValueStartsTheFirstRunInclusively() throws {
        try database.execute("CREATE TABLE events (id INTEGER, updated INTEGER); INSERT INTO events VALUES (1, 10), (2, 15), (3, 20)")
        let outcome = try readAll(try makeSource(#""table": "events""#), stream: "events", cursor: "updated", initial: "15", options: byID)
        XCTAssertEqual(outcome.rows.map { $0[0] }, ["2", "3"])
    }

    func testAnInitialTimestampInAnotherSpellingIsComparedInTheStoredSpelling() throws {
        try database.execute("CREATE TABLE events (id INTEGER, updated TEXT); INSERT INTO events VALUES (1, '2024-01-01 08:00:00'), (2, '2024-01-01 10:00:00')")
        let outcome = try readAll(try makeSource(#""table": "events""#), stream: "events", cursor: "updated",
                                  initial: #""2024-01-01T09:00:00Z""#, options: byID)
        XCTAssertEqual(outcome.rows.map { $0[0] }, ["2"])
    }

    func testASafetyLagLeavesRowsNewerThanNowMinusTheLagForALaterRun() throws {
        let format = DateFormatter()
        format.timeZone = TimeZone(identifier: "UTC")
        format.dateFormat = "yyyy-MM-dd HH:mm:ss"
        let old = format.string(from: Date().addingTimeInterval(-3600))
        let recent = format.string(from: Date().addingTimeInterval(-5))
        try database.execute("CREATE TABLE events (id INTEGER, updated TEXT); INSERT INTO events VALUES (1, '\(old)'), (2, '\(recent)')")
        let options = #"{"primary_key": ["id"], "safety_lag_seconds": 600}"#
        let outcome = try readAll(try makeSource(#""table": "events""#), stream: "events", cursor: "updated", options: options)
        XCTAssertEqual(outcome.rows.map { $0[0] }, ["1"])
        XCTAssertTrue(outcome.state?.contains(old) ?? false, outcome.state ?? "nil")
    }

    func testNullCursorsFailTheReadByDefaultNamingHowManyThereAre() throws {
        try database.execute("CREATE TABLE events (id INTEGER, updated INTEGER); INSERT INTO events VALUES (1, 10), (2, NULL), (3, NULL)")
        let source = try makeSource(#""table": "events""#)
        XCTAssertThrowsError(try readAll(source, stream: "events", cursor: "updated", options: byID)) { error in
            XCTAssertEqual((error as? PluginCallError)?.status, ETL_BAD_DATA)
            XCTAssertTrue((error as? PluginCallError)?.message.contains("2 row(s) of stream \"events\"") ?? false, "\(error)")
        }
    }

    func testNullCursorsAreRejectedOnceWhenThePolicyIsReject() throws {
        try database.execute("CREATE TABLE events (id INTEGER, updated INTEGER); INSERT INTO events VALUES (1, 10), (2, NULL), (3, NULL)")
        let source = try makeSource(#""table": "events""#)
        let options = #"{"primary_key": ["id"], "null_cursor": "reject"}"#
        let first = try readAll(source, stream: "events", cursor: "updated", options: options)
        XCTAssertEqual(first.rows.map { $0[0] }, ["1"])
        XCTAssertEqual(first.rejects.map(\.raw), ["id=2, updated=NULL", "id=3, updated=NULL"])
        try database.execute("INSERT INTO events VALUES (4, NULL), (5, 20)")
        let second = try readAll(source, stream: "events", state: first.state, cursor: "updated", options: options)
        XCTAssertEqual(second.rows.map { $0[0] }, ["5"])
        XCTAssertEqual(second.rejects, [])
    }

    func testNullCursorsAreLoadedOnceFirstWhenThePolicyIsLoad() throws {
        try database.execute("CREATE TABLE events (updated INTEGER, name TEXT); INSERT INTO events VALUES (10, 'a'), (NULL, 'n1'), (NULL, 'n2')")
        let source = try makeSource(#""table": "events""#)
        let options = #"{"null_cursor": "load"}"#
        let first = try readAll(source, stream: "events", cursor: "updated", options: options, maxRecords: 1)
        let second = try readAll(source, stream: "events", state: first.state, cursor: "updated", options: options)
        let third = try readAll(source, stream: "events", state: second.state, cursor: "updated", options: options)
        XCTAssertEqual((first.rows + second.rows).map { $0[1] }.sorted(), ["a", "n1", "n2"])
        XCTAssertEqual(second.rows.last?[1], "a")
        XCTAssertEqual(third.rows, [])
    }

    func testAStateRecordedForAnotherCursorFieldIsRefused() throws {
        try database.execute("CREATE TABLE events (id INTEGER, updated INTEGER, created INTEGER)")
        let state = #"{"cursor_field":"created","cursor":1,"key":{"id":1},"null_rows":0}"#
        XCTAssertThrowsError(try readAll(try makeSource(#""table": "events""#), stream: "events", state: state, cursor: "updated", options: byID)) { error in
            XCTAssertEqual((error as? PluginCallError)?.status, ETL_INVALID_CONFIG)
        }
    }

    func testAQueryStreamReadsIncrementallyToo() throws {
        try database.execute("CREATE TABLE orders (id INTEGER, updated INTEGER, status TEXT); INSERT INTO orders VALUES (1, 10, 'open'), (2, 20, 'shipped'), (3, 30, 'open')")
        let source = try makeSource(#""query": "SELECT id, updated FROM orders WHERE status = 'open'", "stream": "open_orders""#)
        let first = try readAll(source, stream: "open_orders", cursor: "updated", options: byID)
        XCTAssertEqual(first.rows, [["1", "10"], ["3", "30"]])
        try database.execute("INSERT INTO orders VALUES (4, 40, 'open')")
        XCTAssertEqual(try readAll(source, stream: "open_orders", state: first.state, cursor: "updated", options: byID).rows, [["4", "40"]])
    }

    // MARK: Helpers

    /// Twenty rows, three per cursor value: ids 1...20, cursor (id - 1) / 3.
    private func fillWithTies() throws {
        try database.execute("CREATE TABLE events (id INTEGER, updated INTEGER)")
        try database.execute("INSERT INTO events VALUES " + (1...20).map { "(\($0), \(($0 - 1) / 3))" }.joined(separator: ","))
    }

    /// Simulates a run killed after every batch: each run reads one batch of two rows and the
    /// next starts from the checkpoint taken after it, in a new source instance.
    private func readOneBatchPerRun(options: String?) throws -> [String] {
        var state: String?
        var ids: [String] = []
        for _ in 0..<30 {
            let outcome = try readAll(try makeSource(#""table": "events""#), stream: "events", state: state, cursor: "updated",
                                      options: options, batchSize: 2, maxRecords: 2)
            if outcome.rows.isEmpty { break }
            ids += outcome.rows.map { $0[0] }
            state = outcome.state
        }
        return ids
    }
}
