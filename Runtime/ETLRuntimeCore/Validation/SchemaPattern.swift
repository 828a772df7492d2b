import Foundation

/// A compiled `pattern` keyword.
///
/// Matched with Swift's own `Regex` where it reads the pattern: `NSRegularExpression` starts
/// ICU, which cost every process that loads a manifest about 8 M instructions (2 ms) for a
/// schema's first pattern (callgrind: the postgres plugin's three patterns took 8.1 M with
/// `NSRegularExpression`, 2.8 M with `Regex`). `Regex` matches by Unicode scalar here and, as
/// ECMA-262 (JSON Schema's dialect) does, lets `$` match only at the very end, not before a
/// final line break as ICU does. A pattern `Regex` cannot read (a lookbehind, which it does not
/// support yet) is matched with `NSRegularExpression`, so every pattern ICU accepted still
/// works. The box is immutable once built, hence `@unchecked Sendable`.
final class SchemaPattern: @unchecked Sendable {
    private enum Engine {
        case swift(Regex<AnyRegexOutput>)
        case icu(NSRegularExpression)
    }

    /// The pattern as the schema wrote it, for messages.
    let source: String
    private let engine: Engine

    /// Compiles the pattern; throws when it is not a valid regular expression.
    init(source: String) throws {
        self.source = source
        if let regex = try? Regex(source) {
            engine = .swift(regex.matchingSemantics(.unicodeScalar))
        } else {
            engine = .icu(try NSRegularExpression(pattern: source))
        }
    }

    /// JSON Schema patterns are unanchored: a match anywhere in the string counts.
    func matches(_ text: String) -> Bool {
        switch engine {
        case .swift(let regex):
            return (try? regex.firstMatch(in: text)) != nil
        case .icu(let expression):
            return expression.firstMatch(in: text, options: [], range: NSRange(text.startIndex..<text.endIndex, in: text)) != nil
        }
    }
}
