import ArgumentParser
import ETLRuntimeCore

/// `etl-runtime state rebuild`: a new state database from the state each sink committed with
/// its data, for a state database that is damaged, foreign, of a newer runtime, or lost.
struct StateRebuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Rebuild the state database from the sinks' committed state (_etl_state).",
        discussion: """
            Moves the current state database aside (renamed *.unusable-<time>, never deleted: its run \
            history stays readable there), creates a new one, and sets each incremental entry's \
            watermark to the state its sink committed together with its data. Run it when a command \
            says the state database is damaged or not usable. No run of the manifest may be under way.
            """)

    @OptionGroup var location: PluginLocationOptions

    func run() throws {
        let context = try location.loadContext()
        let locks: [EntryLock]
        do {
            locks = try context.manifest.controlTable.map { try EntryLock(entryID: $0.id, folder: context.lockFolder) }
        } catch let held as EntryLock.Held {
            Console.error("etl-runtime: \(held); rebuild the state database once no run is under way")
            throw ExitCodes.locked
        }
        let result = try StateRebuild.run(context)
        withExtendedLifetime(locks) {}
        if let aside = result.movedAside { print("moved the previous state database aside: \(aside)") }
        for outcome in result.outcomes {
            if let problem = outcome.problem {
                print("\(outcome.entryID): could not read its sink's state (\(problem)); it starts from the beginning unless you `state set` it")
            } else if let watermark = outcome.watermark {
                print("\(outcome.entryID): watermark \(watermark) (from its sink)")
            } else {
                print("\(outcome.entryID): no committed state (a full entry, or never loaded); starts from the beginning")
            }
        }
        if !result.keptStateID, result.movedAside != nil {
            print("the project id could not be read from the old file: sinks will see a new project; run once with --take-ownership")
        }
        if result.outcomes.contains(where: { $0.problem != nil }) { throw ExitCodes.entryFailed }
    }
}
