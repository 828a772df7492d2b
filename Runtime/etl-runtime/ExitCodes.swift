import ArgumentParser
import ETLRuntimeCore

/// The exit codes DESIGN.md promises to cron (sysexits.h values where one fits). A run that
/// a signal stopped exits 128 + the signal; `RunOutcome` picks one code when several apply.
enum ExitCodes {
    /// One or more entries failed; the others still ran.
    static let entryFailed = ExitCode(RunOutcome.entryFailed)
    /// Bad command line (EX_USAGE).
    static let usage = ExitCode(64)
    /// Standard output could not be written: a full disk, a closed stream (EX_IOERR).
    static let outputFailed = ExitCode(74)
    /// Another run holds the lock (EX_TEMPFAIL).
    static let locked = ExitCode(RunOutcome.locked)
    /// The manifest or a plugin configuration is invalid (EX_CONFIG).
    static let invalidConfiguration = ExitCode(RunOutcome.configurationInvalid)
}
