/// A JSON document held in memory: what configs, options and resume states are made of.
///
/// Numbers keep their kind: a literal without fraction or exponent that fits in 64 bits is an
/// `.integer`, so ids and offsets above 2^53 survive a round trip; everything else is a
/// `.number`. Objects are unordered (`[String: JSONValue]`); `jsonText` writes keys sorted so the
/// same value always serialises to the same text.
public enum JSONValue: Sendable, Hashable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// An integer literal that fits in `Int64`.
    case integer(Int64)
    /// Any other number (a fraction, an exponent, or an integer beyond `Int64`).
    case number(Double)
    /// A string, already unescaped.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object. Duplicate keys are refused by the parser rather than silently merged.
    case object([String: JSONValue])

    /// Parses one JSON document (RFC 8259). Surrounding whitespace is allowed; anything else after
    /// the value is an error.
    /// - Throws: `JSONParseError` with the line and column of the first problem.
    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        var parser = JSONParser(bytes: Array(text.utf8))
        return try parser.parseDocument()
    }

    /// A short name of the value's kind for error messages: "a string", "an object", ...
    public var kindDescription: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .integer, .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// The value as compact JSON text (no spaces, object keys sorted). Non-finite doubles, which
    /// JSON cannot express, are written as `null`.
    public var jsonText: String {
        var out: [UInt8] = []
        JSONWriter.append(self, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

/// Why a JSON text could not be parsed, and where.
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, e.g. "expected ',' or '}' after an object member".
    public var reason: String
    /// 1-based line of the offending byte.
    public var line: Int
    /// 1-based column (in bytes) of the offending byte.
    public var column: Int

    /// Creates a parse error at a position.
    public init(reason: String, line: Int, column: Int) {
        self.reason = reason
        self.line = line
        self.column = column
    }

    /// "line 3, column 7: expected ...".
    public var description: String { "line \(line), column \(column): \(reason)" }
}
