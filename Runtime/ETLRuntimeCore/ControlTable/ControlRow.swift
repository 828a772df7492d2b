/// One row of `etl_control`, as `status` shows it.
package struct ControlRow: Sendable, Equatable, Codable {
    package var id: String
    package var source: String
    package var stream: String
    package var sink: String
    package var target: String
    package var active: Bool
    package var mode: String
    package var writeMode: String
    package var cursorField: String?
    /// The current watermark: the resume state JSON the sink committed last.
    package var watermark: String?
    package var lastRunID: String?
    package var lastStatus: String?
    package var lastRunAt: String?
    package var lastError: String?
    package var rowsLoaded: Int
    package var inManifest: Bool
}

/// One row of `etl_runs`, as `history` shows it.
package struct RunRecord: Sendable, Equatable, Codable {
    package var runID: String
    package var entryID: String
    package var startedAt: String
    package var endedAt: String?
    package var status: String
    package var rowsRead: Int
    package var rowsWritten: Int
    package var rowsRejected: Int
    package var watermark: String?
    package var error: String?
    package var pid: Int
    /// What the run read (`etl_runs.reads`, see `RunReads`); nil when unknown.
    package var reads: [String]? = nil
    /// The host that ran it, in a shared (PostgreSQL) state; nil in a SQLite state, which one host owns.
    package var host: String? = nil
}
