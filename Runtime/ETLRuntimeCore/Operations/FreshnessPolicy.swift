/// An entry's `freshness`: how old its data may get before monitoring should hear of it.
///
/// Two clocks, each optional: the time since the entry's last successful run (`warn_after`,
/// `error_after`), and the modification time of the newest input file (`newest_file`) — the
/// "the SFTP drop was not updated" alert, which a successful run that found nothing new does
/// not reset.
package struct FreshnessPolicy: Sendable, Hashable {
    /// Limits on the time since the last successful run; nil when only files are watched.
    package var lastLoad: FreshnessThresholds?
    /// Limits on the age of the newest input file; nil when files are not watched.
    package var newestFile: NewestFileRule?
    /// Where it is written, e.g. `$.control_table[2].freshness`.
    package var jsonPath: String

    package init(lastLoad: FreshnessThresholds?, newestFile: NewestFileRule?, jsonPath: String) {
        self.lastLoad = lastLoad
        self.newestFile = newestFile
        self.jsonPath = jsonPath
    }
}

/// A warn and an error limit on an age; at least one is set, and warn < error when both are.
package struct FreshnessThresholds: Sendable, Hashable {
    package var warnAfter: ISO8601Duration?
    package var errorAfter: ISO8601Duration?

    package init(warnAfter: ISO8601Duration?, errorAfter: ISO8601Duration?) {
        self.warnAfter = warnAfter
        self.errorAfter = errorAfter
    }

    /// The level an age of `seconds` reaches.
    package func level(ageSeconds seconds: Double) -> FreshnessLevel {
        if let errorAfter, seconds > Double(errorAfter.seconds) { return .error }
        if let warnAfter, seconds > Double(warnAfter.seconds) { return .warn }
        return .ok
    }

    /// `warn after PT6H, error after P1D`, for check lines and messages.
    package var summary: String {
        [warnAfter.map { "warn after \($0.text)" }, errorAfter.map { "error after \($0.text)" }]
            .compactMap { $0 }.joined(separator: ", ")
    }
}

/// `freshness.newest_file`: limits on the age of the newest input file.
///
/// Where file times come from (see `NewestInputFile`): a stat of `path` (a file or a glob),
/// else of the source config's own `path` when it is a local file or glob; and the
/// modification times the csv source records in its resume state (`files[].modified`, kept for
/// objects in a store), so an `s3://` or `gs://` source is judged by what its last incremental
/// read saw, without the runtime holding store credentials or making requests.
package struct NewestFileRule: Sendable, Hashable {
    package var thresholds: FreshnessThresholds
    /// An absolute local path or glob to stat instead of the source's `path`; nil for the source's.
    package var path: String?

    package init(thresholds: FreshnessThresholds, path: String?) {
        self.thresholds = thresholds
        self.path = path
    }
}

/// How stale something is; ordered, so the worst of several is their `max()`.
package enum FreshnessLevel: Int, Sendable, Hashable, Comparable, Codable {
    case ok = 0
    case warn = 1
    case error = 2

    package static func < (lhs: FreshnessLevel, rhs: FreshnessLevel) -> Bool { lhs.rawValue < rhs.rawValue }

    /// `ok`, `warn`, `error`: what `check --freshness --json` and notifications say.
    package var name: String {
        switch self {
        case .ok: return "ok"
        case .warn: return "warn"
        case .error: return "error"
        }
    }
}
