import CETLPlugin
import ETLArrow
import ETLRuntimeCore
import Foundation
import PluginTestSupport
import TestSupport
import XCTest

/// What an unfinished load leaves, and how the next load or state read cleans it up.
final class ParquetSinkRecoveryTests: ParquetSinkTestCase {
    private let schema = Batches.schema([("id", .int64), ("state", .utf8)])

    func testAnAbortedLoadLeavesThePublishedDatasetAsItWas() throws {
        let sink = try makeSink(#", "partition_by": {"column": "state"}"#)
        try load(sink, "t", schema, [[[1, "CA"]]], mode: .replace, state: "old")
        try sink.begin(LoadRequest(entryID: "entry", runID: "run-2", target: "t", writeMode: .replace, schema: schema))
        try sink.write(try Batches.make(schema, [[2, "CA"], [3, "NY"]]))
        XCTAssertTrue(files(lake + "/t").contains { $0.contains("/.tmp-run-2-part-") }, "rows are written as they come, under temporary names")
        try sink.abort()
        XCTAssertEqual(files(lake + "/t"), ["state=CA/_SUCCESS", "state=CA/part-00000.parquet"])
        XCTAssertEqual(try ParquetReadBack.pyarrow(lake + "/t").rows, ParquetReadBack.canonical([[1, "CA"]]))
        XCTAssertEqual(try sink.readState(entryID: "entry"), "old")
    }

    func testTemporaryFilesOfAKilledRunAreRemovedByTheNextLoadOfTheTarget() throws {
        let sink = try makeSink()
        try load(sink, "t", schema, [[[1, "CA"]]], mode: .append)
        try Data("half a file".utf8).write(to: URL(fileURLWithPath: lake + "/t/.tmp-killed-part-00001.parquet.inprogress"))
        try FileManager.default.createDirectory(atPath: lake + "/t/state=XX", withIntermediateDirectories: true)
        try Data("half".utf8).write(to: URL(fileURLWithPath: lake + "/t/state=XX/.tmp-killed-part-00000.parquet.inprogress"))
        try load(sink, "t", schema, [[[2, "NY"]]], mode: .append, run: "run-2")
        XCTAssertEqual(files(lake + "/t"), ["_SUCCESS", "part-00000.parquet", "part-00001.parquet"])
    }

    /// A run killed after writing its publish plan but before storing its state: the next state
    /// read finishes publishing (rename, `_SUCCESS`, state), so the rerun resumes after that load
    /// instead of loading it a second time.
    func testAPublishPlanLeftByAKilledCommitIsFinishedBeforeTheStateIsRead() throws {
        let sink = try makeSink()
        try load(sink, "t", schema, [[[1, "CA"]]], mode: .append, state: "1")
        // The files the killed commit had finished: a complete Parquet file under its temporary name.
        try ParquetWriterFile.write(lake + "/t/.tmp-run-2-part-00001.parquet.inprogress", schema, [[[2, "NY"]]])
        let plan = """
            {"entry_id": "entry", "run_id": "run-2", "target": "t", "rows": 1, "state_json": "2",
             "renames": [{"from": "\(lake!)/t/.tmp-run-2-part-00001.parquet.inprogress", "to": "\(lake!)/t/part-00001.parquet"}],
             "success_folders": ["\(lake!)/t"], "deletes": []}
            """
        try Data(plan.utf8).write(to: URL(fileURLWithPath: lake + "/_etl_state/entry.pending.json"))
        XCTAssertEqual(try makeSink().readState(entryID: "entry"), "2")
        XCTAssertEqual(files(lake), ["_etl_state/entry.json", "t/_SUCCESS", "t/part-00000.parquet", "t/part-00001.parquet"])
        XCTAssertEqual(sorted(try ParquetReadBack.duckdb(lake + "/t").rows), ParquetReadBack.canonical([[1, "CA"], [2, "NY"]]))
    }

    func testAPlanWhoseRenamesAlreadyHappenedIsFinishedWithoutError() throws {
        let sink = try makeSink()
        try load(sink, "t", schema, [[[1, "CA"]]], mode: .replace, state: "1")
        try ParquetWriterFile.write(lake + "/t/part-00001.parquet", schema, [[[2, "NY"]]])
        let plan = """
            {"entry_id": "entry", "run_id": "run-2", "target": "t", "rows": 1, "state_json": "2",
             "renames": [{"from": "\(lake!)/t/.tmp-run-2-part-00001.parquet.inprogress", "to": "\(lake!)/t/part-00001.parquet"}],
             "success_folders": ["\(lake!)/t"], "deletes": ["\(lake!)/t/part-00000.parquet"]}
            """
        try Data(plan.utf8).write(to: URL(fileURLWithPath: lake + "/_etl_state/entry.pending.json"))
        let rerun = try makeSink()
        try load(rerun, "t", schema, [[[3, "TX"]]], mode: .append, state: "3", run: "run-3")
        XCTAssertEqual(files(lake + "/t"), ["_SUCCESS", "part-00001.parquet", "part-00002.parquet"], "the replace's delete ran first")
        XCTAssertEqual(try rerun.readState(entryID: "entry"), "3")
    }

    func testADamagedPlanIsReportedWithItsPath() throws {
        try FileManager.default.createDirectory(atPath: lake + "/_etl_state", withIntermediateDirectories: true)
        try Data("{not json".utf8).write(to: URL(fileURLWithPath: lake + "/_etl_state/entry.pending.json"))
        let error = callError { _ = try self.makeSink().readState(entryID: "entry") }
        XCTAssertEqual(error?.status, ETL_BAD_DATA)
        XCTAssertTrue(error?.message.contains("_etl_state/entry.pending.json is damaged") ?? false, error?.message ?? "")
    }
}
