import CETLPlugin
import ETLArrow
import ETLRuntimeCore
import XCTest

/// Incremental reads of the `postgres` source, with the `sqlite` source's rules: exact resumption
/// at ties (by key, or by row hash), NULL-cursor policies, safety lag and lookback, a watermark
/// that never moves back, and the same state JSON.
final class PostgresSourceIncrementalTests: PostgresSourceTestCase {
    private let byID = #"{"primary_key": ["id"]}"#

    func testAKeyedReadResumesAfterTheLastCursorAndKeyPairAcrossRuns() throws {
        try execute("CREATE TABLE events (id int, updated int); INSERT INTO events VALUES (1, 10), (2, 20), (3, 20), (4, 20)")
        let source = try makeSource(#", "table": "events""#)
        let first = try readAll(source, stream: "events", cursor: "updated", options: byID, maxRecords: 3)
        XCTAssertEqual(first.rows.map { $0[0] }, ["1", "2", "3"])
        XCTAssertEqual(first.state, #"{"cursor_field":"updated","cursor":20,"key":{"id":3},"null_rows":0}"#)
        try execute("INSERT INTO events VALUES (5, 20), (6, 30)")
        let second = try readAll(source, stream: "events", state: first.state, cursor: "updated", options: byID)
        XCTAssertEqual(second.rows.map { $0[0] }, ["4", "5", "6"])
    }

    func testAnUnkeyedReadRereadsTheBoundaryValueAndSkipsOnlyTheRowsAlreadyEmitted() throws {
        try execute("CREATE TABLE events (updated int, name text); INSERT INTO events VALUES (10, 'a'), (20, 'b'), (20, 'c'), (20, 'c')")
        let source = try makeSource(#", "table": "events""#)
        let first = try readAll(source, stream: "events", cursor: "updated", maxRecords: 3)
        XCTAssertEqual(first.rows.count, 3)
        XCTAssertTrue(first.state?.contains(#""boundary_rows":["#) ?? false, first.state ?? "nil")
        try execute("INSERT INTO events VALUES (20, 'd'), (30, 'e')")
        let second = try readAll(source, stream: "events", state: first.state, cursor: "updated")
        let everything = (first.rows + second.rows).map { $0.joined(separator: ":") }.sorted()
        XCTAssertEqual(everything, ["10:a", "20:b", "20:c", "20:c", "20:d", "30:e"])
    }

    func testEveryBatchCheckpointResumesExactlyWithAndWithoutAKey() throws {
        try execute("CREATE TABLE events (id int, updated int); INSERT INTO events SELECT g, g / 5 FROM generate_series(1, 20) g")
        for options in [byID, nil] {
            var state: String?
            var seen: [String] = []
            for _ in 0..<30 {
                let outcome = try readAll(try makeSource(#", "table": "events""#), stream: "events", state: state,
                                          cursor: "updated", options: options, batchSize: 3, maxRecords: 3)
                if outcome.rows.isEmpty { break }
                seen += outcome.rows.map { $0[0] }
                state = outcome.state
            }
            XCTAssertEqual(seen.sorted(), (1...20).map(String.init).sorted(), options ?? "unkeyed")
        }
    }

    func testATimestampCursorIsSavedAsUTCTextAndResumesFromIt() throws {
        try execute("SET TimeZone TO 'Europe/Paris'; CREATE TABLE events (id int, at timestamptz); INSERT INTO events VALUES (1, '2024-05-01 12:00:00+02'), (2, '2024-05-02 12:00:00+02')")
        let source = try makeSource(#", "table": "events""#)
        let first = try readAll(source, stream: "events", cursor: "at", options: byID, maxRecords: 1)
        XCTAssertEqual(first.state, #"{"cursor_field":"at","cursor":"2024-05-01 10:00:00+00","key":{"id":1},"null_rows":0}"#)
        let second = try readAll(source, stream: "events", state: first.state, cursor: "at", options: byID)
        XCTAssertEqual(second.rows.map { $0[0] }, ["2"])
    }

    func testAnInitialValueStartsTheFirstRun() throws {
        try execute("CREATE TABLE events (id int, day date); INSERT INTO events VALUES (1, '2024-01-01'), (2, '2024-03-01')")
        let outcome = try readAll(try makeSource(#", "table": "events""#), stream: "events", cursor: "day",
                                  initial: #""2024-02-01""#, options: byID)
        XCTAssertEqual(outcome.rows.map { $0[0] }, ["2"])
    }

    func testAnEmptyRunKeepsTheStateItStartedFrom() throws {
        try execute("CREATE TABLE events (id int, updated int); INSERT INTO events VALUES (1, 10)")
        let source = try makeSource(#", "table": "events""#)
        let first = try readAll(source, stream: "events", cursor: "updated", options: byID)
        let second = try readAll(source, stream: "events", state: first.state, cursor: "updated", options: byID)
        XCTAssertEqual(second.rows, [])
        XCTAssertEqual(second.state, first.state)
    }

    func testNullCursorsFailTheReadByDefaultNamingHowManyThereAre() throws {
        try execute("CREATE TABLE events (id int, updated int); INSERT INTO events VALUES (1, 10), (2, NULL), (3, NULL)")
        XCTAssertThrowsError(try readAll(try makeSource(#", "table": "events""#), stream: "events", cursor: "updated", options: byID)) { error in
            XCTAssertEqual((error as? PluginCallError)?.status, ETL_BAD_DATA)
            XCTAssertTrue((error as? PluginCallError)?.message.contains("2 row(s) of stream \"events\"") ?? false, "\(error)")
        }
    }

    func testNullCursorsAreRejectedOnceWhenThePolicyIsReject() throws {
        try execute("CREATE TABLE events (id int, updated int); INSERT INTO events VALUES (1, 10), (2, NULL), (3, NULL)")
        let source = try makeSource(#", "table": "events""#)
        let options = #"{"primary_key": ["id"], "null_cursor": "reject"}"#
        let first = try readAll(source, stream: "events", cursor: "updated", options: options)
        XCTAssertEqual(first.rows.map { $0[0] }, ["1"])
        XCTAssertEqual(first.rejects.map(\.raw), ["id=2, updated=NULL", "id=3, updated=NULL"])
        try execute("INSERT INTO events VALUES (4, NULL), (5, 20)")
        let second = try readAll(source, stream: "events", state: first.state, cursor: "updated", options: options)
        XCTAssertEqual(second.rows.map { $0[0] }, ["5"])
        XCTAssertEqual(second.rejects.count, 0)
    }

    func testNullCursorsAreLoadedOnceFirstWhenThePolicyIsLoad() throws {
        try execute("CREATE TABLE events (updated int, name text); INSERT INTO events VALUES (10, 'a'), (NULL, 'n1'), (NULL, 'n2')")
        let source = try makeSource(#", "table": "events""#)
        let options = #"{"null_cursor": "load"}"#
        let first = try readAll(source, stream: "events", cursor: "updated", options: options, maxRecords: 1)
        let second = try readAll(source, stream: "events", state: first.state, cursor: "updated", options: options)
        let third = try readAll(source, stream: "events", state: second.state, cursor: "updated", options: options)
        XCTAssertEqual((first.rows + second.rows).map { $0[1] }.sorted(), ["a", "n1", "n2"])
        XCTAssertEqual(second.rows.last?[1], "a")
        XCTAssertEqual(third.rows, [])
    }

    func testASafetyLagLeavesRowsNewerThanTheLagForALaterRun() throws {
        try execute("CREATE TABLE events (id int, at timestamptz); INSERT INTO events VALUES (1, now() - interval '1 hour'), (2, now())")
        let options = #"{"primary_key": ["id"], "safety_lag_seconds": 600}"#
        let outcome = try readAll(try makeSource(#", "table": "events""#), stream: "events", cursor: "at", options: options)
        XCTAssertEqual(outcome.rows.map { $0[0] }, ["1"])
    }

    func testALookbackRereadsTheWindowButTheWatermarkNeverMovesBack() throws {
        try execute("CREATE TABLE events (id int, at timestamp); INSERT INTO events VALUES (1, '2024-01-01 10:00'), (2, '2024-01-01 10:05'), (3, '2024-01-01 10:10')")
        let source = try makeSource(#", "table": "events""#)
        let options = #"{"primary_key": ["id"], "lookback_seconds": 420}"#
        let first = try readAll(source, stream: "events", cursor: "at", options: options)
        try execute("INSERT INTO events VALUES (4, '2024-01-01 10:06')")
        let second = try readAll(source, stream: "events", state: first.state, cursor: "at", options: options)
        XCTAssertEqual(second.rows.map { $0[0] }, ["2", "4", "3"])
        XCTAssertEqual(second.state, first.state)
        XCTAssertEqual(first.state, #"{"cursor_field":"at","cursor":"2024-01-01 10:10:00","key":{"id":3},"null_rows":0}"#)
    }

    func testLookbackOnANumberCursorIsRefused() throws {
        try execute("CREATE TABLE events (id int, updated int)")
        let options = #"{"primary_key": ["id"], "lookback_seconds": 60}"#
        let state = #"{"cursor_field":"updated","cursor":1,"key":{"id":1},"null_rows":0}"#
        XCTAssertThrowsError(try readAll(try makeSource(#", "table": "events""#), stream: "events", state: state, cursor: "updated", options: options)) { error in
            XCTAssertEqual((error as? PluginCallError)?.status, ETL_INVALID_CONFIG, "\(error)")
        }
    }

    func testABinaryOrBooleanCursorIsRefused() throws {
        try execute("CREATE TABLE events (id int, raw bytea, flag bool)")
        for cursor in ["raw", "flag"] {
            XCTAssertThrowsError(try readAll(try makeSource(#", "table": "events""#), stream: "events", cursor: cursor, options: byID)) { error in
                XCTAssertEqual((error as? PluginCallError)?.status, ETL_INVALID_CONFIG, "\(error)")
                XCTAssertTrue("\(error)".contains("cursor_field \"\(cursor)\""), "\(error)")
            }
        }
    }

    func testAnUnkeyedLookbackListsEachBoundaryRowOnce() throws {
        try execute("CREATE TABLE events (at timestamptz, name text); INSERT INTO events VALUES ('2024-01-01 10:00+00', 'a'), ('2024-01-01 10:10+00', 'b')")
        let source = try makeSource(#", "table": "events""#)
        let options = #"{"lookback_seconds": 3600}"#
        let first = try readAll(source, stream: "events", cursor: "at", options: options)
        let second = try readAll(source, stream: "events", state: first.state, cursor: "at", options: options)
        XCTAssertEqual(second.rows.map { $0[1] }, ["a", "b"])
        XCTAssertEqual(second.state, first.state)
        try execute("INSERT INTO events VALUES ('2024-01-01 10:20+00', 'c')")
        let third = try readAll(source, stream: "events", state: second.state, cursor: "at", options: options)
        XCTAssertEqual(third.rows.map { $0[1] }, ["a", "b", "c"])
        XCTAssertTrue(third.state?.contains(#""cursor":"2024-01-01 10:20:00+00""#) ?? false, third.state ?? "nil")
    }

    func testAStateRecordedForAnotherCursorFieldIsRefused() throws {
        try execute("CREATE TABLE events (id int, updated int, created int)")
        let state = #"{"cursor_field":"created","cursor":1,"key":{"id":1},"null_rows":0}"#
        XCTAssertThrowsError(try readAll(try makeSource(#", "table": "events""#), stream: "events", state: state, cursor: "updated", options: byID)) { error in
            XCTAssertEqual((error as? PluginCallError)?.status, ETL_INVALID_CONFIG)
        }
    }

    func testTextCursorsCompareAsTheServerDoes() throws {
        try execute("CREATE TABLE events (code text COLLATE \"C\", n int); INSERT INTO events VALUES ('b', 1), ('a''q', 2)")
        let source = try makeSource(#", "table": "events""#)
        let first = try readAll(source, stream: "events", cursor: "code", maxRecords: 1)
        XCTAssertEqual(first.rows.map { $0[1] }, ["2"])
        let second = try readAll(source, stream: "events", state: first.state, cursor: "code")
        XCTAssertEqual(second.rows.map { $0[1] }, ["1"])
    }
}
