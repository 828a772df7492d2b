import Foundation

/// Builds the plugin catalog the way every command needs it: the search path from the
/// command line, the manifest and the environment, probed in a child process when this
/// process is the etl-runtime executable, each library within the probe deadline
/// (`PluginProbeDeadline`).
package enum PluginDiscovery {
    package static func catalog(
        commandLineFolders: [String], manifestPath: String?, environment: [String: String],
        probe: PluginProbeMode? = nil
    ) -> PluginCatalog {
        let manifestFolders = manifestPath.map { ManifestLoader.pluginDirectories(manifestPath: $0, environment: environment) } ?? []
        return catalog(commandLineFolders: commandLineFolders, manifestFolders: manifestFolders, environment: environment, probe: probe)
    }

    /// As `catalog(commandLineFolders:manifestPath:environment:probe:)`, with the manifest's
    /// `plugin_dirs` already read (absolute, in order).
    package static func catalog(
        commandLineFolders: [String], manifestFolders: [String], environment: [String: String],
        probe: PluginProbeMode? = nil
    ) -> PluginCatalog {
        let executable = PluginSearchPath.currentExecutablePath
        let searchPath = PluginSearchPath(
            commandLineFolders: commandLineFolders, manifestFolders: manifestFolders, environment: environment,
            executablePath: executable)
        let deadline = PluginProbeDeadline(environment: environment)
        if let problem = deadline.problem { StderrWriter.write("etl-runtime: \(problem)\n") }
        let mode = probe ?? executable.map { PluginProbeMode.childProcess(executable: $0, deadline: deadline) } ?? .inProcess
        return PluginCatalog.discover(searchPath, probe: mode)
    }
}
