import ArgumentParser
import ETLRuntimeCore
import Foundation

/// `etl-runtime validate`: every mistake in the manifest, in one pass, with file, line,
/// JSON path and what was expected; each plugin config checked against its JSON Schema.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a manifest and every plugin config in it, without running anything.",
        discussion: """
            Prints every problem found (not just the first), one per line on stderr, as \
            FILE:LINE: JSON-PATH: message. Exits 0 when the manifest is valid and 78 when it is not. \
            Lines whose message starts with "note:" say what is checked only when run reads (e.g. \
            transforms of a stream whose columns are known only then); they do not fail validate. \
            ${VAR} references are read from the environment and from a .env file beside the \
            manifest; their values are never printed.
            """
    )

    @OptionGroup var location: PluginLocationOptions
    @OptionGroup var global: GlobalOptions

    func run() throws {
        global.bootstrapLogging()
        let manifestPath = location.manifestPath
        // The same loading as every other command (plugins found, `.env` exported for the
        // plugins' own `*_env` variables), so validate judges what run will run.
        let context = try location.loadContext()
        let manifest = context.manifest
        let catalog = context.catalog
        // What `run` would otherwise find only later: configs a plugin refuses when created, read
        // requests a source refuses (from the state stored so far), and entries whose settings
        // changed since they loaded data.
        // A state in PostgreSQL is opened (its schema created when missing): `run` connects to
        // it first, so a URL or password that does not work is found here.
        let state = manifest.stateServer != nil || FileManager.default.fileExists(atPath: manifest.statePath)
            ? try StateDatabase(location: manifest.stateLocation) : nil
        let findings = try PluginConfigCheck.check(
            manifest, catalog: catalog, file: manifestPath,
            reads: PluginConfigCheck.EntryReads(entries: manifest.controlTable, state: state, reach: .offline))
        // Notes say what could not be checked now (and will be when run reads): never a failure.
        for note in findings.notes { Console.error("\(note)") }
        var later = findings.issues
        if let state {
            let changes = try state.settingsChanges(manifest.controlTable)
            later += ManifestContext.SettingsChanged(changes: changes, manifest: manifest).issues(file: manifestPath)
        }
        guard later.isEmpty else {
            ManifestProblems.report(later, manifestPath: manifestPath)
            throw ExitCodes.invalidConfiguration
        }
        let active = manifest.controlTable.filter(\.active).count
        print(
            "\(manifestPath): valid — \(manifest.sources.count) sources, \(manifest.sinks.count) sinks, "
                + "\(manifest.controlTable.count) entries (\(active) active)")
    }
}
