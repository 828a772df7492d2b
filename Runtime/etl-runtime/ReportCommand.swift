import ArgumentParser
import ETLRuntimeCore
import Foundation

/// `etl-runtime report`: one self-contained HTML file of what happened (see `ReportPage`).
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write an HTML report: each entry's status, last success and freshness, runs over time, failures, rejects, dependencies.",
        discussion: """
            One file with everything inline (no network needed to open it). Reads the state database; each \
            entry's freshness (as check --freshness judges it) also needs the whole manifest — its secrets set, its \
            plugins found — and without it the page says why freshness is not shown, the rest is the same.
            """)

    @OptionGroup var location: PluginLocationOptions
    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("Where to write the page; - for standard output.", valueName: "path"))
    var output = "report.html"

    @Option(name: .long, help: ArgumentHelp("How many recent runs per entry the charts show.", valueName: "n"))
    var runs = 30

    func validate() throws {
        guard (1...1000).contains(runs) else { throw ValidationError("--runs must be between 1 and 1000, got \(runs)") }
        guard !output.isEmpty else { throw ValidationError("--output must name a file (or - for standard output)") }
    }

    func run() throws {
        global.bootstrapLogging()
        let context = try location.loadStateContext()
        var limits = ReportSnapshot.Limits()
        limits.runsPerEntry = runs
        let snapshot = try ReportSnapshot.read(
            context: context, manifest: location.manifestPath, loaded: location.loadWholeManifest(), limits: limits)
        let html = ReportPage.html(snapshot)
        if output == "-" {
            print(html, terminator: "")
            return
        }
        do {
            // Written beside the target and renamed over it: a reader (a web server, a mail
            // attachment) never sees half a page.
            try Data(html.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
        } catch {
            Console.error("etl-runtime: report: cannot write \(output): \(error.localizedDescription); choose another --output")
            throw ExitCodes.outputFailed
        }
        Console.error("etl-runtime: report written to \(output) (\(snapshot.entries.count) entries)")
    }
}
