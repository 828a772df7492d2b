/// What one entry's run did: the summary line, the `etl_runs` row and the exit code
/// all come from this.
package struct EntryRunResult: Sendable, Equatable, Codable {
    package enum Status: String, Sendable, Codable {
        /// Every batch read was committed.
        case ok
        /// The entry stopped with an error; committed checkpoints stay committed.
        case failed
        /// Stopped at a batch boundary on SIGINT/SIGTERM; resumes next run.
        case cancelled
        /// Not run: an upstream it depends on (`depends_on`) failed, was skipped or cancelled in
        /// this run, so its input is not what this run meant it to be. The error says which.
        case skipped
        /// Not run here: the state is shared (PostgreSQL) and another host holds the entry's claim
        /// (it is running there), or ran it since this round began. Not recorded in etl_runs (the
        /// other host's run is the record) and not a failure: exit 0. The error says which.
        case elsewhere
    }

    package var entryID: String
    package var runID: String
    package var status: Status
    package var rowsRead: Int = 0
    package var rowsWritten: Int = 0
    package var rowsRejected: Int = 0
    /// The watermark (resume state) after the run.
    package var watermark: String?
    package var error: String?
    /// What the run read (`etl_runs.reads`, see `RunReads`): a SQL model's tables, or the entry's
    /// `source:stream` once the stream opened; nil when unknown (it ended before reading).
    package var reads: [String]?
    /// The entry failed because the manifest (a plugin's config) is wrong: exit 78, not 1.
    package var configurationInvalid: Bool = false
    package var durationSeconds: Double = 0
    /// The entry failed for a reason that may pass by itself (see `RetryableFailure`): its
    /// `retry` may try it again within the run.
    package var retryable: Bool = false
    /// Which attempt of the entry within this run this is (1 unless its `retry` tried again).
    package var attempt: Int = 1

    package init(entryID: String, runID: String, status: Status) {
        self.entryID = entryID
        self.runID = runID
        self.status = status
    }
}
