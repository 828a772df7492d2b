/// The report's freshness column: each active entry judged by `FreshnessCheck`, the code
/// `check --freshness` runs, so the page and the monitoring exit code never disagree.
///
/// Freshness needs the whole manifest (the entries' `freshness`, their sources' paths), which
/// the rest of the report does without; when it cannot be loaded the page says why instead.
package enum ReportFreshness: Sendable {
    /// The active entries' results, by entry id (an entry without `freshness` has no checks).
    case judged([String: EntryFreshness])
    /// Why no entry could be judged.
    case unavailable(String)

    /// Judges the manifest's active entries now, as `check --freshness` does (each check on the
    /// clock its times come from: see `FreshnessCheck.evaluate`).
    package static func judge(_ manifest: Result<Manifest, ManifestUnavailable>, state: StateDatabase) -> ReportFreshness {
        switch manifest {
        case .failure(let problem):
            return .unavailable(problem.description)
        case .success(let manifest):
            do {
                let results = try FreshnessCheck.evaluate(manifest.controlTable.filter(\.active), manifest: manifest, state: state)
                return .judged(Dictionary(results.map { ($0.entryID, $0) }, uniquingKeysWith: { first, _ in first }))
            } catch {
                return .unavailable("the state database could not be read: \(manifest.redacting(String(describing: error)))")
            }
        }
    }
}

/// Why the whole manifest (plugins, secrets and all) could not be loaded: what `report` and
/// `serve` then leave out (freshness, the sink tables, `/metrics`) say this instead.
package struct ManifestUnavailable: Error, Sendable, CustomStringConvertible {
    package var description: String
    package init(description: String) { self.description = description }
}
