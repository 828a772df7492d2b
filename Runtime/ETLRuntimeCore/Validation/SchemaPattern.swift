/// A compiled `pattern` keyword.
///
/// Swift's own `Regex`, not `NSRegularExpression`: the latter starts ICU, which cost every
/// process that loads a manifest about 8 M instructions (2 ms) for a schema's first pattern
/// (callgrind: the postgres plugin's three patterns took 8.1 M with `NSRegularExpression`,
/// 2.8 M with `Regex`). Matching is by Unicode scalar, as an ECMA-262 `u` pattern matches.
/// The box is immutable once built, hence `@unchecked Sendable`.
final class SchemaPattern: @unchecked Sendable {
    /// The pattern as the schema wrote it, for messages.
    let source: String
    private let expression: Regex<AnyRegexOutput>

    /// Compiles the pattern; throws when it is not a valid regular expression.
    init(source: String) throws {
        self.source = source
        self.expression = try Regex(source).matchingSemantics(.unicodeScalar)
    }

    /// JSON Schema patterns are unanchored: a match anywhere in the string counts.
    func matches(_ text: String) -> Bool {
        (try? expression.firstMatch(in: text)) != nil
    }
}
