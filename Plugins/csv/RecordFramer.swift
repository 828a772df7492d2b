/// Finds where a record ends when it may contain quoted fields: the first line feed outside
/// quotes. It can be fed a record in pieces (the state carries over), which is how a record
/// longer than the read buffer is skipped.
///
/// The rules match `RecordSplitter`: a quote opens a quoted field only at the start of a field
/// (after blanks when trimming); elsewhere it is an ordinary byte. Inside quotes, a doubled
/// quote is a literal quote, the byte after the `escape` byte (when set) is literal, and line
/// feeds belong to the value.
struct RecordFramer {
    private enum State {
        case fieldStart, unquoted, quoted, quoteInQuoted, escapeInQuoted
    }

    private let delimiter: UInt8
    private let quote: UInt8
    private let trim: Bool
    /// The `escape` byte: inside quotes, the byte after it is literal.
    private let escape: UInt8?
    private var state = State.fieldStart
    /// Line feeds seen inside quotes so far: the record spans this many extra physical lines.
    private(set) var innerLineFeeds: Int64 = 0

    init(dialect: CSVDialect, quote: UInt8) {
        delimiter = dialect.delimiter
        self.quote = quote
        trim = dialect.trim
        escape = dialect.escape
    }

    /// True when the bytes fed so far end inside an open quoted field.
    var isInsideQuotes: Bool { state == .quoted || state == .escapeInQuoted }

    /// Scans `bytes`, the record's next piece, and returns the index in `bytes` of the line feed
    /// that ends the record, or nil when the record goes on past `bytes`.
    mutating func scan(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        let count = bytes.count
        var index = 0
        while index < count {
            let byte = base.load(fromByteOffset: index, as: UInt8.self)
            switch state {
            case .fieldStart:
                if byte == CSVDialect.lineFeed { return index }
                if byte == quote {
                    state = .quoted
                } else if byte == delimiter || (trim && CSVDialect.isBlank(byte)) {
                    state = .fieldStart
                } else {
                    state = .unquoted
                }
            case .unquoted:
                if byte == CSVDialect.lineFeed { return index }
                if byte == delimiter { state = .fieldStart }
            case .quoted:
                if byte == quote {
                    state = .quoteInQuoted
                } else if byte == escape {
                    state = .escapeInQuoted
                } else if byte == CSVDialect.lineFeed {
                    innerLineFeeds += 1
                }
            case .escapeInQuoted:
                if byte == CSVDialect.lineFeed { innerLineFeeds += 1 }
                state = .quoted
            case .quoteInQuoted:
                if byte == quote {
                    state = .quoted
                } else if byte == CSVDialect.lineFeed {
                    return index
                } else if byte == delimiter {
                    state = .fieldStart
                } else {
                    // Blanks or stray text after a closing quote: the splitter decides whether
                    // that is allowed; for framing the field simply goes on unquoted.
                    state = .unquoted
                }
            }
            index &+= 1
        }
        return nil
    }
}
