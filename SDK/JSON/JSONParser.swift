/// A strict RFC 8259 parser that records the line and column of every value.
///
/// Strict because a manifest is configuration: a comment or trailing comma
/// accepted here would be rejected by every other tool that reads the file.
/// The messages name what was expected at the exact spot, the way a compiler does.
public enum JSONParser {
    /// Nesting deeper than this is refused rather than risking the stack.
    public static let maximumDepth = 512

    /// Parses JSON text.
    public static func parse(_ text: String) throws(JSONSyntaxError) -> JSONDocument {
        try parse(bytes: Array(text.utf8))
    }

    /// Parses UTF-8 bytes (a leading byte-order mark is skipped, as RFC 8259 allows).
    public static func parse(bytes: [UInt8]) throws(JSONSyntaxError) -> JSONDocument {
        var scanner = JSONScanner(bytes: bytes)
        return try scanner.parseDocument()
    }
}

/// The parser's cursor over the bytes; one value per call, recursive descent.
struct JSONScanner {
    private let bytes: [UInt8]
    private var offset = 0
    private var line = 1
    private var column = 1
    private var depth = 0
    private var path: [JSONPath.Component] = []
    private var duplicates: [JSONDuplicateKey] = []

    init(bytes: [UInt8]) {
        self.bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { offset = 3 }
    }

    private var location: JSONLocation { JSONLocation(line: line, column: column) }
    private var current: UInt8? { offset < bytes.count ? bytes[offset] : nil }

    private func peek(_ distance: Int) -> UInt8? {
        offset + distance < bytes.count ? bytes[offset + distance] : nil
    }

    /// Every byte is consumed here, so line and column stay right.
    private mutating func advance() {
        let byte = bytes[offset]
        offset += 1
        if byte == 0x0A {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {
            column += 1
        }
    }

    private func fail(_ message: String, at location: JSONLocation? = nil) -> JSONSyntaxError {
        JSONSyntaxError(location: location ?? self.location, message: message)
    }

    mutating func parseDocument() throws(JSONSyntaxError) -> JSONDocument {
        let root = try parseValue()
        try skipWhitespace()
        if current != nil {
            throw fail("unexpected \(describeCurrent()) after the JSON value; a file holds one value")
        }
        return JSONDocument(root: root, duplicateKeys: duplicates)
    }

    private mutating func skipWhitespace() throws(JSONSyntaxError) {
        while let byte = current {
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D:
                advance()
            case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "/") || peek(1) == UInt8(ascii: "*"):
                throw fail("comments are not allowed in JSON")
            default:
                return
            }
        }
    }

    private mutating func parseValue() throws(JSONSyntaxError) -> JSONNode {
        try skipWhitespace()
        let start = location
        guard let byte = current else {
            throw fail("expected a JSON value, found the end of the file")
        }
        switch byte {
        case UInt8(ascii: "{"):
            return try parseObject()
        case UInt8(ascii: "["):
            return try parseArray()
        case UInt8(ascii: "\""):
            return JSONNode(location: start, content: .string(try parseString()))
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return JSONNode(location: start, content: .number(try parseNumber()))
        case UInt8(ascii: "'"):
            throw fail("strings must be in double quotes, not single quotes")
        default:
            if isWordByte(byte) { return try parseWord() }
            throw fail("expected a JSON value, found \(describeCurrent())")
        }
    }

    private func isWordByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
    }

    private mutating func parseWord() throws(JSONSyntaxError) -> JSONNode {
        let start = location
        let first = offset
        while let byte = current, isWordByte(byte) { advance() }
        let word = String(decoding: bytes[first..<offset], as: UTF8.self)
        switch word {
        case "true": return JSONNode(location: start, content: .bool(true))
        case "false": return JSONNode(location: start, content: .bool(false))
        case "null": return JSONNode(location: start, content: .null)
        default:
            let lowered = word.lowercased()
            if ["true", "false", "null"].contains(lowered) {
                throw fail("expected a JSON value, found \"\(word)\"; JSON writes \(lowered) in lower case", at: start)
            }
            throw fail("expected a JSON value, found \"\(word)\"; strings need double quotes", at: start)
        }
    }

    private mutating func enterContainer(_ start: JSONLocation) throws(JSONSyntaxError) {
        depth += 1
        if depth > JSONParser.maximumDepth {
            throw fail("values are nested more than \(JSONParser.maximumDepth) levels deep", at: start)
        }
    }

    private mutating func parseObject() throws(JSONSyntaxError) -> JSONNode {
        let start = location
        try enterContainer(start)
        advance()
        var members: [JSONNodeMember] = []
        var firstLocations: [String: JSONLocation] = [:]
        try skipWhitespace()
        if current == UInt8(ascii: "}") {
            advance()
            depth -= 1
            return JSONNode(location: start, content: .object([]))
        }
        var commaLocation: JSONLocation?
        while true {
            try skipWhitespace()
            guard let byte = current else {
                throw fail(commaLocation == nil ? "expected a string key or '}'" : "expected a string key after ','")
            }
            if byte == UInt8(ascii: "}"), let commaLocation {
                throw fail("trailing comma is not allowed", at: commaLocation)
            }
            guard byte == UInt8(ascii: "\"") else {
                if byte == UInt8(ascii: "'") || isWordByte(byte) {
                    throw fail("object keys must be strings in double quotes")
                }
                throw fail(commaLocation == nil ? "expected a string key or '}'" : "expected a string key after ','")
            }
            let keyLocation = location
            let key = try parseString()
            try skipWhitespace()
            guard current == UInt8(ascii: ":") else {
                throw fail("expected ':' after an object key")
            }
            advance()
            path.append(.key(key))
            let value = try parseValue()
            if let first = firstLocations[key] {
                duplicates.append(JSONDuplicateKey(
                    key: key, path: JSONPath(components: path), firstLocation: first, duplicateLocation: keyLocation))
            } else {
                firstLocations[key] = keyLocation
                members.append(JSONNodeMember(key: key, keyLocation: keyLocation, value: value))
            }
            path.removeLast()
            try skipWhitespace()
            if current == UInt8(ascii: ",") {
                commaLocation = location
                advance()
                continue
            }
            if current == UInt8(ascii: "}") {
                advance()
                depth -= 1
                return JSONNode(location: start, content: .object(members))
            }
            throw fail("expected ',' or '}' after an object member")
        }
    }

    private mutating func parseArray() throws(JSONSyntaxError) -> JSONNode {
        let start = location
        try enterContainer(start)
        advance()
        var elements: [JSONNode] = []
        try skipWhitespace()
        if current == UInt8(ascii: "]") {
            advance()
            depth -= 1
            return JSONNode(location: start, content: .array([]))
        }
        while true {
            path.append(.index(elements.count))
            elements.append(try parseValue())
            path.removeLast()
            try skipWhitespace()
            if current == UInt8(ascii: ",") {
                let commaLocation = location
                advance()
                try skipWhitespace()
                if current == UInt8(ascii: "]") {
                    throw fail("trailing comma is not allowed", at: commaLocation)
                }
                continue
            }
            if current == UInt8(ascii: "]") {
                advance()
                depth -= 1
                return JSONNode(location: start, content: .array(elements))
            }
            throw fail("expected ',' or ']' after an array element")
        }
    }

    private mutating func parseNumber() throws(JSONSyntaxError) -> JSONNumber {
        let start = location
        let first = offset
        func isDigit(_ byte: UInt8?) -> Bool { byte.map { $0 >= 0x30 && $0 <= 0x39 } ?? false }
        if current == UInt8(ascii: "-") { advance() }
        guard isDigit(current) else { throw fail("expected a digit after '-'") }
        if current == UInt8(ascii: "0") {
            advance()
            if isDigit(current) { throw fail("numbers cannot have leading zeros", at: start) }
        } else {
            while isDigit(current) { advance() }
        }
        if current == UInt8(ascii: ".") {
            advance()
            guard isDigit(current) else { throw fail("expected a digit after the decimal point") }
            while isDigit(current) { advance() }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            advance()
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { advance() }
            guard isDigit(current) else { throw fail("expected a digit in the exponent") }
            while isDigit(current) { advance() }
        }
        return JSONNumber(validatedText: String(decoding: bytes[first..<offset], as: UTF8.self))
    }

    private mutating func parseString() throws(JSONSyntaxError) -> String {
        let start = location
        advance()
        var buffer: [UInt8] = []
        while true {
            guard let byte = current else {
                throw fail("unterminated string; add the closing '\"'", at: start)
            }
            switch byte {
            case UInt8(ascii: "\""):
                advance()
                guard let text = String(validating: buffer, as: UTF8.self) else {
                    throw fail("string is not valid UTF-8", at: start)
                }
                return text
            case UInt8(ascii: "\\"):
                try parseEscape(into: &buffer)
            case 0x0A:
                throw fail("unterminated string; a line break inside a string must be written as \\n", at: start)
            case 0x00..<0x20:
                throw fail("control character U+\(hex4(UInt16(byte))) must be escaped inside a string")
            default:
                buffer.append(byte)
                advance()
            }
        }
    }

    private mutating func parseEscape(into buffer: inout [UInt8]) throws(JSONSyntaxError) {
        let escapeLocation = location
        advance()
        guard let byte = current else {
            throw fail("unterminated string; add the closing '\"'", at: escapeLocation)
        }
        let simple: [UInt8: UInt8] = [
            UInt8(ascii: "\""): 0x22, UInt8(ascii: "\\"): 0x5C, UInt8(ascii: "/"): 0x2F, UInt8(ascii: "b"): 0x08,
            UInt8(ascii: "f"): 0x0C, UInt8(ascii: "n"): 0x0A, UInt8(ascii: "r"): 0x0D, UInt8(ascii: "t"): 0x09,
        ]
        if let replacement = simple[byte] {
            advance()
            buffer.append(replacement)
            return
        }
        guard byte == UInt8(ascii: "u") else {
            throw fail("invalid escape sequence '\\\(describeByte(byte))' in a string", at: escapeLocation)
        }
        advance()
        let unit = try parseHex4(escapeLocation)
        var scalarValue = UInt32(unit)
        if (0xD800...0xDBFF).contains(unit) {
            guard current == UInt8(ascii: "\\"), peek(1) == UInt8(ascii: "u") else {
                throw fail("unpaired UTF-16 surrogate \\u\(hex4(unit)) in a string", at: escapeLocation)
            }
            advance()
            advance()
            let low = try parseHex4(escapeLocation)
            guard (0xDC00...0xDFFF).contains(low) else {
                throw fail("unpaired UTF-16 surrogate \\u\(hex4(unit)) in a string", at: escapeLocation)
            }
            scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
        } else if (0xDC00...0xDFFF).contains(unit) {
            throw fail("unpaired UTF-16 surrogate \\u\(hex4(unit)) in a string", at: escapeLocation)
        }
        // Always valid here: surrogates were handled above.
        if let scalar = Unicode.Scalar(scalarValue) {
            buffer.append(contentsOf: Array(String(Character(scalar)).utf8))
        }
    }

    private mutating func parseHex4(_ escapeLocation: JSONLocation) throws(JSONSyntaxError) -> UInt16 {
        var value: UInt16 = 0
        for _ in 0..<4 {
            guard let byte = current, let digit = hexDigitValue(byte) else {
                throw fail("\\u must be followed by four hexadecimal digits", at: escapeLocation)
            }
            value = value << 4 | UInt16(digit)
            advance()
        }
        return value
    }

    private func hexDigitValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    private func hex4(_ value: UInt16) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    private func describeByte(_ byte: UInt8) -> String {
        byte >= 0x20 && byte < 0x7F ? String(UnicodeScalar(byte)) : "U+\(hex4(UInt16(byte)))"
    }

    /// Names the character at the cursor for a message: `'}'`, `U+00A0`, or the end of the file.
    private func describeCurrent() -> String {
        guard let byte = current else { return "the end of the file" }
        if byte < 0x80 {
            return byte >= 0x20 && byte < 0x7F ? "'\(String(UnicodeScalar(byte)))'" : "U+\(hex4(UInt16(byte)))"
        }
        let tail = bytes[offset..<min(bytes.count, offset + 4)]
        if let scalar = String(decoding: tail, as: UTF8.self).unicodeScalars.first, scalar != "\u{FFFD}" {
            let digits = String(scalar.value, radix: 16, uppercase: true)
            return "'\(scalar)' (U+\(String(repeating: "0", count: max(0, 4 - digits.count)) + digits))"
        }
        return "a byte that is not valid UTF-8"
    }
}
