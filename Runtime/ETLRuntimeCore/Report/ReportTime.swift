import Foundation

/// The state's timestamps (`2026-12-06T20:26:01.123Z`) as instants, and spans as people read them.
package enum ReportTime {
    /// The instant `text` names, nil for text that is not one of the state's timestamps.
    package static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    /// Seconds from `start` to `end`, nil when either is missing or unreadable.
    package static func seconds(from start: String, to end: String?) -> Double? {
        guard let end, let from = date(start), let to = date(end) else { return nil }
        return to.timeIntervalSince(from)
    }

    /// `2 d 3 h`, `5 min`, `12 s`, `0.25 s`: the two largest units, for ages and durations.
    package static func span(_ seconds: Double) -> String {
        if seconds < 0 { return "-" + span(-seconds) }
        if seconds < 10 { return String(format: "%.2f s", seconds) }
        let whole = Int(seconds.rounded())
        let days = whole / 86_400, hours = whole % 86_400 / 3_600, minutes = whole % 3_600 / 60, rest = whole % 60
        if days > 0 { return hours > 0 ? "\(days) d \(hours) h" : "\(days) d" }
        if hours > 0 { return minutes > 0 ? "\(hours) h \(minutes) min" : "\(hours) h" }
        if minutes > 0 { return rest > 0 ? "\(minutes) min \(rest) s" : "\(minutes) min" }
        return "\(rest) s"
    }
}
