import ETLRuntimeCore
import Foundation
import Logging
import Synchronization

/// How long loads show they are alive (DESIGN.md). On a terminal: one line, redrawn at most ten
/// times a second, with each running entry's rows, bytes and rate; erased before the summary.
/// Elsewhere (cron mail, log files, a service's journal): a `progress` log event per running
/// entry every `--progress-interval` (default 10 s), also while a batch takes longer than that,
/// so a log shows a long load is alive and how fast it goes. `--quiet` shows neither.
final class ProgressLine: Sendable {
    enum Mode: Sendable {
        case terminal
        case events(interval: Double, format: LogFormat)
        case off
    }

    private struct Running {
        let started: Double
        var progress = LoadProgress(rows: 0, bytes: 0)
        var timeLeft: RemainingTimeEstimate

        init(started: Double) {
            self.started = started
            timeLeft = RemainingTimeEstimate(started: started)
        }
    }

    private struct State {
        /// When the line was last drawn (monotonic seconds).
        var lastDraw = -Double.infinity
        /// Running entries, in the order they started.
        var order: [String] = []
        var running: [String: Running] = [:]
        var stopped = false
    }

    private let mode: Mode
    /// Held while drawing, so lines from worker threads never mix.
    private let state = Mutex(State())

    init(mode: Mode) {
        self.mode = mode
        if case .events(let interval, let format) = mode {
            Thread.detachNewThread { [self] in emitEvents(every: interval, format: format) }
        }
    }

    func started(entry: String) {
        state.withLock { state in
            guard state.running[entry] == nil else { return }
            state.order.append(entry)
            state.running[entry] = Running(started: MonotonicTime.seconds())
        }
    }

    func update(entry: String, progress: LoadProgress) {
        state.withLock { state in
            let now = MonotonicTime.seconds()
            if state.running[entry] == nil {
                state.order.append(entry)
                state.running[entry] = Running(started: now)
            }
            state.running[entry]?.progress = progress
            if let input = progress.input { state.running[entry]?.timeLeft.record(input, at: now) }
            guard case .terminal = mode else { return }
            guard now - state.lastDraw >= 0.1 else { return }
            state.lastDraw = now
            let parts = state.order.compactMap { id in state.running[id].map { "\(id): \(Self.describe($0, now: now))" } }
            StderrWriter.write("\r\u{1B}[K" + parts.joined(separator: " | "))
        }
    }

    func finished(entry: String) {
        state.withLock { state in
            state.running[entry] = nil
            state.order.removeAll { $0 == entry }
        }
    }

    /// Erases the line and stops the events: the round is over.
    func clear() {
        state.withLock { state in
            state.stopped = true
            state.running = [:]
            state.order = []
            if case .terminal = mode { StderrWriter.write("\r\u{1B}[K") }
        }
    }

    /// `120000 rows, 11.4 MiB, 40000 rows/s (3.8 MiB/s)`, then `, 42% ETA 1m12s` when the source
    /// reports how much of its input it has read (ABI 1.3 `report_progress`; the ETA at the rate
    /// of the last 30 s, `RemainingTimeEstimate`).
    private static func describe(_ running: Running, now: Double) -> String {
        let elapsed = max(now - running.started, 0.001)
        let progress = running.progress
        var text = "\(progress.rows) rows, \(bytesText(Double(progress.bytes))), "
            + "\(Int((Double(progress.rows) / elapsed).rounded())) rows/s (\(bytesText(Double(progress.bytes) / elapsed))/s)"
        if let percent = progress.input?.percent {
            text += ", \(percent)%"
            if percent < 100, let left = running.timeLeft.secondsLeft(at: now) { text += " ETA \(durationText(left))" }
        }
        return text
    }

    /// `42s`, `1m12s`, `2h05m`: the time left, to the second under an hour.
    static func durationText(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded(.up))
        if whole < 60 { return "\(whole)s" }
        if whole < 3600 { return "\(whole / 60)m\(String(format: "%02d", whole % 60))s" }
        return "\(whole / 3600)h\(String(format: "%02d", whole / 60 % 60))m"
    }

    static func bytesText(_ bytes: Double) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = bytes, unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(Int(value)) B" : String(format: "%.1f %@", value, units[unit])
    }

    /// The events' thread: wakes every `interval` until the round ends.
    private func emitEvents(every interval: Double, format: LogFormat) {
        let logger = Logger(label: "etl.run")
        var next = MonotonicTime.seconds() + interval
        while true {
            let now = MonotonicTime.seconds()
            if now < next {
                usleep(UInt32(min(50_000, max(1_000, (next - now) * 1_000_000))))
                if state.withLock({ $0.stopped }) { return }
                continue
            }
            next += interval
            let snapshot = state.withLock { state in state.stopped ? nil : state.order.compactMap { id in state.running[id].map { (id, $0) } } }
            guard let snapshot else { return }
            for (entry, running) in snapshot {
                let elapsed = max(now - running.started, 0.001)
                switch format {
                case .text:
                    logger.info("progress: \(Self.describe(running, now: now)), \(String(format: "%.1f", elapsed)) s so far", metadata: ["entry": "\(entry)"])
                case .json:
                    var metadata: Logger.Metadata = [
                        "entry": "\(entry)", "event": "progress", "rows": "\(running.progress.rows)", "bytes": "\(running.progress.bytes)",
                        "rows_per_second": "\(Int((Double(running.progress.rows) / elapsed).rounded()))",
                        "elapsed_seconds": "\(String(format: "%.1f", elapsed))",
                    ]
                    if let input = running.progress.input, let percent = input.percent {
                        metadata["percent"] = "\(percent)"
                        if percent < 100, let left = running.timeLeft.secondsLeft(at: now) {
                            metadata["eta_seconds"] = "\(Int(left.rounded(.up)))"
                        }
                    }
                    logger.info("progress", metadata: metadata)
                }
            }
        }
    }
}
