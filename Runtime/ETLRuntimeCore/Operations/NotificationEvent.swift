import ETLJSON
import Foundation

/// One thing to tell people about: a failed run, a recovery, or a freshness breach, with
/// what a webhook's JSON body, a command's stdin and its environment carry.
package struct NotificationEvent: Sendable {
    package var event: NotifyEvent
    package var entryID: String
    /// `failed`, `ok` (a recovery), or the freshness level (`warn`, `error`).
    package var status: String
    /// The run the event comes from; nil for a freshness breach found by `check --freshness`.
    package var runID: String?
    /// The run's error, or the freshness check's message (secrets already redacted).
    package var error: String?
    /// Rows the run wrote (recovery).
    package var rowsLoaded: Int?
    package var reportURL: String?
    package var host: String = NotificationEvent.hostName
    package var time: String = Timestamp.now()

    package init(event: NotifyEvent, entryID: String, status: String, runID: String?, error: String? = nil,
                 rowsLoaded: Int? = nil, reportURL: String? = nil) {
        self.event = event
        self.entryID = entryID
        self.status = status
        self.runID = runID
        self.error = error
        self.rowsLoaded = rowsLoaded
        self.reportURL = reportURL
    }

    /// One line for chat: Slack and Teams show a webhook body's `text`.
    package var text: String {
        var line = "etl-runtime on \(host): "
        let run = runID.map { " (run \($0))" } ?? ""
        switch event {
        case .failure: line += "entry \(entryID) failed\(run): \(error ?? "no error message")"
        case .recovery: line += "entry \(entryID) recovered\(run): loaded \(rowsLoaded ?? 0) rows after failing"
        case .freshness: line += "entry \(entryID) is stale (\(status)): \(error ?? "")"
        }
        if let reportURL { line += " — report: \(reportURL)" }
        return line
    }

    /// The webhook body and the command's stdin: Slack/Teams-compatible `text`, then the fields.
    package var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("text", .string(text)), ("event", .string(event.rawValue)), ("entry", .string(entryID)),
            ("status", .string(status)), ("host", .string(host)), ("time", .string(time)),
        ]
        if let runID { members.append(("run_id", .string(runID))) }
        if let error { members.append(("error", .string(error))) }
        if let rowsLoaded { members.append(("rows_loaded", .number(JSONNumber(rowsLoaded)))) }
        if let reportURL { members.append(("report_url", .string(reportURL))) }
        return .object(JSONObject(members))
    }

    /// The variables a command gets besides the JSON on its stdin, for scripts that would
    /// rather not parse JSON (`mail -s "etl: $ETL_ENTRY $ETL_EVENT"`).
    package var environment: [String: String] {
        var variables = ["ETL_EVENT": event.rawValue, "ETL_ENTRY": entryID, "ETL_STATUS": status, "ETL_TEXT": text, "ETL_HOST": host]
        if let runID { variables["ETL_RUN_ID"] = runID }
        if let error { variables["ETL_ERROR"] = error }
        if let reportURL { variables["ETL_REPORT_URL"] = reportURL }
        return variables
    }

    static let hostName: String = ProcessInfo.processInfo.hostName

    /// The longest error an event carries: a chat message is read, not searched (the whole error
    /// is in `etl_runs` and `history`), and the event must fit a pipe's buffer for a command.
    static let maxErrorCharacters = 4_000

    /// Cap only text already redacted: a cut through a secret would leave its start unrecognised.
    static func capped(_ text: String) -> String {
        text.count <= maxErrorCharacters ? text : String(text.prefix(maxErrorCharacters)) + " [...]"
    }
}
