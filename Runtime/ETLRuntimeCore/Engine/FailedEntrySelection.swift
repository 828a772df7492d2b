/// `run --failed-only`: the active entries whose last run did not succeed, read from the
/// control table — the daily "retry until it succeeds" of a pipeline without anyone watching.
/// "Did not succeed" is `failed`, `killed` (its process ended mid-run) and `skipped` (its
/// upstream failed, so it never ran: it must run once the upstream is fixed). A `cancelled`
/// run was stopped on purpose and resumes at the next ordinary run; it is not picked.
package enum FailedEntrySelection {
    /// The `last_status` values `--failed-only` reruns.
    package static let statuses: Set<String> = ["failed", "killed", "skipped"]

    /// The ids of `manifest`'s active entries whose `rows` say their last run did not succeed,
    /// in manifest order; only among `named` when some are named (`--entry`).
    package static func ids(_ rows: [ControlRow], manifest: Manifest, among named: [String]) -> [String] {
        let failed = Set(rows.filter { $0.inManifest && statuses.contains($0.lastStatus ?? "") }.map(\.id))
        return manifest.controlTable.filter { entry in
            entry.active && failed.contains(entry.id) && (named.isEmpty || named.contains(entry.id))
        }.map(\.id)
    }
}
