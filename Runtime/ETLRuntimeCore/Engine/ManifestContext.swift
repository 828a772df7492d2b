import Foundation
import Logging

/// A validated manifest with the plugins it runs on: what every command that touches
/// data (`run`, `preview`, `discover`, `check`, `state reset|set`) starts from. Commands
/// that only read the control table start from `StateContext`.
package struct ManifestContext: Sendable {
    package let manifest: Manifest
    package let catalog: PluginCatalog

    /// The manifest's problems, when it cannot be used.
    package struct Invalid: Error, Sendable {
        package var manifestPath: String
        package var issues: [ManifestIssue]
    }

    /// Finds the plugins (search path from the command line, the manifest and the
    /// environment) and loads the manifest against them. A plugin that cannot be used fails
    /// only the entries that use it (`ManifestEndpoint.pluginProblem`).
    package static func load(
        manifestPath: String, pluginDirectories: [String], environment: [String: String]
    ) throws(Invalid) -> ManifestContext {
        // One reading of the manifest: its plugin_dirs come from the same parse that is checked.
        var found: PluginCatalog?
        let result = ManifestLoader.load(
            path: manifestPath, environment: environment,
            pluginsFor: { manifestFolders in
                let catalog = PluginDiscovery.catalog(
                    commandLineFolders: pluginDirectories, manifestFolders: manifestFolders, environment: environment)
                found = catalog
                return catalog
            },
            pluginProblems: .failTheirEntries)
        guard result.issues.isEmpty, let manifest = result.manifest, let catalog = found else {
            throw Invalid(manifestPath: manifestPath, issues: result.issues)
        }
        // Before any plugin instance exists: plugins read `*_env` variables with getenv.
        manifest.exportDotEnv()
        return ManifestContext(manifest: manifest, catalog: catalog)
    }

    /// Scrubs the manifest's secrets from a plugin's log lines and messages (for instances).
    package var redactor: @Sendable (String) -> String {
        { [manifest] in manifest.redacting($0) }
    }

    /// Opens the state database, records the manifest's entries in `etl_control` and
    /// marks runs whose process died as killed.
    package func openState() throws -> StateDatabase {
        let database = try StateDatabase(location: manifest.stateLocation)
        try database.synchronize(with: manifest.controlTable)
        try database.markAbandonedRuns()
        return database
    }

    /// Opens the state database for `run`: as `openState`, but an entry of `entries` whose
    /// settings changed since it loaded data (see `EntrySettingsChange`) is refused, unless its
    /// id is in `accepting` (`--full-refresh` reloads it, so the change is safe). A shared state is
    /// opened on the connection that holds the run's `runLock`.
    package func openStateForRun(_ entries: [ControlEntry], accepting: Set<String>, runLock: StateRunLock? = nil) throws -> StateDatabase {
        let database = try StateDatabase(location: manifest.stateLocation, pagesChecked: false, over: runLock?.connection)
        let changes = try database.synchronize(with: manifest.controlTable, accepting: accepting)
        let selected = Set(entries.map(\.id))
        let refused = changes.filter { selected.contains($0.entryID) }
        guard refused.isEmpty else { throw SettingsChanged(changes: refused, manifest: manifest) }
        try database.markAbandonedRuns()
        return database
    }

    /// Entries `run` refuses until the user chooses how their changed settings apply.
    package struct SettingsChanged: Error, Sendable {
        package var changes: [EntrySettingsChange]
        let manifest: Manifest

        package init(changes: [EntrySettingsChange], manifest: Manifest) {
            self.changes = changes
            self.manifest = manifest
        }

        /// One issue per entry, at the entry's line in `file` (the manifest as the user named it).
        package func issues(file: String) -> [ManifestIssue] {
            changes.map { change in
                let entry = manifest.entry(id: change.entryID)
                return ManifestIssue(file: file, line: entry?.line, jsonPath: entry?.jsonPath ?? "", message: "\(change)")
            }
        }
    }

    /// Where per-entry run locks live: beside the state database.
    package var lockFolder: String {
        ((manifest.statePath as NSString).deletingLastPathComponent as NSString).appendingPathComponent("locks")
    }

    /// The entries named, or every active one when none is named, in the order they run: each
    /// after the upstreams (`depends_on`) selected with it, otherwise in manifest order.
    /// `withUpstream` adds the named entries' active upstreams, direct or not; `withDownstream`
    /// the active entries that depend on them. A named entry runs even when inactive.
    package func selectEntries(
        _ ids: [String], withUpstream: Bool = false, withDownstream: Bool = false
    ) throws(UnknownEntry) -> [ControlEntry] {
        for id in ids where manifest.entry(id: id) == nil {
            throw UnknownEntry(id: id, known: manifest.controlTable.map(\.id))
        }
        return manifest.runSelection(named: ids, withUpstream: withUpstream, withDownstream: withDownstream)
    }

    /// An `--entry` that the manifest does not have.
    package struct UnknownEntry: Error, Sendable, CustomStringConvertible {
        package var id: String
        package var known: [String]
        package var description: String {
            let suggestion = DidYouMean.suggestion(for: id, among: known).map { "; did you mean \"\($0)\"?" } ?? ""
            return "no entry \"\(id)\" in the control table\(suggestion) (entries: \(known.joined(separator: ", ")))"
        }
    }
}

extension ManifestContext {
    /// Runs `entry` to its end in this thread: the one way an entry run is built, whether in a
    /// worker process (`__run-entry`) or in-process. Never throws: a state database that cannot
    /// be opened is the entry's failure, like any other. `held`: the state this thread has open
    /// already (in-process, a shared state's on the entry's claim), else one is opened.
    package func runEntry(
        _ entry: ControlEntry, runID: String, options: EntryRunner.Options, logger: Logger, state held: StateDatabase? = nil
    ) -> EntryRunResult {
        let state: StateDatabase
        do {
            state = try held ?? StateDatabase(location: manifest.stateLocation, pagesChecked: true)
        } catch {
            var failed = EntryRunResult(entryID: entry.id, runID: runID, status: .failed)
            failed.error = manifest.redacting("\(error)")
            return failed
        }
        if let model = entry.model {
            return ModelRunner(entry: entry, model: model, manifest: manifest, catalog: catalog, state: state, runID: runID,
                               options: options, logger: logger).run()
        }
        return EntryRunner(
            entry: entry, manifest: manifest, catalog: catalog, state: state, runID: runID, options: options, logger: logger
        ).run()
    }
}
