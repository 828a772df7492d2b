import Foundation
import PostgresTestSupport
import TestSupport
import XCTest

/// The throwaway cluster the PostgreSQL tests run against (Tests/Postgres/cluster.sh).
final class PostgresTestClusterTests: XCTestCase {
    func testTheClusterListensOnASocketInItsFolderAndOnLoopbackOnly() throws {
        let server = try PostgresTestServer.require()
        XCTAssertTrue(FileManager.default.fileExists(atPath: "\(server.socketFolder)/.s.PGSQL.\(server.port)"))
        let admin = try PostgresTestConnection(server.keywords(database: "postgres"))
        XCTAssertEqual(try admin.scalar("SHOW listen_addresses"), "127.0.0.1")
        let overTCP = try PostgresTestConnection(["host": "127.0.0.1", "port": server.port, "user": server.superuser, "dbname": "postgres"])
        XCTAssertEqual(try overTCP.scalar("SELECT 1"), "1")
    }

    func testThePasswordRoleNeedsItsPassword() throws {
        let server = try PostgresTestServer.require()
        for host in [server.socketFolder, "127.0.0.1"] {
            let keywords = ["host": host, "port": server.port, "user": server.passwordUser, "dbname": "postgres"]
            var wrong = keywords
            wrong["password"] = "not-the-password"
            XCTAssertThrowsError(try PostgresTestConnection(wrong)) { error in
                XCTAssertTrue("\(error)".contains("password authentication failed"), "\(error)")
            }
            var right = keywords
            right["password"] = server.password
            XCTAssertEqual(try PostgresTestConnection(right).scalar("SELECT current_user"), server.passwordUser)
        }
    }

    func testEachTestDatabaseStartsEmpty() throws {
        let first = try PostgresTestDatabase(), second = try PostgresTestDatabase()
        XCTAssertNotEqual(first.name, second.name)
        try first.connection.execute("CREATE TABLE t (id int)")
        XCTAssertEqual(try second.connection.scalar("SELECT count(*) FROM pg_tables WHERE tablename = 't'"), "0")
    }

    func testAClusterWhoseOwnerProcessDiesIsStoppedAndRemoved() throws {
        _ = try PostgresTestServer.require()
        let owner = Process()
        owner.executableURL = URL(fileURLWithPath: "/bin/sleep")
        owner.arguments = ["60"]
        try owner.run()
        defer { kill(owner.processIdentifier, SIGKILL) }
        let parent = TemporaryDirectory("etl-pg-owned")
        // As root the cluster belongs to the postgres user, who must be able to reach it.
        chmod(parent.path, 0o755)
        let folder = parent.path + "/cluster"
        let started = try ProcessRunner.run("/bin/bash", [TestPaths.source("Tests/Postgres/cluster.sh"), "start", folder,
                                                         String(owner.processIdentifier)])
        XCTAssertEqual(started.status, 0, started.stderr)
        let port = try XCTUnwrap(started.stdout.firstMatch(of: /PGPORT=(\d+)/)?.1)
        XCTAssertEqual(try PostgresTestConnection(["host": folder, "port": String(port), "user": "etl", "dbname": "postgres"]).scalar("SELECT 1"), "1")
        kill(owner.processIdentifier, SIGKILL)
        owner.waitUntilExit()
        try waitUntil("the watcher to stop and remove the cluster", timeout: 20) { !FileManager.default.fileExists(atPath: folder) }
        XCTAssertThrowsError(try PostgresTestConnection(["host": "127.0.0.1", "port": String(port), "user": "etl", "dbname": "postgres"]))
    }
}
