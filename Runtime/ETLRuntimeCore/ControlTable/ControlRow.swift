/// One row of `etl_control`, as `status` shows it.
public struct ControlRow: Sendable, Equatable, Codable {
    public var id: String
    public var source: String
    public var stream: String
    public var sink: String
    public var target: String
    public var active: Bool
    public var mode: String
    public var writeMode: String
    public var cursorField: String?
    /// The current watermark: the resume state JSON the sink committed last.
    public var watermark: String?
    public var lastRunID: String?
    public var lastStatus: String?
    public var lastRunAt: String?
    public var lastError: String?
    public var rowsLoaded: Int
    public var inManifest: Bool
}

/// One row of `etl_runs`, as `history` shows it.
public struct RunRecord: Sendable, Equatable, Codable {
    public var runID: String
    public var entryID: String
    public var startedAt: String
    public var endedAt: String?
    public var status: String
    public var rowsRead: Int
    public var rowsWritten: Int
    public var rowsRejected: Int
    public var watermark: String?
    public var error: String?
    public var pid: Int
}
