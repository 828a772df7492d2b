/// A recursive-descent parser straight into `JSONValue`, for bulk data such as API pages.
///
/// It accepts exactly what `JSONScanner` accepts (strict RFC 8259, nesting limit,
/// duplicate keys refused) but keeps no positions, no path and no per-node records, so
/// a value costs its own storage and nothing more. It cannot say *why* text is bad:
/// it only gives up, and `JSONValue(parsingFast:)` re-parses with the positioned
/// parser to produce the message. Errors are rare, so they may be slow.
struct JSONFastScanner {
    /// Thrown on any problem; carries nothing because the positioned parser explains it.
    struct GaveUp: Error {}

    private let base: UnsafePointer<UInt8>
    private let end: Int
    private var offset: Int
    private var depth = 0
    /// Members and elements of the containers still open, innermost last. Each container takes
    /// its items off the top into an array of exactly the right size, so building a record
    /// costs one allocation per container instead of one per doubling of its capacity.
    private var openMembers: [JSONObject.Member] = []
    private var openElements: [JSONValue] = []

    /// The value `bytes` hold, or nil when the scanner gives up (bad JSON, or empty input).
    static func parse(_ bytes: UnsafeRawBufferPointer) -> JSONValue? {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return nil }
        var scanner = JSONFastScanner(base: base.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        do throws(GaveUp) {
            return try scanner.parseDocument()
        } catch {
            return nil
        }
    }

    /// A scanner over `count` bytes at `base`, which must outlive it.
    init(base: UnsafePointer<UInt8>, count: Int) {
        self.base = base
        end = count
        offset = JSONGrammar.startOffset(base, count)
    }

    /// Parses the single value the bytes hold; trailing whitespace only.
    mutating func parseDocument() throws(GaveUp) -> JSONValue {
        let value = try parseValue()
        skipWhitespace()
        guard offset == end else { throw GaveUp() }
        return value
    }

    @inline(__always)
    private mutating func skipWhitespace() {
        JSONGrammar.skipWhitespace(base, end, &offset)
    }

    private mutating func parseValue() throws(GaveUp) -> JSONValue {
        skipWhitespace()
        guard offset < end else { throw GaveUp() }
        switch base[offset] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default:
            guard let literal = JSONGrammar.skipLiteral(base, end, &offset) else { throw GaveUp() }
            return literal.value
        }
    }

    /// Matches `true`, `null` (four bytes) or `false` (four bytes and an `e`), then insists the
    /// word ends there: the positioned parser reads `truex` as one bad word, so must we.
    @inline(__always)
    private mutating func enterContainer() throws(GaveUp) {
        depth += 1
        if depth > JSONParser.maximumDepth { throw GaveUp() }
        offset += 1
    }

    private mutating func parseObject() throws(GaveUp) -> JSONValue {
        try enterContainer()
        let first = openMembers.count
        skipWhitespace()
        if offset < end, base[offset] == UInt8(ascii: "}") {
            offset += 1
            depth -= 1
            return .object(JSONObject())
        }
        while true {
            skipWhitespace()
            guard offset < end, base[offset] == UInt8(ascii: "\"") else { throw GaveUp() }
            let key = try parseString()
            skipWhitespace()
            guard offset < end, base[offset] == UInt8(ascii: ":") else { throw GaveUp() }
            offset += 1
            let value = try parseValue()
            openMembers.append(JSONObject.Member(key: key, value: value))
            skipWhitespace()
            guard offset < end else { throw GaveUp() }
            if base[offset] == UInt8(ascii: ",") {
                offset += 1
                continue
            }
            guard base[offset] == UInt8(ascii: "}") else { throw GaveUp() }
            offset += 1
            depth -= 1
            let members = Array(openMembers[first...])
            openMembers.removeSubrange(first...)
            guard let object = JSONObject(membersRefusingDuplicates: members) else { throw GaveUp() }
            return .object(object)
        }
    }

    private mutating func parseArray() throws(GaveUp) -> JSONValue {
        try enterContainer()
        skipWhitespace()
        if offset < end, base[offset] == UInt8(ascii: "]") {
            offset += 1
            depth -= 1
            return .array([])
        }
        let first = openElements.count
        while true {
            let element = try parseValue()
            openElements.append(element)
            skipWhitespace()
            guard offset < end else { throw GaveUp() }
            if base[offset] == UInt8(ascii: ",") {
                offset += 1
                continue
            }
            guard base[offset] == UInt8(ascii: "]") else { throw GaveUp() }
            offset += 1
            depth -= 1
            let elements = Array(openElements[first...])
            openElements.removeSubrange(first...)
            return .array(elements)
        }
    }

    /// A number, kept as its literal text.
    private mutating func parseNumber() throws(GaveUp) -> JSONNumber {
        let first = offset
        guard JSONGrammar.skipNumber(base, end, &offset) else { throw GaveUp() }
        return JSONNumber(validatedText: String(decoding: UnsafeBufferPointer(start: base + first, count: offset - first), as: UTF8.self))
    }

    /// A string without escapes is sliced straight out of the input; one with escapes is
    /// decoded into a buffer. Either way the result must be valid UTF-8, as the positioned
    /// parser requires.
    private mutating func parseString() throws(GaveUp) -> String {
        offset += 1
        let first = offset
        var high: UInt8 = 0
        while offset < end {
            let byte = base[offset]
            if byte == UInt8(ascii: "\"") {
                let span = UnsafeBufferPointer(start: base + first, count: offset - first)
                offset += 1
                if high < 0x80 { return String(decoding: span, as: UTF8.self) }
                guard let text = String(validating: span, as: UTF8.self) else { throw GaveUp() }
                return text
            }
            if byte == UInt8(ascii: "\\") { return try parseEscapedString(from: first) }
            if byte < 0x20 { throw GaveUp() }
            high |= byte
            offset += 1
        }
        throw GaveUp()
    }

    private mutating func parseEscapedString(from first: Int) throws(GaveUp) -> String {
        var buffer = Array(UnsafeBufferPointer(start: base + first, count: offset - first))
        while offset < end {
            let byte = base[offset]
            switch byte {
            case UInt8(ascii: "\""):
                offset += 1
                guard let text = String(validating: buffer, as: UTF8.self) else { throw GaveUp() }
                return text
            case UInt8(ascii: "\\"):
                try decodeEscape(into: &buffer)
            case 0x00..<0x20:
                throw GaveUp()
            default:
                buffer.append(byte)
                offset += 1
            }
        }
        throw GaveUp()
    }

    private mutating func decodeEscape(into buffer: inout [UInt8]) throws(GaveUp) {
        offset += 1
        guard offset < end else { throw GaveUp() }
        let replacement: UInt8
        switch base[offset] {
        case UInt8(ascii: "\""): replacement = 0x22
        case UInt8(ascii: "\\"): replacement = 0x5C
        case UInt8(ascii: "/"): replacement = 0x2F
        case UInt8(ascii: "b"): replacement = 0x08
        case UInt8(ascii: "f"): replacement = 0x0C
        case UInt8(ascii: "n"): replacement = 0x0A
        case UInt8(ascii: "r"): replacement = 0x0D
        case UInt8(ascii: "t"): replacement = 0x09
        case UInt8(ascii: "u"):
            offset += 1
            try decodeUnicodeEscape(into: &buffer)
            return
        default:
            throw GaveUp()
        }
        offset += 1
        buffer.append(replacement)
    }

    /// `\uXXXX`, or a surrogate pair `\uD83D\uDE00`; a lone surrogate is refused.
    private mutating func decodeUnicodeEscape(into buffer: inout [UInt8]) throws(GaveUp) {
        let unit = try parseHex4()
        var scalarValue = UInt32(unit)
        if unit >= 0xD800, unit <= 0xDBFF {
            guard end - offset >= 2, base[offset] == UInt8(ascii: "\\"), base[offset + 1] == UInt8(ascii: "u") else { throw GaveUp() }
            offset += 2
            let low = try parseHex4()
            guard low >= 0xDC00, low <= 0xDFFF else { throw GaveUp() }
            scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
        } else if unit >= 0xDC00, unit <= 0xDFFF {
            throw GaveUp()
        }
        guard let scalar = Unicode.Scalar(scalarValue), let encoded = UTF8.encode(scalar) else { throw GaveUp() }
        buffer.append(contentsOf: encoded)
    }

    private mutating func parseHex4() throws(GaveUp) -> UInt16 {
        guard end - offset >= 4 else { throw GaveUp() }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = base[offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw GaveUp()
            }
            value = value << 4 | UInt16(digit)
            offset += 1
        }
        return value
    }
}
