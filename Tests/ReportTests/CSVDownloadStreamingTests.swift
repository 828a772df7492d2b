import Foundation
import PostgresTestSupport
import TestSupport
import XCTest

/// `/table.csv` streams: a table of hundreds of thousands of rows downloads whole and in order
/// (filtered and sorted too) while the server's memory stays far below the CSV's size, and a
/// client that goes away mid-download stops the read and leaves the server serving.
final class CSVDownloadStreamingTests: XCTestCase {
    static let rows = 300_000
    /// Makes each line about 110 bytes, so the whole CSV is about 33 MB.
    static let padding = String(repeating: "x", count: 80)
    /// How much the server's peak resident memory may grow over a download. Building the CSV in
    /// memory (the text, then its bytes) needs more than twice the CSV's size.
    static let growthLimitKiB = 16 * 1024
    static let filtered = "col=bucket&op=eq&value=3&sort=label&dir=desc"

    func testASQLiteTableStreamsWholeAndInOrderInBoundedMemory() throws {
        let workspace = try Self.sqliteWorkspaceWithABigTable()
        let server = try ServeProcess(workspace)
        defer { server.stop() }
        try assertStreamsWholeInBoundedMemory(server, workspace)

        // HEAD: the download's headers, and no body.
        let head = try ProcessRunner.run("/usr/bin/curl", ["-s", "-I", server.url + "table.csv?sink=warehouse&table=big"])
        XCTAssertTrue(head.stdout.hasPrefix("HTTP/1.1 200"), head.stdout)
        XCTAssertTrue(head.stdout.lowercased().contains("content-type: text/csv"), head.stdout)
    }

    /// The report workspace loading a postgres sink (schema `viewer`), and `viewer.big` beside
    /// its tables: `rows` rows as `line(_:)` writes them.
    private func postgresWorkspaceWithABigTable() throws -> (PostgresTestDatabase, ReportWorkspace) {
        let database = try PostgresTestDatabase()
        let workspace = try ReportWorkspace(warehouse: #"{"plugin": "postgres", "config": {"url": "\#(database.url())", "schema": "viewer"}}"#)
        try workspace.run(times: 1)
        try database.connection.execute("""
            CREATE TABLE viewer.big AS SELECT i AS id, 'row ' || lpad(i::text, 7, '0') AS label, i % 7 AS bucket,
              '\(Self.padding), #' || i AS note
            FROM generate_series(1, \(Self.rows)) AS i
            """)
        return (database, workspace)
    }

    func testAPostgresTableStreamsWholeAndInOrderInBoundedMemory() throws {
        let (database, workspace) = try postgresWorkspaceWithABigTable()
        let server = try ServeProcess(workspace)
        defer { server.stop() }
        try assertStreamsWholeInBoundedMemory(server, workspace)
        // The cursor's transaction ended with the download: the session is idle, not in a transaction.
        let sessions = try database.connection.scalar(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'etl-runtime serve' AND state <> 'idle'")
        XCTAssertEqual(sessions, "0")

        // A client that leaves mid-download: the read stops, the cursor's transaction ends.
        let cut = try ProcessRunner.run("/bin/sh", ["-c", "curl -s -N '\(server.url)table.csv?sink=warehouse&table=big' | head -c 100000 | wc -c"])
        XCTAssertEqual(cut.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "100000")
        XCTAssertNotNil(waitForLine(server, containing: "table.csv warehouse.big: the client closed the connection after "), server.stderr)
        // The log line comes just before the cursor goes: allow the ROLLBACK a moment.
        var open = ""
        for _ in 0..<50 {
            open = try database.connection.scalar(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'etl-runtime serve' AND state LIKE 'idle in transaction%'") ?? ""
            if open == "0" { break }
            usleep(100_000)
        }
        XCTAssertEqual(open, "0", "a transaction of the abandoned download is still open")
        XCTAssertEqual(try server.get("table.csv?sink=warehouse&table=big&col=id&value=42").body, "id,label,bucket,note\r\n" + Self.line(42))
    }

    func testAReadThatFailsMidDownloadIsLoggedAndCutsTheTransferShort() throws {
        let (database, workspace) = try postgresWorkspaceWithABigTable()
        let server = try ServeProcess(workspace)
        defer { server.stop() }
        let slow = Process()
        slow.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        slow.arguments = ["-s", "--limit-rate", "200k", "-o", workspace.folder.file("cut.csv"), server.url + "table.csv?sink=warehouse&table=big"]
        try slow.run()
        defer { if slow.isRunning { slow.terminate() }; slow.waitUntilExit() }
        XCTAssertNotNil(waitForLine(server, containing: "GET /table.csv 200"), server.stderr)
        // The viewer's session goes away under the cursor: the next FETCH fails.
        XCTAssertEqual(try database.connection.scalar(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'etl-runtime serve'"), "1")
        slow.waitUntilExit()
        // 18: "transfer closed with outstanding read data remaining", not a CSV that looks whole.
        XCTAssertEqual(slow.terminationStatus, 18)
        XCTAssertNotNil(waitForLine(server, containing: "table.csv warehouse.big: the read failed after "), server.stderr)
        XCTAssertEqual(try server.get("table.csv?sink=warehouse&table=big&col=id&value=7").body, "id,label,bucket,note\r\n" + Self.line(7))
    }

    func testSIGTERMCutsADownloadUnderWayAndStopsPromptly() throws {
        let workspace = try Self.sqliteWorkspaceWithABigTable()
        let server = try ServeProcess(workspace)
        let slow = Process()
        slow.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        slow.arguments = ["-s", "--limit-rate", "200k", "-o", "/dev/null", server.url + "table.csv?sink=warehouse&table=big"]
        try slow.run()
        defer { if slow.isRunning { slow.terminate() }; slow.waitUntilExit() }
        _ = waitForLine(server, containing: "GET /table.csv 200")
        usleep(500_000)
        let stop = server.stop()
        XCTAssertEqual(stop.status, 0, server.stderr)
        XCTAssertLessThan(stop.seconds, 5, server.stderr)
        slow.waitUntilExit()
        XCTAssertNotEqual(slow.terminationStatus, 0, "curl saw the download cut short")
    }

    func testAClientThatLeavesMidDownloadStopsTheReadAndTheServerGoesOn() throws {
        let workspace = try Self.sqliteWorkspaceWithABigTable()
        let server = try ServeProcess(workspace)
        defer { server.stop() }

        // head takes 100 kB and exits; curl's next write fails and it closes the connection.
        let cut = try ProcessRunner.run("/bin/sh", ["-c", "curl -s -N '\(server.url)table.csv?sink=warehouse&table=big' | head -c 100000 | wc -c"])
        XCTAssertEqual(cut.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "100000")
        let stopped = try XCTUnwrap(waitForLine(server, containing: "table.csv warehouse.big: the client closed the connection after "), server.stderr)
        let rowsRead = Int(stopped.split(separator: " ").first { Int($0) != nil } ?? "")
        XCTAssertLessThan(try XCTUnwrap(rowsRead, stopped), Self.rows / 2, stopped)

        // The server answers on, downloads included.
        XCTAssertEqual(try server.get("").status, 200)
        let small = try server.get("table.csv?sink=warehouse&table=people&sort=id")
        XCTAssertEqual(small.body, "id,name,amount\r\n1,Ana,10\r\n2,Bruno,20\r\n4,Davi,40\r\n5,Eva,50\r\n6,Fabio,60\r\n7,Gil,70\r\n")
        let file = workspace.folder.file("big.csv")
        XCTAssertEqual(try server.download("table.csv?sink=warehouse&table=big", to: file).status, 200)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: file)), Self.csv(ids: Array(1...Self.rows)))
        XCTAssertFalse(server.stderr.contains("Fatal error"), server.stderr)
    }

    /// The report's workspace, its SQLite warehouse holding `big` as well.
    static func sqliteWorkspaceWithABigTable() throws -> ReportWorkspace {
        let workspace = try ReportWorkspace()
        try workspace.run(times: 1)
        _ = try workspace.warehouse("""
            CREATE TABLE big(id INTEGER PRIMARY KEY, label TEXT, bucket INTEGER, note TEXT);
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(Self.rows))
            INSERT INTO big SELECT i, printf('row %07d', i), i % 7, '\(Self.padding), #' || i FROM n;
            """)
        return workspace
    }

    /// The whole table, then a filtered and sorted part of it, byte for byte; the server's peak
    /// memory grows by less than `growthLimitKiB` over both.
    private func assertStreamsWholeInBoundedMemory(_ server: ServeProcess, _ workspace: ReportWorkspace,
                                                   file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(try server.get("table?sink=warehouse&table=big&size=5").status, 200, file: file, line: line)
        let before = try server.peakResidentKiB()

        let whole = workspace.folder.file("whole.csv")
        let reply = try server.download("table.csv?sink=warehouse&table=big", to: whole)
        XCTAssertEqual(reply.status, 200, file: file, line: line)
        XCTAssertTrue(reply.headers.lowercased().contains("content-type: text/csv; charset=utf-8"), reply.headers, file: file, line: line)
        XCTAssertTrue(reply.headers.contains("attachment; filename=\"warehouse-big.csv\""), reply.headers, file: file, line: line)
        XCTAssertTrue(reply.headers.lowercased().contains("transfer-encoding: chunked"), reply.headers, file: file, line: line)
        let wholeData = try Data(contentsOf: URL(fileURLWithPath: whole))
        let wholeLines = wholeData.split(separator: UInt8(ascii: "\n"))
        XCTAssertEqual(wholeLines.count, Self.rows + 1, file: file, line: line)
        // Split at \n, each line keeps its \r; a Swift "\r\n" is one Character.
        XCTAssertEqual(wholeLines.first.map { String(decoding: $0, as: UTF8.self) }, "id,label,bucket,note\r", file: file, line: line)
        XCTAssertEqual(wholeLines.dropFirst().first.map { String(decoding: $0.dropLast(), as: UTF8.self) }, String(Self.line(1).dropLast()), file: file, line: line)
        XCTAssertEqual(wholeLines.last.map { String(decoding: $0.dropLast(), as: UTF8.self) }, String(Self.line(Self.rows).dropLast()), file: file, line: line)
        XCTAssertEqual(wholeData, Self.csv(ids: Array(1...Self.rows)), "the whole table, in order", file: file, line: line)

        let part = workspace.folder.file("part.csv")
        XCTAssertEqual(try server.download("table.csv?sink=warehouse&table=big&\(Self.filtered)", to: part).status, 200, file: file, line: line)
        let ids = (1...Self.rows).filter { $0 % 7 == 3 }.reversed()
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: part)), Self.csv(ids: Array(ids)), "bucket 3, by label descending", file: file, line: line)

        let after = try server.peakResidentKiB()
        XCTAssertLessThan(after - before, Self.growthLimitKiB,
                          "peak resident memory went from \(before) KiB to \(after) KiB over a \(wholeData.count / 1024) KiB download", file: file, line: line)
    }

    /// The CSV the viewer sends for the rows `ids` of `big`, in that order.
    static func csv(ids: [Int]) -> Data {
        var data = Data("id,label,bucket,note\r\n".utf8)
        for id in ids { data.append(contentsOf: line(id).utf8) }
        return data
    }

    /// Row `id` of `big` as a CSV line: the note holds a comma, so it is quoted.
    static func line(_ id: Int) -> String {
        "\(id),row \(String(format: "%07d", id)),\(id % 7),\"\(padding), #\(id)\"\r\n"
    }

    /// The first line of the server's log holding `text`, waiting up to 10 s for it.
    private func waitForLine(_ server: ServeProcess, containing text: String) -> String? {
        let deadline = Date().addingTimeInterval(10)
        repeat {
            if let found = server.stderr.split(separator: "\n").first(where: { $0.contains(text) }) { return String(found) }
            usleep(100_000)
        } while Date() < deadline
        return nil
    }
}
