import Foundation
import TestSupport
import XCTest

/// One SQLite per process: the runtime's state database and the sqlite plugin must bind the
/// same system library, because closing any descriptor of a database file drops the
/// process's POSIX locks on it — two copies of SQLite in one process corrupt each other's
/// locking.
final class SharedSQLiteTests: XCTestCase {
    private func dynamicSection(_ path: String) throws -> String {
        try ProcessRunner.run("/usr/bin/readelf", ["-d", path]).stdout
    }

    func testTheRuntimeAndTheSQLitePluginLinkTheSystemSQLite() throws {
        let plugin = TestPaths.buildDirectory + "/libetl_sqlite.so"
        XCTAssertTrue(try dynamicSection(TestPaths.runtimeExecutable).contains("Shared library: [libsqlite3.so.0]"))
        XCTAssertTrue(try dynamicSection(plugin).contains("Shared library: [libsqlite3.so.0]"))
    }

    func testTheSQLitePluginCarriesNoCopyOfSQLite() throws {
        let plugin = TestPaths.buildDirectory + "/libetl_sqlite.so"
        let defined = try ProcessRunner.run("/usr/bin/nm", ["--defined-only", plugin]).stdout
        XCTAssertFalse(defined.contains(" sqlite3_open"), "the plugin defines SQLite functions: a bundled copy")
    }
}
