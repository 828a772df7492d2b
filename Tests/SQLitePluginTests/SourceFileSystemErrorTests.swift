import CETLPlugin
import ETLRuntimeCore
import XCTest

/// When the OS refuses the source's file, the error names it, says what the OS said, and what
/// to do.
final class SourceFileSystemErrorTests: SourceTestCase {
    private var restricted: [RestrictedFolder] = []

    override func tearDown() {
        for folder in restricted { folder.release() }
        restricted = []
        super.tearDown()
    }

    private func discoveryError(_ file: String) -> PluginCallError? {
        do {
            _ = try SQLitePlugins.source(path: file, config: #""table": "t""#).discover()
            XCTFail("expected discover to fail")
            return nil
        } catch let error as PluginCallError {
            return error
        } catch {
            XCTFail("unexpected error \(error)")
            return nil
        }
    }

    func testAMissingFileIsNamedWithWhatTheOSSaid() throws {
        let missing = folder.file("missing.db")
        let message = discoveryError(missing)?.message ?? ""
        for part in ["the file \(missing) does not exist", "errno 2 (No such file or directory)", #"check "path""#] {
            XCTAssertTrue(message.contains(part), "missing \(part) in: \(message)")
        }
    }

    func testAWALDatabaseInAFolderThatIsNotWritableNamesTheFolder() throws {
        let closable = try RestrictedFolder.closable("app", in: folder.path)
        restricted.append(closable)
        let file = closable.path + "/app.db"
        try TestDatabase(file).execute("PRAGMA journal_mode = wal; CREATE TABLE t (id INTEGER); INSERT INTO t VALUES (1)")
        try closable.makeUnwritable()
        let message = discoveryError(file)?.message ?? ""
        for part in [file, "the folder \(closable.path) is not writable", RestrictedFolder.unwritableAnswer, "-shm"] {
            XCTAssertTrue(message.contains(part), "missing \(part) in: \(message)")
        }
    }
}
