import ETLPluginKit

// The incremental-read settings shared by the database sources (sqlite, postgres), so both read
// the same keys with the same rules.

/// What an incremental entry does with rows whose cursor is NULL.
public enum NullCursorHandling: String, Sendable {
    /// Emit them (once: in the first run, or a full refresh, before every non-NULL cursor).
    case load
    /// Report each to the host's rejects (also once).
    case reject
    /// Fail the read, naming how many there are (the default: a NULL cursor usually means the
    /// wrong cursor field).
    case fail
}

/// The entry settings the source reads from the request's `options_json`:
/// `{"primary_key": ["id"], "lookback_seconds": 600, "safety_lag_seconds": 30, "null_cursor": "fail"}`.
public struct IncrementalOptions: Sendable, Equatable {
    /// Columns that identify a row; ties on the cursor are then ordered and resumed by key.
    public var primaryKey: [String] = []
    /// Re-read this far back before the watermark (timestamp and date cursors), for late rows;
    /// the re-read rows rely on a merge to land once.
    public var lookbackSeconds: Double = 0
    /// Read only rows whose cursor is at least this old (timestamp and date cursors), so rows that
    /// long transactions commit late are not skipped.
    public var safetyLagSeconds: Double = 0
    /// The NULL cursor policy.
    public var nullCursor: NullCursorHandling = .fail

    /// Reads the options, ignoring keys meant for other parts of the runtime.
    public init(_ options: PluginConfig) throws(PluginError) {
        primaryKey = try options.optionalStringArray("primary_key") ?? []
        lookbackSeconds = try options.double("lookback_seconds", default: 0)
        safetyLagSeconds = try options.double("safety_lag_seconds", default: 0)
        guard lookbackSeconds >= 0, safetyLagSeconds >= 0, lookbackSeconds.isFinite, safetyLagSeconds.isFinite else {
            throw .invalidConfig("\(options.path).lookback_seconds and safety_lag_seconds must be 0 or more")
        }
        let policy = try options.string("null_cursor", default: "fail")
        guard let handling = NullCursorHandling(rawValue: policy) else {
            throw .invalidConfig("\(options.path).null_cursor must be \"load\", \"reject\" or \"fail\" (got \"\(policy)\")")
        }
        nullCursor = handling
    }

    /// Defaults: no key, no lookback, no lag, fail on NULL cursors.
    public init() {}
}
