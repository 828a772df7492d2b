import ETLRuntimeCore
import Foundation
import TestSupport
import XCTest

/// The Prometheus text format `--metrics-file` writes: HELP and TYPE before each family, label
/// values escaped, numbers as the format reads them — checked by the Prometheus project's own
/// parser (prometheus_client, in the project's venv) and by the line grammar below.
final class PrometheusTextTests: XCTestCase {
    private let families = [
        PrometheusText.Family(name: "etl_entry_last_run_rows_loaded", help: "Rows written.\nSecond line with a \\ backslash.", samples: [
            .init(labels: [("entry", "census")], value: 32_561),
            .init(labels: [("entry", "quote\"back\\slash\nnewline")], value: 0.25),
        ]),
        PrometheusText.Family(name: "etl_empty", help: "Nothing under it.", samples: []),
        PrometheusText.Family(name: "etl_entry_last_success_timestamp_seconds", help: "When.", samples: [
            .init(labels: [("entry", "census")], value: 1_767_225_600.125),
            .init(labels: [], value: .infinity),
        ]),
    ]

    func testTheTextFollowsTheExpositionFormat() {
        XCTAssertEqual(PrometheusText.render(families), #"""
            # HELP etl_entry_last_run_rows_loaded Rows written.\nSecond line with a \\ backslash.
            # TYPE etl_entry_last_run_rows_loaded gauge
            etl_entry_last_run_rows_loaded{entry="census"} 32561
            etl_entry_last_run_rows_loaded{entry="quote\"back\\slash\nnewline"} 0.25
            # HELP etl_entry_last_success_timestamp_seconds When.
            # TYPE etl_entry_last_success_timestamp_seconds gauge
            etl_entry_last_success_timestamp_seconds{entry="census"} 1767225600.125
            etl_entry_last_success_timestamp_seconds +Inf

            """#)
    }

    func testThePrometheusParserReadsBackEveryValueAndLabel() throws {
        let folder = TemporaryDirectory("prometheus-text")
        let path = try folder.write("etl.prom", PrometheusText.render(families))
        let parsed = try ProjectPython.run(
            """
            import json, sys
            from prometheus_client.parser import text_string_to_metric_families
            out = []
            for family in text_string_to_metric_families(open(sys.argv[1]).read()):
                for sample in family.samples:
                    out.append([family.name, family.type, family.documentation, sample.name, sample.labels, repr(sample.value)])
            print(json.dumps(out))
            """, [path])
        let rows = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(parsed.utf8)) as? [[Any]])
        XCTAssertEqual(rows.count, 4)
        XCTAssertEqual(rows[0][1] as? String, "gauge")
        XCTAssertEqual(rows[0][2] as? String, "Rows written.\nSecond line with a \\ backslash.")
        XCTAssertEqual(rows[1][4] as? [String: String], ["entry": "quote\"back\\slash\nnewline"])
        XCTAssertEqual(rows[1][5] as? String, "0.25")
        XCTAssertEqual(rows[2][5] as? String, "1767225600.125")
        XCTAssertEqual(rows[3][5] as? String, "inf")
    }

    func testTheMetricsFileIsReplacedWholeAndLeavesNoTemporaryFile() throws {
        let folder = TemporaryDirectory("metrics-file")
        let path = folder.file("etl.prom")
        try MetricsFile.write("first 1\n", to: path)
        try MetricsFile.write("second 2\n", to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "second 2\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["etl.prom"])
    }

    func testAnUnwritableFolderIsAClearError() {
        XCTAssertThrowsError(try MetricsFile.write("x 1\n", to: "/nonexistent-folder/etl.prom")) { error in
            XCTAssertEqual("\(error)", "cannot write the metrics file /nonexistent-folder/etl.prom: No such file or directory; check that its folder exists and is writable")
        }
    }
}
