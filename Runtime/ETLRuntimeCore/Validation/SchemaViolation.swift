/// One way a value breaks its schema: where (path and position) and what was expected.
public struct SchemaViolation: Sendable, Hashable, CustomStringConvertible {
    /// The path of the offending value, e.g. `$.sources.census.config.header`.
    public var path: JSONPath
    /// Where the offending value (or, for an unknown key, the key) starts.
    public var location: JSONLocation
    /// What was expected, e.g. `expected a boolean, got "yes"`.
    public var message: String

    /// Creates a violation.
    public init(path: JSONPath, location: JSONLocation, message: String) {
        self.path = path
        self.location = location
        self.message = message
    }

    /// `$.a.b: message`
    public var description: String { "\(path): \(message)" }
}

/// What validating a value produced.
public struct SchemaValidationResult: Sendable {
    /// Every violation found (the validator does not stop at the first).
    public var violations: [SchemaViolation]
    /// The value with each `"format": "path"` string made absolute (when a base
    /// folder was given); otherwise the value as it came in.
    public var value: JSONNode

    /// True when there is no violation.
    public var isValid: Bool { violations.isEmpty }
}
