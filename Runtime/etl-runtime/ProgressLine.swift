import ETLRuntimeCore
import Foundation

/// The progress line of DESIGN.md: shown only when stderr is a terminal (never in cron
/// mail or log files), redrawn at most ten times a second, erased before the summary.
final class ProgressLine: @unchecked Sendable {
    private let enabled: Bool
    private var lastDraw = Date.distantPast
    private let lock = NSLock()

    init(enabled: Bool = isatty(STDERR_FILENO) == 1) {
        self.enabled = enabled
    }

    func update(entry: String, rowsRead: Int) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        StderrWriter.write("\r\u{1B}[K\(entry): \(rowsRead) rows read")
    }

    func clear() {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        StderrWriter.write("\r\u{1B}[K")
    }
}
