/// The state's clock: every time written into the state (a run's start and end, the control
/// table's `last_run_at`, ...) and every time a rule compares with a stored one is read from it.
/// A SQLite file belongs to one host, whose clock it is. A PostgreSQL state is shared by several
/// hosts, whose clocks may disagree by minutes or hours: there it is the server's clock, so that
/// "another host's run began after this round began" (`succeededElsewhere`) means what it says
/// on every host.
extension StateDatabase {
    /// The state clock's current time, as a `Timestamp`.
    package func now() throws -> String {
        try connection.now()
    }

    /// The state clock's time `seconds` ago: when something this host timed on its monotonic
    /// clock (which setting the wall clock does not move) happened, say the start of a command
    /// that opened the state only later.
    package func time(secondsAgo seconds: Double) throws -> String {
        // The reading taken when the state was opened serves for a few seconds: the time since
        // is measured on the monotonic clock, as `seconds` is.
        var reading = clockReading ?? (time: "", monotonic: -.infinity)
        let now = MonotonicTime.seconds()
        if now - reading.monotonic > Self.clockReadingLifetime {
            reading = (try connection.now(), now)
            clockReading = reading
        }
        guard let epoch = Timestamp.epochSeconds(reading.time) else {
            throw StateDatabaseError(path: path, sql: nil, message: "the state's clock gave \"\(reading.time)\", which is no timestamp")
        }
        return Timestamp.text(epochSeconds: epoch + (now - reading.monotonic) - max(0, seconds))
    }

    /// Seconds a clock reading stands in for a new one (a server's clock may be set meanwhile).
    static let clockReadingLifetime: Double = 5
}
