import Foundation

/// UTC timestamps as the state database stores them: ISO 8601 with milliseconds, so
/// text order is time order.
package enum Timestamp {
    package static func now() -> String { StderrLogHandler.timestamp() }
}
