import ArgumentParser
import ETLRuntimeCore

/// `etl-runtime`: the root command; each subcommand lives in its own file.
struct ETLRuntimeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "etl-runtime",
        abstract: "Run ETL pipelines described in a JSON manifest, with plugins loaded as shared libraries.",
        discussion: """
            Exit codes: 0 success; 1 an entry failed; 64 usage error; 74 standard output could not be \
            written; 75 another run holds an entry's lock (the others still ran); 78 manifest or plugin \
            configuration invalid; 130/143 stopped by SIGINT/SIGTERM (128 + the signal). When several \
            apply, a run exits with the first of 130/143, 78, 1, 75.
            """,
        version: "etl-runtime \(HostAPI.runtimeVersion) (plugin ABI \(HostAPI.abiVersion))",
        subcommands: [
            RunCommand.self, ValidateCommand.self, StatusCommand.self, HistoryCommand.self, StateCommand.self,
            ReportCommand.self, ServeCommand.self, PreviewCommand.self, DiscoverCommand.self, CheckCommand.self, ListPluginsCommand.self,
            CronCommand.self,
        ]
    )
}
