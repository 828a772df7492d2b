import ETLArrow
import ETLParquetFormat
import PluginTestSupport
import TestSupport
import XCTest

/// How the writer lays a file out: row groups, pages, codecs, dictionary or PLAIN pages and
/// statistics, checked through pyarrow's view of the metadata and through the values both
/// pyarrow and DuckDB read back.
final class ParquetWriterLayoutTests: XCTestCase {
    private var folder: TemporaryDirectory!

    override func setUp() { folder = TemporaryDirectory("parquet-layout") }
    override func tearDown() { folder = nil }

    private func columns(_ path: String) throws -> [String: [[String: Any]]] {
        try XCTUnwrap(try ParquetReadBack.metadata(path)["columns"] as? [String: [[String: Any]]])
    }

    private func assertBothReadersSee(_ rows: [[Cell]], in path: String, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(try ParquetReadBack.pyarrow(path).rows, ParquetReadBack.canonical(rows), "pyarrow", file: file, line: line)
        XCTAssertEqual(try ParquetReadBack.duckdb(path).rows, ParquetReadBack.canonical(rows), "duckdb", file: file, line: line)
    }

    func testEachCodecWritesPagesBothReadersDecompress() throws {
        let schema = Batches.schema([("n", .int64), ("word", .utf8), ("ok", .bool)])
        let rows: [[Cell]] = (0..<500).map { [.int(Int64($0 * 7)), .text("word \($0 % 13)"), .bool($0 % 3 == 0)] }
        let expectedCodec: [ParquetCompression: String] = [.snappy: "SNAPPY", .zstd: "ZSTD", .gzip: "GZIP", .none: "UNCOMPRESSED"]
        for compression in ParquetCompression.allCases {
            let path = try ParquetWriterFile.write(folder.file("\(compression).parquet"), schema, [rows],
                                                   options: ParquetWriterOptions(compression: compression))
            XCTAssertEqual(try columns(path)["n"]?.first?["codec"] as? String, expectedCodec[compression])
            try assertBothReadersSee(rows, in: path)
        }
    }

    func testRowGroupsHoldAtMostRowGroupRowsEvenWhenABatchSpansThem() throws {
        let schema = Batches.schema([("n", .int64), ("s", .utf8)])
        let batches: [[[Cell]]] = [(0..<3), (3..<10)].map { range in range.map { (index: Int) -> [Cell] in [.int(Int64(index)), index % 2 == 0 ? .null : .text("v\(index)")] } }
        let path = try ParquetWriterFile.write(folder.file("groups.parquet"), schema, batches,
                                               options: ParquetWriterOptions(rowGroupRows: 4))
        let metadata = try ParquetReadBack.metadata(path)
        XCTAssertEqual(metadata["group_rows"] as? [Int], [4, 4, 2])
        XCTAssertEqual(try columns(path)["n"]?.map { $0["min"] as? String }, ["0", "4", "8"])
        try assertBothReadersSee(batches.flatMap { $0 }, in: path)
    }

    func testManyPagesPerColumnChunkKeepEveryValueAndNull() throws {
        let schema = Batches.schema([("n", .int64), ("flag", .bool), ("x", .double), ("s", .utf8)])
        let rows: [[Cell]] = (0..<2_345).map { (index: Int) -> [Cell] in
            let number: Cell = index % 7 == 0 ? .null : .int(Int64(index) * 1_000_003)
            let flag: Cell = index % 5 == 0 ? .null : .bool(index % 3 == 1)
            let text: Cell = index % 11 == 0 ? .null : .text(String(repeating: "z", count: index % 17))
            return [number, flag, .double(Double(index) / 3), text]
        }
        let path = try ParquetWriterFile.write(folder.file("pages.parquet"), schema, [rows],
                                               options: ParquetWriterOptions(pageValues: 100))
        try assertBothReadersSee(rows, in: path)
    }

    func testRepeatedStringsAreDictionaryEncoded() throws {
        let schema = Batches.schema([("state", .utf8), ("raw", .binary)])
        let states = ["CA", "NY", "TX"]
        let rows: [[Cell]] = (0..<1_000).map { [.text(states[$0 % 3] + " state"), .blob([UInt8($0 % 2)])] }
        let path = try ParquetWriterFile.write(folder.file("dictionary.parquet"), schema, [rows])
        let chunk = try XCTUnwrap(try columns(path)["state"]?.first)
        XCTAssertEqual(chunk["dictionary"] as? Bool, true)
        XCTAssertEqual(chunk["encodings"] as? [String], ["PLAIN", "RLE", "RLE_DICTIONARY"])
        XCTAssertEqual(try columns(path)["raw"]?.first?["dictionary"] as? Bool, true)
        try assertBothReadersSee(rows, in: path)
    }

    func testRepeatedNumbersDatesAndDecimalsAreDictionaryEncodedToo() throws {
        let schema = Batches.schema([("age", .int64), ("score", .double), ("day", .date32), ("at", .timestampMicrosecondsUTC),
                                     ("small", .decimal128(precision: 5, scale: 1)), ("big", .decimal128(precision: 25, scale: 3)),
                                     ("flag", .bool)])
        let rows: [[Cell]] = (0..<1_000).map { (index: Int) -> [Cell] in
            [.int(Int64(20 + index % 7)), .double(index % 2 == 0 ? -0.0 : 0.0), .date(days: Int32(index % 3)),
             .timestamp(micros: Int64(index % 4) * 1_000_000), .decimal(Int128(index % 5) - 2, scale: 1),
             index % 9 == 0 ? .null : .decimal(Int128(index % 6) * 1_000_000_000_000_000_000 - 1, scale: 3), .bool(index % 2 == 0)]
        }
        let path = try ParquetWriterFile.write(folder.file("numbers.parquet"), schema, [rows])
        let chunks = try columns(path)
        for name in ["age", "score", "day", "at", "small", "big"] {
            XCTAssertEqual(chunks[name]?.first?["dictionary"] as? Bool, true, name)
            XCTAssertEqual(chunks[name]?.first?["encodings"] as? [String], ["PLAIN", "RLE", "RLE_DICTIONARY"], name)
        }
        XCTAssertEqual(chunks["flag"]?.first?["dictionary"] as? Bool, false, "booleans are one bit each already")
        try assertBothReadersSee(rows, in: path)
    }

    func testPagesOfNullsOnlyDoNotDecideAgainstTheDictionary() throws {
        let schema = Batches.schema([("s", .utf8)])
        let rows: [[Cell]] = (0..<1_150).map { (index: Int) -> [Cell] in [index < 150 ? .null : .text("v\(index % 3)")] }
        let path = try ParquetWriterFile.write(folder.file("late.parquet"), schema, [rows], options: ParquetWriterOptions(pageValues: 100))
        XCTAssertEqual(try columns(path)["s"]?.first?["encodings"] as? [String], ["PLAIN", "RLE", "RLE_DICTIONARY"])
        try assertBothReadersSee(rows, in: path)
    }

    func testUniqueIntegersStayPlainBecauseADictionaryWouldNotPay() throws {
        let schema = Batches.schema([("id", .int64)])
        let rows: [[Cell]] = (0..<1_000).map { [.int(Int64($0) * 7_919)] }
        let path = try ParquetWriterFile.write(folder.file("ids.parquet"), schema, [rows])
        XCTAssertEqual(try columns(path)["id"]?.first?["encodings"] as? [String], ["PLAIN", "RLE"])
        try assertBothReadersSee(rows, in: path)
    }

    func testUniqueStringsStayPlainBecauseADictionaryWouldNotPay() throws {
        let schema = Batches.schema([("id", .utf8)])
        let rows: [[Cell]] = (0..<1_000).map { [.text("unique-value-\($0)")] }
        let path = try ParquetWriterFile.write(folder.file("plain.parquet"), schema, [rows])
        let chunk = try XCTUnwrap(try columns(path)["id"]?.first)
        XCTAssertEqual(chunk["dictionary"] as? Bool, false)
        XCTAssertEqual(chunk["encodings"] as? [String], ["PLAIN", "RLE"])
        try assertBothReadersSee(rows, in: path)
    }

    func testADictionaryThatOutgrowsItsLimitFallsBackToPlainPagesForTheRestOfTheChunk() throws {
        let schema = Batches.schema([("s", .utf8)])
        // Each page repeats its values (so the dictionary pays at first) but brings new ones.
        let rows: [[Cell]] = (0..<1_000).map { [.text("page \($0 / 100) value \($0 % 4)")] }
        let path = try ParquetWriterFile.write(folder.file("fallback.parquet"), schema, [rows],
                                               options: ParquetWriterOptions(pageValues: 100, dictionaryBytes: 100))
        let chunk = try XCTUnwrap(try columns(path)["s"]?.first)
        XCTAssertEqual(chunk["dictionary"] as? Bool, true)
        XCTAssertEqual(chunk["encodings"] as? [String], ["PLAIN", "RLE", "RLE_DICTIONARY"])
        try assertBothReadersSee(rows, in: path)
        // pyarrow reads the dictionary-encoded and the PLAIN pages of one chunk in order.
        let distinct = try ProjectPython.run("import pyarrow.parquet as pq, sys; print(len(set(pq.read_table(sys.argv[1])['s'].to_pylist())))", [path])
        XCTAssertEqual(distinct.trimmingCharacters(in: .whitespacesAndNewlines), "40")
    }

    func testStatisticsHoldMinMaxAndNullCountPerColumnChunk() throws {
        let schema = Batches.schema([("n", .int64), ("s", .utf8), ("x", .double), ("b", .bool), ("d", .date32),
                                     ("big", .decimal128(precision: 30, scale: 2)), ("none", .null), ("p", .utf8)])
        let rows: [[Cell]] = [
            [5, "pear", 2.5, true, .date(days: 10), .decimal(-500, scale: 2), nil, "abc"],
            [nil, nil, .double(.nan), nil, nil, nil, nil, "ab"],
            [-2, "apple", -0.0, false, .date(days: -3), .decimal(12_345, scale: 2), nil, "abd"],
            [9, "Zebra", 7.0, true, .date(days: 4), .decimal(1, scale: 2), nil, "abcd"],
        ]
        let path = try ParquetWriterFile.write(folder.file("stats.parquet"), schema, [rows])
        let chunks = try columns(path)
        func stat(_ column: String, _ key: String) -> String? {
            (chunks[column]?.first?[key]).map { "\($0)" }
        }
        XCTAssertEqual([stat("n", "min"), stat("n", "max"), stat("n", "null_count")], ["-2", "9", "1"])
        XCTAssertEqual([stat("s", "min"), stat("s", "max")], ["Zebra", "pear"], "byte-wise unsigned order puts 'Z' first")
        XCTAssertEqual([stat("x", "min"), stat("x", "max"), stat("x", "null_count")], ["-0.0", "7.0", "0"], "NaN stays out of the bounds")
        XCTAssertEqual([stat("b", "min"), stat("b", "max")], ["False", "True"])
        XCTAssertEqual([stat("d", "min"), stat("d", "max")], ["1969-12-29", "1970-01-11"])
        XCTAssertEqual([stat("big", "min"), stat("big", "max")], ["-5.00", "123.45"])
        XCTAssertEqual([stat("none", "null_count"), stat("none", "min")], ["4", "<null>"])
        XCTAssertEqual([stat("p", "min"), stat("p", "max")], ["ab", "abd"], "a prefix sorts before the longer text")
    }
}
