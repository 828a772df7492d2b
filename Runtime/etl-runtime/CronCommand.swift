import ArgumentParser
import ETLRuntimeCore
import Foundation

/// `etl-runtime cron --every 10m`: prints a crontab line that runs this manifest on schedule,
/// ready for `crontab -e` (or `(crontab -l; etl-runtime cron --every 10m) | crontab -`).
struct CronCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cron",
        abstract: "Print a crontab line that runs the manifest at an interval.",
        discussion: """
            The line names this executable and the manifest by absolute path (cron starts jobs in the home folder \
            with a bare PATH), runs with --quiet (a run that succeeds writes nothing; errors and the summaries of \
            entries that did not succeed still do) and appends stdout and stderr to a log file. The manifest's .env \
            beside it is read by etl-runtime itself, so the line sets no variables. No flock is needed: an entry \
            still running from the last tick is left alone (exit 75) while the others run. Intervals cron keeps \
            evenly only: 1, 2, 3, 4, 5, 6, 10, 12, 15, 20 or 30 minutes (m), 1, 2, 3, 4, 6, 8 or 12 hours (h), 1d or 7d.
            """
    )

    @OptionGroup var location: PluginLocationOptions

    @Option(name: .long, help: ArgumentHelp("How often to run: 10m, 2h, 1d, ...", valueName: "interval"))
    var every: String

    @Option(name: .long, help: ArgumentHelp("Where the runs' output goes (default: etl-runtime.log beside the manifest).", valueName: "path"))
    var logFile: String?

    func run() throws {
        let schedule: CronSchedule
        do {
            schedule = try CronSchedule(every: every)
        } catch {
            throw Console.usage("\(error)")
        }
        let manifest = Self.absolute(location.manifestPath)
        guard FileManager.default.fileExists(atPath: manifest) else {
            throw Console.usage("no manifest at \(manifest); name it with --manifest")
        }
        guard let executable = PluginSearchPath.currentExecutablePath.map(Self.absolute) else {
            throw Console.usage("cannot find this executable's path to put in the line")
        }
        let folder = (manifest as NSString).deletingLastPathComponent
        let log = Self.absolute(logFile ?? (folder as NSString).appendingPathComponent("etl-runtime.log"))
        var command = [executable, "run", "--manifest", manifest]
        for directory in location.pluginDirectories { command += ["--plugin-dir", Self.absolute(directory)] }
        command.append("--quiet")
        let dotEnv = (folder as NSString).appendingPathComponent(".env")
        var lines = ["# etl-runtime: \(manifest), \(schedule.meaning); output appended to \(log)"]
        if FileManager.default.fileExists(atPath: dotEnv) {
            lines.append("# \(dotEnv) is read by etl-runtime itself at each run: the line needs no variables")
        }
        lines.append("\(schedule.fields) " + command.map(CrontabQuoting.word).joined(separator: " ") + " >> \(CrontabQuoting.word(log)) 2>&1")
        print(lines.joined(separator: "\n"))
    }
}

extension CronCommand {
    /// `path` from the folder this command runs in, as cron (which starts in the home folder) needs it.
    static func absolute(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
        return (full as NSString).standardizingPath
    }
}

/// Words of a crontab command: the shell's quoting, plus `%`, which cron turns into a newline
/// unless escaped.
enum CrontabQuoting {
    static func word(_ text: String) -> String {
        let plain = text.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "/._-+=:,@".unicodeScalars.contains($0))
        }
        let quoted = plain ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
        return quoted.replacingOccurrences(of: "%", with: "\\%")
    }
}
