import ArgumentParser
import ETLRuntimeCore

/// `etl-runtime check`: can every source and sink of the manifest be reached?
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Ask every source and sink plugin whether it can reach its data with its config. Exits 1 if one cannot.")

    @OptionGroup var location: PluginLocationOptions
    @OptionGroup var global: GlobalOptions

    func run() throws {
        global.bootstrapLogging()
        let context = try location.loadContext()
        var failures = 0
        for endpoint in context.manifest.sources + context.manifest.sinks {
            let label = "\(endpoint.kind.rawValue) \(endpoint.name) (\(endpoint.plugin))"
            do {
                let plugin = try context.catalog.loadPlugin(named: endpoint.plugin, kind: endpoint.kind)
                if endpoint.kind == .source {
                    try SourceInstance(plugin: plugin, configJSON: endpoint.configJSON, entryID: nil, redact: context.redactor).check()
                } else {
                    try SinkInstance(plugin: plugin, configJSON: endpoint.configJSON, entryID: nil, redact: context.redactor).check()
                }
                print("ok      \(label)")
            } catch {
                failures += 1
                print("FAILED  \(label): \(context.manifest.redacting("\(error)"))")
            }
        }
        if failures > 0 { throw ExitCodes.entryFailed }
    }
}
