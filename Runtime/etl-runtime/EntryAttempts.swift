import ETLRuntimeCore
import Foundation
import Logging

/// An entry's `retry` within one run: after an attempt that failed for a reason that may pass
/// by itself (`EntryRunResult.retryable`), wait (`RetryPolicy.waitSeconds`) and try again, up to
/// its `attempts`. Each attempt is a run of its own in `etl_runs` (run id `<run>-attempt<N>` from
/// the second on), so `history` shows every one; each starts, like any run, from the state the
/// sink committed, so batches an attempt committed before it failed are not loaded twice.
/// SIGINT/SIGTERM ends the wait at once, and no further attempt starts.
struct EntryAttempts {
    let entry: ControlEntry
    let runID: String
    let stateLocation: StateLocation
    let logger: Logger

    /// Runs `attempt` (given the attempt's run id) until it succeeds, fails for good, or the
    /// attempts are spent; returns the last attempt's result.
    func run(_ attempt: (String) -> EntryRunResult) -> EntryRunResult {
        let total = entry.retry?.attempts ?? 1
        var number = 1
        while true {
            let attemptRunID = Self.runID(runID, attempt: number)
            if number > 1 { logger.info("entry \(entry.id): attempt \(number) of \(total) (run \(attemptRunID))") }
            var result = attempt(attemptRunID)
            result.attempt = number
            guard let policy = entry.retry, result.status == .failed, result.retryable, number < total, !CancellationFlag.isCancelled else {
                if number > 1, result.status == .failed, result.retryable {
                    logger.error("entry \(entry.id): attempt \(number) of \(total) failed too; no attempt left in this run")
                }
                return result
            }
            let wait = policy.waitSeconds(beforeAttempt: number + 1)
            let waitText = RunInterval.text(seconds: wait)
            let at = StderrLogHandler.timestamp(secondsFromNow: wait), error = result.error ?? "no message"
            logger.warning(
                "entry \(entry.id): attempt \(number) of \(total) failed with an error that may pass (\(error)); attempt \(number + 1) in \(waitText), at \(at)")
            noteRetry(result, attemptsTotal: total, wait: waitText)
            SignalHandling.sleep(seconds: wait)
            if CancellationFlag.isCancelled {
                logger.info("entry \(entry.id): stopped by a signal while waiting to retry; attempt \(number + 1) was not started")
                return result
            }
            number += 1
        }
    }

    /// The run id of attempt `attempt`: the run's own for the first.
    static func runID(_ runID: String, attempt: Int) -> String {
        attempt == 1 ? runID : "\(runID)-attempt\(attempt)"
    }

    /// The failed attempt's `etl_runs` row says it was retried, so `history` reads as a story.
    private func noteRetry(_ result: EntryRunResult, attemptsTotal: Int, wait: String) {
        var noted = result
        noted.error = "attempt \(result.attempt) of \(attemptsTotal), retried after \(wait): \(result.error ?? "no message")"
        do {
            try StateDatabase(location: stateLocation, pagesChecked: true).finishRun(noted)
        } catch {
            logger.warning("entry \(entry.id): could not note the retry in etl_runs: \(error)")
        }
    }
}
