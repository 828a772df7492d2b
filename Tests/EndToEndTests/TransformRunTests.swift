import Foundation
import TestSupport
import XCTest

/// Transforms through the real binary: a CSV of Brazilian-style values (decimal commas, day-first
/// dates, Portuguese headers and status codes) renamed, cast, translated, derived and filtered into
/// SQLite; a value that does not convert goes to etl_rejects, and a mistake stops the run before writing.
final class TransformRunTests: XCTestCase {
    private func pipeline(mode: String = "full", maxRejects: Int, transforms: String) throws -> RunWorkspace {
        let workspace = RunWorkspace()
        try workspace.folder.write("vendas.csv", """
            codigo,nome,valor,data,situacao
            1,Ana,"1.234,56",15/03/2024 13:45,A
            2,Bia,abc,16/03/2024 08:00,C
            3,Caio,"10,00",17/03/2024 09:30,X
            4,Davi,"3,50",18/03/2024 10:00,A

            """)
        let text = ["codigo", "nome", "valor", "data", "situacao"].map { #"{"name": "\#($0)", "type": "text"}"# }.joined(separator: ", ")
        let incremental = mode == "incremental" ? #", "write": "append", "cursor_field": "$offset""# : ""
        try workspace.manifest(
            sources: #"{"file": {"plugin": "csv", "config": {"path": "vendas.csv", "header": true, "columns": [\#(text)]}}}"#,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
            entries: """
                [{"id": "sales", "source": "file", "stream": "vendas", "sink": "warehouse", "target": "sales",
                  "mode": "\(mode)"\(incremental), "max_rejects": \(maxRejects), "transforms": \(transforms)}]
                """)
        return workspace
    }

    private let typicalTransforms = #"""
        [{"rename": {"codigo": "id", "nome": "name", "valor": "amount", "data": "sold_at", "situacao": "status"}},
         {"cast": {"id": "int64", "amount": {"type": "double", "decimal": ",", "thousands": "."},
                   "sold_at": {"type": "timestamp", "format": "%d/%m/%Y %H:%M"}}},
         {"map": {"status": {"values": {"A": "active", "C": "closed"}, "default": "unknown"}}},
         {"derive": {"cents": "round(amount * 100)", "label": "upper(name) || ' ' || status"}},
         {"filter": "amount >= 5"},
         {"metadata": {"run_id": "_run_id"}}]
        """#

    func testARunAppliesTheTransformsAndRejectsTheValueThatDoesNotConvert() throws {
        let workspace = try pipeline(maxRejects: 1, transforms: typicalTransforms)
        let run = try workspace.run(["run"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try workspace.warehouseQuery("SELECT id, name, amount, sold_at, status, cents, label FROM sales ORDER BY id"), """
            1|Ana|1234.56|2024-03-15 13:45:00.000000|active|123456.0|ANA active
            3|Caio|10.0|2024-03-17 09:30:00.000000|unknown|1000.0|CAIO unknown

            """)
        XCTAssertEqual(try workspace.warehouseQuery("SELECT typeof(id), typeof(amount) FROM sales LIMIT 1"), "integer|real\n")
        let runID = try workspace.stateQuery("SELECT run_id FROM etl_runs")
        XCTAssertEqual(try workspace.warehouseQuery("SELECT DISTINCT _run_id FROM sales"), runID)
        XCTAssertEqual(try workspace.stateQuery("SELECT rows_read, rows_written, rows_rejected FROM etl_runs"), "4|2|1\n")
        XCTAssertEqual(try workspace.stateQuery("SELECT position, reason FROM etl_rejects"), """
            stream row 2|$.control_table[0].transforms[1].cast.amount: cannot convert "abc" to double: it is not a number

            """)
    }

    func testRejectedValuesCountAgainstMaxRejects() throws {
        let workspace = try pipeline(maxRejects: 0, transforms: typicalTransforms)
        let run = try workspace.run(["run"])
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertTrue(run.stderr.contains("1 rows rejected, more than max_rejects (0)"), run.stderr)
        XCTAssertEqual(try workspace.stateQuery("SELECT count(*) FROM etl_rejects"), "1\n")
        XCTAssertEqual(try workspace.warehouseQuery("SELECT count(*) FROM sqlite_master WHERE name = 'sales'"), "0\n")
    }

    func testAnIncrementalEntryTransformsEveryBatch() throws {
        let workspace = try pipeline(mode: "incremental", maxRejects: 1, transforms: typicalTransforms)
        XCTAssertEqual(try workspace.run(["run"]).status, 0)
        try workspace.textFile("vendas.csv", "5,Eva,\"99,90\",19/03/2024 11:00,C\n", append: true)
        let second = try workspace.run(["run"])
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertEqual(try workspace.warehouseQuery("SELECT id, status, cents FROM sales ORDER BY id"), "1|active|123456.0\n3|unknown|1000.0\n5|closed|9990.0\n")
    }

    func testAMistakeAgainstTheStreamsColumnsStopsTheEntryBeforeWritingWithExit78() throws {
        let workspace = try pipeline(maxRejects: 0, transforms: #"[{"derive": {"total": "valr * 2"}}]"#)
        let run = try workspace.run(["run"])
        XCTAssertEqual(run.status, 78, run.stderr)
        XCTAssertTrue(run.stderr.contains(#"$.control_table[0].transforms[0].derive.total: at character 1: unknown column \"valr\" (did you mean \"valor\"?)"#)
                        || run.stderr.contains(#"$.control_table[0].transforms[0].derive.total: at character 1: unknown column "valr" (did you mean "valor"?)"#), run.stderr)
        XCTAssertEqual(try workspace.warehouseQuery("SELECT count(*) FROM sqlite_master WHERE name = 'sales'"), "0\n")
    }

    func testValidateRefusesAnExpressionThatDoesNotParse() throws {
        let workspace = try pipeline(maxRejects: 0, transforms: #"[{"filter": "valor >"}]"#)
        let validate = try workspace.run(["validate"])
        XCTAssertEqual(validate.status, 78, validate.stderr)
        XCTAssertTrue(validate.stderr.contains(#"$.control_table[0].transforms[0].filter: at character 8: expected a column"#), validate.stderr)
    }

    func testValidateAndDryRunTypeCheckAgainstTheDeclaredColumns() throws {
        let workspace = try pipeline(maxRejects: 0, transforms: #"[{"cast": {"valor": "double"}}, {"derive": {"twice": "valor * 2", "bad": "nome + 1"}}]"#)
        for command in [["validate"], ["run", "--dry-run"]] {
            let outcome = try workspace.run(command)
            XCTAssertEqual(outcome.status, 78, outcome.stderr)
            XCTAssertTrue(outcome.stderr.contains(#"$.control_table[0].transforms[1].derive.bad: at character 6: "+" needs numbers, got text + int64"#), "\(command): \(outcome.stderr)")
        }
        XCTAssertEqual(try workspace.stateQuery("SELECT count(*) FROM etl_runs"), "0\n", "nothing ran")
    }
}
