/// How records are written: the delimiter, the quote character, whether unquoted fields
/// are trimmed, and the prefix of comment lines. The bytes the splitter and the framer look for.
struct CSVDialect: Sendable, Hashable {
    /// The field separator (one byte, e.g. `,` or a tab).
    let delimiter: UInt8
    /// The quote character, or nil when quoting is off (every quote byte is then plain text).
    let quote: UInt8?
    /// Whether spaces and tabs around unquoted fields (and around quoted ones) are ignored.
    let trim: Bool
    /// The `escape` byte: inside a quoted field the byte after it is literal (`\"` for a quote);
    /// nil when quotes are only doubled.
    var escape: UInt8? = nil
    /// The prefix of comment lines (`comment`), skipped wherever a record would start; nil when
    /// there are none.
    var comment: [UInt8]? = nil

    static let lineFeed: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09

    /// True for the bytes `trim` removes: ASCII space and tab.
    @inline(__always)
    static func isBlank(_ byte: UInt8) -> Bool { byte == space || byte == tab }
}
