import ArgumentParser
import ETLRuntimeCore
import Foundation
import Synchronization

extension PluginLocationOptions {
    /// Loads the manifest and its plugins, or prints every problem and exits 78.
    func loadContext() throws -> ManifestContext {
        try ManifestContext.loadOrReport(manifestPath: manifestPath, pluginDirectories: pluginDirectories)
    }
}

extension ManifestContext {
    /// Loads the manifest and its plugins, or prints every problem and exits 78.
    static func loadOrReport(manifestPath: String, pluginDirectories: [String]) throws -> ManifestContext {
        do {
            return try ManifestContext.load(
                manifestPath: manifestPath, pluginDirectories: pluginDirectories,
                environment: ProcessInfo.processInfo.environment)
        } catch {
            ManifestProblems.report(error.issues, manifestPath: error.manifestPath)
            throw ExitCodes.invalidConfiguration
        }
    }
}

/// How every command reports a manifest it will not run: each problem on a line, then a count.
enum ManifestProblems {
    static func report(_ issues: [ManifestIssue], manifestPath: String) {
        for issue in issues { Console.error("\(issue)") }
        let count = issues.count
        Console.error("\(manifestPath): \(count) \(count == 1 ? "problem" : "problems") found; nothing was run")
    }
}

/// Output helpers: results to stdout, problems to stderr, whole lines only.
enum Console {
    private static let outputLost = Atomic<Bool>(false)

    /// One line on stderr; dropped, never fatal, when stderr is closed or broken.
    static func error(_ line: String) {
        StderrWriter.write(line + "\n")
    }

    /// Results on stdout — the real one, also while descriptor 1 collects what plugins print
    /// (see `PluginOutputCapture`). Text that could not be written makes the command exit 74
    /// when it ends (`StandardStreams.finishStandardOutput`).
    static func output(_ text: String) {
        if !StderrWriter.write(text, to: PluginOutputCapture.standardOutput) { outputLost.store(true, ordering: .relaxed) }
    }

    /// True when some `output` could not be written.
    static var outputFailed: Bool { outputLost.load(ordering: .relaxed) }

    static func json(_ object: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// Exits 64 with a message, for arguments that parse but make no sense.
    static func usage(_ message: String) -> ExitCode {
        error("etl-runtime: \(message)")
        return ExitCodes.usage
    }
}
