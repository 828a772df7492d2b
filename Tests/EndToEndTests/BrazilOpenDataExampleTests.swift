import Foundation
import TestSupport
import XCTest

/// examples/brazil-open-data.json on its bundled file (Latin-1, `;`, decimal comma, accented
/// Portuguese headers, a title line): discover shows the inferred types, and a run renames the
/// columns, casts the IBGE code to text and the area to an exact decimal(10,2), derives the
/// density and loads them.
final class BrazilOpenDataExampleTests: XCTestCase {
    private func example() throws -> RunWorkspace {
        let workspace = RunWorkspace()
        try FileManager.default.createDirectory(atPath: workspace.folder.file("data"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: TestPaths.source("examples/brazil-open-data.json"), toPath: workspace.folder.file("plugins.json"))
        try FileManager.default.copyItem(
            atPath: TestPaths.source("examples/data/municipios_2022.csv"), toPath: workspace.folder.file("data/municipios_2022.csv"))
        return workspace
    }

    func testDiscoverPrintsTheTypesInferredFromTheLatin1File() throws {
        let discover = try example().run(["discover", "ibge"])
        XCTAssertEqual(discover.status, 0, discover.stderr)
        let columns = discover.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: " ").map(String.init) }
        XCTAssertEqual(columns, [
            ["código_ibge", "int64"], ["município", "utf8"], ["uf", "utf8"], ["data_referência", "date32"],
            ["população", "int64"], ["área_km²", "double"], ["capital", "bool"],
        ])
    }

    func testRunLoadsAccentsNumbersWithDecimalCommaAndMissingValuesAsNull() throws {
        let workspace = try example()
        let run = try workspace.run(["run"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let query = """
            SELECT ibge_code, municipality, state, population, area_km2, capital, density_per_km2, _loaded_at IS NOT NULL
            FROM municipios WHERE ibge_code IN ('1501402', '9999999') ORDER BY 1
            """
        let rows = try ProcessRunner.run("/usr/bin/sqlite3", [workspace.folder.file("brazil.db"), query]).stdout
        XCTAssertEqual(rows, "1501402|Belém|PA|1303389|1059.46|1|1230.2|1\n9999999|Município Sem Dados|XX|||0||1\n")
        let schema = try ProcessRunner.run("/usr/bin/sqlite3", [workspace.folder.file("brazil.db"), "SELECT name || ' ' || type FROM pragma_table_info('municipios')"]).stdout
        XCTAssertEqual(schema.split(separator: "\n").map(String.init), [
            "ibge_code TEXT", "municipality TEXT", "state TEXT", "reference_date TEXT", "population INTEGER",
            "area_km2 NUMERIC(10,2)", "capital INTEGER", "density_per_km2 REAL", "_loaded_at TEXT",
        ])
        XCTAssertEqual(try ProcessRunner.run("/usr/bin/sqlite3", [workspace.folder.file("brazil.db"), "SELECT count(*) FROM municipios"]).stdout, "21\n")
    }
}
