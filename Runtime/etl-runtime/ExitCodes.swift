import ArgumentParser

/// The exit codes DESIGN.md promises to cron (sysexits.h values where one fits).
enum ExitCodes {
    /// One or more entries failed; the others still ran.
    static let entryFailed = ExitCode(1)
    /// Bad command line (EX_USAGE).
    static let usage = ExitCode(64)
    /// Standard output could not be written: a full disk, a closed stream (EX_IOERR).
    static let outputFailed = ExitCode(74)
    /// Another run holds the lock (EX_TEMPFAIL).
    static let locked = ExitCode(75)
    /// The manifest or a plugin configuration is invalid (EX_CONFIG).
    static let invalidConfiguration = ExitCode(78)
}
