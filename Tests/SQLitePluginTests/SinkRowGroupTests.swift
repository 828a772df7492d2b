import CETLPlugin
import ETLArrow
import ETLRuntimeCore
import PluginTestSupport
import XCTest

/// Plain inserts (replace, append) go several rows per INSERT statement. Whatever the batch
/// size, every row lands once, in order, with its own values, and a row SQLite refuses is
/// named exactly, as with one row per statement.
final class SinkRowGroupTests: SinkTestCase {
    private let schema = Batches.schema([
        ("id", .int64), ("name", .utf8), ("at", .timestampMicrosecondsUTC), ("day", .date32), ("ratio", .double),
    ])

    private func rows(_ ids: ClosedRange<Int>) -> [[Cell]] {
        ids.map { id in
            [Cell.int(Int64(id)), id % 5 == 0 ? .null : .text("name \(id)"),
             .timestamp(micros: 1_700_000_000_000_000 + Int64(id) * 1_000_001), .date(days: Int32(id)), .double(Double(id) / 4)]
        }
    }

    private func expected(_ ids: ClosedRange<Int>) throws -> [[String]] {
        try ids.map { id in
            let seconds = 1_700_000_000 + id
            let micros = id
            let stamp = try database.scalar("SELECT datetime(\(seconds), 'unixepoch')") + String(format: ".%06d", micros)
            let day = try database.scalar("SELECT date(\(id) * 86400, 'unixepoch')")
            return ["\(id)", id % 5 == 0 ? "NULL" : "name \(id)", stamp, day, "\(Double(id) / 4)"]
        }
    }

    private let select = "SELECT id, coalesce(name, 'NULL'), at, day, ratio FROM facts ORDER BY rowid"

    func testBatchesOfEverySizeAroundTheGroupLoadEveryRowOnceInOrder() throws {
        // Sizes below, at and past one group, and with remainders, in one load.
        var next = 1
        var batches: [[[Cell]]] = []
        for size in [1, 31, 32, 33, 64, 97] {
            batches.append(rows(next...next + size - 1))
            next += size
        }
        try load(try makeSink(), "facts", schema, batches, mode: .append)
        XCTAssertEqual(try database.rows(select), try expected(1...next - 1))
    }

    func testEachRowOfAGroupKeepsItsOwnTimestampAndDateText() throws {
        try load(try makeSink(), "facts", schema, [rows(1...64)], mode: .replace)
        XCTAssertEqual(try database.scalar("SELECT count(DISTINCT at) || ' ' || count(DISTINCT day) FROM facts"), "64 64")
        XCTAssertEqual(try database.rows(select), try expected(1...64))
    }

    func testARowRefusedInsideAGroupIsNamedExactlyAndNothingIsCommitted() throws {
        try database.execute("CREATE TABLE facts (id INTEGER CHECK (id <> 45), name TEXT, at TEXT, day TEXT, ratio REAL)")
        let sink = try makeSink()
        try sink.begin(request("facts", schema, mode: .append))
        let failed = callError { try sink.write(try Batches.make(self.schema, self.rows(1...70))) }
        XCTAssertEqual(failed?.status, ETL_BAD_DATA)
        XCTAssertTrue(failed?.message.contains("CHECK constraint failed") ?? false, failed?.message ?? "")
        XCTAssertTrue(failed?.message.contains("at row 45 of the load") ?? false, failed?.message ?? "")
        _ = callError { _ = try sink.commit(stateJSON: nil) }
        try sink.abort()
        XCTAssertEqual(try database.scalar("SELECT count(*) FROM facts"), "0")
    }
}
