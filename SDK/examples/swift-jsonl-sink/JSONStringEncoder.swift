/// Writes UTF-8 bytes as a quoted JSON string, validating them on the way.
///
/// Validation matters because an Arrow utf8 column from a foreign producer may hold invalid
/// UTF-8, and a JSON Lines file with such bytes is unreadable by strict parsers; the sink refuses
/// the batch instead of writing a file others cannot read.
enum JSONStringEncoder {
    /// Appends `"…"` with `"`, `\` and control characters escaped.
    /// - Returns: false (with `out` partly written) when `bytes` is not valid UTF-8.
    static func append(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) -> Bool {
        out.append(UInt8(ascii: "\""))
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte < 0x80 {
                appendASCII(byte, to: &out)
                index += 1
                continue
            }
            let length = validSequenceLength(bytes, at: index)
            guard length > 0 else { return false }
            for offset in 0..<length { out.append(bytes[index + offset]) }
            index += length
        }
        out.append(UInt8(ascii: "\""))
        return true
    }

    /// Appends a Swift string (always valid UTF-8) as a quoted JSON string.
    static func append(_ text: String, to out: inout [UInt8]) {
        _ = Array(text.utf8).withUnsafeBytes { append($0, to: &out) }
    }

    private static func appendASCII(_ byte: UInt8, to out: inout [UInt8]) {
        switch byte {
        case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
        case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
        case 0x0A: out.append(contentsOf: #"\n"#.utf8)
        case 0x0D: out.append(contentsOf: #"\r"#.utf8)
        case 0x09: out.append(contentsOf: #"\t"#.utf8)
        case 0x08: out.append(contentsOf: #"\b"#.utf8)
        case 0x0C: out.append(contentsOf: #"\f"#.utf8)
        case 0..<0x20, 0x7F:
            out.append(contentsOf: #"\u00"#.utf8)
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0x0F)])
        default:
            out.append(byte)
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// The length (2...4) of the well-formed UTF-8 sequence starting at `index`, or 0 when it is
    /// ill-formed (overlong forms, surrogates and values above U+10FFFF included), following the
    /// table of well-formed byte sequences in the Unicode standard (§3.9, table 3-7).
    private static func validSequenceLength(_ bytes: UnsafeRawBufferPointer, at index: Int) -> Int {
        let lead = bytes[index]
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; secondRange = 0x80...0x9F
        case 0xF0: length = 4; secondRange = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; secondRange = 0x80...0x8F
        default: return 0
        }
        guard index + length <= bytes.count, secondRange.contains(bytes[index + 1]) else { return 0 }
        for offset in 2..<length where !(0x80...0xBF).contains(bytes[index + offset]) {
            return 0
        }
        return length
    }
}
