import Foundation
import TestSupport
import XCTest

/// `validate` and `run --dry-run` type-check an entry's transforms against its stream's columns
/// when the source can tell them without a network request — a local csv file's header (types
/// inferred from its first rows) or a local SQLite table — even when the config declares none;
/// when it cannot tell them yet, they pass with a note that the run checks the transforms.
final class ValidateDiscoveredColumnsTests: XCTestCase {
    private let commands = [["validate"], ["run", "--dry-run"]]

    /// sales.csv (header id,name,amount: int64, text, double when inferred) without declared
    /// columns, into SQLite, with `transforms`.
    private func csvPipeline(transforms: String, writeFile: Bool = true) throws -> RunWorkspace {
        let workspace = RunWorkspace()
        if writeFile { try workspace.textFile("sales.csv", "id,name,amount\n1,ana,10.5\n2,bo,3\n") }
        try workspace.manifest(
            sources: #"{"file": {"plugin": "csv", "config": {"path": "sales.csv", "stream": "sales"}}}"#,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
            entries: """
                [{"id": "sales", "source": "file", "stream": "sales", "sink": "warehouse", "target": "sales", "mode": "full",
                  "transforms": \(transforms)}]
                """)
        return workspace
    }

    func testAnUnknownColumnInACSVWithoutDeclaredColumnsFailsWithThePathAndPosition() throws {
        let workspace = try csvPipeline(transforms: #"[{"filter": "amount > 1 and nmae = 'ana'"}]"#)
        for command in commands {
            let outcome = try workspace.run(command)
            XCTAssertEqual(outcome.status, 78, "\(command): \(outcome.stderr)")
            XCTAssertTrue(outcome.stderr.contains(
                #"plugins.json:3: $.control_table[0].transforms[0].filter: at character 16: unknown column "nmae" (did you mean "name"?)"#),
                "\(command): \(outcome.stderr)")
        }
        XCTAssertEqual(try workspace.stateQuery("SELECT count(*) FROM etl_runs"), "0\n", "nothing ran")
    }

    func testATypeMismatchAgainstTheInferredTypesFails() throws {
        // amount is inferred as double and name as text: text + double is a mistake.
        let workspace = try csvPipeline(transforms: #"[{"derive": {"cents": "round(amount * 100)", "bad": "name + amount"}}]"#)
        for command in commands {
            let outcome = try workspace.run(command)
            XCTAssertEqual(outcome.status, 78, "\(command): \(outcome.stderr)")
            XCTAssertTrue(outcome.stderr.contains(#"$.control_table[0].transforms[0].derive.bad: at character 6: "+" needs numbers, got text + double"#),
                          "\(command): \(outcome.stderr)")
        }
    }

    func testTransformsThatFitTheDiscoveredColumnsPassWithoutANote() throws {
        let workspace = try csvPipeline(transforms: #"[{"derive": {"cents": "round(amount * 100)"}}, {"filter": "id > 1"}]"#)
        for command in commands {
            let outcome = try workspace.run(command)
            XCTAssertEqual(outcome.status, 0, "\(command): \(outcome.stderr)")
            XCTAssertFalse(outcome.stderr.contains("note:"), "\(command): \(outcome.stderr)")
        }
    }

    func testAMissingFilePassesWithANoteThatTheRunChecksTheTransforms() throws {
        let workspace = try csvPipeline(transforms: #"[{"filter": "nmae = 'ana'"}]"#, writeFile: false)
        for command in commands {
            let outcome = try workspace.run(command)
            XCTAssertEqual(outcome.status, 0, "\(command): \(outcome.stderr)")
            XCTAssertTrue(outcome.stderr.contains(
                #"plugins.json:3: $.control_table[0].transforms: note: type-checked when run opens the stream, not now: "#
                    + #"source "file" cannot tell its columns yet (the csv source cannot tell the columns of stream 'sales': no file matches"#),
                "\(command): \(outcome.stderr)")
        }
        // The run, once the file is there, finds the mistake before writing anything.
        try workspace.textFile("sales.csv", "id,name,amount\n1,ana,10.5\n")
        let run = try workspace.run(["run"])
        XCTAssertEqual(run.status, 78, run.stderr)
        XCTAssertTrue(run.stderr.contains(#"transforms[0].filter: at character 1: unknown column"#), run.stderr)
    }

    func testARemoteCSVWithAHeaderIsNotFetchedAndTheNoteSaysWhy() throws {
        let workspace = RunWorkspace()
        try workspace.manifest(
            sources: #"{"file": {"plugin": "csv", "config": {"path": "http://127.0.0.1:9/sales.csv", "stream": "sales"}}}"#,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
            entries: #"[{"id": "sales", "source": "file", "stream": "sales", "sink": "warehouse", "target": "sales", "mode": "full", "transforms": [{"filter": "nmae = 'ana'"}]}]"#)
        let outcome = try workspace.run(["validate"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains(
            #"note: type-checked when run opens the stream, not now: source "file" reads a remote file, whose header validate does not fetch"#),
            outcome.stderr)
    }

    /// A SQLite database with `events (id INTEGER, kind TEXT, amount REAL)` read by the sqlite source.
    private func sqlitePipeline(transforms: String) throws -> RunWorkspace {
        let workspace = RunWorkspace()
        _ = try ProcessRunner.run("/usr/bin/sqlite3", [workspace.folder.file("source.db"),
            "CREATE TABLE events (id INTEGER, kind TEXT, amount REAL); INSERT INTO events VALUES (1, 'a', 2.5);"])
        try workspace.manifest(
            sources: #"{"db": {"plugin": "sqlite", "config": {"path": "source.db", "table": "events"}}}"#,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
            entries: """
                [{"id": "events", "source": "db", "stream": "events", "sink": "warehouse", "target": "events", "mode": "full",
                  "transforms": \(transforms)}]
                """)
        return workspace
    }

    func testAnUnknownColumnOfASQLiteSourceTableFailsWithThePathAndPosition() throws {
        let workspace = try sqlitePipeline(transforms: #"[{"rename": {"kind": "type"}}, {"derive": {"k": "upper(kind)"}}]"#)
        for command in commands {
            let outcome = try workspace.run(command)
            XCTAssertEqual(outcome.status, 78, "\(command): \(outcome.stderr)")
            XCTAssertTrue(outcome.stderr.contains(#"$.control_table[0].transforms[1].derive.k: at character 7: unknown column "kind""#),
                          "\(command): \(outcome.stderr)")
        }
    }

    func testATypeMismatchOnASQLiteSourceTableFails() throws {
        let workspace = try sqlitePipeline(transforms: #"[{"filter": "kind > 1"}]"#)
        let outcome = try workspace.run(["validate"])
        XCTAssertEqual(outcome.status, 78, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("$.control_table[0].transforms[0].filter: at character "), outcome.stderr)
    }

    func testAnHTTPSourceWithoutDeclaredColumnsIsNotAskedAndTheNoteSaysWhy() throws {
        // Port 9 (discard) on loopback: a request would fail, and the note would say so instead.
        let workspace = RunWorkspace()
        try workspace.manifest(
            sources: #"{"api": {"plugin": "http", "config": {"base_url": "http://127.0.0.1:9", "streams": {"items": {"path": "/items"}}}}}"#,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
            entries: """
                [{"id": "items", "source": "api", "stream": "items", "sink": "warehouse", "target": "items", "mode": "full",
                  "transforms": [{"filter": "price > 1"}]}]
                """)
        for command in commands {
            let outcome = try workspace.run(command)
            XCTAssertEqual(outcome.status, 0, "\(command): \(outcome.stderr)")
            XCTAssertTrue(outcome.stderr.contains(
                #"$.control_table[0].transforms: note: type-checked when run opens the stream, not now: source "api" (plugin http) "#
                    + #"learns a stream's columns from the API's first page, and validate sends no requests"#), "\(command): \(outcome.stderr)")
        }
    }
}
