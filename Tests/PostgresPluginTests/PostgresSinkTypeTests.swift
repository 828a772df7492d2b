import CETLPlugin
import ETLArrow
import ETLRuntimeCore
import PluginTestSupport
import XCTest

/// Each Arrow type lands in its PostgreSQL type through binary COPY, and comes back as written.
final class PostgresSinkTypeTests: PostgresSinkTestCase {
    func testEveryArrowTypeRoundTripsIntoTheTypeTheSinkCreates() throws {
        let schema = Batches.schema([("i", .int64), ("d", .double), ("b", .bool), ("t", .utf8), ("blob", .binary),
                                     ("ts", .timestampMicrosecondsUTC), ("day", .date32), ("nothing", .null)])
        // 2024-02-29 12:34:56.789012 UTC and 1969-12-31 (before both epochs), and 1999-12-31.
        let rows: [[Cell]] = [
            [.int(.max), 2.5, true, "Zoë ✓", .blob([0, 1, 255]), .timestamp(micros: 1_709_210_096_789_012), .date(days: 19_782), nil],
            [.int(.min), -0.0, false, "", .blob([]), .timestamp(micros: -1), .date(days: -1), nil],
            [0, 1e-300, nil, nil, nil, .timestamp(micros: 946_684_799_999_999), .date(days: 10_956), nil],
        ]
        XCTAssertEqual(try load(try makeSink(), "types", schema, [rows], mode: .replace), 3)
        XCTAssertEqual(try self.rows("""
            SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'types' ORDER BY ordinal_position
            """), [["i", "bigint"], ["d", "double precision"], ["b", "boolean"], ["t", "text"], ["blob", "bytea"],
                   ["ts", "timestamp with time zone"], ["day", "date"], ["nothing", "text"]])
        try database.connection.execute("SET TIME ZONE 'UTC'")
        XCTAssertEqual(try self.rows("SELECT i, d, b, t, encode(blob, 'hex'), ts, day, nothing FROM types ORDER BY i DESC"), [
            ["9223372036854775807", "2.5", "t", "Zoë ✓", "0001ff", "2024-02-29 12:34:56.789012+00", "2024-02-29", nil],
            ["0", "1e-300", nil, nil, nil, "1999-12-31 23:59:59.999999+00", "1999-12-31", nil],
            ["-9223372036854775808", "-0", "f", "", "", "1969-12-31 23:59:59.999999+00", "1969-12-31", nil],
        ])
    }

    func testJSONTextMarkedAsArrowJSONBecomesAJSONBColumn() throws {
        let schema = ArrowSchemaDescription(fields: [
            ArrowField(name: "id", type: .int64), ArrowField(name: "doc", type: .utf8, extensionName: ArrowField.jsonExtension),
            ArrowField(name: "note", type: .utf8),
        ])
        try load(try makeSink(), "documents", schema, [[[1, "{\"b\": [1, 2], \"a\": null}", "{\"kept\": \"as text\"}"], [2, nil, nil]]], mode: .replace)
        XCTAssertEqual(try rows("""
            SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'documents' ORDER BY ordinal_position
            """), [["id", "bigint"], ["doc", "jsonb"], ["note", "text"]])
        XCTAssertEqual(try rows("SELECT doc::text, doc->'b'->>1, note FROM documents ORDER BY id"),
                       [["{\"a\": null, \"b\": [1, 2]}", "2", "{\"kept\": \"as text\"}"], [nil, nil, nil]])
    }

    func testTextThatIsNotJSONFailsALoadIntoJSONBAndKeepsNothing() throws {
        let schema = ArrowSchemaDescription(fields: [ArrowField(name: "doc", type: .utf8, extensionName: ArrowField.jsonExtension)])
        let sink = try makeSink()
        try sink.begin(request("documents", schema, mode: .replace))
        // The server checks the JSON as the COPY arrives; its refusal comes back when the COPY ends, at commit.
        try sink.write(try Batches.make(schema, [["{}"], ["{not json"]]))
        let error = callError { _ = try sink.commit(stateJSON: nil) }
        XCTAssertEqual(error?.status, ETL_BAD_DATA, error?.message ?? "")
        XCTAssertTrue(error?.message.contains("json") ?? false, error?.message ?? "")
        XCTAssertEqual(try rows("SELECT to_regclass('documents') IS NULL"), [["t"]])
    }

    func testNaNAndInfinityAreKeptAsPostgreSQLHasThem() throws {
        let schema = Batches.schema([("d", .double)])
        try load(try makeSink(), "floats", schema, [[[.double(.nan)], [.double(.infinity)], [.double(-.infinity)]]], mode: .append)
        XCTAssertEqual(try rows("SELECT d::text FROM floats ORDER BY d"), [["-Infinity"], ["Infinity"], ["NaN"]])
    }

    func testColumnsAUserDeclaredNarrowerOrRicherAreFilled() throws {
        try database.connection.execute("""
            CREATE TABLE declared (small smallint, medium integer, exact numeric(30, 0), single real, name varchar(10),
            doc jsonb, plain json, local_time timestamp)
            """)
        let schema = Batches.schema([("small", .int64), ("medium", .int64), ("exact", .int64), ("single", .double),
                                     ("name", .utf8), ("doc", .utf8), ("plain", .utf8), ("local_time", .timestampMicrosecondsUTC)])
        try load(try makeSink(), "declared", schema, [[
            [-32768, 2_147_483_647, .int(.min), 1.5, "ten chars!", "{\"b\": [1, 2], \"a\": null}", "[1,  2]", .timestamp(micros: 0)],
            [32767, -5, 10_000_000_000_000_000, 0.25, "é", "\"text\"", "{}", .timestamp(micros: 86_400_000_001)],
            [0, 0, 0, -2.0, nil, nil, nil, nil],
        ]], mode: .append)
        XCTAssertEqual(try rows("SELECT small, medium, exact, single, name, doc::text, plain::text, local_time FROM declared ORDER BY small"), [
            ["-32768", "2147483647", "-9223372036854775808", "1.5", "ten chars!", "{\"a\": null, \"b\": [1, 2]}", "[1,  2]", "1970-01-01 00:00:00"],
            ["0", "0", "0", "-2", nil, nil, nil, nil],
            ["32767", "-5", "10000000000000000", "0.25", "é", "\"text\"", "{}", "1970-01-02 00:00:00.000001"],
        ])
        XCTAssertEqual(try rows("SELECT exact = 10000000000000000::numeric FROM declared WHERE small = 32767"), [["t"]])
    }

    func testAValueOutsideADeclaredIntegerColumnFailsTheLoadNamingRowAndColumn() throws {
        try database.connection.execute("CREATE TABLE narrow (id bigint, small smallint)")
        let schema = Batches.schema([("id", .int64), ("small", .int64)])
        let sink = try makeSink()
        try sink.begin(request("narrow", schema, mode: .append))
        let error = callError { try sink.write(try Batches.make(schema, [[1, 1], [2, 40_000]])) }
        XCTAssertEqual(error?.status, ETL_BAD_DATA)
        XCTAssertTrue(error?.message.contains("row 2, column \"small\" holds 40000, outside the range of the table's smallint column") ?? false, error?.message ?? "")
        XCTAssertNotNil(callError { _ = try sink.commit(stateJSON: nil) })
        XCTAssertEqual(try rows("SELECT count(*) FROM narrow"), [["0"]])
    }

    func testTextWithANulCharacterFailsTheLoadNamingRowAndColumn() throws {
        let schema = Batches.schema([("id", .int64), ("note", .utf8)])
        let sink = try makeSink()
        try sink.begin(request("notes", schema, mode: .replace))
        let error = callError { try sink.write(try Batches.make(schema, [[1, "fine"], [2, "bad\u{0}byte"]])) }
        XCTAssertEqual(error?.status, ETL_BAD_DATA)
        XCTAssertTrue(error?.message.contains("row 2, column \"note\" holds a NUL character") ?? false, error?.message ?? "")
        try sink.abort()
        XCTAssertEqual(try rows("SELECT to_regclass('notes') IS NULL"), [["t"]])
    }

    func testManyRowsAcrossSeveralCopyBuffersAllArrive() throws {
        // ~3 MiB of COPY data: the 64 KiB buffer is flushed mid-batch many times.
        let schema = Batches.schema([("id", .int64), ("payload", .utf8)])
        let payload = String(repeating: "x", count: 300)
        let rows: [[Cell]] = (0..<10_000).map { [.int(Int64($0)), .text(payload)] }
        XCTAssertEqual(try load(try makeSink(), "bulk", schema, [rows, rows], mode: .append), 20_000)
        XCTAssertEqual(try self.rows("SELECT count(*), count(DISTINCT id), sum(length(payload)) FROM bulk"), [["20000", "10000", "6000000"]])
    }

    func testABatchThatIsASliceOfALargerOneLoadsOnlyItsRowsWithTheirNulls() throws {
        let schema = Batches.schema([("i", .int64), ("d", .double), ("b", .bool), ("t", .utf8), ("ts", .timestampMicrosecondsUTC),
                                     ("day", .date32), ("amount", .decimal128(precision: 10, scale: 2))])
        let rows: [[Cell]] = (0..<10).map { (row: Int) -> [Cell] in
            if row % 3 == 1 { return Array(repeating: Cell.null, count: 7) }
            let number = Int64(row)
            let values: [Cell] = [.int(number), .double(Double(row) / 2), .bool(row % 2 == 0), .text("row \(row)")]
            return values + [.timestamp(micros: number * 1_000_000), .date(days: Int32(row)), .decimal(Int128(row * 101), scale: 2)]
        }
        let sink = try makeSink()
        try sink.begin(request("sliced", schema, mode: .replace))
        try sink.write(try Batches.make(schema, rows, droppingFirst: 4))
        XCTAssertEqual(try sink.commit(stateJSON: nil), 6)
        try database.connection.execute("SET TIME ZONE 'UTC'")
        XCTAssertEqual(try self.rows("SELECT i, d, b, t, ts, day, amount FROM sliced ORDER BY t NULLS FIRST"), [
            [nil, nil, nil, nil, nil, nil, nil],
            [nil, nil, nil, nil, nil, nil, nil],
            ["5", "2.5", "f", "row 5", "1970-01-01 00:00:05+00", "1970-01-06", "5.05"],
            ["6", "3", "t", "row 6", "1970-01-01 00:00:06+00", "1970-01-07", "6.06"],
            ["8", "4", "t", "row 8", "1970-01-01 00:00:08+00", "1970-01-09", "8.08"],
            ["9", "4.5", "f", "row 9", "1970-01-01 00:00:09+00", "1970-01-10", "9.09"],
        ])
    }

    func testARowTheServerRefusesMidStreamFailsTheLoadWithTheServersReason() throws {
        // One COPY spans the load: the server refuses row 100 while later megabytes are still
        // being sent, and the sink reports that refusal (not a lost connection) and keeps nothing.
        try database.connection.execute("CREATE TABLE checked (id bigint CHECK (id <> 100), payload text)")
        let schema = Batches.schema([("id", .int64), ("payload", .utf8)])
        let payload = String(repeating: "x", count: 300)
        let sink = try makeSink()
        try sink.begin(request("checked", schema, mode: .append))
        var failure: PluginCallError?
        for batch in 0..<4 where failure == nil {
            let rows: [[Cell]] = (0..<10_000).map { [.int(Int64(batch * 10_000 + $0)), .text(payload)] }
            do { try sink.write(try Batches.make(schema, rows)) } catch let error as PluginCallError { failure = error }
        }
        if failure == nil { failure = callError { _ = try sink.commit(stateJSON: nil) } } else { try sink.abort() }
        XCTAssertEqual(failure?.status, ETL_BAD_DATA, failure?.message ?? "")
        XCTAssertTrue(failure?.message.contains("violates check constraint") ?? false, failure?.message ?? "")
        XCTAssertEqual(try rows("SELECT count(*) FROM checked"), [["0"]])
    }

    func testDecimalsLandExactlyInNumericOfTheirPrecisionAndScale() throws {
        let schema = Batches.schema([("id", .int64), ("amount", .decimal128(precision: 38, scale: 4)), ("whole", .decimal128(precision: 5, scale: 0))])
        let largest = Int128("99999999999999999999999999999999999999")!
        try load(try makeSink(), "money", schema, [[
            [1, .decimal(1_234_567, scale: 4), .decimal(12_345, scale: 0)],
            [2, .decimal(-5, scale: 4), .decimal(-10_000, scale: 0)],
            [3, .decimal(0, scale: 4), .decimal(0, scale: 0)],
            [4, .decimal(largest, scale: 4), nil],
            [5, .decimal(-largest, scale: 4), .decimal(100, scale: 0)],
            [6, .decimal(100_000_000, scale: 4), .decimal(1, scale: 0)],
        ]], mode: .replace)
        XCTAssertEqual(try rows("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'money'::regclass AND attnum IN (2, 3) ORDER BY attnum"),
                       [["numeric(38,4)"], ["numeric(5,0)"]])
        XCTAssertEqual(try rows("SELECT amount::text, whole::text FROM money ORDER BY id"), [
            ["123.4567", "12345"], ["-0.0005", "-10000"], ["0.0000", "0"],
            ["9999999999999999999999999999999999.9999", nil], ["-9999999999999999999999999999999999.9999", "100"],
            ["10000.0000", "1"],
        ])
    }

    func testADecimalFillsANumericColumnWithAtLeastItsScaleAndIsRefusedWhereItWouldBeRounded() throws {
        try database.connection.execute("CREATE TABLE prices (wide numeric(12, 4), free numeric, narrow numeric(12, 1))")
        let fits = Batches.schema([("wide", .decimal128(precision: 10, scale: 2)), ("free", .decimal128(precision: 10, scale: 2))])
        try load(try makeSink(), "prices", fits, [[[.decimal(1_999, scale: 2), .decimal(-1, scale: 2)]]], mode: .append)
        XCTAssertEqual(try rows("SELECT wide::text, free::text FROM prices"), [["19.9900", "-0.01"]])
        let rounded = Batches.schema([("narrow", .decimal128(precision: 10, scale: 2))])
        let error = callError { try self.makeSink().begin(self.request("prices", rounded, mode: .append)) }
        XCTAssertEqual(error?.status, ETL_BAD_DATA)
        XCTAssertTrue(error?.message.contains("column \"narrow\" is numeric(12,1) in the table, but this load sends decimal(10,2) values (which need numeric(10,2))") ?? false,
                      error?.message ?? "")
    }

    func testADecimalWithMoreDigitsThanTheColumnHoldsFailsTheLoad() throws {
        try database.connection.execute("CREATE TABLE small (v numeric(4, 2))")
        let schema = Batches.schema([("v", .decimal128(precision: 10, scale: 2))])
        let sink = try makeSink()
        try sink.begin(request("small", schema, mode: .append))
        try sink.write(try Batches.make(schema, [[.decimal(123_456, scale: 2)]]))
        let error = callError { _ = try sink.commit(stateJSON: nil) }
        XCTAssertEqual(error?.status, ETL_BAD_DATA)
        XCTAssertTrue(error?.message.contains("numeric field overflow") ?? false, error?.message ?? "")
        XCTAssertEqual(try rows("SELECT count(*) FROM small"), [["0"]])
    }
}
