/// The byte-level rules of RFC 8259 that every scanner over raw JSON bytes shares:
/// whitespace, numbers, the literals `true` / `false` / `null`, the byte-order mark.
/// `JSONFastScanner` (building values) and the http plugin's page scanner (locating values
/// without building them) both step through bytes with these, so they accept exactly the
/// same text. Each function reads `base[offset..<end]` and moves `offset` past what it read.
public enum JSONGrammar {
    /// Where the text starts: after a UTF-8 byte-order mark, if there is one.
    @inlinable
    public static func startOffset(_ base: UnsafePointer<UInt8>, _ end: Int) -> Int {
        end >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF ? 3 : 0
    }

    /// Steps over spaces, tabs, carriage returns and line feeds.
    @inlinable
    public static func skipWhitespace(_ base: UnsafePointer<UInt8>, _ end: Int, _ offset: inout Int) {
        while offset < end {
            switch base[offset] {
            case 0x20, 0x0A, 0x0D, 0x09: offset += 1
            default: return
            }
        }
    }

    @inlinable
    static func isDigit(_ base: UnsafePointer<UInt8>, _ end: Int, _ at: Int) -> Bool {
        at < end && base[at] &- UInt8(ascii: "0") < 10
    }

    /// Steps over `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?` starting at
    /// `offset`; false when the bytes there are not a number.
    @inlinable
    public static func skipNumber(_ base: UnsafePointer<UInt8>, _ end: Int, _ offset: inout Int) -> Bool {
        if offset < end, base[offset] == UInt8(ascii: "-") { offset += 1 }
        guard isDigit(base, end, offset) else { return false }
        if base[offset] == UInt8(ascii: "0") {
            offset += 1
            if isDigit(base, end, offset) { return false }
        } else {
            while isDigit(base, end, offset) { offset += 1 }
        }
        if offset < end, base[offset] == UInt8(ascii: ".") {
            offset += 1
            guard isDigit(base, end, offset) else { return false }
            while isDigit(base, end, offset) { offset += 1 }
        }
        if offset < end, base[offset] | 0x20 == UInt8(ascii: "e") {
            offset += 1
            if offset < end, base[offset] == UInt8(ascii: "+") || base[offset] == UInt8(ascii: "-") { offset += 1 }
            guard isDigit(base, end, offset) else { return false }
            while isDigit(base, end, offset) { offset += 1 }
        }
        return true
    }

    /// The three JSON literals (a plain enum: stepping over one allocates nothing).
    public enum Literal: Sendable {
        case `true`, `false`, null

        /// The literal as a JSON value.
        public var value: JSONValue {
            switch self {
            case .true: return .bool(true)
            case .false: return .bool(false)
            case .null: return .null
            }
        }
    }

    /// Steps over `true`, `false` or `null` (chosen by the byte at `offset`), not run on
    /// into a longer word: the positioned parser refuses `truex`. Nil when the bytes are
    /// not one of the three.
    @inlinable
    public static func skipLiteral(_ base: UnsafePointer<UInt8>, _ end: Int, _ offset: inout Int) -> Literal? {
        guard offset < end else { return nil }
        let word: StaticString
        let value: Literal
        switch base[offset] {
        case UInt8(ascii: "t"): (word, value) = ("true", .true)
        case UInt8(ascii: "f"): (word, value) = ("false", .false)
        case UInt8(ascii: "n"): (word, value) = ("null", .null)
        default: return nil
        }
        let length = word.utf8CodeUnitCount
        guard end - offset >= length else { return nil }
        for index in 0..<length where base[offset + index] != word.utf8Start[index] { return nil }
        offset += length
        if offset < end {
            let byte = base[offset]
            if (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
                || byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") || byte == UInt8(ascii: "_")
            {
                return nil
            }
        }
        return value
    }
}
