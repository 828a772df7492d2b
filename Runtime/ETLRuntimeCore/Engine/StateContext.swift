/// A manifest read only for its state database: what `status`, `history` and `state show`
/// start from. They read the control table and nothing else, so they need neither the
/// manifest's secrets nor its plugins (see `ManifestOutline`).
package struct StateContext: Sendable {
    package let outline: ManifestOutline

    /// Reads the manifest's outline; a manifest without a usable state path is invalid.
    package static func load(manifestPath: String, environment: [String: String]) throws(ManifestContext.Invalid) -> StateContext {
        switch ManifestLoader.loadOutline(path: manifestPath, environment: environment) {
        case .success(let outline): return StateContext(outline: outline)
        case .failure(let issue): throw ManifestContext.Invalid(manifestPath: manifestPath, issues: [issue])
        }
    }

    /// Opens the state database and marks runs whose process died as killed. Unlike
    /// `ManifestContext.openState` it leaves `etl_control` as the last run recorded it: the
    /// entries here are not validated.
    package func openState() throws -> StateDatabase {
        let database = try StateDatabase(location: outline.stateLocation)
        try database.markAbandonedRuns()
        return database
    }

    /// The control-table rows of the manifest's entries, in id order; an entry never recorded
    /// (it has not run yet) is shown from the manifest, with no run.
    package func controlRows(in database: StateDatabase) throws -> [ControlRow] {
        let recorded = try database.controlRows()
        let ids = Set(outline.entries.map(\.id))
        var rows = recorded.filter { ids.contains($0.id) }
        let recordedIDs = Set(rows.map(\.id))
        for entry in outline.entries where !recordedIDs.contains(entry.id) {
            rows.append(ControlRow(
                id: entry.id, source: entry.source ?? "", stream: entry.stream ?? "", sink: entry.sink ?? "",
                target: entry.target ?? "", active: entry.active, mode: entry.mode ?? "", writeMode: entry.write ?? "",
                cursorField: nil, watermark: nil, lastRunID: nil, lastStatus: nil, lastRunAt: nil, lastError: nil,
                rowsLoaded: 0, inManifest: true))
        }
        return rows.sorted { $0.id < $1.id }
    }

    /// Throws unless the manifest declares an entry `id`.
    package func requireEntry(_ id: String) throws(ManifestContext.UnknownEntry) {
        guard outline.entry(id: id) == nil else { return }
        throw ManifestContext.UnknownEntry(id: id, known: outline.entries.map(\.id))
    }

    /// `text` with the manifest's substituted values hidden.
    package func redacting(_ text: String) -> String { outline.redacting(text) }
}
