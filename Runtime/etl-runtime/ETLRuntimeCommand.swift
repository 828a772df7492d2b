import ArgumentParser
import ETLRuntimeCore

/// `etl-runtime`: the root command; each subcommand lives in its own file.
struct ETLRuntimeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "etl-runtime",
        abstract: "Run ETL pipelines described in a JSON manifest, with plugins loaded as shared libraries.",
        discussion: """
            Exit codes: 0 success; 1 an entry failed; 64 usage error; 75 another run holds the lock; \
            78 manifest or plugin configuration invalid.
            """,
        version: "etl-runtime \(HostAPI.runtimeVersion) (plugin ABI \(HostAPI.abiVersion))",
        subcommands: [
            RunCommand.self, ValidateCommand.self, StatusCommand.self, HistoryCommand.self, StateCommand.self,
            PreviewCommand.self, DiscoverCommand.self, CheckCommand.self, ListPluginsCommand.self, EntryWorkerCommand.self,
        ]
    )
}
