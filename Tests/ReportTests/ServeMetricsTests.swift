import Foundation
import TestSupport
import XCTest

/// `serve`'s `/metrics`: what `--metrics-file` writes, read from the state at each request, in
/// the Prometheus text format (parsed back with the Prometheus project's own parser), behind
/// the token like every other page.
final class ServeMetricsTests: XCTestCase {
    /// Samples of `text` as `name{labels}` → value, parsed by prometheus_client.
    private func samples(_ text: String, in workspace: ReportWorkspace) throws -> [String: Double] {
        let path = try workspace.folder.write("scrape.prom", text)
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

    /// The newest run of `entry`, as `history --json` prints it.
    private func lastRun(_ workspace: ReportWorkspace, _ entry: String) throws -> [String: Any] {
        let history = try workspace.etlRuntime(["history", "--manifest", workspace.manifest, "--entry", entry, "--json", "--limit", "1"])
        return try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [[String: Any]])?.first, history.stderr)
    }

    private func epochSeconds(_ timestamp: Any?) throws -> Double {
        let text = try XCTUnwrap(timestamp as? String)
        let parser = ISO8601DateFormatter()
        parser.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return try XCTUnwrap(parser.date(from: text), text).timeIntervalSince1970
    }

    /// Every per-run gauge of `entry` matches its newest run in `history --json`.
    private func assertMatchesHistory(_ values: [String: Double], _ workspace: ReportWorkspace, _ entry: String,
                                      file: StaticString = #filePath, line: UInt = #line) throws {
        let run = try lastRun(workspace, entry)
        func value(_ name: String) -> Double? { values[name + #"{"entry": "\#(entry)"}"#] }
        XCTAssertEqual(value("etl_entry_last_run_success"), run["status"] as? String == "ok" ? 1 : 0, entry, file: file, line: line)
        XCTAssertEqual(value("etl_entry_last_run_rows_read"), (run["rows_read"] as? NSNumber)?.doubleValue, entry, file: file, line: line)
        XCTAssertEqual(value("etl_entry_last_run_rows_loaded"), (run["rows_written"] as? NSNumber)?.doubleValue, entry, file: file, line: line)
        XCTAssertEqual(value("etl_entry_last_run_rows_rejected"), (run["rows_rejected"] as? NSNumber)?.doubleValue, entry, file: file, line: line)
        let started = try epochSeconds(run["started_at"]), ended = try epochSeconds(run["ended_at"])
        XCTAssertEqual(value("etl_entry_last_run_timestamp_seconds") ?? 0, ended, accuracy: 0.002, entry, file: file, line: line)
        XCTAssertEqual(value("etl_entry_last_run_duration_seconds") ?? -1, ended - started, accuracy: 0.002, entry, file: file, line: line)
    }

    func testMetricsMatchTheHistoryAndFollowEachNewRun() throws {
        let workspace = try ReportWorkspace(freshness: ["people": #"{"warn_after": "PT1H"}"#])
        try workspace.run(times: 1)
        let server = try ServeProcess(workspace)
        defer { server.stop() }

        let first = try server.get("metrics")
        XCTAssertEqual(first.status, 200, first.body)
        XCTAssertTrue(first.headers.lowercased().contains("content-type: text/plain; version=0.0.4"), first.headers)
        let values = try samples(first.body, in: workspace)
        for entry in ["people", "totals", "broken"] { try assertMatchesHistory(values, workspace, entry) }
        XCTAssertEqual(values[#"etl_entry_last_run_rows_rejected{"entry": "people"}"#], 1, "the workspace rejects one record")
        XCTAssertEqual(values[#"etl_entry_last_run_success{"entry": "broken"}"#], 0)
        XCTAssertNil(values[#"etl_entry_last_success_timestamp_seconds{"entry": "broken"}"#], "never succeeded")
        XCTAssertEqual(values[#"etl_entry_freshness_level{"entry": "people"}"#], 0)
        XCTAssertNil(values[#"etl_entry_freshness_level{"entry": "totals"}"#], "no freshness set")

        // The same text a --metrics-file run writes for the same state (ages aside, which count on).
        XCTAssertEqual(try workspace.etlRuntime(["check", "--freshness", "--no-notify", "--metrics-file", "file.prom", "--manifest", workspace.manifest]).status, 0)
        let fromFile = try samples(try String(contentsOfFile: workspace.folder.file("file.prom"), encoding: .utf8), in: workspace)
        XCTAssertEqual(Set(fromFile.keys), Set(values.keys))
        for (key, value) in values where !key.hasPrefix("etl_entry_freshness_age_seconds") {
            XCTAssertEqual(fromFile[key], value, key)
        }

        // A run while the server is up: the next scrape sees it, with no restart.
        try workspace.run(times: 1)
        let second = try samples(try server.get("metrics").body, in: workspace)
        for entry in ["people", "totals", "broken"] { try assertMatchesHistory(second, workspace, entry) }
        XCTAssertGreaterThan(second[#"etl_entry_last_run_timestamp_seconds{"entry": "people"}"#] ?? 0,
                             values[#"etl_entry_last_run_timestamp_seconds{"entry": "people"}"#] ?? .infinity)
    }

    func testWithATokenMetricsNeedItToo() throws {
        let workspace = try ReportWorkspace()
        try workspace.run(times: 1)
        let secret = "metrics-token-value"
        let server = try ServeProcess(workspace, arguments: ["--token-env", "ETL_TEST_TOKEN"], environment: ["ETL_TEST_TOKEN": secret])
        defer { server.stop() }
        XCTAssertEqual(try server.get("metrics").status, 401)
        XCTAssertEqual(try server.get("metrics", headers: ["Authorization: Bearer wrong"]).status, 401)
        // Prometheus sends a bearer token with `authorization: {credentials: ...}` in its scrape config.
        let scrape = try server.get("metrics", headers: ["Authorization: Bearer \(secret)"])
        XCTAssertEqual(scrape.status, 200)
        XCTAssertEqual(try samples(scrape.body, in: workspace)[#"etl_entry_last_run_success{"entry": "people"}"#], 1)
    }

    func testWithoutTheWholeManifestMetricsSayWhy() throws {
        let workspace = try ReportWorkspace(warehouse: #"{"plugin": "sqlite", "config": {"path": "${ETL_TEST_UNSET_WAREHOUSE}/warehouse.db"}}"#)
        let server = try ServeProcess(workspace)
        defer { server.stop() }
        let scrape = try server.get("metrics")
        XCTAssertEqual(scrape.status, 503)
        XCTAssertTrue(scrape.headers.lowercased().contains("content-type: text/plain; charset=utf-8"), scrape.headers)
        XCTAssertTrue(scrape.body.hasPrefix("the manifest could not be loaded, so no metrics: "), scrape.body)
        XCTAssertTrue(scrape.body.contains("ETL_TEST_UNSET_WAREHOUSE"), scrape.body)
        XCTAssertEqual(try server.get("").status, 200, "the report still works from the state")
    }
}
