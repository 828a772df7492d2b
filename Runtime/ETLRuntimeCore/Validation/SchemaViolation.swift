/// One way a value breaks its schema: where (path and position) and what was expected.
package struct SchemaViolation: Sendable, Hashable, CustomStringConvertible {
    /// The path of the offending value, e.g. `$.sources.census.config.header`.
    package var path: JSONPath
    /// Where the offending value (or, for an unknown key, the key) starts.
    package var location: JSONLocation
    /// What was expected, e.g. `expected a boolean, got "yes"`.
    package var message: String

    /// Creates a violation.
    package init(path: JSONPath, location: JSONLocation, message: String) {
        self.path = path
        self.location = location
        self.message = message
    }

    /// `$.a.b: message`
    package var description: String { "\(path): \(message)" }
}

/// What validating a value produced.
package struct SchemaValidationResult: Sendable {
    /// Every violation found (the validator does not stop at the first).
    package var violations: [SchemaViolation]
    /// The value with each `"format": "path"` string made absolute (when a base
    /// folder was given); otherwise the value as it came in.
    package var value: JSONNode

    /// True when there is no violation.
    package var isValid: Bool { violations.isEmpty }
}
