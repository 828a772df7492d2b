import CETLPlugin
import ETLArrow
import PluginTestSupport
import XCTest

/// A source that gains columns adds them to the table; one whose types changed is refused
/// unless a replace recreates the table.
final class PostgresSinkSchemaDriftTests: PostgresSinkTestCase {
    func testANewSourceColumnIsAddedAndOldRowsGetNull() throws {
        let sink = try makeSink()
        try load(sink, "people", Batches.schema([("id", .int64)]), [[[1]]], mode: .append)
        try load(sink, "people", Batches.schema([("id", .int64), ("email", .utf8), ("Signed Up", .date32)]),
                 [[[2, "b@x", .date(days: 0)]]], mode: .append)
        XCTAssertEqual(try rows("SELECT id, email, \"Signed Up\" FROM people ORDER BY id"), [["1", nil, nil], ["2", "b@x", "1970-01-01"]])
    }

    func testATypeConflictNamesTableColumnBothTypesAndTheFixAndWritesNothing() throws {
        let sink = try makeSink()
        try load(sink, "people", Batches.schema([("id", .int64), ("age", .int64)]), [[[1, 30]]], mode: .append)
        let changed = Batches.schema([("id", .int64), ("age", .utf8)])
        let error = callError { try sink.begin(self.request("people", changed, mode: .append)) }
        XCTAssertEqual(error?.status, ETL_BAD_DATA)
        let message = error?.message ?? ""
        for part in ["target \"public\".\"people\"", "column \"age\" is bigint in the table", "sends utf8 values (which need text)",
                     "nothing was written", "run a full refresh with write mode replace"] {
            XCTAssertTrue(message.contains(part), "missing \(part) in: \(message)")
        }
        XCTAssertEqual(try rows("SELECT id, age FROM people"), [["1", "30"]])
        // The refused begin left no transaction open: the next load works.
        try load(sink, "people", Batches.schema([("id", .int64), ("age", .int64)]), [[[2, 31]]], mode: .append)
    }

    func testAReplaceWithChangedTypesRecreatesTheTable() throws {
        let sink = try makeSink()
        try load(sink, "people", Batches.schema([("id", .int64), ("age", .int64), ("old", .bool)]), [[[1, 30, true]]], mode: .replace)
        try load(sink, "people", Batches.schema([("id", .int64), ("age", .utf8)]), [[[2, "thirty"]]], mode: .replace)
        XCTAssertEqual(try rows("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'people' ORDER BY ordinal_position"),
                       [["id", "bigint"], ["age", "text"]])
        XCTAssertEqual(try rows("SELECT id, age FROM people"), [["2", "thirty"]])
    }

    func testAReplaceThatMustRecreateATableAViewDependsOnSaysWhatToDoAndKeepsTheRows() throws {
        let sink = try makeSink()
        try load(sink, "people", Batches.schema([("id", .int64), ("age", .int64)]), [[[1, 30]]], mode: .replace)
        try database.connection.execute("CREATE VIEW adults AS SELECT id FROM people WHERE age >= 18")
        let error = callError { try sink.begin(self.request("people", Batches.schema([("id", .int64), ("age", .utf8)]), mode: .replace)) }
        XCTAssertTrue(error?.message.contains("needs to recreate \"public\".\"people\" because its columns no longer match the source (\"age\")") ?? false,
                      error?.message ?? "")
        XCTAssertEqual(try rows("SELECT id FROM adults"), [["1"]])
    }

    func testATargetThatIsAViewIsRefused() throws {
        try database.connection.execute("CREATE VIEW shown AS SELECT 1 AS id")
        let error = callError { try self.makeSink().begin(self.request("shown", Batches.schema([("id", .int64)]), mode: .append)) }
        XCTAssertEqual(error?.status, ETL_INVALID_CONFIG)
        XCTAssertTrue(error?.message.contains("is a view, and a load can only write a table") ?? false, error?.message ?? "")
    }

    func testANameLongerThanPostgreSQLKeepsIsRefusedRatherThanCut() throws {
        let long = String(repeating: "c", count: 64)
        let error = callError { try self.makeSink().begin(self.request("t", Batches.schema([(long, .int64)]), mode: .append)) }
        XCTAssertEqual(error?.status, ETL_INVALID_CONFIG)
        XCTAssertTrue(error?.message.contains("is 64 bytes long; PostgreSQL names hold at most 63 bytes") ?? false, error?.message ?? "")
    }
}
