import Foundation
import TestSupport
import XCTest

/// The README's S3 → warehouse example (examples/run-s3-parquet.sh): five daily Parquet
/// partitions in moto's S3, loaded into SQLite two files per run, then one partition exported
/// again and reloaded with no duplicate row.
final class S3ParquetExampleTests: XCTestCase {
    func testChunkedLoadsThenAReExportedPartitionIsReloadedWithoutDuplicates() throws {
        let folder = TemporaryDirectory("s3-parquet-example")
        let outcome = try ProcessRunner.run(
            "/bin/bash", [TestPaths.source("examples/run-s3-parquet.sh"), folder.path],
            environment: ProcessInfo.processInfo.environment.merging(["ETL_RUNTIME": TestPaths.runtimeExecutable]) { _, new in new })
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let expected = """
            == five partitions in s3://lake/sales/, loaded two files per run
            run 1: 100 rows, 2 partitions, 3825.0 total
            run 2: 200 rows, 4 partitions, 7650.0 total
            run 3: 250 rows, 5 partitions, 9562.5 total
            run 4: 250 rows, 5 partitions, 9562.5 total
            == partition dt=2026-12-02 exported again with amounts doubled
            run 5: 250 rows, 5 partitions, 11475.0 total
            dt=2026-12-01: 50 rows, 1912.5 total
            dt=2026-12-02: 50 rows, 3825.0 total
            dt=2026-12-03: 50 rows, 1912.5 total
            dt=2026-12-04: 50 rows, 1912.5 total
            dt=2026-12-05: 50 rows, 1912.5 total
            warehouse: \(folder.path)/warehouse.db

            """
        XCTAssertEqual(outcome.stdout, expected)
        XCTAssertEqual(outcome.stderr, "", "--quiet runs print nothing when every entry succeeds")
        let distinct = try ProcessRunner.run("/usr/bin/sqlite3", [folder.file("warehouse.db"), "SELECT count(*) - count(DISTINCT dt || '/' || id) FROM sales"])
        XCTAssertEqual(distinct.stdout, "0\n", "no (dt, id) twice")
    }
}
