import ETLArrow
import ETLParquetFormat
import PluginTestSupport
import TestSupport
import XCTest

/// Files written by `ParquetFileWriter` read back, value for value, in pyarrow and DuckDB.
final class ParquetWriterTypeTests: XCTestCase {
    private var folder: TemporaryDirectory!

    override func setUp() { folder = TemporaryDirectory("parquet-writer") }
    override func tearDown() { folder = nil }

    static let everyType = Batches.schema([
        ("id", .int64), ("price", .double), ("name", .utf8), ("blob", .binary), ("at", .timestampMicrosecondsUTC),
        ("day", .date32), ("flag", .bool), ("nothing", .null), ("small", .decimal128(precision: 7, scale: 2)),
        ("mid", .decimal128(precision: 15, scale: 3)), ("big", .decimal128(precision: 38, scale: 10)),
    ])

    static var everyTypeRows: [[Cell]] { [
        [1, 1.5, "alpha", .blob([0, 255, 16]), .timestamp(micros: 1_733_356_800_123_456), .date(days: 20_000), true, nil,
         .decimal(12345, scale: 2), .decimal(-9_876_543_210, scale: 3), .decimal(12_345_678_901_234_567_890_123_456_789, scale: 10)],
        [2, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil],
        [-3, -0.0, "é ü 中", .blob([]), .timestamp(micros: -1), .date(days: -1), false, nil,
         .decimal(-1, scale: 2), .decimal(0, scale: 3), .decimal(-12_345_678_901_234_567_890_123_456_789_012_345_678, scale: 10)],
        [.int(Int64.max), 1e300, "", .blob([7]), .timestamp(micros: 0), .date(days: 0), true, nil,
         .decimal(9_999_999, scale: 2), .decimal(999_999_999_999_999, scale: 3), .decimal(99_999_999_999_999_999_999_999_999_999_999_999_999, scale: 10)],
        [.int(Int64.min), .double(.leastNonzeroMagnitude), "omega", .blob([1, 2]), .timestamp(micros: 253_402_300_799_999_999), .date(days: 2_932_896), false, nil,
         .decimal(-9_999_999, scale: 2), .decimal(-999_999_999_999_999, scale: 3), .decimal(1, scale: 10)],
    ] }

    func testEveryABITypeWithNullsReadsBackExactlyInPyarrow() throws {
        let path = try ParquetWriterFile.write(folder.file("types.parquet"), Self.everyType, [Self.everyTypeRows])
        let table = try ParquetReadBack.pyarrow(path)
        XCTAssertEqual(table.columns, Self.everyType.fields.map(\.name))
        XCTAssertEqual(table.types, ["int64", "double", "string", "binary", "timestamp[us, tz=UTC]", "date32[day]", "bool", "null",
                                     "decimal128(7, 2)", "decimal128(15, 3)", "decimal128(38, 10)"])
        XCTAssertEqual(table.rows, ParquetReadBack.canonical(Self.everyTypeRows))
    }

    func testEveryABITypeWithNullsReadsBackExactlyInDuckDB() throws {
        let path = try ParquetWriterFile.write(folder.file("types.parquet"), Self.everyType, [Self.everyTypeRows])
        let table = try ParquetReadBack.duckdb(path)
        XCTAssertEqual(table.columns, Self.everyType.fields.map(\.name))
        XCTAssertEqual(Array(table.types[0..<7]), ["BIGINT", "DOUBLE", "VARCHAR", "BLOB", "TIMESTAMP WITH TIME ZONE", "DATE", "BOOLEAN"])
        XCTAssertEqual(Array(table.types[8...]), ["DECIMAL(7,2)", "DECIMAL(15,3)", "DECIMAL(38,10)"])
        XCTAssertEqual(table.rows, ParquetReadBack.canonical(Self.everyTypeRows))
    }

    func testDecimalsUseTheSmallestPhysicalTypeThatHoldsTheirPrecision() throws {
        let path = try ParquetWriterFile.write(folder.file("types.parquet"), Self.everyType, [Self.everyTypeRows])
        let columns = try XCTUnwrap(try ParquetReadBack.metadata(path)["columns"] as? [String: [[String: Any]]])
        XCTAssertEqual(columns["small"]?.first?["physical"] as? String, "INT32")
        XCTAssertEqual(columns["mid"]?.first?["physical"] as? String, "INT64")
        XCTAssertEqual(columns["big"]?.first?["physical"] as? String, "FIXED_LEN_BYTE_ARRAY")
        XCTAssertEqual(columns["at"]?.first?["physical"] as? String, "INT64")
        XCTAssertEqual(columns["day"]?.first?["physical"] as? String, "INT32")
    }

    func testAnEmptyLoadGivesAFileWithTheSchemaAndNoRows() throws {
        let path = try ParquetWriterFile.write(folder.file("empty.parquet"), Self.everyType, [])
        let metadata = try ParquetReadBack.metadata(path)
        XCTAssertEqual(metadata["row_groups"] as? Int, 0)
        XCTAssertEqual(metadata["rows"] as? Int, 0)
        let arrow = try ParquetReadBack.pyarrow(path)
        XCTAssertEqual(arrow.columns, Self.everyType.fields.map(\.name))
        XCTAssertEqual(arrow.rows, [])
        let duck = try ParquetReadBack.duckdb(path)
        XCTAssertEqual(duck.columns, Self.everyType.fields.map(\.name))
        XCTAssertEqual(duck.rows, [])
    }

    func testTheFooterNamesTheWriter() throws {
        let path = try ParquetWriterFile.write(folder.file("one.parquet"), Batches.schema([("a", .int64)]), [[[1]]])
        XCTAssertEqual(try ParquetReadBack.metadata(path)["created_by"] as? String, "etl-runtime version 1.0.0")
    }
}
