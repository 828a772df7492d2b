import CETLPlugin
import ETLArrow
import ETLRuntimeCore
import PluginTestSupport
import XCTest

/// A load into a missing table creates it with one typed column per Arrow column.
final class SinkTableCreationTests: SinkTestCase {
    private let everyType = Batches.schema([
        ("count", .int64), ("ratio", .double), ("flag", .bool), ("name", .utf8), ("payload", .binary),
        ("seen_at", .timestampMicrosecondsUTC), ("born_on", .date32), ("nothing", .null),
    ])

    func testMissingTableIsCreatedWithADeclaredTypePerArrowType() throws {
        try load(try makeSink(), "facts", everyType, [[[1, 0.5, true, "a", .blob([1]), .timestamp(micros: 0), .date(days: 0), nil]]],
                 mode: .append)
        let declared = try database.rows("SELECT name, type FROM pragma_table_info('facts')")
        XCTAssertEqual(declared, [
            ["count", "INTEGER"], ["ratio", "REAL"], ["flag", "INTEGER"], ["name", "TEXT"], ["payload", "BLOB"],
            ["seen_at", "TEXT"], ["born_on", "TEXT"], ["nothing", ""],
        ])
    }

    func testValuesAreStoredWithTheirSQLiteStorageClass() throws {
        try load(try makeSink(), "facts", everyType, [[[42, 2.5, true, "text", .blob([0xDE, 0xAD]), .timestamp(micros: 1), .date(days: 1), nil]]],
                 mode: .append)
        XCTAssertEqual(try database.rows("SELECT typeof(count), typeof(ratio), typeof(flag), typeof(name), typeof(payload), typeof(seen_at), typeof(born_on), typeof(\"nothing\") FROM facts"),
                       [["integer", "real", "integer", "text", "blob", "text", "text", "null"]])
        XCTAssertEqual(try database.rows("SELECT count, ratio, flag, name, payload FROM facts"), [["42", "2.5", "1", "text", "x'dead'"]])
    }

    func testTimestampsAreUTCTextThatSQLiteDateFunctionsRead() throws {
        let schema = Batches.schema([("at", .timestampMicrosecondsUTC), ("day", .date32)])
        // 2024-02-29 13:45:07.000123 UTC, and a date before the epoch (1969-12-31).
        try load(try makeSink(), "times", schema, [[[.timestamp(micros: 1_709_214_307_000_123), .date(days: -1)]]], mode: .append)
        XCTAssertEqual(try database.rows("SELECT at, day FROM times"), [["2024-02-29 13:45:07.000123", "1969-12-31"]])
        XCTAssertEqual(try database.scalar("SELECT strftime('%s', at) FROM times"), "1709214307")
        XCTAssertEqual(try database.scalar("SELECT date(day, '+1 day') FROM times"), "1970-01-01")
    }

    func testNegativeTimestampsUseFloorDivision() throws {
        let schema = Batches.schema([("at", .timestampMicrosecondsUTC)])
        try load(try makeSink(), "times", schema, [[[.timestamp(micros: -1)]]], mode: .append)
        XCTAssertEqual(try database.scalar("SELECT at FROM times"), "1969-12-31 23:59:59.999999")
    }

    func testNullsAndEmptyStringsStayDistinct() throws {
        let schema = Batches.schema([("text", .utf8), ("bytes", .binary)])
        try load(try makeSink(), "blanks", schema, [[["", .blob([])], [nil, nil]]], mode: .append)
        XCTAssertEqual(try database.rows("SELECT typeof(text), typeof(bytes) FROM blanks ORDER BY rowid"),
                       [["text", "blob"], ["null", "null"]])
    }

    func testIdentifiersWithSpacesAndQuotesAreQuoted() throws {
        let schema = Batches.schema([("first name", .utf8), ("say \"hi\"", .int64)])
        try load(try makeSink(), "odd \"table\" name", schema, [[["Ada", 1]]], mode: .append)
        XCTAssertEqual(try database.rows("SELECT \"first name\", \"say \"\"hi\"\"\" FROM \"odd \"\"table\"\" name\""), [["Ada", "1"]])
    }

    func testANewDatabaseFileIsCreatedInWALModeWithItsFolder() throws {
        path = folder.file("nested/deeper/new.db")
        try load(try makeSink(), "t", Batches.schema([("a", .int64)]), [[[1]]], mode: .append)
        let created = try TestDatabase(path)
        XCTAssertEqual(try created.scalar("PRAGMA journal_mode"), "wal")
        XCTAssertEqual(try created.scalar("SELECT a FROM t"), "1")
    }

    func testColumnNamesThatDifferOnlyInCaseAreRefused() throws {
        let schema = Batches.schema([("Name", .utf8), ("name", .utf8)])
        let sink = try makeSink()
        let error = callError { try sink.begin(self.request("t", schema, mode: .append)) }
        XCTAssertEqual(error?.status, ETL_INVALID_CONFIG)
        XCTAssertTrue(error?.message.contains("ignore case") ?? false, error?.message ?? "")
    }
}
