import ArgumentParser
import ETLRuntimeCore

/// `etl-runtime status`: the control table — each entry's watermark (with the lookback the next
/// incremental read subtracts from it) and last run.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the control table: each entry's watermark, last run, rows loaded and the entries it depends on.",
        discussion: "Reads only the state database: the manifest's secrets need not be set and no plugin is loaded.")

    @OptionGroup var location: PluginLocationOptions
    @OptionGroup var global: GlobalOptions

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    func run() throws {
        global.bootstrapLogging()
        let context = try location.loadStateContext()
        let state = try context.openState()
        let rows = try context.controlRows(in: state)
        let redact = context.redacting
        // The lookback is the manifest's, not the state's: the next run applies what is written now.
        let lookback = { (id: String) in context.outline.entry(id: id)?.lookback }
        // Lineage is the manifest's too: what the next run orders the entries by.
        let dependsOn = { (id: String) in context.outline.entry(id: id)?.dependsOn ?? [] }
        // What each entry's newest run that got as far as reading read (the recorded lineage).
        var lastReads: [String: (runID: String, reads: [String])] = [:]
        for row in rows { lastReads[row.id] = try state.lastReads(entryID: row.id) }
        if json {
            print(Console.json(rows.map { row -> [String: Any] in
                [
                    "id": row.id, "source": row.source, "stream": row.stream, "sink": row.sink, "target": row.target,
                    "active": row.active, "mode": row.mode, "write": row.writeMode, "cursor_field": row.cursorField as Any,
                    "watermark": row.watermark.map(redact) as Any, "lookback": lookback(row.id) as Any, "last_run_id": row.lastRunID as Any,
                    "last_status": row.lastStatus as Any, "last_run_at": row.lastRunAt as Any,
                    "last_error": row.lastError.map(redact) as Any, "rows_loaded": row.rowsLoaded,
                    "depends_on": dependsOn(row.id), "reads": lastReads[row.id]?.reads as Any,
                    "reads_run_id": lastReads[row.id]?.runID as Any,
                ]
            }))
            return
        }
        let header = ["ENTRY", "ACTIVE", "MODE", "WRITE", "TARGET", "LAST RUN", "STATUS", "ROWS", "LOOKBACK", "WATERMARK"]
        let table = rows.map { row in
            [
                row.id, row.active ? "yes" : "no", row.mode, row.writeMode, "\(row.sink).\(row.target)",
                row.lastRunAt ?? "never", row.lastStatus ?? "-", String(row.rowsLoaded), lookback(row.id) ?? "-",
                row.watermark.map(redact) ?? "-",
            ]
        }
        print(PluginListing.alignedColumns([header] + table), terminator: "")
        for row in rows {
            if !dependsOn(row.id).isEmpty { print("\(row.id): depends on \(dependsOn(row.id).joined(separator: ", "))") }
            // A SQL model's lineage as its run found it, beside the declared one. (An entry with a
            // source reads its source and stream, which the table above shows.)
            if row.source.isEmpty, let last = lastReads[row.id] {
                let tables = redact(last.reads.joined(separator: ", "))
                if last.runID == row.lastRunID {
                    print("\(row.id): last run read \(tables)")
                } else {
                    print("\(row.id): read \(tables) in run \(last.runID) (its last run to read; the latest, \(row.lastRunID ?? "-"), did not get that far)")
                }
            }
        }
        for row in rows where row.lastStatus == "failed" || row.lastStatus == "skipped" {
            print("\(row.id): last run \(row.lastStatus ?? ""): \(row.lastError.map(redact) ?? "no message")")
        }
    }
}
