import ETLArrow
import ETLRuntimeCore
import Foundation
import PluginTestSupport
import TestSupport
import XCTest

/// What the `parquet` sink publishes: part files, `_SUCCESS` markers and the entry's state, for
/// replace and append, unpartitioned and partitioned, read back by pyarrow and DuckDB.
final class ParquetSinkPublishTests: ParquetSinkTestCase {
    private let people = Batches.schema([("id", .int64), ("name", .utf8), ("state", .utf8)])

    func testALoadPublishesAPartFileASuccessMarkerAndTheState() throws {
        let sink = try makeSink()
        let rows: [[Cell]] = [[1, "ann", "CA"], [2, nil, "NY"]]
        XCTAssertEqual(try load(sink, "people", people, [rows], mode: .replace, state: #"{"next": 2}"#), 2)
        XCTAssertEqual(files(lake), ["_etl_state/entry.json", "people/_SUCCESS", "people/part-00000.parquet"])
        XCTAssertEqual(try ParquetReadBack.pyarrow(lake + "/people").rows, ParquetReadBack.canonical(rows))
        XCTAssertEqual(try ParquetReadBack.duckdb(lake + "/people").rows, ParquetReadBack.canonical(rows))
        XCTAssertEqual(try makeSink().readState(entryID: "entry"), #"{"next": 2}"#)
    }

    func testAppendAddsTheNextPartNumberBesideTheOldFiles() throws {
        let sink = try makeSink()
        try load(sink, "people", people, [[[1, "ann", "CA"]]], mode: .append, state: "1")
        try load(sink, "people", people, [[[2, "bob", "NY"]]], mode: .append, state: "2", run: "run-2")
        XCTAssertEqual(files(lake + "/people"), ["_SUCCESS", "part-00000.parquet", "part-00001.parquet"])
        XCTAssertEqual(sorted(try ParquetReadBack.duckdb(lake + "/people").rows),
                       ParquetReadBack.canonical([[1, "ann", "CA"], [2, "bob", "NY"]]))
        XCTAssertEqual(try sink.readState(entryID: "entry"), "2")
    }

    func testReplaceOfAnUnpartitionedTargetLeavesOnlyTheNewFile() throws {
        let sink = try makeSink()
        try load(sink, "people", people, [[[1, "ann", "CA"]], [[2, "bob", "NY"]]], mode: .append)
        try load(sink, "people", people, [[[1, "ann", "CA"]]], mode: .append, run: "run-2")
        try load(sink, "people", people, [[[3, "cy", "TX"]]], mode: .replace, run: "run-3")
        XCTAssertEqual(files(lake + "/people"), ["_SUCCESS", "part-00002.parquet"])
        XCTAssertEqual(try ParquetReadBack.pyarrow(lake + "/people").rows, ParquetReadBack.canonical([[3, "cy", "TX"]]))
    }

    func testAnEmptyReplaceLeavesASchemaOnlyFileAndAnEmptyAppendPublishesNothing() throws {
        let sink = try makeSink()
        try load(sink, "people", people, [[[1, "ann", "CA"]]], mode: .append)
        try load(sink, "people", people, [], mode: .append, state: "after-empty-append", run: "run-2")
        XCTAssertEqual(files(lake + "/people"), ["_SUCCESS", "part-00000.parquet"])
        XCTAssertEqual(try sink.readState(entryID: "entry"), "after-empty-append")
        try load(sink, "people", people, [], mode: .replace, run: "run-3")
        XCTAssertEqual(files(lake + "/people"), ["_SUCCESS", "part-00001.parquet"])
        let table = try ParquetReadBack.duckdb(lake + "/people")
        XCTAssertEqual(table.columns, ["id", "name", "state"])
        XCTAssertEqual(table.rows, [])
        XCTAssertNil(try sink.readState(entryID: "entry"), "a commit without state clears the stored one")
    }

    func testPartitionByColumnWritesHiveFoldersThatBothReadersTurnBackIntoTheColumn() throws {
        let sink = try makeSink(#", "partition_by": {"column": "state"}"#)
        let rows: [[Cell]] = [[1, "ann", "CA"], [2, "bob", "NY"], [3, "cy", "CA"], [4, "di", nil]]
        try load(sink, "people", people, [rows], mode: .replace)
        XCTAssertEqual(files(lake + "/people"), [
            "state=CA/_SUCCESS", "state=CA/part-00000.parquet", "state=NY/_SUCCESS", "state=NY/part-00000.parquet",
            "state=__HIVE_DEFAULT_PARTITION__/_SUCCESS", "state=__HIVE_DEFAULT_PARTITION__/part-00000.parquet",
        ])
        let arrow = try ParquetReadBack.pyarrow(lake + "/people")
        XCTAssertEqual(arrow.columns, ["id", "name", "state"])
        XCTAssertEqual(sorted(arrow.rows), sorted(ParquetReadBack.canonical(rows)))
        let duck = try ParquetReadBack.duckdb(lake + "/people")
        XCTAssertEqual(sorted(duck.rows.map { [$0[0], $0[1], $0[2] == "s:__HIVE_DEFAULT_PARTITION__" ? "null" : $0[2]] }),
                       sorted(ParquetReadBack.canonical(rows)))
        XCTAssertEqual(try ParquetReadBack.pyarrow(lake + "/people/state=CA/part-00000.parquet").columns, ["id", "name"],
                       "the partition column lives in the folder names only (Hive convention)")
    }

    func testReplaceReplacesOnlyThePartitionsTheLoadWrote() throws {
        let sink = try makeSink(#", "partition_by": {"column": "state"}"#)
        try load(sink, "people", people, [[[1, "ann", "CA"], [2, "bob", "NY"]]], mode: .replace)
        try load(sink, "people", people, [[[3, "cy", "CA"]]], mode: .replace, run: "run-2")
        XCTAssertEqual(files(lake + "/people"), ["state=CA/_SUCCESS", "state=CA/part-00001.parquet", "state=NY/_SUCCESS", "state=NY/part-00000.parquet"])
        XCTAssertEqual(sorted(try ParquetReadBack.pyarrow(lake + "/people").rows),
                       sorted(ParquetReadBack.canonical([[3, "cy", "CA"], [2, "bob", "NY"]])))
    }

    func testAppendToPartitionsKeepsTheirOldFiles() throws {
        let sink = try makeSink(#", "partition_by": {"column": "state"}"#)
        try load(sink, "people", people, [[[1, "ann", "CA"], [2, "bob", "NY"]]], mode: .append)
        try load(sink, "people", people, [[[3, "cy", "CA"]]], mode: .append, run: "run-2")
        XCTAssertEqual(files(lake + "/people"), ["state=CA/_SUCCESS", "state=CA/part-00000.parquet", "state=CA/part-00001.parquet",
                                                 "state=NY/_SUCCESS", "state=NY/part-00000.parquet"])
        XCTAssertEqual(sorted(try ParquetReadBack.duckdb(lake + "/people").rows),
                       sorted(ParquetReadBack.canonical([[1, "ann", "CA"], [3, "cy", "CA"], [2, "bob", "NY"]])))
    }

    func testPartitionValuesThatCannotBeFolderNamesArePercentEncoded() throws {
        let sink = try makeSink(#", "partition_by": {"column": "state"}"#)
        try load(sink, "people", people, [[[1, "ann", "a/b"], [2, "bob", ".hidden"], [3, "cy", "x=y"]]], mode: .replace)
        XCTAssertEqual(files(lake + "/people").filter { $0.hasSuffix(".parquet") },
                       ["state=%2Ehidden/part-00000.parquet", "state=a%2Fb/part-00000.parquet", "state=x%3Dy/part-00000.parquet"])
        XCTAssertEqual(sorted(try ParquetReadBack.pyarrow(lake + "/people").rows),
                       sorted(ParquetReadBack.canonical([[1, "ann", "a/b"], [2, "bob", ".hidden"], [3, "cy", "x=y"]])),
                       "pyarrow decodes the folder names back to the values")
    }

    func testPartitionByLoadDateWritesTodaysFolder() throws {
        let sink = try makeSink(#", "partition_by": {"load_date": "dt"}"#)
        try load(sink, "people", people, [[[1, "ann", "CA"]]], mode: .replace)
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.locale = Locale(identifier: "en_US_POSIX")
        let today = formatter.string(from: Date())
        XCTAssertEqual(files(lake + "/people"), ["dt=\(today)/_SUCCESS", "dt=\(today)/part-00000.parquet"])
        let table = try ParquetReadBack.pyarrow(lake + "/people")
        XCTAssertEqual(table.columns, ["id", "name", "state", "dt"])
        XCTAssertEqual(table.rows.first?.prefix(3).map { $0 }, ParquetReadBack.canonical([[1, "ann", "CA"]]).first)
    }

    func testManyPartitionsTogetherBufferAboutOneRowGroup() throws {
        let sink = try makeSink(#", "partition_by": {"column": "state"}, "row_group_rows": 10"#)
        let rows: [[Cell]] = (0..<200).map { [.int(Int64($0)), .text("n\($0)"), .text("s\($0 % 4)")] }
        try load(sink, "people", people, [Array(rows[0..<120]), Array(rows[120...])], mode: .replace)
        for partition in 0..<4 {
            let metadata = try ParquetReadBack.metadata(lake + "/people/state=s\(partition)/part-00000.parquet")
            let groups = try XCTUnwrap(metadata["group_rows"] as? [Int])
            XCTAssertEqual(groups.reduce(0, +), 50)
            XCTAssertTrue(groups.allSatisfy { $0 <= 10 }, "\(groups)")
        }
        XCTAssertEqual(sorted(try ParquetReadBack.duckdb(lake + "/people").rows), sorted(ParquetReadBack.canonical(rows)))
    }

    func testEachCompressionSettingReachesTheFiles() throws {
        for (setting, codec) in [("snappy", "SNAPPY"), ("zstd", "ZSTD"), ("gzip", "GZIP"), ("none", "UNCOMPRESSED")] {
            let sink = try makeSink(#", "compression": "\#(setting)""#)
            try load(sink, "t_\(setting)", people, [[[1, "ann", "CA"]]], mode: .replace)
            let columns = try XCTUnwrap(try ParquetReadBack.metadata(lake + "/t_\(setting)/part-00000.parquet")["columns"] as? [String: [[String: Any]]])
            XCTAssertEqual(columns["name"]?.first?["codec"] as? String, codec)
        }
        let defaultSink = try makeSink()
        try load(defaultSink, "t_default", people, [[[1, "ann", "CA"]]], mode: .replace)
        let columns = try XCTUnwrap(try ParquetReadBack.metadata(lake + "/t_default/part-00000.parquet")["columns"] as? [String: [[String: Any]]])
        XCTAssertEqual(columns["name"]?.first?["codec"] as? String, "SNAPPY")
    }
}
