/// The time left of an entry's read, from the progress its source reports (`SourceInputProgress`):
/// the rest at the rate of the last 30 seconds — the rate since the entry started while it is
/// younger than that. Shared by the terminal's `ETA` and the `eta_seconds` of `progress` events.
///
/// Why a window and not the average since the start: a load whose rate changes (a server that
/// warms up, a remote file whose first megabytes come slowly, a sink that slows as its index
/// grows) keeps an average that lags for minutes. Why 30 s and no shorter: one batch moves the
/// rate of 30 s only by its share of them, so the ETA does not jump from batch to batch, and a
/// change of rate shows within half a minute. Why the window ends now rather than at the last
/// report: a batch that takes long lowers the rate while it is on its way, as the average did,
/// instead of the ETA standing still; and the window starts at a report at least 30 s older than
/// the last one, so a read whose batches come more than 30 s apart still has a rate.
/// Times are seconds on one clock (`MonotonicTime` in the runtime), passed in so tests choose them.
package struct RemainingTimeEstimate: Sendable {
    private struct Sample: Sendable {
        let time: Double
        let done: Int64
    }

    /// How far back the rate looks.
    package static let window: Double = 30
    /// Reports closer than this to the previous kept one are not kept for the window (the last
    /// report always counts): at most about 32 samples, however often a source reports.
    package static let spacing: Double = 1

    /// Kept reports, oldest first; the first is the start of the read (nothing done yet).
    private var samples: [Sample]
    private var latest: (sample: Sample, total: Int64?)?

    /// An estimate for a read that started at `started`, having consumed nothing yet.
    package init(started: Double) {
        samples = [Sample(time: started, done: 0)]
    }

    /// Reports kept for the window, the start included (for tests of the bound).
    package var keptSamples: Int { samples.count }

    /// Takes what the source reported at `time`.
    package mutating func record(_ input: SourceInputProgress, at time: Double) {
        let sample = Sample(time: time, done: max(input.done, 0))
        if let previous = latest?.sample, sample.done < previous.done {
            // A new read starts from none (ABI `report_progress`): the old rate says nothing of it.
            samples = [sample]
        } else if let last = samples.last, time - last.time >= Self.spacing {
            samples.append(sample)
        }
        latest = (sample, input.total)
        // A sample is no use once a later one is also old enough to start the window.
        while samples.count >= 2, samples[1].time <= time - Self.window { samples.removeFirst() }
    }

    /// Seconds left at `now`: 0 once everything was read; nil without a total, before anything was
    /// reported, or while nothing moved.
    package func secondsLeft(at now: Double) -> Double? {
        guard let latest, let total = latest.total else { return nil }
        if latest.sample.done >= total { return 0 }
        let start = samples.last(where: { $0.time <= latest.sample.time - Self.window }) ?? samples[0]
        let moved = Double(latest.sample.done - start.done), span = now - start.time
        guard moved > 0, span > 0 else { return nil }
        return Double(total - latest.sample.done) / (moved / span)
    }
}
