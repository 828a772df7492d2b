/// How fresh one entry's data is: the result of its `freshness` checks, and the age of its
/// last successful run (which metrics show whether or not `freshness` is written).
package struct EntryFreshness: Sendable {
    /// One clock of an entry's `freshness`.
    package struct Check: Sendable {
        package enum Kind: String, Sendable {
            /// Time since the last successful run.
            case lastLoad = "last_load"
            /// Age of the newest input file.
            case newestFile = "newest_file"
        }

        package var kind: Kind
        package var level: FreshnessLevel
        package var thresholds: FreshnessThresholds
        /// Seconds since the last success or the newest file's modification; nil when there is
        /// none (then the level is error).
        package var ageSeconds: Double?
        /// When: the last success's end, or the file's modification time (a `Timestamp`).
        package var since: String?
        /// The newest file (newest_file only).
        package var path: String?

        /// `last successful run 2h13m ago (warn after PT6H, error after P1D)`.
        package var message: String {
            let parts = messageParts
            return parts.lead + (parts.age ?? "") + parts.tail
        }

        /// `message` cut around its age (nil when there is none), which the report's page keeps
        /// counting while it stays open.
        package var messageParts: (lead: String, age: String?, tail: String) {
            let limits = " (\(thresholds.summary))"
            switch kind {
            case .lastLoad:
                guard let ageSeconds else { return ("no successful run yet" + limits, nil, "") }
                return ("last successful run ", EntryFreshness.age(ageSeconds), " ago" + limits)
            case .newestFile:
                guard let ageSeconds, let path else { return ("no input file found" + limits, nil, "") }
                return ("newest file ", EntryFreshness.age(ageSeconds), " old: \(path)" + limits)
            }
        }
    }

    package var entryID: String
    /// The checks `freshness` asks for; empty when the entry has none.
    package var checks: [Check]
    /// When the last successful run ended (a `Timestamp`), and how long ago.
    package var lastSuccess: String?
    package var lastSuccessAgeSeconds: Double?

    /// The worst level of the checks; nil when the entry has no `freshness`.
    package var level: FreshnessLevel? { checks.map(\.level).max() }

    /// `3d4h`, `2h13m`, `5m12s`, `12s`: an age as people read it.
    package static func age(_ seconds: Double) -> String {
        let whole = max(0, Int(seconds.rounded(.down)))
        let (days, hours, minutes, rest) = (whole / 86_400, whole % 86_400 / 3_600, whole % 3_600 / 60, whole % 60)
        if days > 0 { return "\(days)d\(hours)h" }
        if hours > 0 { return "\(hours)h\(minutes)m" }
        if minutes > 0 { return "\(minutes)m\(rest)s" }
        return "\(rest)s"
    }
}

/// Judges entries against their `freshness` from the state database and the file system.
package enum FreshnessCheck {
    /// The freshness of `entries` at `now` (seconds since 1970), in their order. Without `now`,
    /// each check reads the clock its times were stamped with: the last load the state's
    /// (`StateDatabase.now()`, the server's for a state shared by several hosts), the newest file
    /// this host's (its file system stamps the files).
    package static func evaluate(
        _ entries: [ControlEntry], manifest: Manifest, state: StateDatabase, now: Double? = nil
    ) throws -> [EntryFreshness] {
        let stateNow = try now ?? Timestamp.epochSeconds(state.now()) ?? Timestamp.nowEpochSeconds()
        let hostNow = now ?? Timestamp.nowEpochSeconds()
        let successes = try state.lastSuccessTimes()
        let watermarks = Dictionary(try state.controlRows().map { ($0.id, $0.watermark) }, uniquingKeysWith: { first, _ in first })
        return entries.map { entry in
            let lastSuccess = successes[entry.id]
            let lastSuccessAge = lastSuccess.flatMap(Timestamp.epochSeconds).map { stateNow - $0 }
            var checks: [EntryFreshness.Check] = []
            if let limits = entry.freshness?.lastLoad {
                checks.append(EntryFreshness.Check(
                    kind: .lastLoad, level: lastSuccessAge.map { limits.level(ageSeconds: $0) } ?? .error, thresholds: limits,
                    ageSeconds: lastSuccessAge, since: lastSuccess, path: nil))
            }
            if let rule = entry.freshness?.newestFile {
                let file = NewestInputFile.find(
                    rule: rule, sourceConfig: manifest.source(named: entry.source)?.config, resumeState: watermarks[entry.id] ?? nil,
                    manifestDirectory: manifest.manifestDirectory)
                let age = file.map { hostNow - $0.modified }
                checks.append(EntryFreshness.Check(
                    kind: .newestFile, level: age.map { rule.thresholds.level(ageSeconds: $0) } ?? .error, thresholds: rule.thresholds,
                    ageSeconds: age, since: file.map { Timestamp.text(epochSeconds: $0.modified) },
                    path: file.map { manifest.redacting($0.path) }))
            }
            return EntryFreshness(entryID: entry.id, checks: checks, lastSuccess: lastSuccess, lastSuccessAgeSeconds: lastSuccessAge)
        }
    }
}
