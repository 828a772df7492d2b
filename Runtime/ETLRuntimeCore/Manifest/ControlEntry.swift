/// One row of the manifest's `control_table`: what to load, from where, into
/// where, and how.
package struct ControlEntry: Sendable, Hashable {
    /// Unique id, `[A-Za-z0-9_.-]+`; the control-table key.
    package var id: String
    /// Inactive entries are kept in the control table but not run (default true).
    package var active: Bool
    /// The user's description (substitutions shown as placeholders).
    package var description: String?
    /// Name of a source under `sources`.
    package var source: String
    /// The stream of that source to read.
    package var stream: String
    /// Name of a sink under `sinks`.
    package var sink: String
    /// The table (or file, or endpoint) the sink writes.
    package var target: String
    /// Full or incremental.
    package var mode: LoadMode
    /// How the sink applies the load (default: replace for full, append for incremental).
    package var write: WriteMode
    /// Columns that identify a row; required for merge and scd2.
    package var primaryKey: [String]
    /// The column (or plugin position such as `$offset`) incremental loads resume from.
    package var cursorField: String?
    /// Where an incremental load starts when there is no watermark yet (a JSON scalar).
    package var initialValue: JSONValue?
    /// How far back before the watermark to re-read, for late-arriving rows.
    package var lookback: ISO8601Duration?
    /// How far behind "now" to stop reading, for rows still being written.
    package var safetyLag: ISO8601Duration?
    /// Rows per batch (default 10 000).
    package var batchSize: Int
    /// Target upper size of one batch in bytes (default 64 MiB).
    package var maxBatchBytes: Int
    /// Stop after this many rows in one run; nil for no limit.
    package var maxRecordsPerRun: Int?
    /// Rejected rows tolerated before the entry fails (default 0).
    package var maxRejects: Int
    /// What to do with a null cursor value (default fail).
    package var nullCursor: NullCursorPolicy
    /// SQL the sink runs after a successful load, in order.
    package var postSQL: [String]
    /// Declarative transforms, applied in order.
    package var transforms: [ManifestTransform]
    /// The longest one run of the entry may take, start to end; nil for no limit. When it
    /// passes, the entry is asked to stop as on SIGTERM, then killed after `stopTimeout`, and
    /// the run is recorded as failed.
    package var timeout: ISO8601Duration?
    /// How long the entry may take to stop once asked to (SIGINT/SIGTERM, or its `timeout`)
    /// before its worker process is killed (default 30 s).
    package var stopTimeout: ISO8601Duration
    /// `retry`: more attempts within one run after a failure that may pass by itself; nil tries once.
    package var retry: RetryPolicy?
    /// scd2: the column holding each record's effective date, used as `_valid_from` of the
    /// version it starts (and `_valid_to` of the one it closes) instead of the load time.
    package var validFromColumn: String?
    /// scd2 of a full snapshot: close the current version of every key the snapshot lacks.
    package var closeMissing: Bool
    /// merge and scd2: which rows are deletes (`delete_when`), evaluated before the transforms;
    /// nil when the entry loads every row as data.
    package var deleteWhen: DeleteRule?
    /// A SQL model entry's query, run inside the sink; nil for an entry with a source (a model
    /// entry's `source` and `stream` are "").
    package var model: SQLModel?
    /// The entry's `options`: a JSON object of values its plugins honour (each declares which with
    /// an entry options schema), e.g. the `{list_id}` of an http stream's path; nil when absent.
    /// Plugins receive them as `entry_options` in the request's options. May hold `${VAR}` values:
    /// do not print it.
    package var options: JSONValue?
    /// `depends_on`: the entries whose run this one waits for when both run in one `run`; when one
    /// of them fails (or is skipped, or cancelled), this one is skipped. Ids of entries of the
    /// manifest, acyclic (checked when it loads).
    package var dependsOn: [String]
    /// `freshness`: how old its data may get (see `FreshnessPolicy`); nil when not watched.
    package var freshness: FreshnessPolicy? = nil
    /// The entry's own `notify` (see `Manifest.notifyPolicy(for:)` for what is in effect).
    package var notify: NotifyPolicy? = nil
    /// Where the entry is, e.g. `$.control_table[1]`.
    package var jsonPath: String
    /// The line the entry starts on.
    package var line: Int

    /// Default `batch_size`.
    package static let defaultBatchSize = 10_000
    /// Default `max_batch_bytes`: 64 MiB.
    package static let defaultMaxBatchBytes = 64 * 1024 * 1024
    /// Default `max_rejects`: any rejected row fails the entry.
    package static let defaultMaxRejects = 0
    /// Default `stop_timeout`: 30 s, long enough for a well-behaved plugin to finish a batch.
    package static let defaultStopTimeout = ISO8601Duration(seconds: 30)

    /// Creates an entry; optional settings take the manifest defaults.
    package init(
        id: String, active: Bool = true, description: String? = nil, source: String, stream: String, sink: String,
        target: String, mode: LoadMode, write: WriteMode? = nil, primaryKey: [String] = [], cursorField: String? = nil,
        initialValue: JSONValue? = nil, lookback: ISO8601Duration? = nil, safetyLag: ISO8601Duration? = nil,
        batchSize: Int = ControlEntry.defaultBatchSize, maxBatchBytes: Int = ControlEntry.defaultMaxBatchBytes,
        maxRecordsPerRun: Int? = nil, maxRejects: Int = ControlEntry.defaultMaxRejects,
        nullCursor: NullCursorPolicy = .fail, postSQL: [String] = [], transforms: [ManifestTransform] = [],
        timeout: ISO8601Duration? = nil, stopTimeout: ISO8601Duration = ControlEntry.defaultStopTimeout,
        options: JSONValue? = nil, dependsOn: [String] = [], validFromColumn: String? = nil, closeMissing: Bool = false,
        deleteWhen: DeleteRule? = nil, model: SQLModel? = nil, jsonPath: String, line: Int
    ) {
        self.id = id
        self.active = active
        self.description = description
        self.source = source
        self.stream = stream
        self.sink = sink
        self.target = target
        self.mode = mode
        self.write = write ?? WriteMode.defaultMode(for: mode)
        self.primaryKey = primaryKey
        self.cursorField = cursorField
        self.initialValue = initialValue
        self.lookback = lookback
        self.safetyLag = safetyLag
        self.batchSize = batchSize
        self.maxBatchBytes = maxBatchBytes
        self.maxRecordsPerRun = maxRecordsPerRun
        self.maxRejects = maxRejects
        self.nullCursor = nullCursor
        self.postSQL = postSQL
        self.transforms = transforms
        self.timeout = timeout
        self.stopTimeout = stopTimeout
        self.options = options
        self.dependsOn = dependsOn
        self.validFromColumn = validFromColumn
        self.closeMissing = closeMissing
        self.deleteWhen = deleteWhen
        self.model = model
        self.jsonPath = jsonPath
        self.line = line
    }
}
