import CETLPlugin

/// What the host asks a source to read: the Swift face of `etl_read_request`, one type for the
/// runtime (which sends it) and the plugin kit (which receives it), safe to keep for the whole
/// read (the C request is only valid during `read`).
public struct ReadRequest: Sendable, Hashable {
    /// The control-table entry, for messages.
    public var entryID: String
    /// A stream name from `discover`.
    public var stream: String
    /// Resume state from an earlier `checkpoint`, or nil to start afresh.
    public var stateJSON: String?
    /// The cursor field of an incremental load, or nil for a full load.
    public var cursorField: String?
    /// JSON text of where an incremental load starts, or nil.
    public var initialValueJSON: String?
    /// At most this many rows per batch (> 0).
    public var batchSize: Int64
    /// Aim to keep a batch below this many bytes; 0 means no limit.
    public var maxBatchBytes: Int64
    /// Stop after this many rows in all; 0 means no limit.
    public var maxRecords: Int64
    /// The entry's other settings as JSON object text, or nil (see SDK/ABI.md, "Entry options").
    public var optionsJSON: String?

    /// The member of `optionsJSON` (of a read and of a load request) that holds the entry's own
    /// `options` object, apart from the runtime's keys (SDK/ABI.md, "Entry options the runtime sends").
    public static let entryOptionsKey = "entry_options"

    /// The member of `optionsJSON` that asks a source with `ETL_CAP_POSITIONS` for each row's
    /// position (`"positions": true`, `ETL_READ_OPTION_POSITIONS`, ABI 1.2; SDK/ABI.md, "Source positions").
    public static let positionsKey = ETL_READ_OPTION_POSITIONS

    /// The column such a source appends last to its stream, holding each row's position as it
    /// would report it in a reject (`ETL_POSITION_COLUMN`). The name is reserved: the host refuses
    /// it in a stream that was not asked for positions.
    public static let positionColumnName = ETL_POSITION_COLUMN

    public init(entryID: String, stream: String, stateJSON: String? = nil, cursorField: String? = nil,
                initialValueJSON: String? = nil, batchSize: Int64 = 10_000, maxBatchBytes: Int64 = 0, maxRecords: Int64 = 0,
                optionsJSON: String? = nil) {
        self.entryID = entryID
        self.stream = stream
        self.stateJSON = stateJSON
        self.cursorField = cursorField
        self.initialValueJSON = initialValueJSON
        self.batchSize = batchSize
        self.maxBatchBytes = maxBatchBytes
        self.maxRecords = maxRecords
        self.optionsJSON = optionsJSON
    }
}
