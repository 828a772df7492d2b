import ArgumentParser
import ETLRuntimeCore

/// `etl-runtime check`: can every source and sink of the manifest be reached?
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Ask every source and sink plugin whether it can reach its data with its config. Exits 1 if one cannot.",
        discussion: FreshnessReport.discussion)

    @OptionGroup var location: PluginLocationOptions
    @OptionGroup var global: GlobalOptions
    @OptionGroup var freshness: FreshnessOptions

    func validate() throws { try freshness.validate() }

    func run() throws {
        global.bootstrapLogging()
        let context = try location.loadContext()
        if freshness.freshness {
            throw ExitCode(try FreshnessReport.run(context, options: freshness))
        }
        var failures = 0
        let capture = PluginOutputCapture.start(plugin: PluginOutputLog.label(candidates: []))
        defer { capture?.finish() }
        for endpoint in context.manifest.sources + context.manifest.sinks {
            let label = "\(endpoint.kind.rawValue) \(endpoint.name) (\(endpoint.plugin))"
            // One plugin runs at a time: what is printed now is this one's.
            capture?.attribute(to: endpoint.plugin)
            do {
                let plugin = try context.catalog.loadPlugin(named: endpoint.plugin, kind: endpoint.kind)
                if endpoint.kind == .source {
                    try SourceInstance(plugin: plugin, configJSON: endpoint.configJSON, entryID: nil, redact: context.redactor).check()
                } else {
                    try SinkInstance(plugin: plugin, configJSON: endpoint.configJSON, entryID: nil, redact: context.redactor).check()
                }
                Console.output("ok      \(label)\n")
            } catch {
                failures += 1
                Console.output("FAILED  \(label): \(context.manifest.redacting("\(error)"))\n")
            }
        }
        if failures > 0 { throw ExitCodes.entryFailed }
    }
}
