import Foundation
import PluginTestSupport
import TestSupport
import XCTest

/// Incremental reads: by new files (`$file`) and by a cursor column, with exact checkpoints.
final class ParquetSourceIncrementalTests: XCTestCase {
    private let folder = TemporaryDirectory("etl-parquet")

    private func ids(_ outcome: ParquetReadOutcome) -> [Int64] {
        outcome.columns[0].map { if case .int(let value) = $0 { value } else { -1 } }
    }

    private func write(_ name: String, ids range: String, rowGroupSize: Int = 1000) throws {
        _ = try ParquetFixtures.generate(#"""
        ids = list(range(\#(range)))
        write("\#(name)", pa.table({"id": pa.array(ids, pa.int64()), "at": pa.array([1_700_000_000_000_000 + i * 1_000_000 for i in ids], pa.timestamp("us", tz="UTC"))}), row_group_size=\#(rowGroupSize))
        """#, in: folder)
    }

    func testNewFilesAreLoadedOnceEvenWhenRenamed() throws {
        let glob = folder.file("batch-*.parquet")
        try write("batch-1", ids: "0, 5")
        try write("batch-2", ids: "5, 8")
        let first = try ParquetFixtures.read(["path": glob], stream: "batch", cursor: "$file")
        XCTAssertEqual(ids(first), Array(0..<8))
        let state = try XCTUnwrap(first.checkpoints.last ?? nil)

        try write("batch-3", ids: "8, 10")
        XCTAssertEqual(rename(folder.file("batch-1.parquet"), folder.file("batch-0.parquet")), 0)
        let second = try ParquetFixtures.read(["path": glob], stream: "batch", cursor: "$file", state: state)
        XCTAssertEqual(ids(second), [8, 9], "only the new file: the renamed one is known by its inode, size and time")

        let third = try ParquetFixtures.read(["path": glob], stream: "batch", cursor: "$file", state: try XCTUnwrap(second.checkpoints.last ?? nil))
        XCTAssertEqual(third.batchCount, 0)
    }

    func testRewrittenFileIsLoadedAgain() throws {
        let glob = folder.file("batch-*.parquet")
        try write("batch-1", ids: "0, 3")
        let state = try XCTUnwrap(try ParquetFixtures.read(["path": glob], stream: "batch", cursor: "$file").checkpoints.last ?? nil)
        try write("batch-1", ids: "100, 104")
        let again = try ParquetFixtures.read(["path": glob], stream: "batch", cursor: "$file", state: state)
        XCTAssertEqual(ids(again), [100, 101, 102, 103])
    }

    func testCheckpointAfterEachBatchResumesExactlyInsideAFile() throws {
        let glob = folder.file("batch-*.parquet")
        try write("batch-1", ids: "0, 250", rowGroupSize: 60)
        try write("batch-2", ids: "250, 300", rowGroupSize: 60)
        let whole = try ParquetFixtures.read(["path": glob], stream: "batch", batchSize: 40, cursor: "$file")
        XCTAssertEqual(ids(whole), Array(0..<300))
        XCTAssertEqual(whole.batchCount, 8)
        // Resuming from the checkpoint after any batch yields exactly the rows after it.
        var seen = 0
        for (batch, checkpoint) in whole.checkpoints.enumerated() {
            seen = min(300, (batch + 1) * 40)
            let rest = try ParquetFixtures.read(["path": glob], stream: "batch", batchSize: 1000, cursor: "$file", state: checkpoint)
            XCTAssertEqual(ids(rest), Array(Int64(seen)..<300), "after batch \(batch)")
        }
    }

    func testResumingInsideDictionaryPagesWithNullsKeepsEveryValueInItsRow() throws {
        // Dictionary pages of 50 rows with a null in every third text and fifth number: a resumed
        // read passes over rows inside a page and must land on the right dictionary value.
        _ = try ParquetFixtures.generate(#"""
        n = 500
        write("nulls-1", pa.table({"id": pa.array(range(n), pa.int64()),
                                   "word": pa.array([None if i % 3 == 0 else "w%d" % (i % 7) for i in range(n)], pa.string()),
                                   "size": pa.array([None if i % 5 == 0 else i % 11 for i in range(n)], pa.int64())}),
              row_group_size=200, data_page_size=1, write_batch_size=50, use_dictionary=True)
        """#, in: folder)
        func row(_ index: Int) -> [ParquetTestValue] {
            [.int(Int64(index)), index % 3 == 0 ? .null : .text("w\(index % 7)"), index % 5 == 0 ? .null : .int(Int64(index % 11))]
        }
        let glob = folder.file("nulls-*.parquet")
        let whole = try ParquetFixtures.read(["path": glob], stream: "nulls", batchSize: 37, cursor: "$file")
        XCTAssertEqual((0..<500).map { index in whole.columns.map { $0[index] } }, (0..<500).map(row))
        for (batch, checkpoint) in whole.checkpoints.enumerated() where batch % 2 == 0 {
            let seen = min(500, (batch + 1) * 37)
            let rest = try ParquetFixtures.read(["path": glob], stream: "nulls", batchSize: 1000, cursor: "$file", state: checkpoint)
            let rows = rest.columns.first?.count ?? 0
            XCTAssertEqual((0..<rows).map { index in rest.columns.map { $0[index] } }, (seen..<500).map(row), "after batch \(batch)")
        }
    }

    func testMaxRecordsStopsTheRunAndTheNextRunContinues() throws {
        let glob = folder.file("batch-*.parquet")
        try write("batch-1", ids: "0, 300", rowGroupSize: 70)
        try write("batch-2", ids: "300, 400", rowGroupSize: 70)
        var state: String?
        var loaded: [Int64] = []
        for _ in 0..<5 {
            let run = try ParquetFixtures.read(["path": glob], stream: "batch", batchSize: 64, cursor: "$file", state: state, maxRecords: 130)
            XCTAssertLessThanOrEqual(ids(run).count, 130)
            loaded += ids(run)
            state = run.checkpoints.last ?? state
        }
        XCTAssertEqual(loaded, Array(0..<400))
    }

    func testCursorLoadsRowsAfterTheWatermarkAndSkipsRowGroupsByStatistics() throws {
        try write("events", ids: "0, 100", rowGroupSize: 25)
        let path = folder.file("events.parquet")
        let first = try ParquetFixtures.read(["path": path], stream: "events", cursor: "id", initialValue: "89")
        XCTAssertEqual(ids(first), Array(90..<100))
        let state = try XCTUnwrap(first.checkpoints.last ?? nil)
        XCTAssert(state.contains(#""cursor":99"#) && !state.contains("run"), state)

        // Row groups 0-2 (ids 0-74) lie at or before the watermark: with their pages broken, a
        // read that did not skip them by their statistics would fail.
        _ = try ParquetFixtures.generate(#"""
        path = sys.argv[1] + "/events.parquet"
        import shutil
        ids = list(range(0, 130))
        write("events", pa.table({"id": pa.array(ids, pa.int64()), "at": pa.array([1_700_000_000_000_000 + i * 1_000_000 for i in ids], pa.timestamp("us", tz="UTC"))}), row_group_size=25, compression="none")
        meta = pq.ParquetFile(path).metadata
        with open(path, "r+b") as f:
            for g in range(3):
                for c in range(2):
                    f.seek(meta.row_group(g).column(c).data_page_offset); f.write(b"\xff" * 8)
        """#, in: folder)
        let second = try ParquetFixtures.read(["path": path], stream: "events", cursor: "id", state: state)
        XCTAssertEqual(ids(second), Array(100..<130))
        XCTAssertThrowsError(try ParquetFixtures.read(["path": path], stream: "events", cursor: "id", initialValue: "10"), "the broken row groups are read when the watermark is below them")
    }

    func testTimestampCursorResumesMidRunWithTheWatermarkItStartedFrom() throws {
        // Two files whose cursor ranges interleave: a run interrupted after the first file must
        // still load the second file's early rows.
        _ = try ParquetFixtures.generate(#"""
        base = 1_700_000_000_000_000
        write("mix-a", pa.table({"id": pa.array([1, 2, 3], pa.int64()), "at": pa.array([base + 5_000_000, base + 9_000_000, base + 1_000_000], pa.timestamp("us", tz="UTC"))}))
        write("mix-b", pa.table({"id": pa.array([4, 5], pa.int64()), "at": pa.array([base + 2_000_000, base + 7_000_000], pa.timestamp("us", tz="UTC"))}))
        """#, in: folder)
        let glob = folder.file("mix-*.parquet")
        let partial = try ParquetFixtures.read(["path": glob], stream: "mix", batchSize: 2, cursor: "at",
                                               initialValue: #""2023-11-14T22:13:21Z""#)
        // 2023-11-14T22:13:21Z is base + 1 s: row 3 (base + 1 s) is not after it.
        XCTAssertEqual(ids(partial), [1, 2, 4, 5])
        let afterFirstBatch = try XCTUnwrap(partial.checkpoints.first ?? nil)
        XCTAssert(afterFirstBatch.contains("\"run\""), afterFirstBatch)
        let resumed = try ParquetFixtures.read(["path": glob], stream: "mix", cursor: "at", state: afterFirstBatch)
        XCTAssertEqual(ids(resumed), [4, 5])
        let final = try XCTUnwrap(resumed.checkpoints.last ?? nil)
        XCTAssert(final.contains(#""cursor":"2023-11-14T22:13:29Z""#) && !final.contains("run"), final)
        let nothingNew = try ParquetFixtures.read(["path": glob], stream: "mix", cursor: "at", state: final)
        XCTAssertEqual(nothingNew.batchCount, 0)
    }

    func testPositionsNameTheFileAndTheRowInIt() throws {
        try write("batch-1", ids: "0, 150", rowGroupSize: 60)
        try write("batch-2", ids: "150, 160")
        let source = try ParquetTestSource.make(["path": folder.file("batch-*.parquet")])
        let result = try source.readAll(ParquetTestSource.request(stream: "batch", batchSize: 50).askingForPositions())
        XCTAssertEqual(result.schema.fields.map(\.name), ["id", "at", "_etl_position"])
        XCTAssertEqual(result.positions.count, 160)
        XCTAssertEqual(result.positions[0], folder.file("batch-1.parquet") + ": row 1")
        XCTAssertEqual(result.positions[149], folder.file("batch-1.parquet") + ": row 150")
        XCTAssertEqual(result.positions[155], folder.file("batch-2.parquet") + ": row 6")
        let filtered = try source.readAll(ParquetTestSource.request(stream: "batch", cursor: "id", initialValue: "147").askingForPositions())
        // ids 148 and 149 are rows 149 and 150 of the first file; ids 150...159 the second file's rows.
        XCTAssertEqual(filtered.positions, [149, 150].map { folder.file("batch-1.parquet") + ": row \($0)" }
                                           + (1...10).map { folder.file("batch-2.parquet") + ": row \($0)" })
    }

    func testCursorMistakesAreRefused() throws {
        try write("events", ids: "0, 3")
        let path = folder.file("events.parquet")
        XCTAssertThrowsError(try ParquetFixtures.read(["path": path], stream: "events", cursor: "nope")) { error in
            XCTAssert("\(error)".contains("cursor_field \"nope\" is not a column"), "\(error)")
        }
        XCTAssertThrowsError(try ParquetFixtures.read(["path": path], stream: "events", cursor: "$file", initialValue: "1")) { error in
            XCTAssert("\(error)".contains("initial_value does not apply"), "\(error)")
        }
        XCTAssertThrowsError(try ParquetFixtures.read(["path": path], stream: "events", cursor: "at", initialValue: "12")) { error in
            XCTAssert("\(error)".contains("must be a timestamp such as"), "\(error)")
        }
    }

    func testMaxFilesPerRunLoadsTheOldestNewFilesAndAlwaysFinishesAFileStoppedMidway() throws {
        let glob = folder.file("batch-*.parquet")
        try write("batch-1", ids: "0, 100", rowGroupSize: 30)
        try write("batch-2", ids: "100, 110")
        try write("batch-3", ids: "110, 120")
        let config: [String: Any] = ["path": glob, "max_files_per_run": 1]
        let whole = try ParquetFixtures.read(config, stream: "batch", batchSize: 40, cursor: "$file")
        XCTAssertEqual(ids(whole), Array(0..<100), "one file per run")
        // The run stopped after its first batch, inside batch-1; then a file sorting before it arrived.
        let stopped = try XCTUnwrap(whole.checkpoints.first ?? nil)
        try write("batch-0", ids: "500, 503")
        let resumed = try ParquetFixtures.read(config, stream: "batch", cursor: "$file", state: stopped)
        XCTAssertEqual(ids(resumed), [500, 501, 502] + Array(40..<100),
                       "the new oldest file, and the rest of the file stopped midway, which the limit does not leave behind")
        let next = try ParquetFixtures.read(config, stream: "batch", cursor: "$file", state: try XCTUnwrap(resumed.checkpoints.last ?? nil))
        XCTAssertEqual(ids(next), Array(100..<110))
    }
}
