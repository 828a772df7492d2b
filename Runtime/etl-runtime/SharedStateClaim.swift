import ETLRuntimeCore
import Foundation

/// Before an entry runs against a shared state (PostgreSQL, several hosts): its claim, or the
/// reason it is not run here. Every host runs every entry that is not claimed; an entry another
/// host ran successfully since this round began is not run again (a full entry would reload its
/// target, an incremental one would only find nothing new).
enum SharedStateClaim {
    enum Decision {
        /// Run it, holding `claim` until the run has ended; `state` is the state on the claim's
        /// connection, for what this process records of the run (nil for a file: see `EntryWorker`).
        case run(EntryClaim?, state: StateDatabase?)
        /// Not run here: the result to report (status `elsewhere`, or `failed` when the claim
        /// could not be asked for).
        case notHere(EntryRunResult)
    }

    /// `roundStart`: when this round began, on the state server's clock (`StateDatabase.now()`),
    /// which the other hosts' runs' `started_at` are written with too: hosts whose own clocks
    /// disagree still agree on which run began in this round.
    static func decide(_ entry: ControlEntry, runID: String, roundStart: String, location: StateLocation, redact: (String) -> String) -> Decision {
        guard case .server(let server) = location else { return .run(nil, state: nil) }
        var result = EntryRunResult(entryID: entry.id, runID: runID, status: .elsewhere)
        do {
            guard let claim = try EntryClaim.take(server, entryID: entry.id) else {
                result.error = "running elsewhere: another host holds its claim in the shared state; not run here"
                return .notHere(result)
            }
            let state = try claim.openState(location)
            if try state.succeededElsewhere(entryID: entry.id, since: roundStart, exceptRunID: runID) {
                result.error = "ran elsewhere: another host's run of it began after this round began and succeeded; not run again"
                return .notHere(result)
            }
            return .run(claim, state: state)
        } catch {
            result.status = .failed
            result.error = redact("could not claim it in the shared state: \(error)")
            return .notHere(result)
        }
    }
}
