import Foundation
import TestSupport
import XCTest

/// The README's layered example (examples/run-layered.sh): two days of CRM extracts through
/// stage tables with transforms, an scd2 customer dimension and a revenue fact table built by an
/// SQL model; the output after each run is what the README shows.
final class LayeredExampleTests: XCTestCase {
    func testTwoDaysOfExtractsGiveTheTablesTheReadmeShows() throws {
        let folder = TemporaryDirectory("layered")
        let outcome = try ProcessRunner.run(
            "/bin/bash", [TestPaths.source("examples/run-layered.sh"), folder.path],
            environment: ProcessInfo.processInfo.environment.merging(["ETL_RUNTIME": TestPaths.runtimeExecutable]) { _, new in new })
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let expected = """
            == day1
            -- dim_customer (id, name, city, current)
            1|Ana Souza|São Paulo|1
            2|Bruno Lima|Recife|1
            3|Carla Dias|Belém|1
            -- fact_revenue (service, city, deals, revenue)
            Consultoria|Belém|1|2000.0
            Consultoria|São Paulo|1|1250.0
            Suporte|Recife|1|300.5
            Suporte|São Paulo|1|99.9
            == day2
            -- dim_customer (id, name, city, current)
            1|Ana Souza|São Paulo|0
            1|Ana Souza|Curitiba|1
            2|Bruno Lima|Recife|1
            3|Carla Dias|Belém|1
            4|Davi Rocha|Natal|1
            -- fact_revenue (service, city, deals, revenue)
            Consultoria|Belém|1|2000.0
            Consultoria|Curitiba|2|2000.0
            Suporte|Curitiba|1|99.9
            Suporte|Recife|1|300.5
            Treinamento|Natal|1|480.0
            warehouse: \(folder.path)/warehouse.db

            """
        XCTAssertEqual(outcome.stdout, expected)
        XCTAssertEqual(outcome.stderr, "", "--quiet runs print nothing when every entry succeeds")
    }
}
