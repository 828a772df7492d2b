/// What `metadata` and `now()` read: fixed for the whole run, so every batch agrees.
package struct TransformRunInfo: Sendable {
    package var runID: String
    /// The run's start, microseconds since the epoch (UTC).
    package var startedMicros: Int64

    package init(runID: String, startedMicros: Int64) {
        self.runID = runID
        self.startedMicros = startedMicros
    }
}
