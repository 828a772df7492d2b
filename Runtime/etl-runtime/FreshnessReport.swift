import ArgumentParser
import ETLRuntimeCore
import Foundation

/// `check --freshness` and the options that go with it.
struct FreshnessOptions: ParsableArguments {
    @Flag(name: .long, help: "Check each active entry's data against its freshness limits instead of reaching plugins; exits 0 ok, 1 warn, 2 error.")
    var freshness = false

    @Flag(name: .long, help: "With --freshness: print JSON instead of one line per entry.")
    var json = false

    @Flag(name: .long, help: "With --freshness: do not send freshness notifications (those of a notify whose \"on\" has \"freshness\").")
    var noNotify = false

    @Option(name: .long, help: ArgumentHelp("With --freshness: also write the entries' metrics (Prometheus textfile format) to this file, atomically.", valueName: "path"))
    var metricsFile: String?

    func validate() throws {
        guard !freshness else { return }
        if json { throw ValidationError("--json needs --freshness") }
        if noNotify { throw ValidationError("--no-notify needs --freshness") }
        if metricsFile != nil { throw ValidationError("--metrics-file needs --freshness") }
    }
}

/// What `check --freshness` prints and the exit code it returns.
enum FreshnessReport {
    static let discussion = """
        With --freshness, nothing is asked of the plugins: each active entry is judged by its "freshness" — the time \
        since its last successful run and/or the age of its newest input file — and the command exits with the worst \
        level, for monitoring systems: 0 ok, 1 warn, 2 error (78 when the manifest is invalid). Entries without \
        "freshness" are listed but never raise the level. Breaches are notified as the entry's "notify" says.
        """

    /// Prints the report and returns the exit code.
    static func run(_ context: ManifestContext, options: FreshnessOptions) throws -> Int32 {
        let manifest = context.manifest
        let state = try context.openState()
        let entries = manifest.controlTable.filter(\.active)
        let results = try FreshnessCheck.evaluate(entries, manifest: manifest, state: state)
        let worst = results.compactMap(\.level).max() ?? .ok
        if options.json {
            Console.output(Console.json([
                "level": worst.name,
                "entries": results.map(jsonObject),
            ] as [String: Any]) + "\n")
        } else {
            let width = results.map(\.entryID.count).max() ?? 0
            for item in results {
                let label = (item.level?.name ?? "-").uppercased().padding(toLength: 5, withPad: " ", startingAt: 0)
                let id = item.entryID.padding(toLength: width, withPad: " ", startingAt: 0)
                let detail: String
                if item.checks.isEmpty {
                    detail = "no freshness set; " + (item.lastSuccessAgeSeconds.map { "last successful run \(EntryFreshness.age($0)) ago" } ?? "no successful run yet")
                } else {
                    detail = item.checks.map(\.message).joined(separator: "; ")
                }
                Console.output("\(label)  \(id)  \(manifest.redacting(detail))\n")
            }
        }
        if !options.noNotify {
            RunAlerts(manifest: manifest).freshnessBreaches(results, runID: nil, state: state)
        }
        if let path = options.metricsFile {
            do {
                try MetricsFile.write(PrometheusText.render(try EntryMetrics.collect(manifest, state: state)), to: path)
            } catch let failure as MetricsFileError {
                Console.error("\(failure)")
                throw ExitCodes.outputFailed
            }
        }
        return Int32(worst.rawValue)
    }

    private static func jsonObject(_ item: EntryFreshness) -> [String: Any] {
        [
            "entry": item.entryID,
            "level": item.level?.name as Any,
            "last_success": item.lastSuccess as Any,
            "last_success_age_seconds": item.lastSuccessAgeSeconds.map { $0.rounded() } as Any,
            "checks": item.checks.map { check -> [String: Any] in
                [
                    "check": check.kind.rawValue, "level": check.level.name,
                    "age_seconds": check.ageSeconds.map { $0.rounded() } as Any, "since": check.since as Any,
                    "path": check.path as Any, "warn_after": check.thresholds.warnAfter?.text as Any,
                    "error_after": check.thresholds.errorAfter?.text as Any, "message": check.message,
                ]
            },
        ]
    }
}
