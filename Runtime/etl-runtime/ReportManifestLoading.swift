import ETLRuntimeCore
import Foundation

extension PluginLocationOptions {
    /// The whole manifest, plugins and secrets resolved, for what `report` and `serve` add to the
    /// state alone (freshness, the sink tables, `/metrics`); or why it cannot be loaded, which
    /// those parts then show instead of stopping the command.
    func loadWholeManifest() -> Result<Manifest, ManifestUnavailable> {
        do {
            return .success(try ManifestContext.load(
                manifestPath: manifestPath, pluginDirectories: pluginDirectories,
                environment: ProcessInfo.processInfo.environment).manifest)
        } catch {
            return .failure(ManifestUnavailable(description: error.issues.map { "\($0)" }.joined(separator: "; ")))
        }
    }
}
