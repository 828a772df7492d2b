import ETLRuntimeCore
import Foundation
import XCTest

/// Incremental reads of `app*.csv` while logrotate rotates `app.csv`: the source knows a file
/// by its device, inode and first bytes rather than by its path, so every line is loaded
/// exactly once whichever way the file is rotated and whenever the reads happen. Each test
/// plays logrotate with plain file operations and keeps every id the reads loaded.
final class CSVLogRotationTests: XCTestCase {
    private let files = CSVFixture()
    private let columns: [[String: Any]] = [["name": "n", "type": "int64"], ["name": "note", "type": "text"]]
    /// The resume state after the last read that produced a batch (what the runtime commits).
    private var state: String?
    /// The ids of every row loaded so far, in load order.
    private var loaded: [Int] = []

    /// One incremental read of the glob, as a cron tick runs it.
    @discardableResult
    private func tick(maxRecords: Int = 0) throws -> CSVReadResult {
        let source = try CSVTestSource.make(["path": files.path("app*.csv"), "stream": "app", "header": false, "columns": columns,
                                             "last_line_quiet_seconds": 3600])
        let result = try source.readAll(stream: "app", state: state, cursor: "$offset", maxRecords: maxRecords)
        XCTAssertEqual(result.rejects, [], "rows rejected")
        if let checkpoint = result.lastCheckpoint { state = checkpoint }
        loaded += result.ids
        return result
    }

    /// Line `id` of the log: long enough that a few lines pass `ContentHead.window` (1024 bytes).
    private func line(_ id: Int) -> String {
        "\(id),note \(id) " + String(repeating: "x", count: 200) + "\n"
    }

    /// The application writes lines `ids` to `name` (created when missing).
    private func log(_ name: String, _ ids: ClosedRange<Int>) throws {
        let text = ids.map(line).joined()
        if FileManager.default.fileExists(atPath: files.path(name)) {
            try files.append(name, text)
        } else {
            try files.write(name, text)
        }
    }

    /// Asserts that ids 1...last were each loaded exactly once.
    private func assertEachLineLoadedOnce(upTo last: Int, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(loaded.sorted(), Array(1...last), "loaded (in load order): \(loaded)", file: file, line: line)
    }

    /// The paths the resume state lists.
    private func statePaths() throws -> [String] {
        let root = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try XCTUnwrap(state).utf8)) as? [String: Any])
        let entries = try XCTUnwrap(root["files"] as? [[String: Any]])
        return entries.compactMap { ($0["path"] as? String).map { ($0 as NSString).lastPathComponent } }
    }

    func testAFileRenamedInsideTheGlobResumesWhereTheLastReadStopped() throws {
        try log("app.csv", 1...3)
        try tick()
        try log("app.csv", 4...5)
        try files.rename("app.csv", to: "app-1.csv")
        XCTAssertEqual(try tick().ids, [4, 5])
        XCTAssertEqual(try tick().batches.count, 0)
        assertEachLineLoadedOnce(upTo: 5)
    }

    func testCreateRotationLoadsEveryLineOnce() throws {
        try log("app.csv", 1...3)
        try tick()
        try log("app.csv", 4...5)  // not loaded yet when the rotation starts
        try files.rename("app.csv", to: "app-1.csv")
        try tick()  // between the rename and the new file
        try log("app-1.csv", 6...6)  // the application still writes to the file it has open
        try files.write("app.csv", "")  // `create`: a new empty file under the old name
        try tick()
        try log("app.csv", 7...9)  // the application reopened its log
        try tick()
        // The next rotation shifts both files: app-1.csv → app-2.csv, app.csv → app-1.csv.
        try log("app.csv", 10...10)
        try files.rename("app-1.csv", to: "app-2.csv")
        try files.rename("app.csv", to: "app-1.csv")
        try files.write("app.csv", "")
        try log("app.csv", 11...12)
        try tick()
        try tick()
        assertEachLineLoadedOnce(upTo: 12)
    }

    func testCopytruncateRotationLoadsEveryLineOnceWhateverStepTheReadsFallBetween() throws {
        try log("app.csv", 1...3)
        try tick()
        try log("app.csv", 4...5)  // not loaded yet when the rotation starts
        try files.copy("app.csv", to: "app-1.csv")
        try tick()  // between the copy and the truncation: both files hold lines 4 and 5
        try log("app.csv", 6...6)  // written after the copy: only in app.csv
        try tick()
        try files.truncate("app.csv")
        try tick()  // app.csv is empty now: a new file
        try log("app.csv", 7...9)
        try tick()
        try tick()
        assertEachLineLoadedOnce(upTo: 9)
    }

    func testCopytruncateRotationBetweenTwoReadsLoadsOnlyTheCopysUnreadLines() throws {
        try log("app.csv", 1...3)
        try tick()
        try log("app.csv", 4...5)
        try files.copy("app.csv", to: "app-1.csv")
        try files.truncate("app.csv")
        try log("app.csv", 6...7)
        XCTAssertEqual(try tick().ids.sorted(), [4, 5, 6, 7])
        try log("app.csv", 8...8)
        try files.copy("app.csv", to: "app-2.csv")
        try files.truncate("app.csv")
        try tick()
        try tick()
        assertEachLineLoadedOnce(upTo: 8)
    }

    func testReadsStoppedByMaxRecordsBetweenCopyAndTruncationLoadEveryLineOnce() throws {
        try log("app.csv", 1...3)
        try tick()
        try log("app.csv", 4...9)
        try files.copy("app.csv", to: "app-1.csv")
        try log("app.csv", 10...10)  // written after the copy: only in app.csv
        XCTAssertEqual(try tick(maxRecords: 4).ids, [4, 5, 6, 7])
        // The copy is read on first, then the original from where the copy ended.
        XCTAssertEqual(try tick(maxRecords: 4).ids, [8, 9, 10])
        try files.truncate("app.csv")
        try log("app.csv", 11...12)
        try tick(maxRecords: 4)
        try tick(maxRecords: 4)
        assertEachLineLoadedOnce(upTo: 12)
    }

    func testDateextRotationLoadsEveryLineOnce() throws {
        try log("app.csv", 1...3)
        try tick()
        try log("app.csv", 4...5)
        try files.rename("app.csv", to: "app-20261205.csv")
        try files.write("app.csv", "")
        try tick()
        try log("app.csv", 6...8)
        try tick()
        try log("app.csv", 9...9)
        try files.rename("app.csv", to: "app-20261206.csv")
        try files.write("app.csv", "")
        try log("app.csv", 10...10)
        try tick()
        try tick()
        assertEachLineLoadedOnce(upTo: 10)
    }

    func testANewFileThatBeginsWithTheLinesReadFromTheRotatedOneIsReadWhole() throws {
        // Every start of the application writes the same first line.
        try files.write("app.csv", "0,started\n")
        try tick()
        try log("app.csv", 1...2)
        try files.rename("app.csv", to: "app-1.csv")
        try files.write("app.csv", "0,started\n")
        try log("app.csv", 3...3)
        XCTAssertEqual(try tick().ids.sorted(), [0, 1, 2, 3])
        XCTAssertEqual(loaded.sorted(), [0, 0, 1, 2, 3])
    }

    /// Starts a read, does `rotation` once the read has chosen its files and positions but
    /// before it opens them, and returns how many rows the read then loaded.
    private func rowsOfARead(rotatedAfterPlanning rotation: () throws -> Void) throws -> Int {
        let source = try CSVTestSource.make(["path": files.path("app*.csv"), "stream": "app", "header": false, "columns": columns])
        let read = try source.read(ReadRequest(entryID: "test_entry", stream: "app", stateJSON: state, cursorField: "$offset"))
        try rotation()
        var rows = 0
        while let batch = try read.stream.next() { rows += batch.rowCount }
        return rows
    }

    func testAFileReplacedAfterTheReadWasPlannedWaitsForTheNextRead() throws {
        try log("app.csv", 1...3)
        try tick()
        try log("app.csv", 4...5)
        let rows = try rowsOfARead {
            try files.rename("app.csv", to: "app-1.csv")
            try log("app.csv", 6...6)
        }
        XCTAssertEqual(rows, 0)
        try tick()
        assertEachLineLoadedOnce(upTo: 6)
    }

    func testAFileRenamedAwayAfterTheReadWasPlannedWaitsForTheNextRead() throws {
        try log("app.csv", 1...3)
        try tick()
        try log("app.csv", 4...5)
        let rows = try rowsOfARead { try files.rename("app.csv", to: "app-1.csv") }
        XCTAssertEqual(rows, 0)
        try tick()
        assertEachLineLoadedOnce(upTo: 5)
    }

    func testAFileTruncatedInPlaceIsReadAgainFromItsFirstLine() throws {
        try log("app.csv", 1...4)
        try tick()
        // Cut back to its first two lines (below the 4 lines read), then written on.
        try files.truncate("app.csv", to: UInt64((line(1) + line(2)).utf8.count))
        try log("app.csv", 5...5)
        XCTAssertEqual(try tick().ids, [1, 2, 5])
    }

    func testAFileTruncatedAndRefilledPastTheSavedOffsetIsReadFromItsFirstLine() throws {
        try log("app.csv", 1...2)
        try tick()
        try files.truncate("app.csv")
        try log("app.csv", 3...6)  // longer than what was read, but other bytes
        try tick()
        assertEachLineLoadedOnce(upTo: 6)
    }

    func testTheSameInodeWithOtherFirstBytesIsANewFile() throws {
        // What a file that got the inode number of a deleted one looks like to the source:
        // same device and inode, other bytes. `cp other.csv app.csv` rewrites in place likewise.
        try log("app.csv", 1...2)
        try tick()
        let inode = try files.inode("app.csv")
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: files.path("app.csv")))
        try handle.write(contentsOf: Data((3...5).map(line).joined().utf8))
        try handle.close()
        XCTAssertEqual(try files.inode("app.csv"), inode)
        XCTAssertEqual(try tick().ids, [3, 4, 5])
        assertEachLineLoadedOnce(upTo: 5)
    }

    func testFilesThatLeaveTheGlobAreDroppedFromTheState() throws {
        try log("app.csv", 1...2)
        try log("app-1.csv", 3...4)
        try tick()
        XCTAssertEqual(try statePaths(), ["app-1.csv", "app.csv"])
        try FileManager.default.removeItem(atPath: files.path("app-1.csv"))
        try log("app.csv", 5...5)
        try tick()
        XCTAssertEqual(try statePaths(), ["app.csv"])
        assertEachLineLoadedOnce(upTo: 5)
    }

    /// Exactly what the previous, path-keyed version saved after reading the 27 bytes of
    /// "1,note 1\n2,note 2\n3,note 3\n" from app.csv: the inode, and a fingerprint of the bytes
    /// before the offset only.
    private func pathKeyedState() throws -> String {
        """
        {"files":[{"path":"\(files.path("app.csv"))","offset":27,"line":4,"size":27,"inode":\(try files.inode("app.csv")),\
        "done":false,"fingerprint":"b5365326c0f178a9"}]}
        """
    }

    func testStateSavedByThePathKeyedVersionResumesAtItsOffset() throws {
        try files.write("app.csv", "1,note 1\n2,note 2\n3,note 3\n")
        state = try pathKeyedState()
        try log("app.csv", 4...4)
        XCTAssertEqual(try tick().ids, [4])
    }

    func testStateSavedByThePathKeyedVersionFollowsARotation() throws {
        try files.write("app.csv", "1,note 1\n2,note 2\n3,note 3\n")
        state = try pathKeyedState()
        loaded = [1, 2, 3]
        try log("app.csv", 4...4)
        try files.rename("app.csv", to: "app-1.csv")
        try files.write("app.csv", "")
        try log("app.csv", 5...6)
        try tick()
        try tick()
        assertEachLineLoadedOnce(upTo: 6)
    }
}
