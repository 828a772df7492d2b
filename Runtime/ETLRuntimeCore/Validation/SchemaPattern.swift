import Foundation

/// A compiled `pattern` keyword.
///
/// `NSRegularExpression` is immutable once built and documented as safe to use
/// from several threads, which is why the box may be shared as `Sendable`.
final class SchemaPattern: @unchecked Sendable {
    /// The pattern as the schema wrote it, for messages.
    let source: String
    private let expression: NSRegularExpression

    /// Compiles the pattern; throws when it is not a valid regular expression.
    init(source: String) throws {
        self.source = source
        self.expression = try NSRegularExpression(pattern: source)
    }

    /// JSON Schema patterns are unanchored: a match anywhere in the string counts.
    func matches(_ text: String) -> Bool {
        let range = NSRange(text.startIndex..<text.endIndex, in: text)
        return expression.firstMatch(in: text, options: [], range: range) != nil
    }
}
