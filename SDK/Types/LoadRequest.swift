import ETLArrow

/// What the host asks a sink to load: the Swift face of `etl_load_request`, one type for the
/// runtime (which sends it) and the plugin kit (which receives it), safe to keep for the whole
/// load (the C request is only valid during `begin`).
public struct LoadRequest: Sendable, Hashable {
    /// The control-table entry: the key of the resume state.
    public var entryID: String
    /// The run, for metadata and logs.
    public var runID: String
    /// The table, file or endpoint name.
    public var target: String
    /// How the target changes.
    public var writeMode: WriteMode
    /// Primary-key column names (empty unless the entry declares one).
    public var primaryKey: [String]
    /// The columns of every batch of this load.
    public var schema: ArrowSchemaDescription
    /// The entry's other settings as JSON object text, or nil (see SDK/ABI.md, "Entry options").
    public var optionsJSON: String?

    /// The member of `optionsJSON` that names the batches' delete flag column (a merge or scd2
    /// load of an entry with `delete_when`, to a sink with `ETL_CAP_DELETES`; SDK/ABI.md,
    /// "Deletes"). That bool column is the schema's last; a row with true deletes its key.
    public static let deleteColumnKey = "delete_column"

    public init(entryID: String, runID: String, target: String, writeMode: WriteMode, primaryKey: [String] = [],
                schema: ArrowSchemaDescription, optionsJSON: String? = nil) {
        self.entryID = entryID
        self.runID = runID
        self.target = target
        self.writeMode = writeMode
        self.primaryKey = primaryKey
        self.schema = schema
        self.optionsJSON = optionsJSON
    }
}
