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
            ${VAR} references are read from the environment and from a .env file beside the \
            manifest; their values are never printed.
            """
    )

    @OptionGroup var location: PluginLocationOptions
    @OptionGroup var global: GlobalOptions

    func run() throws {
        global.bootstrapLogging()
        let environment = ProcessInfo.processInfo.environment
        let manifestPath = location.manifestPath
        let catalog = PluginDiscovery.catalog(
            commandLineFolders: location.pluginDirectories,
            manifestPath: FileManager.default.fileExists(atPath: manifestPath) ? manifestPath : nil,
            environment: environment)
        let result = ManifestLoader.load(path: manifestPath, environment: environment, plugins: catalog)
        guard result.issues.isEmpty, let manifest = result.manifest else {
            for issue in result.issues { Console.error("\(issue)") }
            let count = result.issues.count
            Console.error("\(manifestPath): \(count) \(count == 1 ? "problem" : "problems") found; nothing was run")
            throw ExitCodes.invalidConfiguration
        }
        let active = manifest.controlTable.filter(\.active).count
        print(
            "\(manifestPath): valid — \(manifest.sources.count) sources, \(manifest.sinks.count) sinks, "
                + "\(manifest.controlTable.count) entries (\(active) active)")
    }
}
