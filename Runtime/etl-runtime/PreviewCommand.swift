import ArgumentParser
import ETLArrow
import ETLRuntimeCore

/// `etl-runtime preview ENTRY`: reads the next rows an entry would load, writes nothing.
struct PreviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Read the next rows an entry would load (from its watermark) and print them; writes nothing.")

    @OptionGroup var location: PluginLocationOptions
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The entry id.") var entry: String
    @Option(name: .long, help: "How many rows to show.") var limit: Int = 10

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        global.bootstrapLogging()
        let context = try location.loadContext()
        let entries: [ControlEntry]
        do {
            entries = try context.selectEntries([entry])
        } catch {
            throw Console.usage("\(error)")
        }
        let entry = entries[0]
        let watermark = try context.openState().watermark(entryID: entry.id)
        guard let endpoint = context.manifest.source(named: entry.source) else { return }
        let redact = context.manifest.redacting
        let capture = PluginOutputCapture.start(plugin: endpoint.plugin)
        defer { capture?.finish() }
        let (header, rows, rejects) = try context.printingRedactedErrors {
            let source = try SourceInstance(
                plugin: try context.catalog.loadPlugin(named: endpoint.plugin, kind: .source), configJSON: endpoint.configJSON,
                entryID: entry.id, redact: context.redactor)
            // The request `run` sends, from the watermark the control table mirrors, capped at --limit.
            let read = try source.read(
                .forEntry(entry, startState: context.manifest.secretForm.expanded(watermark.state), fullRefresh: false, limit: limit))
            let schema = try read.schema()
            var rows: [[String]] = []
            while rows.count < limit, let batch = try read.stream.next() {
                for row in 0..<batch.rowCount where rows.count < limit {
                    rows.append((0..<schema.fields.count).map { ValueText.render(batch.column($0), row: row) })
                }
            }
            return (schema.fields.map(\.name), rows, source.context.takeRejects())
        }
        Console.output(PluginListing.alignedColumns([header] + rows.map { $0.map(redact) }))
        for reject in rejects {
            Console.output("rejected \(redact(reject.position)): \(redact(reject.reason))\n")
        }
    }
}

/// Renders one Arrow value as text for people.
enum ValueText {
    static func render(_ column: ImportedColumn, row: Int) -> String {
        if column.isNull(row) { return "NULL" }
        switch column.type {
        case .bool: return column.bool(row) ? "true" : "false"
        case .int64: return String(column.int64(row))
        case .double: return String(column.double(row))
        case .utf8: return column.string(row)
        case .binary: return "0x" + column.bytes(row).map { String(format: "%02x", $0) }.joined()
        case .timestampMicrosecondsUTC: return String(column.timestampMicroseconds(row)) + "µs"
        case .date32: return String(column.date32(row)) + "d"
        case .decimal128: return column.decimal128(row).text
        case .null: return "NULL"
        }
    }
}
