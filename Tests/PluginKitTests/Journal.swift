import Synchronization

/// What the fixture plugins did, in order; reset in setUp.
enum Journal {
    static let events = Mutex<[String]>([])
    static func record(_ event: String) { events.withLock { $0.append(event) } }
    static func reset() { events.withLock { $0 = [] } }
    static var all: [String] { events.withLock { $0 } }
}
