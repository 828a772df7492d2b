import Foundation
import Glibc
import PostgresTestSupport
import TestSupport
import XCTest

/// `run --dry-run` runs where `run` runs, so it asks a `postgres` source's server for its columns
/// and refuses what `run` would refuse only after opening the stream: a decimal column for a sink
/// built before ABI 1.2, also from an entry without transforms. `validate` stays offline and says
/// that the dry run checks them; a server that cannot be reached, or does not answer, costs the
/// dry run a note, quickly.
final class DryRunDatabaseColumnsTests: XCTestCase {
    private let refusal = #"sink "old" (plugin "counting_sink", built for ABI 1.0) cannot receive column "amount", a decimal(10,2): decimal columns need a sink built for ABI 1.2 or later. Cast the column to "double" (or "string" for its exact digits) in the entry's transforms, or rebuild the plugin against etl_plugin.h 1.2"#

    /// A workspace whose sink "old" is the ABI 1.0 fixture `counting_sink` (it counts the rows it
    /// is sent and keeps nothing), and one entry "prices" reading `source`'s stream "prices" into it.
    private func pipeline(source: String, transforms: String? = nil) throws -> RunWorkspace {
        let workspace = RunWorkspace()
        try workspace.faultyPlugin("abi_1_0_sink", name: "abi10", nameMacro: "UNUSED_NAME")
        let steps = transforms.map { #", "transforms": \#($0)"# } ?? ""
        try workspace.folder.write("plugins.json", """
            {"manifest_version": 1, "plugin_dirs": ["plugins"], "state": {"path": "state/etl_state.db"},
             "sources": {"shop": \(source)},
             "sinks": {"old": {"plugin": "counting_sink", "config": {}}},
             "control_table": [
               {"id": "prices", "source": "shop", "stream": "prices", "sink": "old", "target": "prices", "mode": "full", "write": "append"\(steps)}]}
            """)
        return workspace
    }

    private func pricesDatabase() throws -> PostgresTestDatabase {
        let database = try PostgresTestDatabase()
        try database.connection.execute("""
            CREATE TABLE prices (id int PRIMARY KEY, amount numeric(10,2), label text);
            INSERT INTO prices VALUES (1, 19.99, 'pen'), (2, 1234.50, 'desk'), (3, NULL, 'gift')
            """)
        return database
    }

    private let postgresSource = #"{"plugin": "postgres", "config": {"url": "${PG_URL}", "table": "prices"}}"#

    func testDryRunRefusesADecimalColumnOfAPostgresTableForASinkBuiltBeforeABI12() throws {
        let database = try pricesDatabase()
        let workspace = try pipeline(source: postgresSource)
        let environment = ["PG_URL": database.url()]

        let validate = try workspace.run(["validate"], environment: environment)
        XCTAssertEqual(validate.status, 0, validate.stderr)
        XCTAssertTrue(validate.stderr.contains(#"plugins.json:5: $.control_table[0].sink: note: column types checked when run opens the stream, not now: sink "old" (plugin "counting_sink", built for ABI 1.0) cannot receive decimal columns, and source "shop" (plugin postgres) reads a database server, which validate does not connect to; run --dry-run connects and checks them"#),
                      validate.stderr)

        let dryRun = try workspace.run(["run", "--dry-run"], environment: environment)
        XCTAssertEqual(dryRun.status, 78, dryRun.stderr)
        XCTAssertTrue(dryRun.stderr.contains("plugins.json:5: $.control_table[0].sink: " + refusal), dryRun.stderr)
        XCTAssertTrue(dryRun.stderr.contains("1 problem found; nothing was run"), dryRun.stderr)
        XCTAssertEqual(try workspace.stateQuery("SELECT count(*) FROM etl_runs"), "0\n", "the dry run ran nothing")

        // What the dry run refused is what the run refuses, with the same words and exit code.
        let run = try workspace.run(["run"], environment: environment)
        XCTAssertEqual(run.status, 78, run.stderr)
        XCTAssertTrue(run.stderr.contains(refusal), run.stderr)
        XCTAssertEqual(try workspace.stateQuery("SELECT status, rows_written FROM etl_runs"), "failed|0\n")
    }

    func testACastToDoubleLetsTheDryRunPassAndTheRunLoad() throws {
        let database = try pricesDatabase()
        let workspace = try pipeline(source: postgresSource, transforms: #"[{"cast": {"amount": "double"}}]"#)
        let environment = ["PG_URL": database.url()]

        let dryRun = try workspace.run(["run", "--dry-run"], environment: environment)
        XCTAssertEqual(dryRun.status, 0, dryRun.stderr)
        XCTAssertFalse(dryRun.stderr.contains("note:"), "the columns were checked, nothing is left for later: \(dryRun.stderr)")

        let run = try workspace.run(["run"], environment: environment)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("entry=prices status=ok read=3 written=3 "), run.stderr)
    }

    func testATransformThatKeepsTheDecimalIsRefusedAtItsSinkToo() throws {
        let database = try pricesDatabase()
        let workspace = try pipeline(source: postgresSource, transforms: #"[{"filter": "amount > 10"}]"#)
        let dryRun = try workspace.run(["run", "--dry-run"], environment: ["PG_URL": database.url()])
        XCTAssertEqual(dryRun.status, 78, dryRun.stderr)
        XCTAssertTrue(dryRun.stderr.contains("plugins.json:5: $.control_table[0].sink: " + refusal), dryRun.stderr)
    }

    func testPlainCSVAndSQLiteEntriesWithoutDecimalsPassForASinkBuiltBeforeABI12() throws {
        let workspace = RunWorkspace()
        try workspace.faultyPlugin("abi_1_0_sink", name: "abi10", nameMacro: "UNUSED_NAME")
        try workspace.folder.write("prices.csv", "id,amount,label\n1,19.99,pen\n2,1234.50,desk\n")
        _ = try ProcessRunner.run("/usr/bin/sqlite3", [workspace.folder.file("shop.db"), """
            CREATE TABLE prices (id INTEGER PRIMARY KEY, amount NUMERIC(10,2), label TEXT);
            INSERT INTO prices VALUES (1, 19.99, 'pen'), (2, 1234.50, 'desk');
            """])
        try workspace.folder.write("plugins.json", """
            {"manifest_version": 1, "plugin_dirs": ["plugins"], "state": {"path": "state/etl_state.db"},
             "sources": {"file": {"plugin": "csv", "config": {"path": "prices.csv"}},
                         "shop": {"plugin": "sqlite", "config": {"path": "shop.db", "table": "prices"}}},
             "sinks": {"old": {"plugin": "counting_sink", "config": {}}},
             "control_table": [
               {"id": "from_csv", "source": "file", "stream": "prices", "sink": "old", "target": "a", "mode": "full", "write": "append"},
               {"id": "from_sqlite", "source": "shop", "stream": "prices", "sink": "old", "target": "b", "mode": "full", "write": "append"}]}
            """)
        for command in [["validate"], ["run", "--dry-run"]] {
            let outcome = try workspace.run(command)
            XCTAssertEqual(outcome.status, 0, "\(command): \(outcome.stderr)")
            XCTAssertFalse(outcome.stderr.contains("note:"), "both sources tell their columns offline: \(outcome.stderr)")
        }
        let run = try workspace.run(["run"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("entry=from_csv status=ok read=2 written=2 "), run.stderr)
        XCTAssertTrue(run.stderr.contains("entry=from_sqlite status=ok read=2 written=2 "), run.stderr)
    }

    func testAnUnreachableServerGivesTheDryRunANoteAtOnce() throws {
        let workspace = try pipeline(source: postgresSource)
        let started = Date()
        let dryRun = try workspace.run(["run", "--dry-run"], environment: ["PG_URL": "postgresql://etl@127.0.0.1:1/shop"])
        XCTAssertEqual(dryRun.status, 0, dryRun.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(started), 4, "a refused connection is known at once")
        XCTAssertTrue(dryRun.stderr.contains(#"plugins.json:5: $.control_table[0].sink: note: column types checked when run opens the stream, not now: sink "old" (plugin "counting_sink", built for ABI 1.0) cannot receive decimal columns, and source "shop" cannot tell its columns yet (cannot connect to postgresql etl@127.0.0.1:1/shop: "#),
                      dryRun.stderr)
    }

    func testAServerThatNeverAnswersGivesTheDryRunANoteAfterFiveSeconds() throws {
        let listener = try SilentListener()
        let workspace = try pipeline(source: postgresSource, transforms: #"[{"filter": "amount > 10"}]"#)
        let started = Date()
        let dryRun = try workspace.run(["run", "--dry-run"], environment: ["PG_URL": "postgresql://etl@127.0.0.1:\(listener.port)/shop"])
        let seconds = Date().timeIntervalSince(started)
        XCTAssertEqual(dryRun.status, 0, dryRun.stderr)
        XCTAssertGreaterThanOrEqual(seconds, 5)
        XCTAssertLessThan(seconds, 9, "the dry run waits 5 s, not the connection's own 10 s")
        XCTAssertTrue(dryRun.stderr.contains(#"plugins.json:5: $.control_table[0].transforms: note: type-checked when run opens the stream, not now: source "shop" cannot tell its columns yet (its server did not answer within 5 s; the run waits longer)"#),
                      dryRun.stderr)
        XCTAssertTrue(dryRun.stdout.contains("prices"), dryRun.stdout)
    }
}

/// A TCP port on 127.0.0.1 whose connections the kernel completes but nobody ever answers: a
/// server that hangs after accepting (or a proxy in front of a dead one).
private final class SilentListener {
    let port: Int
    private let descriptor: Int32

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(descriptor, generic, length) == 0 && listen(descriptor, 16) == 0 && getsockname(descriptor, generic, &length) == 0
            }
        }
        guard descriptor >= 0, bound else {
            close(descriptor)
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(descriptor) }
}
