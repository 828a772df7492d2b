import ArgumentParser
import ETLRuntimeCore

/// `etl-runtime history`: past runs, newest first.
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history", abstract: "Show past runs from etl_runs, newest first, with what each read.",
        discussion: "Reads only the state database: the manifest's secrets need not be set and no plugin is loaded.")

    @OptionGroup var location: PluginLocationOptions
    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("entry"), help: ArgumentHelp("Only this entry's runs.", valueName: "id"))
    var entry: String?

    @Option(name: .long, help: "How many runs to show.")
    var limit: Int = 20

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        global.bootstrapLogging()
        let context = try location.loadStateContext()
        let runs = try context.openState().runs(entryID: entry, limit: limit)
        let redact = context.redacting
        if json {
            print(Console.json(runs.map { run -> [String: Any] in
                [
                    "run_id": run.runID, "entry": run.entryID, "started_at": run.startedAt, "ended_at": run.endedAt as Any,
                    "status": run.status, "rows_read": run.rowsRead, "rows_written": run.rowsWritten,
                    "rows_rejected": run.rowsRejected, "watermark": run.watermark.map(redact) as Any,
                    "error": run.error.map(redact) as Any, "pid": run.pid, "reads": run.reads as Any, "host": run.host as Any,
                ]
            }))
            return
        }
        // READS is the run's lineage: a SQL model's tables, or an entry's `source:stream`.
        // HOST only for a state several hosts share (PostgreSQL), where it says who ran what.
        let shared = runs.contains { $0.host != nil }
        let header = ["RUN", "ENTRY", "STARTED", "STATUS", "READ", "WRITTEN", "REJECTED", "READS"] + (shared ? ["HOST"] : []) + ["ERROR"]
        let table = runs.map { run in
            [
                run.runID, run.entryID, run.startedAt, run.status, String(run.rowsRead), String(run.rowsWritten),
                String(run.rowsRejected), run.reads.map { redact($0.joined(separator: ",")) } ?? "-",
            ] + (shared ? [run.host ?? "-"] : []) + [run.error.map(redact) ?? ""]
        }
        print(PluginListing.alignedColumns([header] + table), terminator: "")
    }
}
