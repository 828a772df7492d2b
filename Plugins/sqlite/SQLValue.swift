/// A scalar SQLite value as a cursor or key position holds it: what is compared, bound and
/// written into the resume state. NULL is `Optional.none` around it.
enum SQLValue: Sendable, Hashable {
    /// An INTEGER.
    case integer(Int64)
    /// A REAL (finite).
    case real(Double)
    /// TEXT.
    case text(String)

    /// SQLite's order for BINARY collation: numbers (integer and real compared by value) sort
    /// before text, and text compares byte by byte.
    static func compare(_ left: SQLValue, _ right: SQLValue) -> Int {
        switch (left, right) {
        case (.integer(let a), .integer(let b)): return a < b ? -1 : (a > b ? 1 : 0)
        case (.real(let a), .real(let b)): return a < b ? -1 : (a > b ? 1 : 0)
        case (.integer(let a), .real(let b)): return -compareReal(b, withInteger: a)
        case (.real(let a), .integer(let b)): return compareReal(a, withInteger: b)
        case (.text(let a), .text(let b)):
            return compareBytes(a, b)
        case (.text, _): return 1
        case (_, .text): return -1
        }
    }

    /// Compares without converting the integer to a double, which rounds above 2^53.
    private static func compareReal(_ real: Double, withInteger integer: Int64) -> Int {
        if real < -9.223372036854775808e18 { return -1 }
        if real >= 9.223372036854775808e18 { return 1 }
        let truncated = Int64(real.rounded(.down))
        if truncated != integer { return truncated < integer ? -1 : 1 }
        return real > Double(truncated) ? 1 : 0
    }

    private static func compareBytes(_ a: String, _ b: String) -> Int {
        var left = a.utf8.makeIterator()
        var right = b.utf8.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil): return 0
            case (nil, _): return -1
            case (_, nil): return 1
            case (let x?, let y?):
                if x != y { return x < y ? -1 : 1 }
            }
        }
    }

    /// The value as JSON text: a number or a string.
    var jsonText: String {
        switch self {
        case .integer(let number): return String(number)
        case .real(let number): return JSONText.number(number)
        case .text(let text): return JSONText.string(text)
        }
    }

    /// The value as SQL would print it, for messages and reject positions.
    var displayText: String {
        switch self {
        case .integer(let number): return String(number)
        case .real(let number): return JSONText.number(number)
        case .text(let text): return "'" + text.replacingAll("'", with: "''") + "'"
        }
    }
}
