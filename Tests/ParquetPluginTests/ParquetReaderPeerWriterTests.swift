import TestSupport
import XCTest

/// Files written by DuckDB and by fastparquet (other writers, other choices of encodings and
/// annotations than pyarrow's), read with exactly the values those libraries read back.
final class ParquetReaderPeerWriterTests: XCTestCase {
    private let folder = TemporaryDirectory("etl-parquet")

    func testDuckDBFileWithEveryTypeItWrites() throws {
        let files = try ParquetFixtures.generate(#"""
        import duckdb
        con = duckdb.connect()
        path = os.path.join(OUT, "duck.parquet")
        con.execute("""
            CREATE TABLE t AS SELECT
              i::BIGINT AS id,
              CASE WHEN i % 11 = 0 THEN NULL ELSE (i % 100 - 50)::TINYINT END AS small,
              (18446744073709551615 - i)::UBIGINT AS big_unsigned,
              (4000000000 + i)::UINTEGER AS unsigned32,
              CASE WHEN i % 13 = 0 THEN NULL ELSE (i * 1.25 - 900)::DECIMAL(9,2) END AS amount,
              (i * 12345.6789 - 5e6)::DECIMAL(18,4) AS wide,
              (i::HUGEINT * 1234567890123456789 - 99)::DECIMAL(38,6) AS huge,
              (i / 7)::FLOAT AS f, CASE WHEN i % 5 = 0 THEN NULL ELSE i / 3 END::DOUBLE AS d,
              CASE WHEN i % 9 = 0 THEN NULL ELSE 'name ' || (i % 37) || ' ü' END AS name,
              ('\\x00\\xFF' || i::VARCHAR)::BLOB AS payload,
              i % 3 = 0 AS flag,
              DATE '1969-12-25' + (i * 3)::INTEGER AS day,
              TIMESTAMP '1969-12-31 23:59:59.999999' + INTERVAL (i * 37) SECOND AS ts,
              TIMESTAMPTZ '2024-03-10 01:02:03.456789+00' + INTERVAL (i) MINUTE AS tstz,
              (TIMESTAMP '2000-01-01' + INTERVAL (i) MILLISECOND)::TIMESTAMP_MS AS ts_ms,
              (TIMESTAMP '2262-04-11' - INTERVAL (i) SECOND)::TIMESTAMP_NS AS ts_ns,
              TIME '00:00:00' + INTERVAL (i * 12345) MILLISECOND AS clock,
              ('00000000-0000-4000-8000-' || lpad(i::VARCHAR, 12, '0'))::UUID AS uid,
              CASE WHEN i % 4 = 0 THEN NULL ELSE [i, i + 1, NULL][1:(i % 4)] END AS ints,
              {'a': i % 5, 'b': CASE WHEN i % 2 = 0 THEN NULL ELSE 'x' || i END} AS pair,
              MAP {'k' || (i % 3): i} AS lookup
            FROM range(0, 3000) r(i)""")
        con.execute(f"COPY t TO '{path}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 1024)")
        rows = con.execute("""SELECT id, small, big_unsigned::VARCHAR, unsigned32, amount::VARCHAR, wide::VARCHAR, huge::VARCHAR,
              f::DOUBLE, d, name, lower(hex(payload)), flag, date_diff('day', DATE '1970-01-01', day), epoch_us(ts), epoch_us(tstz),
              epoch_us(ts_ms), epoch_ns(ts_ns), clock, uid::VARCHAR, to_json(ints)::VARCHAR, to_json(pair)::VARCHAR, to_json(lookup)::VARCHAR
            FROM t ORDER BY id""").fetchall()
        names = ["id", "small", "big_unsigned", "unsigned32", "amount", "wide", "huge", "f", "d", "name", "payload", "flag", "day",
                 "ts", "tstz", "ts_ms", "ts_ns", "clock", "uid", "ints", "pair", "lookup"]
        types = ["int64", "int64", "decimal(20,0)", "int64", "decimal(9,2)", "decimal(18,4)", "decimal(38,6)", "double", "double",
                 "utf8", "binary", "bool", "date32", "timestamp[us, UTC]", "timestamp[us, UTC]", "timestamp[us, UTC]", "timestamp[us, UTC]",
                 "utf8", "utf8", "json", "json", "json"]
        def canon(name, v):
            if v is None: return None
            if name in ("f", "d"): return repr(v)
            if name == "ts_ns": return v // 1000
            if name == "clock": return f"{v.hour:02d}:{v.minute:02d}:{v.second:02d}.{v.microsecond:06d}"
            if name in ("ints", "pair", "lookup"): return json.loads(v)
            return v
        CASES.append({"name": "duck", "path": path, "encodings": {}, "physical": {}, "columns": [
            {"name": n, "type": types[c], "values": [canon(n, r[c]) for r in rows]} for c, n in enumerate(names)]})
        """#, in: folder)
        try ParquetFixtures.assertReadsExactly(try XCTUnwrap(files["duck"]))
    }

    func testFastparquetFilesWithNullableIntegersCategoriesAndInt96() throws {
        let files = try ParquetFixtures.generate(#"""
        import fastparquet, pandas as pd, numpy as np
        n = 2500
        frame = pd.DataFrame({
            "id": np.arange(n, dtype=np.int64),
            "maybe": pd.array([None if i % 6 == 0 else i * 3 - 4000 for i in range(n)], dtype="Int32"),
            "score": [float("nan") if i % 8 == 0 else i / 9 for i in range(n)],
            "label": [None if i % 10 == 0 else f"label-{i % 17}" for i in range(n)],
            "kind": pd.Categorical([["red", "green", "blue"][i % 3] for i in range(n)]),
            "ok": pd.array([None if i % 7 == 0 else i % 2 == 0 for i in range(n)], dtype="boolean"),
            "at": pd.to_datetime([1_600_000_000_000_000_000 + i * 1_234_567_891 for i in range(n)]),
            "at_utc": pd.to_datetime([1_600_000_000_000_000_000 - i * 987_654_321 for i in range(n)], utc=True),
        })
        def expected(name, path):
            back = fastparquet.ParquetFile(path).to_pandas()
            def col(c, f):
                return [None if pd.isna(v) else f(v) for v in back[c]]
            CASES.append({"name": name, "path": path, "encodings": {}, "physical": {}, "columns": [
                {"name": "id", "type": "int64", "values": col("id", int)},
                {"name": "maybe", "type": "int64", "values": col("maybe", int)},
                # fastparquet stores pandas' NaN as a null.
                {"name": "score", "type": "double", "values": col("score", lambda v: repr(float(v)))},
                {"name": "label", "type": "utf8", "values": col("label", str)},
                {"name": "kind", "type": "utf8", "values": col("kind", str)},
                {"name": "ok", "type": "bool", "values": col("ok", bool)},
                {"name": "at", "type": "timestamp[us, UTC]", "values": col("at", lambda v: v.value // 1000)},
                {"name": "at_utc", "type": "timestamp[us, UTC]", "values": col("at_utc", lambda v: v.value // 1000)},
            ]})
        for name, options in [("fp_snappy", dict(compression="SNAPPY", row_group_offsets=[0, 1000, 2000])),
                              ("fp_gzip_int96", dict(compression="GZIP", times="int96")),
                              ("fp_zstd_stats", dict(compression="ZSTD", stats=True, row_group_offsets=700))]:
            path = os.path.join(OUT, name + ".parquet")
            fastparquet.write(path, frame, **options)
            expected(name, path)
        """#, in: folder)
        XCTAssertEqual(files.count, 3)
        for file in files.values { try ParquetFixtures.assertReadsExactly(file) }
    }
}
