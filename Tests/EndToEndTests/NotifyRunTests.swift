import Foundation
import TestSupport
import XCTest

/// `notify`: a failed run, the first success after it and a freshness breach reach a webhook
/// (the loopback mock API's `/hooks/...`), a command (stdin to a file) and a healthcheck ping
/// URL; the URLs never reach the logs, and a notification that fails never fails the run.
final class NotifyRunTests: XCTestCase {
    /// Entry "app" loads app.log (absent until written); its events go to a webhook (from
    /// `WEBHOOK_URL`), a command writing each event to `events/<event>.json`, and a ping URL.
    private func pipeline(_ workspace: RunWorkspace, server: MockAPIServer, entryNotify: String? = nil) throws {
        try FileManager.default.createDirectory(atPath: workspace.path + "/events", withIntermediateDirectories: true)
        let notify = entryNotify ?? """
            {"ping": "\(server.baseURL)/hooks/hc/uuid-1", "command": ["/bin/sh", "-c", "cat > events/$ETL_EVENT.json"]}
            """
        try workspace.folder.write(
            "plugins.json",
            """
            {"manifest_version": 1, "state": {"path": "state/etl_state.db"},
             "notify": {"webhook_env": "WEBHOOK_URL", "report_url": "https://etl.example/report.html"},
             "sources": {"app": {"plugin": "lines", "config": {"path": "app.log"}}},
             "sinks": {"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}},
             "control_table": [{"id": "app", "source": "app", "stream": "lines", "sink": "warehouse", "target": "app", "mode": "full",
               "notify": \(notify)}]}
            """)
    }

    private func event(_ workspace: RunWorkspace, _ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: workspace.path + "/events/\(name).json"))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func testAFailureAndTheRecoveryAfterItReachTheWebhookTheCommandAndThePing() throws {
        let server = try MockAPIServer()
        let workspace = RunWorkspace()
        try pipeline(workspace, server: server)
        let environment = ["WEBHOOK_URL": server.baseURL + "/hooks/slack/T000-secret-path"]

        let failed = try workspace.run(["run"], environment: environment)
        XCTAssertEqual(failed.status, 1, failed.stderr)
        var writes = try server.writes()
        XCTAssertEqual(writes.map { $0["path"] as? String }, ["/hooks/hc/uuid-1/start", "/hooks/hc/uuid-1/fail", "/hooks/slack/T000-secret-path"])
        let runID = try workspace.stateQuery("SELECT run_id FROM etl_runs").trimmingCharacters(in: .whitespacesAndNewlines)
        let posted = try XCTUnwrap(writes[2]["body"] as? [String: Any])
        XCTAssertEqual(posted["event"] as? String, "failure")
        XCTAssertEqual(posted["entry"] as? String, "app")
        XCTAssertEqual(posted["status"] as? String, "failed")
        XCTAssertEqual(posted["run_id"] as? String, runID)
        XCTAssertEqual(posted["report_url"] as? String, "https://etl.example/report.html")
        XCTAssertTrue((posted["error"] as? String)?.contains("app.log") == true, "\(posted)")
        let text = try XCTUnwrap(posted["text"] as? String)
        XCTAssertTrue(text.contains("entry app failed (run \(runID)): ") && text.hasSuffix(" — report: https://etl.example/report.html"), text)
        XCTAssertTrue((writes[1]["body"] as? String)?.hasPrefix("entry app failed (run \(runID)): ") == true, "the ping's body is its log line: \(writes[1])")
        let commandEvent = try event(workspace, "failure")
        XCTAssertEqual(commandEvent["run_id"] as? String, runID)
        XCTAssertEqual(commandEvent["text"] as? String, text)

        try server.reset()
        try workspace.logFile("app.log", lines: 1...3)
        let recovered = try workspace.run(["run"], environment: environment)
        XCTAssertEqual(recovered.status, 0, recovered.stderr)
        writes = try server.writes()
        XCTAssertEqual(writes.map { $0["path"] as? String }, ["/hooks/hc/uuid-1/start", "/hooks/hc/uuid-1", "/hooks/slack/T000-secret-path"])
        let recovery = try XCTUnwrap(writes[2]["body"] as? [String: Any])
        XCTAssertEqual(recovery["event"] as? String, "recovery")
        XCTAssertEqual(recovery["rows_loaded"] as? Int, 3)
        XCTAssertEqual(try event(workspace, "recovery")["status"] as? String, "ok")

        // A second success is not a recovery: only the pings.
        try server.reset()
        XCTAssertEqual(try workspace.run(["run"], environment: environment).status, 0)
        XCTAssertEqual(try server.writes().map { $0["path"] as? String }, ["/hooks/hc/uuid-1/start", "/hooks/hc/uuid-1"])

        for outcome in [failed, recovered] {
            XCTAssertFalse(outcome.stderr.contains("secret-path") || outcome.stderr.contains("uuid-1"), outcome.stderr)
        }
    }

    func testAWebhookThatFailsIsAWarningWithoutItsURLAndTheRunEndsAsItWould() throws {
        let server = try MockAPIServer()
        let workspace = RunWorkspace()
        try pipeline(workspace, server: server, entryNotify: #"{"on": ["failure"]}"#)
        let outcome = try workspace.run(["run"], environment: ["WEBHOOK_URL": server.baseURL + "/status/503/task?token=hook-secret-value"])
        XCTAssertEqual(outcome.status, 1, "the entry's failure, as without notify: \(outcome.stderr)")
        XCTAssertTrue(outcome.stderr.contains("notify: the failure webhook of entry app was not delivered: the server answered HTTP 503"), outcome.stderr)
        XCTAssertFalse(outcome.stderr.contains("hook-secret-value") || outcome.stderr.contains("/status/503"), outcome.stderr)
        XCTAssertEqual(try server.requests().count, 2, "a 5xx is tried once more")

        let unset = try workspace.run(["run"])
        XCTAssertEqual(unset.status, 1, "a webhook variable that is not set changes nothing of the run: \(unset.stderr)")
        XCTAssertTrue(unset.stderr.contains("webhook_env names WEBHOOK_URL, which is not set"), unset.stderr)
    }

    func testAStaleInputIsNotifiedOncePerBreachByRunsAndByCheckFreshness() throws {
        let workspace = RunWorkspace()
        try FileManager.default.createDirectory(atPath: workspace.path + "/events", withIntermediateDirectories: true)
        let log = try workspace.logFile("app.log", lines: 1...2)
        let time = Date().timeIntervalSince1970 - 3 * 86_400
        var times = [timespec(tv_sec: Int(time), tv_nsec: 0), timespec(tv_sec: Int(time), tv_nsec: 0)]
        XCTAssertEqual(utimensat(AT_FDCWD, log, &times, 0), 0)
        try workspace.manifest(
            sources: #"{"app": {"plugin": "lines", "config": {"path": "app.log"}}}"#,
            sinks: #"{"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}}"#,
            entries: """
                [{"id": "app", "source": "app", "stream": "lines", "sink": "warehouse", "target": "app", "mode": "full",
                  "freshness": {"error_after": "P1D", "newest_file": {"warn_after": "P1D"}},
                  "notify": {"on": ["freshness"], "command": ["/bin/sh", "-c", "cat > events/$ETL_EVENT-$ETL_STATUS.json"]}}]
                """)
        let run = try workspace.run(["run"])
        XCTAssertEqual(run.status, 0, "a stale input does not fail the run: \(run.stderr)")
        let event = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: workspace.path + "/events/freshness-warn.json"))) as? [String: Any])
        XCTAssertEqual(event["entry"] as? String, "app")
        XCTAssertEqual(event["error"] as? String, "newest file 3d0h old: \(log) (warn after P1D)")
        try FileManager.default.removeItem(atPath: workspace.path + "/events/freshness-warn.json")

        // Once per breach: the same level is not sent again, by a run or by check.
        XCTAssertEqual(try workspace.run(["check", "--freshness"]).status, 1)
        XCTAssertEqual(try workspace.run(["run"]).status, 0)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: workspace.path + "/events"), [])

        // A worse level is: the last successful run two days old is an error.
        _ = try workspace.stateQuery("UPDATE etl_runs SET ended_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-2 days')")
        XCTAssertEqual(try workspace.run(["check", "--freshness", "--no-notify"]).status, 2)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: workspace.path + "/events"), [], "--no-notify sends nothing")
        XCTAssertEqual(try workspace.run(["check", "--freshness"]).status, 2)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: workspace.path + "/events"), ["freshness-error.json"])
        XCTAssertEqual(try workspace.stateQuery("SELECT value FROM etl_meta WHERE key = 'freshness_notified.app'"), "error\n")

        // Fresh again, then stale again: a new breach, sent again.
        try FileManager.default.removeItem(atPath: workspace.path + "/events/freshness-error.json")
        try workspace.logFile("app.log", lines: 1...3)
        XCTAssertEqual(try workspace.run(["run"]).status, 0)
        XCTAssertEqual(try workspace.stateQuery("SELECT value FROM etl_meta WHERE key = 'freshness_notified.app'"), "ok\n")
        XCTAssertEqual(utimensat(AT_FDCWD, log, &times, 0), 0)
        XCTAssertEqual(try workspace.run(["check", "--freshness"]).status, 1)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: workspace.path + "/events"), ["freshness-warn.json"])
    }

    func testACommandByPathRunsFromTheManifestsFolderAndItsEventHidesSubstitutedValues() throws {
        let workspace = RunWorkspace()
        try FileManager.default.createDirectory(atPath: workspace.path + "/events", withIntermediateDirectories: true)
        let script = try workspace.folder.write("hooks/notify.sh", "#!/bin/sh\ncat > \"events/$ETL_EVENT.json\"\nprintf '%s' \"$ETL_ERROR\" > events/error.txt\n")
        XCTAssertEqual(chmod(script, 0o755), 0)
        try workspace.folder.write(
            "plugins.json",
            """
            {"manifest_version": 1, "state": {"path": "state/etl_state.db"},
             "sources": {"app": {"plugin": "lines", "config": {"path": "${LOG_DIR}/app.log"}}},
             "sinks": {"warehouse": {"plugin": "sqlite", "config": {"path": "warehouse.db"}}},
             "control_table": [{"id": "app", "source": "app", "stream": "lines", "sink": "warehouse", "target": "app", "mode": "full",
               "notify": {"command": ["hooks/notify.sh"]}}]}
            """)
        let outcome = try ProcessRunner.etlRuntime(
            ["run", "--manifest", workspace.path + "/plugins.json"], environment: ["LOG_DIR": "/nonexistent/private-folder"], currentDirectory: "/")
        XCTAssertEqual(outcome.status, 1, outcome.stderr)
        let posted = try event(workspace, "failure")
        let error = try XCTUnwrap(posted["error"] as? String)
        XCTAssertTrue(error.contains("<value of ${LOG_DIR}>/app.log"), error)
        XCTAssertFalse(posted.description.contains("private-folder"), "\(posted)")
        XCTAssertEqual(try String(contentsOfFile: workspace.path + "/events/error.txt", encoding: .utf8), error)
    }
}
