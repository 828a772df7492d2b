import Foundation
import PostgresTestSupport
import TestSupport
import XCTest

/// The README's S3 → warehouse example (examples/run-s3-parquet.sh): five daily Parquet
/// partitions in moto's S3, loaded two files per run, then one partition exported again with
/// fewer rows and changed amounts and reloaded by delete-and-reload (`replace_partitions`): the
/// partition holds exactly the new export, the others are untouched — into SQLite, and with a
/// PostgreSQL server through the adbc sink and the PostgreSQL ADBC driver too.
final class S3ParquetExampleTests: XCTestCase {
    private static let chunkedRuns = [
        "run 1: 100 rows, 2 partitions, 3825.0 total",
        "run 2: 200 rows, 4 partitions, 7650.0 total",
        "run 3: 250 rows, 5 partitions, 9562.5 total",
        "run 4: 250 rows, 5 partitions, 9562.5 total",
    ]
    private static let reloaded = "run 5: 230 rows, 5 partitions, 9045.0 total"
    private static let partitions = """
        dt=2026-12-01: 50 rows, 1912.5 total
        dt=2026-12-02: 30 rows, 1395.0 total
        dt=2026-12-03: 50 rows, 1912.5 total
        dt=2026-12-04: 50 rows, 1912.5 total
        dt=2026-12-05: 50 rows, 1912.5 total
        """

    private func runExample(in folder: TemporaryDirectory, environment extra: [String: String] = [:]) throws -> ProcessOutcome {
        var environment = ProcessInfo.processInfo.environment.merging(["ETL_RUNTIME": TestPaths.runtimeExecutable]) { _, new in new }
        environment["POSTGRES_URI"] = nil
        return try ProcessRunner.run("/bin/bash", [TestPaths.source("examples/run-s3-parquet.sh"), folder.path],
                                     environment: environment.merging(extra) { _, new in new })
    }

    /// The new export of dt=2026-12-02 exactly: sales 1...30, each 1.5 × id × 2.
    private static let reloadedPartitionQuery =
        "SELECT count(*), min(id), max(id), sum(CASE WHEN amount = id * 3.0 THEN 1 ELSE 0 END) FROM sales WHERE dt = '2026-12-02'"

    func testChunkedLoadsThenAReExportedPartitionIsDeletedAndReloadedIntoSQLite() throws {
        let folder = TemporaryDirectory("s3-parquet-example")
        let outcome = try runExample(in: folder)
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let expected = """
            == five partitions in s3://lake/sales/, loaded two files per run
            \(Self.chunkedRuns.joined(separator: "\n"))
            == partition dt=2026-12-02 exported again: 30 sales instead of 50, amounts doubled
            \(Self.reloaded)
            \(Self.partitions)
            warehouse: \(folder.path)/warehouse.db

            """
        XCTAssertEqual(outcome.stdout, expected)
        XCTAssertEqual(outcome.stderr, "", "--quiet runs print nothing when every entry succeeds")
        let reloaded = try ProcessRunner.run("/usr/bin/sqlite3", [folder.file("warehouse.db"), Self.reloadedPartitionQuery])
        XCTAssertEqual(reloaded.stdout, "30|1|30|30\n", "exactly the new export of dt=2026-12-02")
        let distinct = try ProcessRunner.run("/usr/bin/sqlite3", [folder.file("warehouse.db"), "SELECT count(*) - count(DISTINCT dt || '/' || id) FROM sales"])
        XCTAssertEqual(distinct.stdout, "0\n", "no (dt, id) twice")
    }

    func testTheSameFlowLoadsPostgreSQLThroughTheADBCSink() throws {
        let database = try PostgresTestDatabase()
        let folder = TemporaryDirectory("s3-parquet-example-postgres")
        let outcome = try runExample(in: folder, environment: ["POSTGRES_URI": database.url()])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let runs = Self.chunkedRuns.map { line in
            line + "\n" + line.replacingOccurrences(of: ":", with: " (postgres):", options: [], range: line.range(of: ":"))
        }
        let expected = """
            == five partitions in s3://lake/sales/, loaded two files per run
            \(runs.joined(separator: "\n"))
            == partition dt=2026-12-02 exported again: 30 sales instead of 50, amounts doubled
            \(Self.reloaded)
            run 5 (postgres): 230 rows, 5 partitions, 9045.0 total
            \(Self.partitions)
            warehouse: \(folder.path)/warehouse.db
            == postgres
            \(Self.partitions)

            """
        XCTAssertEqual(outcome.stdout, expected)
        XCTAssertEqual(outcome.stderr, "", "--quiet runs print nothing when every entry succeeds")
        let connection = try PostgresTestConnection(database.keywords)
        XCTAssertEqual(try connection.rows(Self.reloadedPartitionQuery), [["30", "1", "30", "30"]], "exactly the new export of dt=2026-12-02")
        XCTAssertEqual(try connection.rows("SELECT count(*) - count(DISTINCT (dt, id)) FROM sales"), [["0"]], "no (dt, id) twice")
        XCTAssertEqual(try connection.rows("SELECT count(*) FROM _etl_state WHERE entry_id = 'sales'"), [["1"]],
                       "the entry's state commits in PostgreSQL with the rows")
    }
}
