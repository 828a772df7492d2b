import Foundation

/// An entry the run did not start because an upstream it depends on did not succeed: recorded
/// in etl_runs (status `skipped`, the reason as its error) and as the control table's last
/// status, so `status` and `history` show it like any run. The watermark stays where it was.
package enum SkippedRun {
    /// Records the skip in the state database at `stateLocation` and returns the result to report.
    /// A state database that cannot be written leaves the result unrecorded, as for
    /// `UnfinishedRun`: the summary line and the exit code still say it.
    package static func record(_ entryID: String, runID: String, reason: String, stateLocation: StateLocation) -> EntryRunResult {
        var result = EntryRunResult(entryID: entryID, runID: runID, status: .skipped)
        result.error = reason
        if let state = try? StateDatabase(location: stateLocation, pagesChecked: true) {
            let before = try? state.watermark(entryID: entryID).state
            result.watermark = before
            try? state.startRun(runID: runID, entryID: entryID, watermarkBefore: before)
            try? state.finishRun(result)
        }
        return result
    }

    /// The reason recorded for an entry whose upstream `upstream` ended with `status`.
    package static func reason(upstream: String, status: EntryRunResult.Status) -> String {
        let what: String
        switch status {
        case .ok: what = "succeeded"
        case .failed: what = "failed"
        case .cancelled: what = "was cancelled"
        case .skipped: what = "was skipped"
        case .elsewhere: what = "ran on another host"
        }
        return "upstream \(upstream) \(what) in this run; this entry was not run, so its target keeps what it held "
            + "before. Fix \(upstream), then run again (run --entry \(upstream) --with-downstream reruns both)"
    }
}
