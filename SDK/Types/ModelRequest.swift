/// What the host asks a sink to run for a SQL model entry: the Swift face of
/// `etl_model_request`, one type for the runtime (which sends it) and the plugin kit (which
/// receives it).
public struct ModelRequest: Sendable, Hashable {
    /// The control-table entry: the key of the resume state.
    public var entryID: String
    /// The run, for metadata and logs.
    public var runID: String
    /// The table or view the model writes.
    public var target: String
    /// The query, as the entry wrote it (`{{watermark}}` included).
    public var sql: String
    /// How the result is kept.
    public var materialization: Materialization
    /// incremental: merge on these columns; empty: insert.
    public var primaryKey: [String]
    /// incremental: the result column whose maximum over the rows written is the new watermark.
    public var cursorField: String?
    /// incremental: the state the sink returned last for this entry, or nil.
    public var stateJSON: String?
    /// incremental: the watermark before any state (a JSON scalar), or nil.
    public var initialValueJSON: String?
    /// The entry's other settings as JSON object text, as for loads.
    public var optionsJSON: String?

    public init(entryID: String, runID: String, target: String, sql: String, materialization: Materialization,
                primaryKey: [String] = [], cursorField: String? = nil, stateJSON: String? = nil,
                initialValueJSON: String? = nil, optionsJSON: String? = nil) {
        self.entryID = entryID
        self.runID = runID
        self.target = target
        self.sql = sql
        self.materialization = materialization
        self.primaryKey = primaryKey
        self.cursorField = cursorField
        self.stateJSON = stateJSON
        self.initialValueJSON = initialValueJSON
        self.optionsJSON = optionsJSON
    }
}

/// What a sink reports after running a model.
public struct ModelResult: Sendable, Hashable {
    /// Rows the target holds (table), gained or updated (incremental), 0 (view).
    public var rows: Int64
    /// The entry's new resume state (incremental), or nil.
    public var stateJSON: String?
    /// The tables and views the query reads (lineage), or nil when the sink cannot tell.
    public var reads: [String]?

    public init(rows: Int64, stateJSON: String? = nil, reads: [String]? = nil) {
        self.rows = rows
        self.stateJSON = stateJSON
        self.reads = reads
    }
}
