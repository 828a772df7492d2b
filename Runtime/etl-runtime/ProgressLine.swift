import ETLRuntimeCore
import Foundation
import Synchronization

/// The progress line of DESIGN.md: shown only when stderr is a terminal (never in cron
/// mail or log files), redrawn at most ten times a second, erased before the summary.
final class ProgressLine: Sendable {
    private let enabled: Bool
    /// When the line was last drawn; held while drawing, so lines from worker threads never mix.
    private let lastDraw = Mutex(Date.distantPast)

    init(enabled: Bool = isatty(STDERR_FILENO) == 1) {
        self.enabled = enabled
    }

    func update(entry: String, rowsRead: Int) {
        guard enabled else { return }
        lastDraw.withLock { lastDraw in
            let now = Date()
            guard now.timeIntervalSince(lastDraw) >= 0.1 else { return }
            lastDraw = now
            StderrWriter.write("\r\u{1B}[K\(entry): \(rowsRead) rows read")
        }
    }

    func clear() {
        guard enabled else { return }
        lastDraw.withLock { _ in StderrWriter.write("\r\u{1B}[K") }
    }
}
