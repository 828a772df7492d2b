import Foundation
import TestSupport
import XCTest

/// Empty files and row groups, projection, and the errors a bad file or config gives.
final class ParquetSourceEdgeCaseTests: XCTestCase {
    private let folder = TemporaryDirectory("etl-parquet")

    private let twoColumns = #"""
    t = pa.table({"a": pa.array(range(1000), pa.int64()), "b": pa.array([f"value {i}" for i in range(1000)])})

    """#

    func testEmptyFilesAndEmptyRowGroupsReadAsNoRows() throws {
        let files = try ParquetFixtures.generate(#"""
        t = pa.table({"a": pa.array([1, 2, 3], pa.int64()), "s": pa.array(["x", None, "z"])})
        path = os.path.join(OUT, "gaps.parquet")
        with pq.ParquetWriter(path, t.schema) as w:
            w.write_table(t); w.write_table(t.slice(0, 0)); w.write_table(t.slice(1))
        meta = pq.ParquetFile(path).metadata
        assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [3, 0, 2]
        expect("gaps", path, pa.concat_tables([t, t.slice(1)]))
        write("empty", t.slice(0, 0))
        """#, in: folder)
        try ParquetFixtures.assertReadsExactly(try XCTUnwrap(files["gaps"]))
        let empty = try XCTUnwrap(files["empty"])
        let outcome = try ParquetFixtures.read(["path": empty.path], stream: "empty")
        XCTAssertEqual(outcome.schema.fields.map(\.name), ["a", "s"])
        XCTAssertEqual(outcome.batchCount, 0)
    }

    func testColumnsSelectsAndOrdersColumnsAndReadsOnlyTheirChunks() throws {
        let files = try ParquetFixtures.generate(twoColumns + #"""
        path = write("two", t, compression="none", use_dictionary=False)
        # Break every page header of column b: a read that touches b fails, one that skips it cannot.
        meta = pq.ParquetFile(path).metadata
        offset = meta.row_group(0).column(1).data_page_offset
        with open(path, "r+b") as f:
            f.seek(offset); f.write(b"\xff" * 8)
        """#, in: folder)
        let file = try XCTUnwrap(files["two"])
        let onlyA = try ParquetFixtures.read(["path": file.path, "columns": ["a"]], stream: "two")
        XCTAssertEqual(onlyA.schema.fields.map(\.name), ["a"])
        XCTAssertEqual(onlyA.columns[0], (0..<1000).map { .int(Int64($0)) })
        XCTAssertThrowsError(try ParquetFixtures.read(["path": file.path, "columns": ["b", "a"]], stream: "two")) { error in
            let message = "\(error)"
            XCTAssert(message.contains(file.path) && message.contains("row group 0") && message.contains("column \"b\"")
                      && message.contains("page 0's header is corrupt"), message)
        }
    }

    func testCorruptCompressedPageNamesFileRowGroupAndColumn() throws {
        let files = try ParquetFixtures.generate(twoColumns + #"""
        path = write("snappy", t, compression="snappy", row_group_size=400)
        meta = pq.ParquetFile(path).metadata
        column = meta.row_group(2).column(1)
        start = column.dictionary_page_offset or column.data_page_offset
        with open(path, "r+b") as f:
            f.seek(start + column.total_compressed_size - 40); f.write(b"\x00\xff" * 20)
        """#, in: folder)
        let file = try XCTUnwrap(files["snappy"])
        XCTAssertThrowsError(try ParquetFixtures.read(["path": file.path], stream: "snappy")) { error in
            let message = "\(error)"
            XCTAssert(message.contains("\(file.path), row group 2, column \"b\""), message)
            XCTAssert(message.contains("SNAPPY") || message.contains("corrupt") || message.contains("dictionary"), message)
        }
    }

    func testTruncatedFileNamesTheFile() throws {
        let files = try ParquetFixtures.generate(twoColumns + #"write("whole", t)"#, in: folder)
        let source = try XCTUnwrap(files["whole"])
        let bytes = try Data(contentsOf: URL(fileURLWithPath: source.path))
        let cut = folder.file("cut.parquet")
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: cut))
        XCTAssertThrowsError(try ParquetFixtures.read(["path": cut], stream: "cut")) { error in
            XCTAssert("\(error)".contains("\(cut): not a Parquet file, or truncated"), "\(error)")
        }
        let tiny = folder.file("tiny.parquet")
        try Data("PAR1".utf8).write(to: URL(fileURLWithPath: tiny))
        XCTAssertThrowsError(try ParquetFixtures.read(["path": tiny], stream: "tiny")) { error in
            XCTAssert("\(error)".contains("\(tiny): the file is 4 bytes long, too short to be Parquet"), "\(error)")
        }
    }

    func testFooterWithGarbageNamesTheFile() throws {
        let files = try ParquetFixtures.generate(twoColumns + #"""
        path = write("garbled", t)
        size = os.path.getsize(path)
        with open(path, "r+b") as f:
            f.seek(size - 8); length = int.from_bytes(f.read(4), "little")
            f.seek(size - 8 - length + 3); f.write(b"\xff\xff\xff\xff")
        """#, in: folder)
        let file = try XCTUnwrap(files["garbled"])
        XCTAssertThrowsError(try ParquetFixtures.read(["path": file.path], stream: "garbled")) { error in
            XCTAssert("\(error)".contains("\(file.path): the footer (file metadata) is corrupt"), "\(error)")
        }
    }

    func testUnsupportedCodecsNameTheCodecAndColumn() throws {
        let files = try ParquetFixtures.generate(twoColumns + #"""
        write("lz4", t, compression="lz4")
        write("brotli", t, compression={"a": "none", "b": "brotli"})
        """#, in: folder)
        let lz4 = try XCTUnwrap(files["lz4"])
        XCTAssertThrowsError(try ParquetFixtures.read(["path": lz4.path], stream: "lz4")) { error in
            let message = "\(error)"
            XCTAssert(message.contains("column \"a\"") && message.contains("compression codec LZ4") && message.contains("not supported"), message)
        }
        let brotli = try XCTUnwrap(files["brotli"])
        XCTAssertThrowsError(try ParquetFixtures.read(["path": brotli.path], stream: "brotli")) { error in
            let message = "\(error)"
            XCTAssert(message.contains("\(brotli.path), row group 0, column \"b\": compression codec BROTLI is not supported"), message)
        }
        let onlyA = try ParquetFixtures.read(["path": brotli.path, "columns": ["a"]], stream: "brotli")
        XCTAssertEqual(onlyA.columns[0].count, 1000, "a column in a supported codec reads even when another column's is not")
    }

    func testGlobReadsFilesInPathOrderAndRefusesAnotherColumnType() throws {
        _ = try ParquetFixtures.generate(#"""
        for n, start in [("part-2", 20), ("part-1", 10), ("part-10", 100)]:
            write(n, pa.table({"id": pa.array(range(start, start + 3), pa.int64())}))
        """#, in: folder)
        let outcome = try ParquetFixtures.read(["path": folder.file("part-*.parquet")], stream: "part")
        XCTAssertEqual(outcome.columns[0], [10, 11, 12, 100, 101, 102, 20, 21, 22].map { .int($0) })
        _ = try ParquetFixtures.generate(#"write("part-3", pa.table({"id": pa.array(["x"])}))"#, in: folder)
        XCTAssertThrowsError(try ParquetFixtures.read(["path": folder.file("part-*.parquet")], stream: "part")) { error in
            XCTAssert("\(error)".contains("part-3.parquet: column \"id\" is utf8 here but int64 in the first file"), "\(error)")
        }
    }

    func testConfigMistakesAreRefusedWithTheFix() throws {
        let files = try ParquetFixtures.generate(twoColumns + #"write("cfg", t)"#, in: folder)
        let path = try XCTUnwrap(files["cfg"]).path
        XCTAssertThrowsError(try ParquetTestSource.make(["path": path, "colums": ["a"]])) { error in
            XCTAssert("\(error)".contains("colums"), "\(error)")
        }
        XCTAssertThrowsError(try ParquetTestSource.make(["path": path, "nested": "explode"])) { error in
            XCTAssert("\(error)".contains("nested"), "\(error)")
        }
        XCTAssertThrowsError(try ParquetFixtures.read(["path": path, "columns": ["a", "missing"]], stream: "cfg")) { error in
            XCTAssert("\(error)".contains("has no column \"missing\" (its columns: \"a\", \"b\"); fix config.columns"), "\(error)")
        }
        XCTAssertThrowsError(try ParquetFixtures.read(["path": path], stream: "other")) { error in
            XCTAssert("\(error)".contains("its stream is 'cfg'"), "\(error)")
        }
        XCTAssertThrowsError(try ParquetFixtures.read(["path": folder.file("nothing-*.parquet")], stream: "nothing")) { error in
            XCTAssert("\(error)".contains("no file matches"), "\(error)")
        }
    }
}

/// Damaged files never crash the process that loaded the plugin: every read of a file with
/// bytes overwritten at random either succeeds or fails with an error.
final class ParquetSourceCorruptionTests: XCTestCase {
    private let folder = TemporaryDirectory("etl-parquet")

    func testRandomlyDamagedFilesFailCleanly() throws {
        let files = try ParquetFixtures.generate(ParquetSourceFixtureScripts.flatTable + #"""
        t = flat_table(200)
        t = t.append_column("tags", pa.array([[i, None] if i % 3 else None for i in range(200)], pa.list_(pa.int64())))
        write("dict", t, compression="snappy", data_page_size=256, row_group_size=80)
        write("delta", t, use_dictionary=False, compression="none", data_page_version="2.0",
              column_encoding={"i32": "DELTA_BINARY_PACKED", "word": "DELTA_BYTE_ARRAY", "blob": "DELTA_LENGTH_BYTE_ARRAY", "f64": "BYTE_STREAM_SPLIT"})
        """#, in: folder)
        var generator = SplitMix64(seed: 13)
        var failures = 0, successes = 0
        for name in ["dict", "delta"] {
            let original = try Data(contentsOf: URL(fileURLWithPath: try XCTUnwrap(files[name]).path))
            for trial in 0..<150 {
                var bytes = [UInt8](original)
                // Damage the data and the footer alike, but keep the magic so the footer is parsed.
                for _ in 0..<(1 + Int(generator.next() % 4)) {
                    let position = 4 + Int(generator.next() % UInt64(bytes.count - 12))
                    bytes[position] = UInt8(truncatingIfNeeded: generator.next())
                }
                let path = folder.file("\(name)-\(trial).parquet")
                try Data(bytes).write(to: URL(fileURLWithPath: path))
                do {
                    _ = try ParquetFixtures.read(["path": path], stream: "\(name)-\(trial)", batchSize: 64)
                    successes += 1
                } catch {
                    failures += 1
                    XCTAssert("\(error)".contains(path), "the error names the file: \(error)")
                }
                try FileManager.default.removeItem(atPath: path)
            }
        }
        XCTAssertGreaterThan(failures, 0)
        XCTAssertEqual(failures + successes, 300)
    }
}

/// A small deterministic generator, so a failing trial can be replayed.
struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// `check` and `discover`: the stream and its Arrow columns without reading rows.
final class ParquetSourceDiscoverTests: XCTestCase {
    private let folder = TemporaryDirectory("etl-parquet")

    func testDiscoverReturnsTheStreamAndItsArrowSchema() throws {
        _ = try ParquetFixtures.generate(#"""
        t = pa.table({"id": pa.array([1], pa.int32()), "at": pa.array([0], pa.timestamp("ns")), "price": pa.array([decimal.Decimal("1.50")], pa.decimal128(7, 2)),
                      "tags": pa.array([["a"]], pa.list_(pa.string())), "u": pa.array([1], pa.uint64())})
        write("sales-2024", t)
        """#, in: folder)
        let source = try ParquetTestSource.make(["path": folder.file("sales-*.parquet")])
        try source.check()
        let streams = try source.discover()
        XCTAssertEqual(streams.map(\.name), ["sales"])
        let fields = try XCTUnwrap(streams.first).schema.fields
        XCTAssertEqual(fields.map(\.name), ["id", "at", "price", "tags", "u"])
        XCTAssertEqual(fields.map(\.type.displayName), ["int64", "timestamp[us, UTC]", "decimal(7,2)", "utf8", "decimal(20,0)"])
        let projected = try ParquetTestSource.make(["path": folder.file("sales-2024.parquet"), "columns": ["u", "id"], "stream": "s"]).discover()
        XCTAssertEqual(projected.first?.schema.fields.map(\.name), ["u", "id"])
    }

    func testCheckFailsForAMissingFileAndWarnsForAnEmptyGlob() throws {
        XCTAssertThrowsError(try ParquetTestSource.make(["path": folder.file("missing.parquet")]).check()) { error in
            XCTAssert("\(error)".contains("does not exist or is not a regular file"), "\(error)")
        }
        XCTAssertNoThrow(try ParquetTestSource.make(["path": folder.file("later-*.parquet")]).check())
    }
}
