import Foundation

/// The result of an entry whose runner never gave one: its worker died or was killed, or (in
/// process) its thread did not stop in time and the run ended without it. Recorded in
/// etl_runs as the runner would have done, with what its committed batches wrote and the
/// watermark they reached.
package enum UnfinishedRun {
    /// Records the run's end; with `recordStart`, its start first (for an entry that never got
    /// as far as recording it).
    package static func record(
        _ entryID: String, runID: String, started: Date, rowsRead: Int, reason: String, status: EntryRunResult.Status,
        stateLocation: StateLocation, recordStart: Bool = false
    ) -> EntryRunResult {
        var result = EntryRunResult(entryID: entryID, runID: runID, status: status)
        result.rowsRead = rowsRead
        result.error = reason
        result.durationSeconds = Date().timeIntervalSince(started)
        if let state = try? StateDatabase(location: stateLocation, pagesChecked: true) {
            if recordStart, let before = try? state.watermark(entryID: entryID) {
                try? state.startRun(runID: runID, entryID: entryID, watermarkBefore: before.state)
            }
            if let committed = try? state.committedProgress(runID: runID, entryID: entryID) {
                result.rowsWritten = committed.rowsWritten
                result.rowsRead = max(rowsRead, committed.rowsWritten)
                result.watermark = committed.watermark
            }
            try? state.finishRun(result)
        }
        return result
    }
}
