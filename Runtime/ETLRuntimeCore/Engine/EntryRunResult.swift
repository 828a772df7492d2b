/// What one entry's run did: the summary line, the `etl_runs` row and the exit code
/// all come from this.
public struct EntryRunResult: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable {
        /// Every batch read was committed.
        case ok
        /// The entry stopped with an error; committed checkpoints stay committed.
        case failed
        /// Stopped at a batch boundary on SIGINT/SIGTERM; resumes next run.
        case cancelled
    }

    public var entryID: String
    public var runID: String
    public var status: Status
    public var rowsRead: Int = 0
    public var rowsWritten: Int = 0
    public var rowsRejected: Int = 0
    /// The watermark (resume state) after the run.
    public var watermark: String?
    public var error: String?
    public var durationSeconds: Double = 0
    /// The entry failed because its manifest or plugin configuration is invalid (exit 78).
    public var configurationInvalid: Bool = false

    public init(entryID: String, runID: String, status: Status) {
        self.entryID = entryID
        self.runID = runID
        self.status = status
    }
}
