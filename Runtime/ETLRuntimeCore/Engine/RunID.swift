import Foundation

/// Run ids: sortable by time, unique per process — `20261125T093000.123Z-4242`.
package enum RunID {
    package static func make() -> String {
        let stamp = StderrLogHandler.timestamp().replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
        return "\(stamp)-\(getpid())"
    }
}
