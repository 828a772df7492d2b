import ArgumentParser
import ETLRuntimeCore

/// `etl-runtime discover SOURCE`: the streams a source offers and their columns.
struct DiscoverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "discover", abstract: "List a source's streams and their Arrow columns.")

    @OptionGroup var location: PluginLocationOptions
    @OptionGroup var global: GlobalOptions
    @Argument(help: "A source name from the manifest.") var source: String

    func run() throws {
        global.bootstrapLogging()
        let context = try location.loadContext()
        guard let endpoint = context.manifest.source(named: source) else {
            let known = context.manifest.sources.map(\.name).joined(separator: ", ")
            throw Console.usage("no source \"\(source)\" in the manifest (sources: \(known))")
        }
        let capture = PluginOutputCapture.start(plugin: endpoint.plugin)
        defer { capture?.finish() }
        let streams = try context.printingRedactedErrors {
            let instance = try SourceInstance(
                plugin: try context.catalog.loadPlugin(named: endpoint.plugin, kind: .source), configJSON: endpoint.configJSON,
                entryID: nil, redact: context.redactor)
            return try instance.discover()
        }
        for stream in streams {
            Console.output("\(stream.name)\n")
            for field in stream.schema.fields {
                Console.output("  \(field.name)  \(field.type)\(field.nullable ? "" : " not null")\n")
            }
        }
    }
}
