import Foundation
import TestSupport
import XCTest

/// `run --metrics-file`: every entry's last run, last success and freshness in the Prometheus
/// textfile-collector format, read back with the Prometheus project's own parser.
final class MetricsFileTests: XCTestCase {
    /// Samples of the file as `name{labels}` → value, parsed by prometheus_client.
    private func samples(_ path: String) throws -> [String: Double] {
        let printed = try ProjectPython.run(
            """
            import json, sys
            from prometheus_client.parser import text_string_to_metric_families
            out = {}
            for family in text_string_to_metric_families(open(sys.argv[1]).read()):
                assert family.type == "gauge", family
                assert family.documentation, family
                for s in family.samples:
                    out[s.name + json.dumps(s.labels, sort_keys=True)] = s.value
            print(json.dumps(out))
            """, [path])
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(printed.utf8)) as? [String: Double])
    }

    func testARunWritesEveryEntrysMetricsAtomically() throws {
        let workspace = RunWorkspace()
        try workspace.logFile("app.log", lines: 1...5)
        try FileManager.default.createDirectory(atPath: workspace.path + "/metrics", withIntermediateDirectories: true)
        try workspace.manifest(
            sources: #"{"app": {"plugin": "lines", "config": {"path": "app.log"}}, "gone": {"plugin": "lines", "config": {"path": "missing.log"}}}"#,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
            entries: """
                [{"id": "good", "source": "app", "stream": "lines", "sink": "warehouse", "target": "good", "mode": "full",
                  "freshness": {"warn_after": "PT1H", "newest_file": {"error_after": "P1D"}}},
                 {"id": "bad", "source": "gone", "stream": "lines", "sink": "warehouse", "target": "bad", "mode": "full"}]
                """)
        let before = Date().timeIntervalSince1970
        let outcome = try workspace.run(["run", "--metrics-file", "metrics/etl.prom"])
        XCTAssertEqual(outcome.status, 1, outcome.stderr)
        let values = try samples(workspace.path + "/metrics/etl.prom")
        XCTAssertEqual(values[#"etl_entry_last_run_success{"entry": "good"}"#], 1)
        XCTAssertEqual(values[#"etl_entry_last_run_success{"entry": "bad"}"#], 0)
        XCTAssertEqual(values[#"etl_entry_last_run_rows_loaded{"entry": "good"}"#], 5)
        XCTAssertEqual(values[#"etl_entry_last_run_rows_read{"entry": "good"}"#], 5)
        XCTAssertEqual(values[#"etl_entry_last_run_rows_rejected{"entry": "good"}"#], 0)
        XCTAssertEqual(values[#"etl_entry_last_run_rows_loaded{"entry": "bad"}"#], 0)
        let duration = try XCTUnwrap(values[#"etl_entry_last_run_duration_seconds{"entry": "good"}"#])
        XCTAssertTrue(duration >= 0 && duration < 60, "\(duration)")
        let success = try XCTUnwrap(values[#"etl_entry_last_success_timestamp_seconds{"entry": "good"}"#])
        XCTAssertEqual(success, Date().timeIntervalSince1970, accuracy: Date().timeIntervalSince1970 - before + 2)
        XCTAssertNil(values[#"etl_entry_last_success_timestamp_seconds{"entry": "bad"}"#], "never succeeded: no sample rather than 0")
        XCTAssertEqual(values[#"etl_entry_freshness_age_seconds{"check": "last_load", "entry": "good"}"#] ?? -1, 0, accuracy: 5)
        XCTAssertEqual(values[#"etl_entry_freshness_age_seconds{"check": "newest_file", "entry": "good"}"#] ?? -1, 0, accuracy: 5)
        XCTAssertEqual(values[#"etl_entry_freshness_level{"entry": "good"}"#], 0)
        XCTAssertNil(values[#"etl_entry_freshness_level{"entry": "bad"}"#], "no freshness set")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: workspace.path + "/metrics"), ["etl.prom"], "no temporary file left")

        // check --freshness writes the same file, the last-load age now grown.
        _ = try workspace.stateQuery("UPDATE etl_runs SET ended_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-7200 seconds') WHERE entry_id = 'good'")
        let check = try workspace.run(["check", "--freshness", "--metrics-file", "metrics/etl.prom"])
        XCTAssertEqual(check.status, 1, check.stdout + check.stderr)
        let later = try samples(workspace.path + "/metrics/etl.prom")
        XCTAssertEqual(later[#"etl_entry_freshness_age_seconds{"check": "last_load", "entry": "good"}"#] ?? -1, 7_200, accuracy: 5)
        XCTAssertEqual(later[#"etl_entry_freshness_level{"entry": "good"}"#], 1)
    }

    func testAMetricsFileThatCannotBeWrittenIsAWarningNotAFailure() throws {
        let workspace = RunWorkspace()
        try workspace.logFile("app.log", lines: 1...1)
        try workspace.manifest(
            sources: #"{"app": {"plugin": "lines", "config": {"path": "app.log"}}}"#,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
            entries: #"[{"id": "good", "source": "app", "stream": "lines", "sink": "warehouse", "target": "good", "mode": "full"}]"#)
        let outcome = try workspace.run(["run", "--metrics-file", "no-such-folder/etl.prom"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertTrue(outcome.stderr.contains("cannot write the metrics file no-such-folder/etl.prom: No such file or directory"), outcome.stderr)
    }
}
