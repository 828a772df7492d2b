/// The one exit code a `run` ends with, for cron and service managers. When several things
/// happened, the most serious wins:
///
/// 1. stopped by a signal: 128 + its number (130 SIGINT, 143 SIGTERM), whatever the entries
///    did, as a shell reports a process the signal ended, so a stopped run never looks failed
///    or finished;
/// 2. 78: an entry's manifest or plugin configuration is invalid (a person must fix it);
/// 3. 1: an entry failed (the others still ran), or was skipped because an upstream it depends
///    on did not succeed (the run did not load what it was asked to: it must not look done);
/// 4. 75: an entry was left alone because another run holds its lock (try again later);
/// 5. 0: every entry that ran succeeded, or none was due, or (state in PostgreSQL) another
///    host is running it or ran it in this round (`elsewhere`).
package enum RunOutcome {
    package static let success: Int32 = 0
    /// One or more entries failed, or stopped short without a signal to explain it.
    package static let entryFailed: Int32 = 1
    /// EX_TEMPFAIL.
    package static let locked: Int32 = 75
    /// EX_CONFIG.
    package static let configurationInvalid: Int32 = 78

    /// The exit code for a run whose entries ended with `results`, that left `lockedEntries`
    /// alone, and that received `signal` first (nil when none arrived).
    package static func exitCode(results: [EntryRunResult], lockedEntries: [String], signal: Int32?) -> Int32 {
        if let signal { return 128 + signal }
        let notDone = results.filter { $0.status != .ok && $0.status != .elsewhere }
        if notDone.contains(where: { $0.configurationInvalid }) { return configurationInvalid }
        if !notDone.isEmpty { return entryFailed }
        if !lockedEntries.isEmpty { return locked }
        return success
    }
}
