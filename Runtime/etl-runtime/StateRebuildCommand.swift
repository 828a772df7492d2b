import ArgumentParser
import ETLRuntimeCore

/// `etl-runtime state rebuild`: a new state database from the state each sink committed with
/// its data, for a state database that is damaged, foreign, of a newer runtime, or lost.
struct StateRebuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Rebuild the state database from the sinks' committed state (_etl_state).",
        discussion: """
            Moves the current state aside, never deleting it, creates a new one, and sets each \
            incremental entry's watermark to the state its sink committed together with its data. \
            A SQLite file is renamed *.unusable-<time>; a state in PostgreSQL (state.url) goes to the \
            schema <schema>_unusable_<time> of the same database, in the same transaction that \
            creates the new state (the whole schema is renamed when it holds only the state, \
            otherwise the state's four tables move). Either way the old run history stays readable \
            there (for PostgreSQL: point state.schema at that schema). The project id is kept when \
            the old state still shows it, so sinks still see this project as their targets' owner. \
            Run it when a command says the state is damaged or not usable. No run of the manifest \
            may be under way: with a shared state it takes every entry's claim, and refuses (exit 75) \
            naming the entries another host is running.
            """)

    @OptionGroup var location: PluginLocationOptions

    func run() throws {
        let context = try location.loadContext()
        let locks: [EntryLock]
        var claims: EntryClaimSet?
        do {
            locks = try context.manifest.controlTable.map { try EntryLock(entryID: $0.id, folder: context.lockFolder) }
            if let server = context.manifest.stateServer {
                claims = try EntryClaimSet.takeAll(server, entryIDs: context.manifest.controlTable.map(\.id))
            }
        } catch let held as EntryLock.Held {
            Console.error("etl-runtime: \(held); rebuild the state database once no run is under way")
            throw ExitCodes.locked
        } catch let held as EntryClaimSet.Held {
            Console.error("etl-runtime: \(context.manifest.redacting("\(held)")); rebuild the state once no run is under way on any host")
            throw ExitCodes.locked
        }
        let result = try StateRebuild.run(context)
        withExtendedLifetime(locks) {}
        claims?.release()
        switch result.movedAside {
        case .file(let aside):
            print("moved the previous state database aside: \(aside)")
        case .schema(let aside, let server):
            print(context.manifest.redacting(
                "moved the previous state aside: \(PostgresStateServer(url: server.url, schema: aside).description); "
                    + "its history stays there (read it with state.schema set to \"\(aside)\")"))
        case nil:
            break
        }
        for note in result.defaultPrivilegesNotCarried {
            Console.error("etl-runtime: warning: a default privilege of the old state schema was not carried over to the new one: \(context.manifest.redacting(note))")
        }
        for outcome in result.outcomes {
            if let problem = outcome.problem {
                print("\(outcome.entryID): could not read its sink's state (\(problem)); it starts from the beginning unless you `state set` it")
            } else if let watermark = outcome.watermark {
                print("\(outcome.entryID): watermark \(watermark) (from its sink)")
            } else {
                print("\(outcome.entryID): no committed state (a full entry, or never loaded); starts from the beginning")
            }
        }
        // Also when nothing was left to move (a lost file, a dropped schema): the sinks still hold the old id.
        if !result.keptStateID {
            print("the project id could not be read from the old state: sinks that hold this project's targets will see a new project; run once with --take-ownership")
        }
        if result.outcomes.contains(where: { $0.problem != nil }) { throw ExitCodes.entryFailed }
    }
}
