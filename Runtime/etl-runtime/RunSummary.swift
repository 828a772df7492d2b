import ETLRuntimeCore
import Foundation

/// The one line per entry that ends every run: for people (text) or machines (JSON).
enum RunSummary {
    /// `redact` is a last guard: the runner already stores states without secrets and redacts
    /// its errors, but a result made up for a dead worker carries the control table's watermark.
    static func print(_ result: EntryRunResult, format: LogFormat, redact: (String) -> String) {
        var result = result
        result.watermark = result.watermark.map(redact)
        result.error = result.error.map(redact)
        let duration = String(format: "%.3f", result.durationSeconds)
        switch format {
        case .text:
            var line = "\(StderrLogHandler.timestamp()) summary entry=\(result.entryID) status=\(result.status.rawValue)"
                + " read=\(result.rowsRead) written=\(result.rowsWritten) rejected=\(result.rowsRejected)"
                + " duration=\(duration)s watermark=\(result.watermark ?? "none")"
            // Only an entry its `retry` tried again says which attempt ended it.
            if result.attempt > 1 { line += " attempt=\(result.attempt)" }
            if let error = result.error { line += " error=\(error)" }
            Console.error(line)
        case .json:
            var object: [String: Any] = [
                "time": StderrLogHandler.timestamp(), "event": "summary", "entry": result.entryID, "run_id": result.runID,
                "status": result.status.rawValue, "rows_read": result.rowsRead, "rows_written": result.rowsWritten,
                "rows_rejected": result.rowsRejected, "duration_seconds": (result.durationSeconds * 1000).rounded() / 1000,
                "watermark": result.watermark.map { $0 as Any } ?? NSNull(),
            ]
            if let error = result.error { object["error"] = error }
            if result.attempt > 1 { object["attempt"] = result.attempt }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            Console.error(String(decoding: data, as: UTF8.self))
        }
    }
}
