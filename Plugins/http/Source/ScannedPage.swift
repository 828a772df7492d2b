import ETLPluginKit

/// Where a scanned page's wanted values sit in its response bytes (see `PageScanner`).
struct ScannedPage: Sendable {
    /// The response body, kept for reading values and for the tree path when a page needs it.
    let bytes: [UInt8]
    /// Captures per record (the record plan's slot count).
    let recordSlots: Int
    /// Start and end offsets of each record's captures, record after record; -1 when absent.
    let recordCaptures: [Int]
    /// Start and end offsets of each record.
    let recordRanges: [Int]
    /// Start and end offsets of the page plan's captures; -1 when absent.
    let bodyCaptures: [Int]

    /// The number of records.
    var recordCount: Int { recordRanges.count / 2 }

    /// True when the body has a value for page-plan `slot`.
    func bodyCaptured(slot: Int) -> Bool { bodyCaptures[2 * slot] >= 0 }

    /// The body value of page-plan `slot`, nil when the body does not have it.
    func bodyValue(slot: Int) -> JSONValue? {
        guard bodyCaptures[2 * slot] >= 0 else { return nil }
        return bytes.withUnsafeBytes { Self.value($0, from: bodyCaptures[2 * slot], to: bodyCaptures[2 * slot + 1]) }
    }

    /// Record `index` as a tree (for the few places that need one), nil if it cannot be read
    /// the fast way (the tree path then takes the page).
    func record(_ index: Int) -> JSONValue? {
        bytes.withUnsafeBytes { Self.value($0, from: recordRanges[2 * index], to: recordRanges[2 * index + 1]) }
    }

    /// The value in `bytes[start..<end]`, which the scan checked is one JSON value: scalars are
    /// made directly, containers and escaped strings by the tree parser. Nil when that parser
    /// refuses it (a repeated member), for the caller to fall back to the tree path.
    @inline(__always)
    static func value(_ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int) -> JSONValue? {
        let span = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
        switch span[0] {
        case UInt8(ascii: "\""):
            let inner = UnsafeRawBufferPointer(rebasing: span.dropFirst().dropLast())
            if !inner.contains(UInt8(ascii: "\\")) { return .string(String(decoding: inner, as: UTF8.self)) }
            return PageScanner.decodedString(span).map(JSONValue.string)
        case UInt8(ascii: "t"): return .bool(true)
        case UInt8(ascii: "f"): return .bool(false)
        case UInt8(ascii: "n"): return .null
        case UInt8(ascii: "{"), UInt8(ascii: "["): return try? JSONValue(parsingFast: span)
        default: return JSONNumber(text: String(decoding: span, as: UTF8.self)).map(JSONValue.number)
        }
    }
}
