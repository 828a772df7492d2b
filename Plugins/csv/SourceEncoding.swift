import ETLPluginKit

/// The character encoding of the files (`encoding`): UTF-8, or a single-byte encoding that is
/// transcoded to UTF-8 value by value.
///
/// Latin-1 and Windows-1252 write every ASCII byte as itself and every other character as one
/// byte >= 0x80, so line breaks, delimiters and quotes are found in the file's own bytes and
/// every offset the reader and the resume state keep is an offset of the original file; only
/// the text that loads (values, header names, rejects' raw text) is transcoded.
enum SourceEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf-8"
    case latin1 = "latin-1"
    case windows1252 = "windows-1252"
    /// UTF-16 with a byte order mark, or in a set byte order: transcoded to UTF-8 as a stream
    /// before parsing (`UTF16Input`).
    case utf16 = "utf-16"
    case utf16le = "utf-16le"
    case utf16be = "utf-16be"

    /// The names `encoding` accepts, quoted, for messages.
    static var nameList: String { allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ") }

    /// Reads `encoding` (default UTF-8); common spellings such as `ISO-8859-1` and `cp1252` are
    /// accepted, in any case.
    static func parse(_ config: PluginConfig) throws(PluginError) -> SourceEncoding {
        let name = try config.string("encoding", default: "utf-8")
        switch name.lowercased() {
        case "utf-8", "utf8": return .utf8
        case "latin-1", "latin1", "iso-8859-1", "iso8859-1": return .latin1
        case "windows-1252", "cp1252": return .windows1252
        case "utf-16", "utf16": return .utf16
        case "utf-16le", "utf16le": return .utf16le
        case "utf-16be", "utf16be": return .utf16be
        default:
            throw .invalidConfig("\(config.path).encoding \"\(name)\" is not supported; use one of \(nameList)")
        }
    }

    /// True when the reader sees UTF-8 (a UTF-16 file is transcoded before it): its records are
    /// checked as UTF-8, not transcoded value by value.
    var readsAsUTF8: Bool { !isSingleByte }

    /// Latin-1 or Windows-1252.
    var isSingleByte: Bool { self == .latin1 || self == .windows1252 }

    /// The byte order UTF-16 is read in: nil to take it from the byte order mark; nil for other
    /// encodings too (see `isUTF16`).
    var utf16BigEndian: Bool? { self == .utf16be ? true : self == .utf16le ? false : nil }

    var isUTF16: Bool { self == .utf16 || self == .utf16le || self == .utf16be }

    /// The most UTF-8 bytes one byte of the file becomes.
    var maxExpansion: Int {
        switch self {
        case .utf8, .utf16, .utf16le, .utf16be: 1
        case .latin1: 2
        case .windows1252: 3
        }
    }

    /// Writes `bytes` as UTF-8 into `out` (room for `bytes.count * maxExpansion` bytes) and
    /// returns the count written. UTF-8 is copied as it is.
    func transcode(_ bytes: UnsafeRawBufferPointer, into out: UnsafeMutableRawPointer) -> Int {
        var written = 0
        for byte in bytes {
            let scalar: UInt32 = byte < 0x80 || self != .windows1252 || byte >= 0xA0
                ? UInt32(byte) : Self.windows1252High[Int(byte) - 0x80]
            if scalar < 0x80 || !isSingleByte {
                out.storeBytes(of: byte, toByteOffset: written, as: UInt8.self)
                written += 1
            } else if scalar < 0x800 {
                out.storeBytes(of: UInt8(0xC0 | scalar >> 6), toByteOffset: written, as: UInt8.self)
                out.storeBytes(of: UInt8(0x80 | scalar & 0x3F), toByteOffset: written + 1, as: UInt8.self)
                written += 2
            } else {
                out.storeBytes(of: UInt8(0xE0 | scalar >> 12), toByteOffset: written, as: UInt8.self)
                out.storeBytes(of: UInt8(0x80 | (scalar >> 6) & 0x3F), toByteOffset: written + 1, as: UInt8.self)
                out.storeBytes(of: UInt8(0x80 | scalar & 0x3F), toByteOffset: written + 2, as: UInt8.self)
                written += 3
            }
        }
        return written
    }

    /// `text` as the reader sees it in the file: its UTF-8 for UTF-8 and UTF-16 files (the
    /// reader gets those as UTF-8), its bytes in the encoding for single-byte ones; nil when a
    /// character has no byte there (no field of such a file could hold it).
    func bytesAsRead(_ text: String) -> [UInt8]? {
        guard isSingleByte else { return Array(text.utf8) }
        var bytes: [UInt8] = []
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value < 0x80 || (value <= 0xFF && (self == .latin1 || value >= 0xA0)) {
                bytes.append(UInt8(value))
            } else if self == .windows1252, let index = Self.windows1252High.firstIndex(of: value) {
                bytes.append(UInt8(0x80 + index))
            } else {
                return nil
            }
        }
        return bytes
    }

    /// `bytes` as a String (header names, messages).
    func string(_ bytes: UnsafeRawBufferPointer) -> String {
        guard isSingleByte else { return String(decoding: bytes, as: UTF8.self) }
        var out = [UInt8](repeating: 0, count: bytes.count * maxExpansion)
        let count = out.withUnsafeMutableBytes { transcode(bytes, into: $0.baseAddress!) }
        return String(decoding: out.prefix(count), as: UTF8.self)
    }

    /// Windows-1252's characters for 0x80...0x9F (WHATWG's table: the five bytes it leaves
    /// undefined map to the C1 controls, as in Latin-1).
    private static let windows1252High: [UInt32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]
}

/// A reusable output buffer for transcoded text, grown when a longer value comes.
final class TranscodeBuffer {
    let encoding: SourceEncoding
    private var storage: UnsafeMutableRawPointer
    private var capacity: Int

    init(_ encoding: SourceEncoding) {
        self.encoding = encoding
        capacity = 4096
        storage = .allocate(byteCount: capacity, alignment: 8)
    }

    deinit { storage.deallocate() }

    /// `bytes` in UTF-8, valid until the next call.
    func utf8(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        let needed = bytes.count * encoding.maxExpansion
        if needed > capacity {
            storage.deallocate()
            capacity = needed
            storage = .allocate(byteCount: capacity, alignment: 8)
        }
        return UnsafeRawBufferPointer(start: storage, count: encoding.transcode(bytes, into: storage))
    }
}
