/// What an incremental read will do, decided before it reads a record.
struct IncrementalPlan: Sendable {
    /// Every file the configured path matches now, in path order.
    let paths: [String]
    /// The files with bytes to read, in reading order.
    let files: [PlannedFile]
    /// The state the read starts from: an element, under its current path, for each matched
    /// file that continues a saved state. Saved states no matched file continues (files
    /// deleted or rotated out of the glob) are left behind.
    let state: CSVResumeState
    /// Files read again from their first line, and why: for the host's log.
    let warnings: [String]
}
