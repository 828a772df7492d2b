import Foundation

/// Everything `report` and `serve` show, read from the state database in one go: the control
/// table, each entry's recent runs, last success, rejects and dependencies. Texts that may hold
/// a substituted secret (errors, watermarks, raw rejected records) are redacted here, so the
/// page can show whatever it holds.
package struct ReportSnapshot: Sendable {
    package struct Entry: Sendable {
        package var control: ControlRow
        /// `depends_on`, as the manifest declares it now.
        package var dependsOn: [String]
        /// The newest runs, oldest first (the charts' left-to-right order).
        package var runs: [RunRecord]
        package var lastSuccessAt: String?
        package var rejectsTotal: Int
        package var rejects: [RecordedReject]
    }

    /// The manifest, as given on the command line.
    package var manifest: String
    /// Where the state is: a path, or a server without its password.
    package var state: String
    /// When it was read (ISO 8601, UTC): what the ages count from.
    package var generatedAt: String
    package var entries: [Entry]
    /// Each active entry's freshness, judged when the snapshot was read.
    package var freshness: ReportFreshness

    /// How many runs per entry the charts show, and how many rejects per entry the page samples.
    package struct Limits: Sendable {
        package var runsPerEntry = 30
        package var rejectsPerEntry = 10
        package init() {}
    }

    /// Reads the snapshot of the manifest's entries (entries that left the manifest are left out,
    /// as in `status`); `loaded`, the whole manifest when it could be loaded, is for freshness.
    package static func read(
        context: StateContext, manifest: String, loaded: Result<Manifest, ManifestUnavailable>, limits: Limits = Limits()
    ) throws -> ReportSnapshot {
        let database = try context.openState()
        // The state's clock, which stamped the runs the page ages (a shared state's server's).
        let generatedAt = try database.now()
        let redact = context.redacting
        var entries: [Entry] = []
        for row in try context.controlRows(in: database) {
            var control = row
            control.watermark = row.watermark.map(redact)
            control.lastError = row.lastError.map(redact)
            let runs = try database.runs(entryID: row.id, limit: limits.runsPerEntry).reversed().map { run in
                var run = run
                run.error = run.error.map(redact)
                run.watermark = run.watermark.map(redact)
                return run
            }
            let rejects = try database.rejectSample(entryID: row.id, limit: limits.rejectsPerEntry)
            entries.append(Entry(
                control: control, dependsOn: context.outline.entry(id: row.id)?.dependsOn ?? [], runs: runs,
                lastSuccessAt: try database.lastSuccessAt(entryID: row.id), rejectsTotal: rejects.total,
                rejects: rejects.newest.map { reject in
                    var reject = reject
                    reject.raw = redact(reject.raw)
                    reject.reason = redact(reject.reason)
                    return reject
                }))
        }
        let freshness = ReportFreshness.judge(loaded, state: database)
        return ReportSnapshot(manifest: manifest, state: database.path, generatedAt: generatedAt, entries: entries, freshness: freshness)
    }
}
