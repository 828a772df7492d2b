/// A word of the expression language, with the character (1-based) where it starts.
struct ExpressionToken: Equatable {
    enum Kind: Equatable {
        /// A column name: `amount`, or `"Valor Total"` quoted.
        case identifier(String)
        /// A reserved word, lowercased: and, or, not, case, when, then, else, end, is, in, null, true, false.
        case keyword(String)
        case integer(Int64)
        case double(Double)
        /// A `'text'` literal ('' inside stands for one quote).
        case string(String)
        /// An operator or punctuation: + - * / % = == != <> < <= > >= || ( ) ,
        case symbol(String)
        case end
    }

    var kind: Kind
    var position: Int

    static let keywords: Set<String> = ["and", "or", "not", "case", "when", "then", "else", "end", "is", "in", "null", "true", "false"]

    /// How the token reads in an error message.
    var shown: String {
        switch kind {
        case .identifier(let name): return "\"\(name)\""
        case .keyword(let word): return word
        case .integer(let value): return String(value)
        case .double(let value): return String(value)
        case .string(let text): return "'\(text)'"
        case .symbol(let symbol): return "\"\(symbol)\""
        case .end: return "the end of the expression"
        }
    }
}
