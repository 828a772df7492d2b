import Foundation
import TestSupport
import XCTest

/// examples/brazil-open-data.json on its bundled file (Latin-1, `;`, decimal comma, accented
/// Portuguese headers, a title line): discover shows the inferred types and a run loads them.
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
            SELECT "município", "população", "área_km²", capital FROM raw_municipios WHERE "código_ibge" IN (1501402, 9999999) ORDER BY 1
            """
        let rows = try ProcessRunner.run("/usr/bin/sqlite3", [workspace.folder.file("brazil.db"), query]).stdout
        XCTAssertEqual(rows, "Belém|1303389|1059.46|1\nMunicípio Sem Dados|||0\n")
        XCTAssertEqual(try ProcessRunner.run("/usr/bin/sqlite3", [workspace.folder.file("brazil.db"), "SELECT count(*) FROM raw_municipios"]).stdout, "21\n")
    }
}
