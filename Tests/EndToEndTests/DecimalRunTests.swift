import Foundation
import TestSupport
import XCTest

/// A CSV of Brazilian amounts (`1.234,56`) cast to decimal(12,2) through the real binary into
/// SQLite: the digits arrive exactly, sums in SQL are exact, and a value with more digits than
/// the type keeps is a reject with its raw text, never rounded.
final class DecimalRunTests: XCTestCase {
    private func pipeline(_ rows: String) throws -> RunWorkspace {
        let workspace = RunWorkspace()
        try workspace.folder.write("pagamentos.csv", "codigo;valor;quantidade\n" + rows)
        let text = ["codigo", "valor", "quantidade"].map { #"{"name": "\#($0)", "type": "text"}"# }.joined(separator: ", ")
        try workspace.manifest(
            sources: #"{"file": {"plugin": "csv", "config": {"path": "pagamentos.csv", "header": true, "delimiter": ";", "columns": [\#(text)]}}}"#,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
            entries: #"""
                [{"id": "payments", "source": "file", "stream": "pagamentos", "sink": "warehouse", "target": "payments",
                  "mode": "full", "max_rejects": 5, "transforms": [
                    {"rename": {"codigo": "id", "valor": "amount", "quantidade": "qty"}},
                    {"cast": {"id": "int64", "qty": "int64", "amount": {"type": "decimal(12,2)", "decimal": ",", "thousands": "."}}},
                    {"derive": {"total": "amount * qty", "large": "amount >= 1000"}}]}]
                """#)
        return workspace
    }

    func testBrazilianAmountsLoadAsExactDecimalsAndSumExactly() throws {
        let workspace = try pipeline("""
            1;1.234,56;1
            2;0,10;3
            3;0,20;3
            4;-5,05;2
            5;1.000.000,01;1
            6;1,005;1
            7;12.345.678.901,00;1

            """)
        XCTAssertEqual(try workspace.run(["validate"]).status, 0)
        let run = try workspace.run(["run"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try workspace.warehouseQuery("SELECT name, type FROM pragma_table_info('payments')"), """
            id|INTEGER
            amount|NUMERIC(12,2)
            qty|INTEGER
            total|NUMERIC(31,2)
            large|INTEGER

            """)
        XCTAssertEqual(try workspace.warehouseQuery("SELECT id, amount, typeof(amount), total, large FROM payments ORDER BY id"), """
            1|1234.56|real|1234.56|1
            2|0.1|real|0.3|0
            3|0.2|real|0.6|0
            4|-5.05|real|-10.1|0
            5|1000000.01|real|1000000.01|1

            """)
        XCTAssertEqual(try workspace.warehouseQuery("SELECT sum(amount), sum(total) FROM payments"), "1001229.82|1001225.37\n")
        XCTAssertEqual(try workspace.stateQuery("SELECT position, raw, reason FROM etl_rejects ORDER BY position"), #"""
            stream row 6|{"codigo":"6","valor":"1,005","quantidade":"1"}|$.control_table[0].transforms[1].cast.amount: cannot convert "1,005" to decimal(12,2): it has 3 digits after the point; decimal(12,2) keeps 2 (nothing is rounded: widen the scale, or round() a double first)
            stream row 7|{"codigo":"7","valor":"12.345.678.901,00","quantidade":"1"}|$.control_table[0].transforms[1].cast.amount: cannot convert "12.345.678.901,00" to decimal(12,2): it has 11 digits before the point; decimal(12,2) holds at most 10 (raise the precision, up to 38)

            """#)
    }
}
