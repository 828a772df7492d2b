/// The manifest as decoded so far, with the nodes kept for cross-checks.
/// Fields are optional because a mistaken value is reported and skipped.
struct ManifestDraft {
    var version: Int?
    var pluginDirectories: [String] = []
    var statePath: String
    var stateServer: PostgresStateServer?
    var sources: [EndpointDraft] = []
    var sinks: [EndpointDraft] = []
    var entries: [EntryDraft] = []
    /// The manifest-wide `notify` default.
    var notify: NotifyPolicy?

    func endpoints(_ kind: PluginKind) -> [EndpointDraft] {
        kind == .source ? sources : sinks
    }
}

/// A source or sink as decoded.
struct EndpointDraft {
    let name: String
    let kind: PluginKind
    let path: JSONPath
    let node: JSONNode
    var plugin: String?
    var pluginNode: JSONNode?
    /// The `config` node, or an empty object at the endpoint's position when absent,
    /// so a schema's `required` still gets checked (and reported on a sensible line).
    var configNode: JSONNode
    /// False when `config` was written but is not an object (already reported).
    var configIsObject = true
    var description: String?
    /// Set by the plugin checks when the plugin was found and is of the right kind.
    var contract: PluginContract?
    /// Set by the plugin checks, when they fail only the entries that use an unusable plugin.
    var pluginProblem: String?
}

/// A control-table entry as decoded.
struct EntryDraft {
    let path: JSONPath
    let node: JSONNode
    /// The value node of every known key present, for the line of cross-check messages.
    var nodes: [String: JSONNode] = [:]
    var id: String?
    var active = true
    var description: String?
    var source: String?
    var stream: String?
    var sink: String?
    var target: String?
    var mode: LoadMode?
    /// Only when written; the default depends on `mode`.
    var write: WriteMode?
    var primaryKey: [String] = []
    var cursorField: String?
    var initialValue: JSONValue?
    var lookback: ISO8601Duration?
    var safetyLag: ISO8601Duration?
    var batchSize = ControlEntry.defaultBatchSize
    var maxBatchBytes = ControlEntry.defaultMaxBatchBytes
    var maxRecordsPerRun: Int?
    var maxRejects = ControlEntry.defaultMaxRejects
    var nullCursor = NullCursorPolicy.fail
    var postSQL: [String] = []
    var transforms: [ManifestTransform] = []
    var timeout: ISO8601Duration?
    var stopTimeout = ControlEntry.defaultStopTimeout
    /// `retry`, when written and valid.
    var retry: RetryPolicy?
    /// The `options` object (`${VAR}`s expanded; `"format": "path"` strings made absolute once
    /// checked against a plugin's entry options schema), when written.
    var options: JSONNode?
    /// `depends_on`: the ids of the entries this one runs after, as written (valid ids, each once).
    var dependsOn: [String] = []
    /// scd2's `valid_from_column` and `close_missing`.
    var validFromColumn: String?
    var closeMissing = false
    /// `delete_when`, when written and its syntax is right.
    var deleteWhen: DeleteRule?
    /// A SQL model entry's query (then `source` and `stream` are "").
    var model: SQLModel?
    /// `freshness` and `notify` (ManifestDecoder+Operations).
    var freshness: FreshnessPolicy?
    var notify: NotifyPolicy?

    /// The write mode in effect: as written, or the default for the mode.
    var effectiveWrite: WriteMode? {
        write ?? mode.map(WriteMode.defaultMode(for:))
    }

    /// The typed entry, when every required value was read.
    func makeEntry() -> ControlEntry? {
        guard let id, let source, let stream, let sink, let target, let mode else { return nil }
        var entry = ControlEntry(
            id: id, active: active, description: description, source: source, stream: stream, sink: sink,
            target: target, mode: mode, write: write, primaryKey: primaryKey, cursorField: cursorField,
            initialValue: initialValue, lookback: lookback, safetyLag: safetyLag, batchSize: batchSize,
            maxBatchBytes: maxBatchBytes, maxRecordsPerRun: maxRecordsPerRun, maxRejects: maxRejects,
            nullCursor: nullCursor, postSQL: postSQL, transforms: transforms, timeout: timeout, stopTimeout: stopTimeout,
            options: options?.value, dependsOn: dependsOn, validFromColumn: validFromColumn, closeMissing: closeMissing,
            deleteWhen: deleteWhen, model: model,
            jsonPath: path.description,
            line: node.location.line)
        entry.retry = retry
        entry.freshness = freshness
        entry.notify = notify
        return entry
    }
}
