import ETLRuntimeCore
import Foundation
import XCTest

/// Incremental reads with `cursor_field: "$offset"`: growing files, new files, and files that
/// changed under the saved position (rotations: `CSVLogRotationTests`).
final class CSVIncrementalTests: XCTestCase {
    private let files = CSVFixture()
    private let columns: [[String: Any]] = [["name": "name", "type": "text"], ["name": "n", "type": "int64"]]

    private func source(_ path: String, quietSeconds: Int = 3600) throws -> SourceInstance {
        try CSVTestSource.make(["path": path, "header": false, "columns": columns, "last_line_quiet_seconds": quietSeconds])
    }

    private func incremental(_ path: String, stream: String = "log", state: String?, quietSeconds: Int = 3600) throws -> CSVReadResult {
        try source(path, quietSeconds: quietSeconds).readAll(stream: stream, state: state, cursor: "$offset")
    }

    func testGrowingFileResumesAfterTheLastCompleteLine() throws {
        let path = try files.write("log.csv", "a,1\nb,2\nc,")
        let first = try incremental(path, state: nil)
        XCTAssertEqual(first.rows, [["a", "1"], ["b", "2"]])
        let state = try XCTUnwrap(first.lastCheckpoint)
        XCTAssertTrue(state.contains("\"offset\":8"), state)
        XCTAssertTrue(state.contains("\"line\":3"), state)
        try files.append("log.csv", "3\nd,4\n")
        let second = try incremental(path, state: state)
        XCTAssertEqual(second.rows, [["c", "3"], ["d", "4"]])
        XCTAssertEqual(second.rejects, [])
    }

    func testNothingNewYieldsNoBatchAndKeepsTheState() throws {
        let path = try files.write("log.csv", "a,1\n")
        let state = try XCTUnwrap(try incremental(path, state: nil).lastCheckpoint)
        let again = try incremental(path, state: state)
        XCTAssertEqual(again.batches.count, 0)
        XCTAssertEqual(try source(path).checkpointAfterRead(state: state), state)
    }

    func testLastLineWithoutLineBreakWaitsWhileTheFileMayStillBeWritten() throws {
        let path = try files.write("log.csv", "a,1\nb,2")
        XCTAssertEqual(try incremental(path, state: nil, quietSeconds: 60).rows, [["a", "1"]])
    }

    func testLastLineWithoutLineBreakLoadsOnceTheFileHasBeenQuiet() throws {
        let path = try files.write("log.csv", "a,1\nb,2")
        try files.age("log.csv", seconds: 120)
        let result = try incremental(path, state: nil, quietSeconds: 60)
        XCTAssertEqual(result.rows, [["a", "1"], ["b", "2"]])
        XCTAssertTrue(try XCTUnwrap(result.lastCheckpoint).contains("\"done\":true"))
    }

    func testFullReadLoadsALastLineWithoutLineBreak() throws {
        let path = try files.write("log.csv", "a,1\nb,2")
        XCTAssertEqual(try source(path).readAll(stream: "log").rows, [["a", "1"], ["b", "2"]])
    }

    func testALastLineWithoutLineBreakEndingInACarriageReturnLosesOnlyThatCarriageReturn() throws {
        let path = try files.write("log.csv", "a,1\nb,\r")
        XCTAssertEqual(try source(path).readAll(stream: "log").rows, [["a", "1"], ["b", nil]])
        let twice = try files.write("log2.csv", "a,x\nb,y\r\r")
        let texts: [[String: Any]] = [["name": "name", "type": "text"], ["name": "value", "type": "text"]]
        let read = try CSVTestSource.make(["path": twice, "header": false, "columns": texts]).readAll(stream: "log2")
        XCTAssertEqual(read.rows, [["a", "x"], ["b", "y\r"]])
    }

    func testLineBreakAppendedAfterALoadedLastLineIsSkipped() throws {
        let path = try files.write("log.csv", "a,1")
        let state = try XCTUnwrap(try incremental(path, state: nil, quietSeconds: 0).lastCheckpoint)
        try files.append("log.csv", "\nb,2\n")
        let next = try incremental(path, state: state)
        XCTAssertEqual(next.rows, [["b", "2"]])
        XCTAssertEqual(next.rejects, [])
        XCTAssertEqual(next.rejectPositions, [])
    }

    func testBytesAppendedToALoadedLastLineAreRejectedNotGluedOn() throws {
        let path = try files.write("log.csv", "a,1")
        let state = try XCTUnwrap(try incremental(path, state: nil, quietSeconds: 0).lastCheckpoint)
        try files.append("log.csv", "23\nb,2\n")
        let next = try incremental(path, state: state)
        XCTAssertEqual(next.rows, [["b", "2"]])
        XCTAssertEqual(next.rejectPositions, ["\(path):1"])
        XCTAssertEqual(next.rejects.first?.raw, "23")
        XCTAssertTrue(next.rejects.first?.reason.contains("appended to line 1") == true, "\(next.rejects)")
    }

    func testNewFilesMatchingTheGlobArePickedUpInPathOrder() throws {
        try files.write("day-01.csv", "a,1\n")
        let glob = files.path("day-*.csv")
        let first = try incremental(glob, stream: "day", state: nil)
        XCTAssertEqual(first.rows, [["a", "1"]])
        try files.write("day-03.csv", "c,3\n")
        try files.write("day-02.csv", "b,2\n")
        try files.append("day-01.csv", "a,11\n")
        let second = try incremental(glob, stream: "day", state: first.lastCheckpoint)
        XCTAssertEqual(second.rows, [["a", "11"], ["b", "2"], ["c", "3"]])
        let third = try incremental(glob, stream: "day", state: second.lastCheckpoint)
        XCTAssertEqual(third.batches.count, 0)
    }

    func testGlobWithoutMatchesYieldsNothingIncrementallyButFailsAFullRead() throws {
        let glob = files.path("none-*.csv")
        XCTAssertEqual(try incremental(glob, stream: "none", state: nil).batches.count, 0)
        assertPluginError("I/O error", ["no file matches"]) {
            _ = try self.source(glob).readAll(stream: "none")
        }
    }

    func testFileReplacedByOneThatBeginsWithTheBytesReadResumesAfterThem() throws {
        let path = try files.write("log.csv", "a,1\n")
        let state = try incremental(path, state: nil).lastCheckpoint
        // What an editor or `cp` to a temporary name and `mv` does: a new inode, the same first bytes.
        let replacement = try files.write("log.csv.new", "a,1\nb,2\nc,3\n")
        XCTAssertEqual(rename(replacement, path), 0)
        XCTAssertEqual(try incremental(path, state: state).rows, [["b", "2"], ["c", "3"]])
    }

    func testFileReplacedByOneWithOtherBytesIsReadFromItsFirstLine() throws {
        let path = try files.write("log.csv", "a,1\n")
        let state = try incremental(path, state: nil).lastCheckpoint
        let replacement = try files.write("log.csv.new", "z,9\nb,2\n")
        XCTAssertEqual(rename(replacement, path), 0)
        XCTAssertEqual(try incremental(path, state: state).rows, [["z", "9"], ["b", "2"]])
    }

    func testOtherCursorFieldsAreRefused() throws {
        let path = try files.write("log.csv", "a,1\n")
        assertPluginError("invalid config", ["set cursor_field to \"$offset\"", "\"updated_at\""]) {
            _ = try self.source(path).readAll(stream: "log", cursor: "updated_at")
        }
    }

    func testInitialValueIsRefusedForTheOffsetCursor() throws {
        let path = try files.write("log.csv", "a,1\n")
        assertPluginError("invalid config", ["initial_value does not apply"]) {
            _ = try self.source(path).readAll(stream: "log", cursor: "$offset", initialValue: "0")
        }
    }

    func testStateOfAnotherKindIsRefusedWithTheResetCommand() throws {
        let path = try files.write("log.csv", "a,1\n")
        assertPluginError("bad data", ["not a csv source state", "etl-runtime state reset test_entry"]) {
            _ = try self.incremental(path, state: #"{"offset": 4}"#)
        }
    }

    func testFullReadHasNoResumeState() throws {
        let path = try files.write("log.csv", "a,1\n")
        XCTAssertEqual(try source(path).readAll(stream: "log").checkpoints, [nil])
    }
}

extension SourceInstance {
    /// The checkpoint after starting an incremental read from `state` and reading it to the end.
    func checkpointAfterRead(state: String) throws -> String? {
        _ = try readAll(stream: "log", state: state, cursor: "$offset")
        return try checkpoint()
    }
}
