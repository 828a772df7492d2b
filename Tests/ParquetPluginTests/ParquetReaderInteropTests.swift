import TestSupport
import XCTest

/// Files written by pyarrow with every flat type, in every encoding, page version and codec
/// pyarrow offers, read with exactly the values pyarrow reads back.
final class ParquetReaderInteropTests: XCTestCase {
    private let folder = TemporaryDirectory("etl-parquet")

    private func generate(_ script: String) throws -> [String: ExpectedParquetFile] {
        try ParquetFixtures.generate(ParquetSourceFixtureScripts.flatTable + "\n" + script, in: folder)
    }

    func testPlainUncompressedDataPageV1() throws {
        let files = try generate(#"write("plain_v1", flat_table(300), use_dictionary=False, compression="none", data_page_version="1.0")"#)
        try ParquetFixtures.assertReadsExactly(try XCTUnwrap(files["plain_v1"]))
    }

    func testDictionarySnappyDataPageV2ManyPagesAndRowGroups() throws {
        let files = try generate(#"write("dict_v2", flat_table(1000), use_dictionary=True, compression="snappy", data_page_version="2.0", data_page_size=512, row_group_size=170)"#)
        let file = try XCTUnwrap(files["dict_v2"])
        try ParquetFixtures.assertReadsExactly(file)
        try ParquetFixtures.assertReadsExactly(file, batchSize: 77)
    }

    func testDictionaryFallingBackToPlainInsideOneColumnChunk() throws {
        let files = try generate(#"""
        t = pa.table({"word": pa.array([None if i % 13 == 0 else f"distinct value number {i}" for i in range(6000)]),
                      "n": pa.array([i * 7919 for i in range(6000)], pa.int64())})
        write("fallback", t, use_dictionary=True, dictionary_pagesize_limit=2048, data_page_size=1024, compression="snappy")
        """#)
        let file = try XCTUnwrap(files["fallback"])
        XCTAssert(file.encodings["word"]!.isSuperset(of: ["PLAIN", "RLE_DICTIONARY"]), "\(file.encodings)")
        try ParquetFixtures.assertReadsExactly(file, batchSize: 999)
    }

    func testZstdAndGzipInBothPageVersions() throws {
        let files = try generate(#"""
        write("zstd_v1", flat_table(400), compression="zstd", data_page_version="1.0", row_group_size=150)
        write("gzip_v2", flat_table(400), compression="gzip", data_page_version="2.0", use_dictionary=False)
        write("zstd_v2_dict", flat_table(400), compression="zstd", data_page_version="2.0", data_page_size=300)
        """#)
        XCTAssertEqual(files.count, 3)
        for file in files.values { try ParquetFixtures.assertReadsExactly(file) }
        XCTAssert(try XCTUnwrap(files["gzip_v2"]).encodings["flag"]!.isSuperset(of: ["RLE", "GZIP"]), "v2 pages store booleans RLE-encoded")
        XCTAssert(try XCTUnwrap(files["zstd_v2_dict"]).encodings["word"]!.isSuperset(of: ["RLE_DICTIONARY", "ZSTD"]))
    }

    func testDeltaAndByteStreamSplitEncodingsInBothPageVersions() throws {
        let files = try generate(#"""
        encodings = {"i16": "DELTA_BINARY_PACKED", "i32": "DELTA_BINARY_PACKED", "i64": "DELTA_BINARY_PACKED", "u64": "DELTA_BINARY_PACKED",
                     "required_id": "DELTA_BINARY_PACKED", "day": "BYTE_STREAM_SPLIT", "ts_us_utc": "BYTE_STREAM_SPLIT",
                     "word": "DELTA_LENGTH_BYTE_ARRAY", "blob": "DELTA_BYTE_ARRAY", "fixed": "DELTA_BYTE_ARRAY",
                     "f32": "BYTE_STREAM_SPLIT", "f64": "BYTE_STREAM_SPLIT", "price": "BYTE_STREAM_SPLIT"}
        for version in ["1.0", "2.0"]:
            for codec in ["none", "snappy"]:
                write(f"delta_{version}_{codec}", flat_table(700), use_dictionary=False, column_encoding=encodings,
                      data_page_version=version, compression=codec, data_page_size=1024)
        prefixes = pa.table({"word": pa.array([f"customer/{i // 10:05d}/order-{i}" if i % 9 else None for i in range(2000)])})
        write("delta_byte_array_prefixes", prefixes, use_dictionary=False, column_encoding={"word": "DELTA_BYTE_ARRAY"})
        """#)
        XCTAssertEqual(files.count, 5)
        for file in files.values { try ParquetFixtures.assertReadsExactly(file) }
        let delta = try XCTUnwrap(files["delta_2.0_snappy"])
        XCTAssert(delta.encodings["i64"]!.contains("DELTA_BINARY_PACKED"))
        XCTAssert(delta.encodings["word"]!.contains("DELTA_LENGTH_BYTE_ARRAY"))
        XCTAssert(delta.encodings["blob"]!.contains("DELTA_BYTE_ARRAY"))
        XCTAssert(delta.encodings["f64"]!.isSuperset(of: ["BYTE_STREAM_SPLIT", "SNAPPY"]))
        XCTAssert(delta.encodings["price"]!.contains("BYTE_STREAM_SPLIT"), "FIXED_LEN_BYTE_ARRAY decimals split too")
    }
}

/// Logical types beyond the flat basics: timestamps in every unit with and without a zone,
/// INT96, TIME, decimals on every physical backing, UUID, FLOAT16, nested values.
final class ParquetReaderLogicalTypeTests: XCTestCase {
    private let folder = TemporaryDirectory("etl-parquet")

    func testTimestampsInEveryUnitWithAndWithoutZoneAndInt96() throws {
        let files = try ParquetFixtures.generate(#"""
        base = [1_700_000_000_123_456_789, -1_234_567_891, 0, None, 253_402_300_799_999_999_000 // 1000, -62_135_596_800_000_000_000 // 1000]
        def col(unit, tz):
            divisor = {"ms": 1_000_000, "us": 1000, "ns": 1}[unit]
            return pa.array([None if v is None else v // divisor for v in base], pa.timestamp(unit, tz=tz))
        table = pa.table({f"{unit}_{'utc' if tz else 'local'}": col(unit, tz) for unit in ["ms", "us", "ns"] for tz in ["UTC", None]})
        table = table.append_column("t_ms", pa.array([0, 45_296_789, 86_399_999, None, 1, 2], pa.time32("ms")))
        table = table.append_column("t_us", pa.array([0, 45_296_789_012, 86_399_999_999, None, 1, 2], pa.time64("us")))
        table = table.append_column("t_ns", pa.array([0, 45_296_789_012_345, 86_399_999_999_999, None, 1, 2], pa.time64("ns")))
        write("timestamps", table, version="2.6")
        write("int96", pa.table({"legacy": col("ns", None)}), use_deprecated_int96_timestamps=True)
        """#, in: folder)
        try ParquetFixtures.assertReadsExactly(try XCTUnwrap(files["timestamps"]))
        let int96 = try XCTUnwrap(files["int96"])
        try ParquetFixtures.assertReadsExactly(int96)
        XCTAssertEqual(int96.columns[0].values[1], .int(-1_234_568), "nanoseconds before the epoch round down to the microsecond")
    }

    func testDecimalsOnInt32Int64AndFixedBackings() throws {
        let files = try ParquetFixtures.generate(#"""
        D = decimal.Decimal
        def decimals(precision, scale, digits):
            vals = [D(0), D(1).scaleb(-scale), -D(1).scaleb(-scale), D("9" * precision).scaleb(-scale), -D("9" * precision).scaleb(-scale), None, D(int("1234567890123456789012345678901234567"[:digits])).scaleb(-scale)]
            return pa.array(vals, pa.decimal128(precision, scale))
        table = pa.table({"d9": decimals(9, 2, 8), "d18": decimals(18, 6, 17), "d38": decimals(38, 10, 37), "d5_0": decimals(5, 0, 4)})
        write("decimals_as_integers", table, store_decimal_as_integer=True)
        write("decimals_fixed", table, store_decimal_as_integer=False, compression="zstd")
        """#, in: folder)
        let integers = try XCTUnwrap(files["decimals_as_integers"])
        XCTAssertEqual(integers.physicalTypes, ["d9": "INT32", "d18": "INT64", "d38": "FIXED_LEN_BYTE_ARRAY", "d5_0": "INT32"])
        try ParquetFixtures.assertReadsExactly(integers)
        XCTAssertEqual(try XCTUnwrap(files["decimals_fixed"]).physicalTypes["d9"], "FIXED_LEN_BYTE_ARRAY")
        try ParquetFixtures.assertReadsExactly(try XCTUnwrap(files["decimals_fixed"]))
    }

    func testUUIDFloat16JSONTextAndMapsWithNumberKeys() throws {
        let files = try ParquetFixtures.generate(#"""
        ids = [uuid.UUID("12345678-9abc-def0-1234-56789abcdef0").bytes, None, uuid.UUID(int=0).bytes, uuid.UUID(int=2**128 - 1).bytes]
        import numpy as np
        halves = pa.array(np.array([1.5, -0.0001, 65504, 0.000061035156], dtype=np.float16), pa.float16())
        table = pa.table({"id": pa.ExtensionArray.from_storage(pa.uuid(), pa.array(ids, pa.binary(16))), "half": halves,
                          "doc": pa.array(['{"a": 1}', None, "[]", '"x"'], pa.json_()),
                          "by_number": pa.array([[(1, "one"), (-2, None)], None, [], [(3, "ü")]], pa.map_(pa.int64(), pa.string()))})
        write("uuid_half", table)
        """#, in: folder)
        let file = try XCTUnwrap(files["uuid_half"])
        try ParquetFixtures.assertReadsExactly(file)
        XCTAssertEqual(file.physicalTypes["id"], "FIXED_LEN_BYTE_ARRAY")
    }

    func testListsStructsAndMapsLoadAsJSON() throws {
        let files = try ParquetFixtures.generate(#"""
        table = pa.table({
            "id": pa.array([1, 2, 3, 4, 5], pa.int64()),
            "tags": pa.array([["a", "b"], [], None, ["c", None, "d"], ["é\"\\\n"]], pa.list_(pa.string())),
            "point": pa.array([{"x": 1, "y": 2.5}, None, {"x": None, "y": -1.0}, {"x": 4, "y": None}, {"x": 5, "y": 0.0}],
                              pa.struct([("x", pa.int32()), ("y", pa.float64())])),
            "matrix": pa.array([[[1, 2], [3]], [[]], None, [None, [4, None]], []], pa.list_(pa.list_(pa.int64()))),
            "people": pa.array([[{"name": "ann", "langs": ["sv", "en"]}], [], [None, {"name": None, "langs": None}], None,
                                [{"name": "bo", "langs": []}]], pa.list_(pa.struct([("name", pa.string()), ("langs", pa.list_(pa.string()))]))),
            "scores": pa.array([[("math", 5), ("art", None)], [], None, [("x", 1)], [("y", 2), ("z", 3)]], pa.map_(pa.string(), pa.int64())),
            "blobs": pa.array([[b"\x00\xff"], None, [], [b""], [b"abc", None]], pa.list_(pa.binary())),
        })
        write("nested", table)
        write("nested_v2_snappy_small_pages", table, data_page_version="2.0", compression="snappy", data_page_size=64, row_group_size=2)
        write("nested_legacy_lists", table, use_compliant_nested_type=False, use_dictionary=False)
        """#, in: folder)
        XCTAssertEqual(files.count, 3)
        for file in files.values { try ParquetFixtures.assertReadsExactly(file) }
    }
}
