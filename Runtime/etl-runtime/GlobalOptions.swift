import ArgumentParser
import ETLRuntimeCore
import Logging

/// Options every subcommand that reads a manifest or logs shares.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("How log lines on stderr are written.", valueName: "text|json"))
    var logFormat: LogFormatArgument = .text

    @Flag(name: .long, help: "Log debug detail (plugin calls, search path).")
    var verbose = false

    @Flag(name: .long, help: "Log errors only: a run that succeeds prints nothing, so cron mails only failures.")
    var quiet = false

    func validate() throws {
        if quiet, verbose { throw ValidationError("--quiet and --verbose cannot be used together") }
    }

    func bootstrapLogging() {
        StderrLogHandler.bootstrap(format: logFormat.format, level: verbose ? .debug : quiet ? .error : .info)
    }
}

/// `--log-format` values.
enum LogFormatArgument: String, ExpressibleByArgument, CaseIterable {
    case text, json
    var format: LogFormat { self == .text ? .text : .json }
}

/// Where plugins and the manifest are found.
struct PluginLocationOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The manifest file.", valueName: "path"))
    var manifest: String?

    @Option(name: .customLong("plugin-dir"), help: ArgumentHelp("A folder to search for plugins first (repeatable).", valueName: "dir"))
    var pluginDirectories: [String] = []

    /// The manifest path given, or `plugins.json` in the current folder.
    var manifestPath: String { manifest ?? "plugins.json" }
}
