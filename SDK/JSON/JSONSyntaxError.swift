/// Why JSON text could not be parsed, and where.
public struct JSONSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where the problem was found.
    public var location: JSONLocation
    /// What was expected, e.g. `expected ',' or '}' after an object member`.
    public var message: String

    /// Creates a syntax error.
    public init(location: JSONLocation, message: String) {
        self.location = location
        self.message = message
    }

    /// `line:column: message`
    public var description: String { "\(location.line):\(location.column): \(message)" }

    /// `file:line:column: message`, the form editors jump to.
    public func rendered(file: String) -> String {
        "\(file):\(location.line):\(location.column): \(message)"
    }
}
