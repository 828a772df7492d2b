import Foundation
import TestSupport
import XCTest

/// The parquet source through the real `etl-runtime` binary: pyarrow-written files loaded into
/// SQLite with `etl-runtime run --manifest`, incrementally by new files.
final class ParquetSourceRunTests: XCTestCase {
    private let folder = TemporaryDirectory("etl-parquet-run")

    private func writeOrders(_ name: String, ids: Range<Int>) throws {
        _ = try ParquetFixtures.generate(#"""
        ids = list(range(\#(ids.lowerBound), \#(ids.upperBound)))
        t = pa.table({
            "id": pa.array(ids, pa.int64()),
            "customer": pa.array([None if i % 5 == 0 else f"cliente {i % 7} ç" for i in ids]),
            "amount": pa.array([decimal.Decimal(i * 125).scaleb(-2) for i in ids], pa.decimal128(10, 2)),
            "placed_at": pa.array([1_700_000_000_000_000 + i * 60_000_000 for i in ids], pa.timestamp("us", tz="UTC")),
            "items": pa.array([[i, i + 1] for i in ids], pa.list_(pa.int64())),
        })
        write("\#(name)", t, compression="snappy", row_group_size=400)
        """#, in: folder)
    }

    private func sqlite(_ sql: String) throws -> String {
        try ProcessRunner.run("/usr/bin/sqlite3", [folder.file("warehouse.db"), sql]).stdout
    }

    func testRunLoadsParquetFilesIntoSQLiteAndThenOnlyNewFiles() throws {
        try writeOrders("orders-001", ids: 0..<1000)
        let manifest = folder.file("pipeline.json")
        try #"""
        {"manifest_version": 1, "state": {"path": "state/etl_state.db"},
         "sources": {"lake": {"plugin": "parquet", "config": {"path": "orders-*.parquet", "stream": "orders"}}},
         "sinks": {"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}},
         "control_table": [{"id": "orders", "source": "lake", "stream": "orders", "sink": "warehouse", "target": "orders",
                            "mode": "incremental", "write": "append", "cursor_field": "$file"}]}
        """#.write(toFile: manifest, atomically: true, encoding: .utf8)

        let first = try ProcessRunner.etlRuntime(["run", "--manifest", manifest], currentDirectory: folder.path)
        XCTAssertEqual(first.status, 0, first.stderr + first.stdout)
        XCTAssertEqual(try sqlite("SELECT count(*), count(customer), sum(id) FROM orders"), "1000|800|499500\n")
        // 1_700_000_000 s + 7 minutes is 2023-11-14 22:20:20 UTC; the list loads as JSON text.
        XCTAssertEqual(try sqlite("SELECT customer, amount, placed_at, items FROM orders WHERE id = 7"),
                       "cliente 0 ç|8.75|2023-11-14 22:20:20.000000|[7,8]\n")

        try writeOrders("orders-002", ids: 1000..<1300)
        let second = try ProcessRunner.etlRuntime(["run", "--manifest", manifest], currentDirectory: folder.path)
        XCTAssertEqual(second.status, 0, second.stderr + second.stdout)
        XCTAssertEqual(try sqlite("SELECT count(*), count(DISTINCT id), max(id) FROM orders"), "1300|1300|1299\n", "the first file is not loaded twice")
    }
}
