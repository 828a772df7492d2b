import Foundation
import TestSupport
import XCTest

/// The sink in whole `etl-runtime` runs: the census sample to Parquet, `validate` refusing what the
/// sink cannot do, and SIGKILLed workers leaving nothing half-published.
final class ParquetSinkRunTests: XCTestCase {
    private static let censusSource = #"""
        {"census": {"plugin": "csv", "config": {"path": "\#(TestPaths.source("examples/data/adult.data"))", "stream": "adult", "header": false,
          "columns": [{"name": "age", "type": "int64"}, {"name": "workclass", "type": "text"}, {"name": "fnlwgt", "type": "int64"},
            {"name": "education", "type": "text"}, {"name": "education_num", "type": "int64"}, {"name": "marital_status", "type": "text"},
            {"name": "occupation", "type": "text"}, {"name": "relationship", "type": "text"}, {"name": "race", "type": "text"},
            {"name": "sex", "type": "text"}, {"name": "capital_gain", "type": "int64"}, {"name": "capital_loss", "type": "int64"},
            {"name": "hours_per_week", "type": "int64"}, {"name": "native_country", "type": "text"}, {"name": "income", "type": "text"}],
          "null_values": ["?"], "trim": true}}}
        """#

    private static let generatedSource = #"""
        {"gen": {"plugin": "csv", "config": {"path": "data.csv", "stream": "rows", "header": false,
          "columns": [{"name": "id", "type": "int64"}, {"name": "grp", "type": "text"}]}}}
        """#

    /// Python that parses the census CSV the way the manifest says (trimmed, "?" as null) and
    /// compares it with the dataset pyarrow reads, row for row; prints the row count.
    private static let censusComparison = #"""
        import csv, sys, pyarrow.parquet as pq
        ints = {0, 2, 4, 10, 11, 12}
        expected = []
        with open(sys.argv[1]) as f:
            for record in csv.reader(f):
                if not record: continue
                values = [v.strip() for v in record]
                expected.append(tuple(None if v == "?" else (int(v) if i in ints else v) for i, v in enumerate(values)))
        table = pq.read_table(sys.argv[2])
        names = ["age", "workclass", "fnlwgt", "education", "education_num", "marital_status", "occupation", "relationship",
                 "race", "sex", "capital_gain", "capital_loss", "hours_per_week", "native_country", "income"]
        actual = list(zip(*[table.column(n).to_pylist() for n in names]))
        key = lambda row: tuple("" if v is None else str(v) for v in row)
        if sorted(actual, key=key) != sorted(expected, key=key):
            sys.exit("dataset differs from the CSV: %d vs %d rows" % (len(actual), len(expected)))
        print(len(actual))
        """#

    func testTheCensusSampleRunsIntoAPartitionedParquetDatasetThatMatchesTheCSV() throws {
        let workspace = ParquetSinkRunWorkspace()
        try workspace.manifest(
            sources: Self.censusSource,
            sinks: #"{"lake": {"plugin": "parquet", "config": {"path": "lake", "compression": "zstd", "partition_by": {"column": "sex"}}}}"#,
            entries: #"[{"id": "adult", "source": "census", "stream": "adult", "sink": "lake", "target": "adult", "mode": "full"}]"#)
        let outcome = try workspace.run(["run"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertEqual(workspace.files("lake/adult"), ["sex=Female/_SUCCESS", "sex=Female/part-00000.parquet",
                                                      "sex=Male/_SUCCESS", "sex=Male/part-00000.parquet"])
        let count = try ProjectPython.run(Self.censusComparison, [TestPaths.source("examples/data/adult.data"), workspace.folder.file("lake/adult")])
        XCTAssertEqual(count.trimmingCharacters(in: .whitespacesAndNewlines), "4000")
        let duck = try ProjectPython.run("import duckdb, sys; print(duckdb.sql(\"SELECT count(*), sum(age), count(workclass) FROM read_parquet('\" + sys.argv[1] + \"/**/*.parquet', hive_partitioning = true)\").fetchall()[0])",
                                         [workspace.folder.file("lake/adult")])
        let sums = try ProjectPython.run("import csv, sys; rows = [r for r in csv.reader(open(sys.argv[1])) if r]; print((len(rows), sum(int(r[0]) for r in rows), sum(1 for r in rows if r[1].strip() != '?')))",
                                         [TestPaths.source("examples/data/adult.data")])
        XCTAssertEqual(duck, sums)
    }

    func testValidateRefusesMergeIntoTheParquetSinkBeforeAnyRun() throws {
        let workspace = ParquetSinkRunWorkspace()
        try workspace.manifest(
            sources: Self.censusSource, sinks: #"{"lake": {"plugin": "parquet", "config": {"path": "lake"}}}"#,
            entries: #"[{"id": "adult", "source": "census", "stream": "adult", "sink": "lake", "target": "adult", "mode": "full", "write": "merge", "primary_key": ["fnlwgt"]}]"#)
        let outcome = try workspace.run(["validate"])
        XCTAssertEqual(outcome.status, 78, outcome.stderr + outcome.stdout)
        XCTAssertTrue((outcome.stderr + outcome.stdout).contains(#"does not support write "merge"; it supports "replace" or "append""#),
                      outcome.stderr + outcome.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: workspace.folder.file("lake/adult")))
    }

    func testValidateAndDryRunRefuseAPartitionColumnTheLoadLacksBeforeAnyRun() throws {
        let workspace = ParquetSinkRunWorkspace()
        try workspace.manifest(
            sources: Self.censusSource, sinks: #"{"lake": {"plugin": "parquet", "config": {"path": "lake", "partition_by": {"column": "gender"}}}}"#,
            entries: #"[{"id": "adult", "source": "census", "stream": "adult", "sink": "lake", "target": "adult", "mode": "full"}]"#)
        for command in [["validate"], ["run", "--dry-run"]] {
            let outcome = try workspace.run(command)
            XCTAssertEqual(outcome.status, 78, "\(command): \(outcome.stderr + outcome.stdout)")
            XCTAssertTrue(outcome.stderr.contains(#"$.control_table[0]: sink "lake" (plugin "parquet") refuses this entry: config.partition_by.column: the load of target 'adult' has no column 'gender'"#),
                          "\(command): \(outcome.stderr)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: workspace.folder.file("lake/adult")))
    }

    func testValidateRefusesAnUnknownCompression() throws {
        let workspace = ParquetSinkRunWorkspace()
        try workspace.manifest(
            sources: Self.censusSource, sinks: #"{"lake": {"plugin": "parquet", "config": {"path": "lake", "compression": "brotli"}}}"#,
            entries: #"[{"id": "adult", "source": "census", "stream": "adult", "sink": "lake", "target": "adult", "mode": "full"}]"#)
        let outcome = try workspace.run(["validate"])
        XCTAssertEqual(outcome.status, 78, outcome.stderr + outcome.stdout)
        XCTAssertTrue((outcome.stderr + outcome.stdout).contains("compression"), outcome.stderr + outcome.stdout)
    }

    /// A full replace killed mid-load: the old dataset stays whole and readable, the partition the
    /// killed load was creating has no `_SUCCESS` and no published file, and the rerun replaces it all once.
    func testAReplaceKilledMidLoadLeavesTheOldDatasetAndTheRerunLoadsOnce() throws {
        let workspace = ParquetSinkRunWorkspace()
        try workspace.manifest(
            sources: Self.generatedSource,
            sinks: #"{"lake": {"plugin": "parquet", "config": {"path": "lake", "row_group_rows": 2000, "partition_by": {"column": "grp"}}}}"#,
            entries: #"[{"id": "rows", "source": "gen", "stream": "rows", "sink": "lake", "target": "rows", "mode": "full", "batch_size": 2000}]"#)
        try workspace.writeCSV("data.csv", rows: 1_000, groups: ["a", "b"])
        XCTAssertEqual(try workspace.run(["run"]).status, 0)
        let before = workspace.files("lake/rows")
        XCTAssertEqual(before, ["grp=a/_SUCCESS", "grp=a/part-00000.parquet", "grp=b/_SUCCESS", "grp=b/part-00000.parquet"])

        try workspace.writeCSV("data.csv", rows: 400_000, groups: ["a", "b", "c"])
        let run = try workspace.start()
        var worker: pid_t?
        try waitUntil("the new partition's temporary file", timeout: 60, interval: 0.002) {
            if worker == nil { worker = ParquetSinkRunWorkspace.workers(of: run).first }
            return !run.isRunning || (worker != nil && workspace.files("lake/rows").contains { $0.hasPrefix("grp=c/.tmp-") })
        }
        let killedWorker = try XCTUnwrap(worker)
        kill(killedWorker, SIGKILL)
        run.waitUntilExit()
        XCTAssertEqual(run.terminationStatus, 1, "the run must fail: the load was killed, not finished")

        let after = workspace.files("lake/rows")
        XCTAssertEqual(after.filter { !$0.contains("/.tmp-") }, before, "the old dataset is intact and nothing new is published")
        XCTAssertFalse(after.contains("grp=c/_SUCCESS"))
        let oldRows = try ProjectPython.run("import pyarrow.parquet as pq, sys; print(pq.read_table(sys.argv[1]).num_rows)", [workspace.folder.file("lake/rows")])
        XCTAssertEqual(oldRows.trimmingCharacters(in: .whitespacesAndNewlines), "1000", "readers skip the hidden temporary files")
        let duckRows = try ProjectPython.run("import duckdb, sys; print(duckdb.sql(\"SELECT count(*) FROM read_parquet('\" + sys.argv[1] + \"/**/*.parquet')\").fetchall()[0][0])",
                                             [workspace.folder.file("lake/rows")])
        XCTAssertEqual(duckRows.trimmingCharacters(in: .whitespacesAndNewlines), "1000", "DuckDB's globs match hidden files, but not the temporary suffix")

        let rerun = try workspace.run(["run"])
        XCTAssertEqual(rerun.status, 0, rerun.stderr)
        XCTAssertEqual(workspace.files("lake/rows"), ["grp=a/_SUCCESS", "grp=a/part-00001.parquet", "grp=b/_SUCCESS", "grp=b/part-00001.parquet",
                                                      "grp=c/_SUCCESS", "grp=c/part-00000.parquet"])
        let counted = try ProjectPython.run("import duckdb, sys; print(duckdb.sql(\"SELECT count(*), count(DISTINCT id) FROM read_parquet('\" + sys.argv[1] + \"/**/*.parquet')\").fetchall()[0])",
                                            [workspace.folder.file("lake/rows")])
        XCTAssertEqual(counted.trimmingCharacters(in: .whitespacesAndNewlines), "(400000, 400000)")
    }

    /// An incremental append killed between checkpoints: each committed batch is published once,
    /// and the rerun resumes from the sink's state, so the dataset ends with every row exactly once.
    func testAnIncrementalAppendKilledMidRunResumesWithoutLosingOrDuplicatingRows() throws {
        let workspace = ParquetSinkRunWorkspace()
        try workspace.manifest(
            sources: Self.generatedSource,
            sinks: #"{"lake": {"plugin": "parquet", "config": {"path": "lake", "partition_by": {"column": "grp"}}}}"#,
            entries: #"[{"id": "rows", "source": "gen", "stream": "rows", "sink": "lake", "target": "rows", "mode": "incremental", "write": "append", "cursor_field": "$offset", "batch_size": 5000}]"#)
        let total = 300_000
        try workspace.writeCSV("data.csv", rows: total, groups: ["a", "b"])
        let run = try workspace.start()
        var worker: pid_t?
        try waitUntil("three published batches", timeout: 60, interval: 0.002) {
            if worker == nil { worker = ParquetSinkRunWorkspace.workers(of: run).first }
            return !run.isRunning || (worker != nil && workspace.files("lake/rows").filter { $0.hasPrefix("grp=a/part-") }.count >= 3)
        }
        kill(try XCTUnwrap(worker), SIGKILL)
        run.waitUntilExit()
        let published = workspace.files("lake/rows").filter { $0.contains("/part-") }.count
        XCTAssertLessThan(published, 2 * total / 5000, "the run finished before the kill; nothing was proven")
        XCTAssertEqual(run.terminationStatus, 1)

        let rerun = try workspace.run(["run"])
        XCTAssertEqual(rerun.status, 0, rerun.stderr)
        XCTAssertFalse(workspace.files("lake/rows").contains { $0.contains("/.tmp-") }, "the rerun removed the killed run's temporary files")
        let counted = try ProjectPython.run("import duckdb, sys; print(duckdb.sql(\"SELECT count(*), count(DISTINCT id), min(id), max(id) FROM read_parquet('\" + sys.argv[1] + \"/**/*.parquet')\").fetchall()[0])",
                                            [workspace.folder.file("lake/rows")])
        XCTAssertEqual(counted.trimmingCharacters(in: .whitespacesAndNewlines), "(\(total), \(total), 0, \(total - 1))")
    }
}
