import Foundation

/// A condition a test waited for that did not come in time: thrown, so the test fails saying
/// what it was waiting for, instead of a poll loop running out silently and a later assertion
/// failing for a reason it does not name.
public struct WaitTimedOut: Error, CustomStringConvertible {
    public var description: String

    public init(description: String) {
        self.description = description
    }
}

/// Polls `condition` every `interval` seconds until it holds; throws `WaitTimedOut` naming
/// `what` after `timeout` seconds. A hang guard, not a speed check: give it a generous timeout.
public func waitUntil(
    _ what: String, timeout: TimeInterval = 30, interval: TimeInterval = 0.002, _ condition: () throws -> Bool
) throws {
    let deadline = Date().addingTimeInterval(timeout)
    while try !condition() {
        guard Date() < deadline else { throw WaitTimedOut(description: "waited \(timeout) s for \(what)") }
        usleep(useconds_t(interval * 1_000_000))
    }
}
