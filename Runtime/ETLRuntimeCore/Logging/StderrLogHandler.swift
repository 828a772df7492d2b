import Foundation
import Logging

/// How log events are rendered on stderr (`--log-format`).
package enum LogFormat: String, Sendable, CaseIterable {
    /// `2026-11-25T09:00:00.123Z info entry=x plugin=y: message`
    case text
    /// One JSON object per line: {"time":..., "level":..., "message":..., metadata...}
    case json
}

/// A swift-log handler writing one event per line to stderr, so cron mail and log
/// collectors get whole lines, never interleaved fragments. Writing never fails the caller:
/// see `StderrWriter`.
package struct StderrLogHandler: LogHandler {
    package var metadata: Logger.Metadata = [:]
    package var logLevel: Logger.Level
    private let format: LogFormat
    private let label: String

    package init(label: String, format: LogFormat, level: Logger.Level) {
        self.label = label
        self.format = format
        self.logLevel = level
    }

    /// Installs the handler for every logger of the process. Call once, at start-up.
    package static func bootstrap(format: LogFormat, level: Logger.Level) {
        LoggingSystem.bootstrap { label in StderrLogHandler(label: label, format: format, level: level) }
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        let level = event.level, message = event.message
        var merged = metadata
        event.metadata?.forEach { merged[$0.key] = $0.value }
        let time = Self.timestamp()
        let rendered: String
        switch format {
        case .text:
            let context = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            rendered = "\(time) \(level)\(context.isEmpty ? "" : " " + context): \(message)\n"
        case .json:
            var object: [String: String] = ["time": time, "level": "\(level)", "message": "\(message)"]
            merged.forEach { object[$0.key] = "\($0.value)" }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            rendered = String(decoding: data, as: UTF8.self) + "\n"
        }
        StderrWriter.write(rendered)
    }

    /// Now, as ISO 8601 UTC with milliseconds (the format of every time the runtime writes).
    package static func timestamp() -> String {
        timestamp(secondsFromNow: 0)
    }

    /// `seconds` from now, as `timestamp()` writes times (for "next attempt at ...").
    package static func timestamp(secondsFromNow offset: Double) -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let milliseconds = Int(now.tv_sec) * 1000 + now.tv_nsec / 1_000_000 + Int((offset * 1000).rounded())
        var seconds = time_t(milliseconds / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
            parts.tm_hour, parts.tm_min, parts.tm_sec, milliseconds % 1000)
    }
}
