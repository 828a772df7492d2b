import CETLPlugin
import ETLArrow
import ETLRuntimeCore
import Glibc
import PluginTestSupport
import XCTest

/// When the OS refuses the warehouse (a folder that is not writable, a full disk) the error says
/// which file or folder, what the OS said (errno and its text), and what to do.
final class SinkFileSystemErrorTests: SinkTestCase {
    private let schema = Batches.schema([("id", .int64), ("name", .utf8)])
    private var restricted: [RestrictedFolder] = []

    override func tearDown() {
        for folder in restricted { folder.release() }
        restricted = []
        super.tearDown()
    }

    private func kept(_ folder: RestrictedFolder) -> RestrictedFolder {
        restricted.append(folder)
        return folder
    }

    private func openingError(_ warehouse: String, _ extraConfig: String = "") -> PluginCallError? {
        callError { _ = try SQLitePlugins.sink(path: warehouse, extraConfig: extraConfig) }
    }

    private func assertMessage(_ error: PluginCallError?, contains parts: [String], file: StaticString = #filePath, line: UInt = #line) {
        let message = error?.message ?? ""
        for part in parts {
            XCTAssertTrue(message.contains(part), "missing \(part) in: \(message)", file: file, line: line)
        }
    }

    func testANewWarehouseInAReadOnlyFolderNamesTheFolderAndWhatTheOSSaid() throws {
        let readOnly = kept(try RestrictedFolder.readOnly("ro", in: folder.path))
        let error = openingError(readOnly.path + "/warehouse.db")
        XCTAssertEqual(error?.status, ETL_IO_ERROR)
        assertMessage(error, contains: [readOnly.path + "/warehouse.db", "the folder \(readOnly.path) is not writable",
                                        RestrictedFolder.readOnlyAnswer, #"point "path" elsewhere"#])
    }

    func testAWarehouseFolderThatCannotBeCreatedIsNamedWithWhatTheOSSaid() throws {
        let readOnly = kept(try RestrictedFolder.readOnly("ro", in: folder.path))
        let error = openingError(readOnly.path + "/sub/warehouse.db")
        XCTAssertEqual(error?.status, ETL_IO_ERROR)
        assertMessage(error, contains: ["cannot create folder \(readOnly.path)/sub", RestrictedFolder.readOnlyAnswer,
                                        #"point "path" elsewhere"#])
    }

    func testAWarehouseInAFolderThatIsNotWritableNamesTheFolderEvenWhenTheFileIsWritable() throws {
        let closable = kept(try RestrictedFolder.closable("wh", in: folder.path))
        let warehouse = closable.path + "/warehouse.db"
        try load(try SQLitePlugins.sink(path: warehouse), "t", schema, [[[1, "a"]]], mode: .append)
        try closable.makeUnwritable()
        XCTAssertEqual(access(warehouse, W_OK), 0, "the file itself stays writable")
        // WAL: SQLite must create warehouse.db-wal and -shm beside the file before it reads anything.
        let error = openingError(warehouse)
        XCTAssertEqual(error?.status, ETL_IO_ERROR)
        assertMessage(error, contains: [warehouse, "the folder \(closable.path) is not writable", RestrictedFolder.unwritableAnswer,
                                        "beside the database", #"point "path" elsewhere"#])
    }

    func testALoadWhoseJournalCannotBeCreatedNamesTheFolderAndKeepsTheData() throws {
        let closable = kept(try RestrictedFolder.closable("wh", in: folder.path))
        let warehouse = closable.path + "/warehouse.db"
        let journal = #", "journal_mode": "delete""#
        try load(try SQLitePlugins.sink(path: warehouse, extraConfig: journal), "t", schema, [[[1, "a"]]], mode: .append, state: #"{"n":1}"#)
        try closable.makeUnwritable()
        let sink = try SQLitePlugins.sink(path: warehouse, extraConfig: journal)
        let error = callError {
            try sink.begin(self.request("t", self.schema, mode: .append))
            try sink.write(try Batches.make(self.schema, [[2, "b"]]))
            _ = try sink.commit(stateJSON: #"{"n":2}"#)
        }
        try sink.abort()
        XCTAssertEqual(error?.status, ETL_IO_ERROR)
        assertMessage(error, contains: [warehouse, "the folder \(closable.path) is not writable", RestrictedFolder.unwritableAnswer,
                                        "beside the database"])
        XCTAssertEqual(try TestDatabase(warehouse).rows("SELECT id, name FROM t"), [["1", "a"]])
        XCTAssertEqual(try sink.readState(entryID: "entry"), #"{"n":1}"#)
    }

    func testAFullDiskNamesTheFileAndWhatTheOSSaidAndCommitsNothing() throws {
        let disk = kept(try RestrictedFolder.small("disk", in: folder.path, kibibytes: 256))
        let warehouse = disk.path + "/warehouse.db"
        let sink = try SQLitePlugins.sink(path: warehouse)
        try load(sink, "t", schema, [[[0, "kept"]]], mode: .append, state: #"{"n":0}"#)
        // About 1 MB: more than the disk holds, less than the sink's page cache, so SQLite meets
        // the full disk when the commit writes the WAL.
        let rows = (1...4_000).map { [Cell.int(Int64($0)), Cell.text(String(repeating: "x", count: 250))] }
        try sink.begin(request("t", schema, mode: .append))
        let error = callError {
            try sink.write(try Batches.make(self.schema, rows))
            _ = try sink.commit(stateJSON: #"{"n":4000}"#)
        }
        try sink.abort()
        XCTAssertEqual(error?.status, ETL_IO_ERROR)
        assertMessage(error, contains: [warehouse, "the disk holding \(disk.path) is full", "errno 28 (No space left on device)",
                                        "free space, then rerun", "nothing of this load was committed"])
        XCTAssertEqual(try sink.readState(entryID: "entry"), #"{"n":0}"#)
        XCTAssertEqual(try TestDatabase(warehouse).rows("SELECT id, name FROM t"), [["0", "kept"]])
    }
}
