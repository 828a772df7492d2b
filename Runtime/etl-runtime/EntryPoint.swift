import ArgumentParser
import ETLRuntimeCore
import Foundation

/// Process entry: the hidden plugin-probe mode first (it must not parse arguments or
/// set up logging: it only answers the parent), then the hidden entry worker (`run` alone
/// writes its arguments), then the command line.
@main
enum EntryPoint {
    static func main() {
        let arguments = CommandLine.arguments
        if arguments.count >= 2, arguments[1] == PluginProber.childCommand {
            PluginProber.runChild(paths: Array(arguments.dropFirst(2)))
            exit(0)
        }
        StandardStreams.prepare()
        SQLiteProcessSettings.apply()
        if arguments.count >= 2, arguments[1] == EntryWorkerCommand.commandName {
            EntryWorkerCommand.main(Array(arguments.dropFirst(2)))
        }
        do {
            var command = try ETLRuntimeCommand.parseAsRoot()
            try command.run()
            StandardStreams.finishStandardOutput()
        } catch let error as StateDatabaseError where error.kind == .unusable {
            // Every command that reads the state database stops here, the same way.
            Console.error("etl-runtime: \(error)")
            exit(ExitCodes.invalidConfiguration.rawValue)
        } catch {
            ETLRuntimeCommand.exit(withError: error)
        }
    }
}
