import ETLPluginKit

/// How numbers are written (`decimal_separator`, `thousands_separator`): `1.234,56` in Brazil
/// and much of Europe. Values are rewritten to the plain form `NumberParser` reads before
/// parsing; with the default (`.` and none) they are parsed as they are.
struct NumberFormat: Sendable {
    /// The decimal separator byte.
    let decimal: UInt8
    /// The thousands separator byte, nil when numbers have none.
    let thousands: UInt8?

    static let plain = NumberFormat(decimal: 0x2E, thousands: nil)
    /// The longest value rewritten (a longer one is not a number anyway).
    static let maxLength = 64

    var isPlain: Bool { decimal == 0x2E && thousands == nil }

    /// Reads the two keys; the separators must differ.
    static func parse(_ config: PluginConfig) throws(PluginError) -> NumberFormat {
        let decimalText = try config.string("decimal_separator", default: ".")
        guard decimalText == "." || decimalText == "," else {
            throw .invalidConfig("\(config.path).decimal_separator must be \".\" or \",\" (got \"\(decimalText)\")")
        }
        let thousandsText = try config.optionalString("thousands_separator")
        if let thousandsText, ![".", ",", " ", "'", "_"].contains(thousandsText) {
            throw .invalidConfig("\(config.path).thousands_separator must be one of \".\", \",\", \" \", \"'\" or \"_\" (got \"\(thousandsText)\")")
        }
        if thousandsText == decimalText {
            throw .invalidConfig("\(config.path).thousands_separator and decimal_separator are both \"\(decimalText)\"; they must differ")
        }
        return NumberFormat(decimal: decimalText.utf8.first!, thousands: thousandsText?.utf8.first)
    }

    /// Rewrites `count` bytes at `start` into `out` (room for `maxLength`): thousands
    /// separators dropped, the decimal separator made a `.`. Nil when the value cannot be a
    /// number of this format: too long, or a `.` where `.` is not a separator (with a decimal
    /// comma, `1.5` is refused rather than read as 1.5 or as 15).
    func rewrite(_ start: UnsafeRawPointer, _ count: Int, into out: UnsafeMutablePointer<UInt8>) -> Int? {
        guard count <= Self.maxLength else { return nil }
        var written = 0
        for index in 0..<count {
            let byte = start.load(fromByteOffset: index, as: UInt8.self)
            if byte == thousands { continue }
            if byte == decimal {
                out[written] = 0x2E
            } else if byte == 0x2E {
                return nil
            } else {
                out[written] = byte
            }
            written += 1
        }
        return written
    }

    /// The int64 written in these bytes, in this format.
    func int64(_ start: UnsafeRawPointer, _ count: Int, scratch: UnsafeMutablePointer<UInt8>) -> Int64? {
        guard !isPlain else { return NumberParser.int64(start, count) }
        guard let length = rewrite(start, count, into: scratch) else { return nil }
        return NumberParser.int64(scratch, length)
    }

    /// The double written in these bytes, in this format.
    func double(_ start: UnsafeRawPointer, _ count: Int, scratch: UnsafeMutablePointer<UInt8>) -> Double? {
        guard !isPlain else { return NumberParser.double(start, count) }
        guard let length = rewrite(start, count, into: scratch) else { return nil }
        return NumberParser.double(scratch, length)
    }
}
