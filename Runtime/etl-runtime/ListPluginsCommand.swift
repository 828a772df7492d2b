import ArgumentParser
import ETLRuntimeCore
import Foundation

/// `etl-runtime list-plugins`: every plugin on the search path, and every library that
/// could not be loaded, with the reason.
struct ListPluginsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list-plugins",
        abstract: "List the source and sink plugins the runtime can load.",
        discussion: """
            Searches, in order: --plugin-dir folders, the manifest's plugin_dirs, ETL_PLUGIN_PATH \
            (colon-separated), the folder of the etl-runtime executable, then the installed plugin \
            folder (PREFIX/lib/etl-runtime/plugins). Only files named libetl_*.so are considered, and \
            only when no one but you or root could replace them (file, folder and folders above; \
            see SDK/ABI.md). The first library in that order that offers a name wins (later copies \
            are listed as ignored), except that no library may take a built-in plugin's name. \
            Libraries are probed in a child process, so a library that crashes while loading is \
            reported as such and never stops the listing; one whose etl_plugin_entry has not \
            returned within 5 s (ETL_PROBE_TIMEOUT_SECONDS) is killed and listed as not loadable. \
            What a probe found is cached per file \
            (device, inode, size, times) in $XDG_CACHE_HOME/etl-runtime/plugin-probes/ (one file per library); \
            ETL_PLUGIN_PROBE_CACHE=off turns the cache off, ETL_PLUGIN_PROBE_CACHE=DIR moves it.
            """
    )

    @OptionGroup var location: PluginLocationOptions
    @OptionGroup var global: GlobalOptions

    @Flag(name: .long, help: "Print JSON (with each plugin's config and entry options JSON Schemas) instead of a table.")
    var json = false

    func run() throws {
        global.bootstrapLogging()
        let environment = ProcessInfo.processInfo.environment
        let manifestPath = FileManager.default.fileExists(atPath: location.manifestPath) ? location.manifestPath : nil
        let catalog = PluginDiscovery.catalog(
            commandLineFolders: location.pluginDirectories, manifestPath: manifestPath, environment: environment)
        let usage = manifestPath.map { PluginUsage.entriesByPlugin(manifestPath: $0, environment: environment) } ?? [:]
        if json {
            print(PluginListing.json(catalog, usage: usage))
        } else {
            print(PluginListing.table(catalog, usage: usage), terminator: "")
        }
    }
}
