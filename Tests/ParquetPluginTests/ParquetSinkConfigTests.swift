import CETLPlugin
import ETLArrow
import ETLRuntimeCore
import Foundation
import PluginTestSupport
import TestSupport
import XCTest

/// Bad configs and loads the sink cannot take fail with messages that say what, where and how to fix.
final class ParquetSinkConfigTests: ParquetSinkTestCase {
    private let schema = Batches.schema([("id", .int64), ("state", .utf8), ("x", .double)])

    private func creationError(_ extraConfig: String) -> PluginCallError? {
        callError { _ = try self.makeSink(extraConfig) }
    }

    func testAnUnknownCompressionIsRefusedNamingTheChoices() {
        let error = creationError(#", "compression": "lz4""#)
        XCTAssertEqual(error?.status, ETL_INVALID_CONFIG)
        XCTAssertTrue(error?.message.contains("compression") ?? false, error?.message ?? "")
        XCTAssertTrue(error?.message.contains(#""snappy", "zstd", "gzip", "none""#) ?? false, error?.message ?? "")
    }

    func testAnUnknownKeyIsRefused() {
        let error = creationError(#", "compresion": "zstd""#)
        XCTAssertEqual(error?.status, ETL_INVALID_CONFIG)
        XCTAssertTrue(error?.message.contains("compresion") ?? false, error?.message ?? "")
    }

    func testPartitionByNeedsExactlyOneOfColumnOrLoadDate() {
        for config in [#", "partition_by": {}"#, #", "partition_by": {"column": "a", "load_date": "dt"}"#] {
            let error = creationError(config)
            XCTAssertEqual(error?.status, ETL_INVALID_CONFIG, config)
            XCTAssertTrue(error?.message.contains("exactly one of \"column\"") ?? false, error?.message ?? "")
        }
        XCTAssertEqual(creationError(#", "partition_by": {"load_date": "../x"}"#)?.status, ETL_INVALID_CONFIG)
    }

    func testARowGroupSizeOutOfRangeIsRefused() {
        XCTAssertEqual(creationError(#", "row_group_rows": 0"#)?.status, ETL_INVALID_CONFIG)
    }

    /// The partition column is checked against the load's columns at `begin`, the first moment the
    /// sink sees them: before any file is written.
    func testAPartitionColumnMissingFromTheLoadFailsAtBeginListingTheColumns() throws {
        let sink = try makeSink(#", "partition_by": {"column": "country"}"#)
        let error = callError { try sink.begin(LoadRequest(entryID: "e", runID: "r", target: "t", writeMode: .replace, schema: self.schema)) }
        XCTAssertEqual(error?.status, ETL_INVALID_CONFIG)
        XCTAssertTrue(error?.message.contains("config.partition_by.column: the load of target 't' has no column 'country' (its columns: id, state, x)") ?? false,
                      error?.message ?? "")
        XCTAssertFalse(FileManager.default.fileExists(atPath: lake + "/t"))
    }

    func testAPartitionColumnOfAFloatingTypeIsRefused() throws {
        let sink = try makeSink(#", "partition_by": {"column": "x"}"#)
        let error = callError { try sink.begin(LoadRequest(entryID: "e", runID: "r", target: "t", writeMode: .replace, schema: self.schema)) }
        XCTAssertEqual(error?.status, ETL_INVALID_CONFIG)
        XCTAssertTrue(error?.message.contains("is double; partition by a utf8, int64, date32 or bool column") ?? false, error?.message ?? "")
    }

    func testAFolderThatCannotBeCreatedFailsTheCheckNamingIt() throws {
        let blocker = try folder.write("a-file", "not a folder")
        let sink = try SinkInstance(plugin: try Self.sinkPlugin(), configJSON: #"{"path": "\#(blocker)/lake"}"#, entryID: "e")
        let error = callError { try sink.check() }
        XCTAssertEqual(error?.status, ETL_IO_ERROR)
        XCTAssertTrue(error?.message.contains("creating the folder \(blocker)/lake failed: Not a directory") ?? false, error?.message ?? "")
    }

    func testMergeAndSCD2AreNotOffered() throws {
        let sink = try makeSink()
        for mode in [WriteMode.merge, .scd2] {
            let error = callError { try sink.begin(LoadRequest(entryID: "e", runID: "r", target: "t", writeMode: mode, primaryKey: ["id"], schema: self.schema)) }
            XCTAssertEqual(error?.status, ETL_UNSUPPORTED, "\(mode)")
        }
    }

    func testATargetThatIsNotAFolderNameIsRefused() throws {
        let sink = try makeSink()
        for target in ["../escape", ".hidden", "_etl_state", "a/b"] {
            let error = callError { try sink.begin(LoadRequest(entryID: "e", runID: "r", target: target, writeMode: .replace, schema: self.schema)) }
            XCTAssertEqual(error?.status, ETL_INVALID_CONFIG, target)
        }
    }
}
