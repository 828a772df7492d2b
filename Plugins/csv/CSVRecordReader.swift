import CCSVScan
import ETLPluginKit
import Glibc

/// Reads one file record by record, through a large buffer: bounded memory whatever the file
/// size, and no allocation per record or field.
///
/// Each `advance()` yields a record split into `fields`, a reject (with `rejectReason`), or the
/// end. A record's span and fields stay valid until the next `advance()`. Blank lines are
/// skipped. `consumedOffset` and `nextLine` always describe the position just after the last
/// record yielded (or skipped), which is what the resume state stores.
///
/// Line breaks are LF or CRLF (a CR before the LF is dropped); a lone CR is ordinary text.
final class CSVRecordReader {
    /// What `advance()` found.
    enum Step {
        /// A record: `fields`, `recordLine`, `recordRaw` and `recordHasHighBytes` describe it.
        case record
        /// A record that cannot be read: `recordLine`, `recordRaw` and `rejectReason` say why.
        case reject
        /// Nothing more to read now (the end of the file, or a last line that may still grow).
        case end
    }

    /// When a last record without a line break may be read.
    enum FinalRecordPolicy {
        /// Always (full reads: the file is taken as it is).
        case always
        /// Only when the file has not changed size nor been modified for this many seconds
        /// (incremental reads: the line may still be being written).
        case whenQuietFor(seconds: Int64)
    }

    let file: any ByteSource
    private let dialect: CSVDialect
    private let maxLineBytes: Int
    private let policy: FinalRecordPolicy
    /// The file size when the read began: bytes beyond are left for the next read, so one read
    /// sees a consistent snapshot of a growing file.
    let limit: Int64
    /// The device and inode when the read began.
    let identity: FileIdentity

    private let buffer: UnsafeMutableRawPointer
    private let capacity: Int
    private var start = 0
    private var end = 0
    /// The file offset of `buffer[0]`.
    private var bufferOffset: Int64
    /// The first byte >= 0x80 at or after the last record checked, or `end` when none is; below
    /// `start` when not known.
    private var highMark = 0
    private var finished = false

    /// The file offset after the last record yielded or skipped.
    private(set) var consumedOffset: Int64
    /// The physical line number of the next record.
    private(set) var nextLine: Int64
    /// True when the last record read ended the file without a line break.
    private(set) var endedWithoutLineBreak = false
    /// True until the first bytes appended after such a record have been dealt with.
    private var continuesLoadedLine = false

    /// The fields of the current record.
    let fields: FieldList
    /// The physical line the current record starts on.
    private(set) var recordLine: Int64 = 0
    /// The current record's bytes, without its line break (the first bytes only, for a record
    /// longer than `max_line_bytes`).
    private(set) var recordRaw = UnsafeRawBufferPointer(start: nil, count: 0)
    /// True when the current record has a byte >= 0x80 (its text must be checked as UTF-8).
    private(set) var recordHasHighBytes = false
    /// True when a field of the current record was unescaped into the splitter's scratch, which
    /// the next record overwrites: its spans do not outlive the next `advance`, even unmoved.
    private(set) var recordUsesScratch = false
    /// Why the current record was rejected.
    private(set) var rejectReason = ""

    private let splitter: RecordSplitter
    /// The bytes just before `buffer[0]` (the last `historyCount` of `ByteFingerprint.window`),
    /// kept when the buffer moves on so the resume state's fingerprint needs no extra read
    /// (for a remote file, no extra request).
    private let history: UnsafeMutableRawPointer
    private var historyCount = 0
    private let rawPrefix: UnsafeMutableRawPointer
    private static let rawPrefixCapacity = 4096
    /// Bytes read from the file at a time. Every byte of the buffer is written by the reads, so
    /// all of it stays resident: 1 MiB reads keep the load's peak memory 3 MiB lower than 4 MiB
    /// reads did, and a read call per MiB costs nothing measurable beside parsing it.
    private static let chunkSize = 1 << 20

    /// Opens `path` for reading from `offset` (the start of a record) at line `line`.
    /// - Throws: `ETL_IO_ERROR` when the file cannot be opened or read.
    init(path: String, opener: InputOpener, dialect: CSVDialect, maxLineBytes: Int, policy: FinalRecordPolicy,
         offset: Int64 = 0, line: Int64 = 1) throws(PluginError) {
        file = try opener.open(path)
        let status = try file.status()
        self.dialect = dialect
        self.maxLineBytes = maxLineBytes
        self.policy = policy
        limit = status.size
        identity = FileIdentity(status)
        capacity = maxLineBytes + 2 + Self.chunkSize
        buffer = .allocate(byteCount: capacity, alignment: 64)
        bufferOffset = offset
        consumedOffset = offset
        nextLine = line
        // Records of up to 63 fields leave the scan 65 free slots, where it skips counting them.
        fields = FieldList(capacity: 128)
        splitter = RecordSplitter(dialect: dialect, maxRecordBytes: maxLineBytes)
        rawPrefix = .allocate(byteCount: Self.rawPrefixCapacity, alignment: 8)
        history = .allocate(byteCount: Int(ByteFingerprint.window), alignment: 8)
    }

    deinit {
        buffer.deallocate()
        rawPrefix.deallocate()
        history.deallocate()
    }

    /// Moves to `offset` (the start of a record) at line `line`, dropping what was buffered.
    /// `continuing` says that the previous read ended on a line without a line break, so bytes
    /// found there first continue that line (see `advance()`).
    func reposition(offset: Int64, line: Int64, continuing: Bool) {
        start = 0
        end = 0
        highMark = 0
        bufferOffset = offset
        historyCount = 0
        consumedOffset = offset
        nextLine = line
        continuesLoadedLine = continuing && offset < limit
        endedWithoutLineBreak = continuing
        finished = false
    }

    /// Skips the first `count` physical lines of a freshly opened file as they are (`skip_rows`:
    /// a title or a notice above the header), whatever quotes they hold. Returns false when the
    /// file ends first.
    func skipLines(_ count: Int) throws(PluginError) -> Bool {
        for _ in 0..<count {
            guard try skipPhysicalLine() else { return false }
        }
        return true
    }

    /// Skips the line starting at `start` up to and including its line feed; false when the
    /// file ends before a line feed (the bytes are skipped all the same).
    private func skipPhysicalLine() throws(PluginError) -> Bool {
        while true {
            if end > start, let hit = memchr(buffer + start, Int32(CSVDialect.lineFeed), end - start) {
                consume(to: UnsafeRawPointer(hit) - UnsafeRawPointer(buffer) + 1, lines: 1)
                return true
            }
            // A line longer than the buffer is dropped as it goes: only its end matters.
            consume(to: end, lines: 0)
            if try !fill() {
                nextLine += 1
                return false
            }
        }
    }

    /// True when the record at `start` begins with the `comment` prefix (more bytes are read
    /// when the buffer holds fewer than the prefix).
    private func startsWithComment(_ prefix: [UInt8]) throws(PluginError) -> Bool {
        while end - start < prefix.count, try fill() {}
        guard end - start >= prefix.count else { return false }
        for (index, expected) in prefix.enumerated() where byte(start + index) != expected { return false }
        return true
    }

    /// Skips a UTF-8 byte order mark at the start of the file.
    func skipByteOrderMark() throws(PluginError) {
        guard consumedOffset == 0 else { return }
        while end - start < 3, try fill() {}
        guard end - start >= 3, byte(start) == 0xEF, byte(start + 1) == 0xBB, byte(start + 2) == 0xBF else { return }
        consume(to: start + 3, lines: 0)
    }

    // MARK: Reading records

    /// Reads the next record.
    /// - Throws: `ETL_IO_ERROR` when the file cannot be read.
    func advance() throws(PluginError) -> Step {
        guard let step = try next(mayMoveBuffer: true) else { preconditionFailure("a read that may move the buffer always has a step") }
        return step
    }

    /// Reads the next record only if that keeps the spans of the records read before valid
    /// (the buffer's bytes stay where they are). Nil, changing nothing, when the next record is
    /// not whole in the buffer: reading more bytes (or skipping a record too long for the
    /// buffer) would move them. Let go of the earlier records, then call `advance()`.
    /// - Throws: `ETL_IO_ERROR` when the file cannot be read.
    func advanceInPlace() throws(PluginError) -> Step? {
        try next(mayMoveBuffer: false)
    }

    private func next(mayMoveBuffer: Bool) throws(PluginError) -> Step? {
        guard !finished else { return .end }
        if continuesLoadedLine {
            guard mayMoveBuffer else { return nil }
            if let step = try handleContinuation() { return step }
        }
        while true {
            let available = end - start
            if available == 0 {
                guard mayMoveBuffer else { return nil }
                if try fill() { continue }
                return finish()
            }
            if let comment = dialect.comment {
                if !mayMoveBuffer && (available < comment.count || memchr(buffer + start, Int32(CSVDialect.lineFeed), available) == nil) {
                    return nil
                }
                if try startsWithComment(comment) {
                    _ = try skipPhysicalLine()
                    continue
                }
            }
            let record = UnsafeRawPointer(buffer + start)
            // No further than a record's line feed may be (after max_line_bytes and a CR): a line
            // without one there is too long whatever follows, and not worth making room for.
            let scan = fields.scan(record, Swift.min(available, maxLineBytes + 2), delimiter: dialect.delimiter, quote: dialect.quote)
            if scan.status == ETL_CSV_SCAN_QUOTED, let quote = dialect.quote {
                return try readQuotedRecord(quote, mayMoveBuffer: mayMoveBuffer)
            }
            guard scan.status == ETL_CSV_SCAN_SPLIT else {
                if available > maxLineBytes + 2, let step = try tooLongRecord(mayMoveBuffer: mayMoveBuffer) { return step }
                guard mayMoveBuffer else { return nil }
                if available > maxLineBytes + 1 { return try skipRecord(.tooLong, framer: nil, scanned: 0) }
                if try fill() { continue }
                return try readUnterminatedRecord(framer: nil)
            }
            let lineFeed = start + Int(scan.line_end)
            let contentEnd = start + Int(scan.content_length)
            if contentEnd == start {
                consume(to: lineFeed + 1, lines: 1)
                continue
            }
            recordLine = nextLine
            if contentEnd - start > maxLineBytes {
                rejectTooLong(contentEnd: contentEnd)
                consume(to: lineFeed + 1, lines: 1)
                return .reject
            }
            recordUsesScratch = false
            recordRaw = UnsafeRawBufferPointer(start: record, count: contentEnd - start)
            recordHasHighBytes = scan.has_high_bytes != 0
            consume(to: lineFeed + 1, lines: 1)
            return .record
        }
    }

    /// The record at `start`, longer than `max_line_bytes`, when its line feed is in the buffer:
    /// rejected, or read by the quote rules when it has a quote byte (a line feed may be quoted).
    /// Nil when the buffer holds no line feed.
    private func tooLongRecord(mayMoveBuffer: Bool) throws(PluginError) -> Step? {
        guard let hit = memchr(buffer + start, Int32(CSVDialect.lineFeed), end - start) else { return nil }
        let lineFeed = UnsafeRawPointer(hit) - UnsafeRawPointer(buffer)
        var contentEnd = lineFeed
        if byte(contentEnd - 1) == CSVDialect.carriageReturn { contentEnd -= 1 }
        if let quote = dialect.quote, memchr(buffer + start, Int32(quote), contentEnd - start) != nil {
            return try readQuotedRecord(quote, mayMoveBuffer: mayMoveBuffer)
        }
        recordLine = nextLine
        rejectTooLong(contentEnd: contentEnd)
        consume(to: lineFeed + 1, lines: 1)
        return .reject
    }

    /// A record with a quote byte: framed by the quote rules, as it may span lines.
    private func readQuotedRecord(_ quote: UInt8, mayMoveBuffer: Bool) throws(PluginError) -> Step? {
        var framer = RecordFramer(dialect: dialect, quote: quote)
        var scanned = 0
        while true {
            let region = UnsafeRawBufferPointer(start: buffer + start + scanned, count: end - start - scanned)
            if let found = framer.scan(region) {
                let lineFeed = start + scanned + found
                var contentEnd = lineFeed
                if byte(contentEnd - 1) == CSVDialect.carriageReturn { contentEnd -= 1 }
                recordLine = nextLine
                let lines = 1 + framer.innerLineFeeds
                if contentEnd - start > maxLineBytes {
                    rejectTooLong(contentEnd: contentEnd)
                    consume(to: lineFeed + 1, lines: lines)
                    return .reject
                }
                let step = split(contentEnd: contentEnd, quote: quote)
                consume(to: lineFeed + 1, lines: lines)
                return step
            }
            guard mayMoveBuffer else { return nil }
            scanned = end - start
            if scanned > maxLineBytes + 1 { return try skipRecord(.tooLong, framer: framer, scanned: scanned) }
            if try fill() { continue }
            return try readUnterminatedRecord(framer: framer)
        }
    }

    /// The bytes from `start` to the end of the file hold a record without a line break.
    private func readUnterminatedRecord(framer: RecordFramer?) throws(PluginError) -> Step {
        guard try mayReadUnterminatedRecord() else { return finish() }
        var framer = framer
        if framer == nil, let quote = dialect.quote, memchr(buffer + start, Int32(quote), end - start) != nil {
            var fresh = RecordFramer(dialect: dialect, quote: quote)
            _ = fresh.scan(UnsafeRawBufferPointer(start: buffer + start, count: end - start))
            framer = fresh
        }
        recordLine = nextLine
        let lines = 1 + (framer?.innerLineFeeds ?? 0)
        defer { endedWithoutLineBreak = true }
        if framer?.isInsideQuotes == true {
            rejectReason = "unterminated quote: a quoted field opened in the record starting on line \(recordLine) does not close before the end of the file"
            recordRaw = UnsafeRawBufferPointer(start: buffer + start, count: end - start)
            consume(to: end, lines: lines)
            return .reject
        }
        var contentEnd = end
        if byte(contentEnd - 1) == CSVDialect.carriageReturn { contentEnd -= 1 }
        if contentEnd == start {
            consume(to: end, lines: 1)
            return finish()
        }
        if contentEnd - start > maxLineBytes {
            rejectTooLong(contentEnd: contentEnd)
            consume(to: end, lines: lines)
            return .reject
        }
        let step: Step
        if let quote = dialect.quote, framer != nil {
            step = split(contentEnd: contentEnd, quote: quote)
        } else {
            // No quote byte (no framer): the plain split, up to the end as if a line feed followed.
            let scan = fields.scan(buffer + start, end - start, delimiter: dialect.delimiter, quote: nil, endsAtLength: true)
            precondition(scan.status == ETL_CSV_SCAN_SPLIT && start + Int(scan.content_length) == contentEnd,
                         "an unterminated record without quotes always splits up to its end")
            recordUsesScratch = false
            markRecord(contentEnd: contentEnd)
            step = .record
        }
        consume(to: end, lines: lines)
        return step
    }

    /// Splits the quoted record `[start, contentEnd)` into `fields`.
    private func split(contentEnd: Int, quote: UInt8) -> Step {
        var usedScratch = false
        defer { recordUsesScratch = usedScratch }
        if let problem = splitter.splitQuoted(buffer + start, contentEnd - start, quote: quote, into: fields, usedScratch: &usedScratch) {
            rejectReason = problem
            recordRaw = UnsafeRawBufferPointer(start: buffer + start, count: contentEnd - start)
            return .reject
        }
        markRecord(contentEnd: contentEnd)
        return .record
    }

    // MARK: Records that do not fit

    private enum SkipKind {
        /// A record longer than max_line_bytes.
        case tooLong
        /// Bytes appended to a line that was read without a line break.
        case continuation
    }

    /// Skips the record starting at `start` without holding it in memory: it is rejected with
    /// its first bytes as raw text. `framer` (when quoting is on) has already seen `scanned`
    /// bytes of it.
    private func skipRecord(_ kind: SkipKind, framer: RecordFramer?, scanned: Int) throws(PluginError) -> Step {
        recordLine = kind == .continuation ? nextLine - 1 : nextLine
        let prefixLength = Swift.min(end - start, Self.rawPrefixCapacity)
        rawPrefix.copyMemory(from: buffer + start, byteCount: prefixLength)
        var framer = framer
        var position = start + scanned
        if framer == nil, kind == .tooLong, let quote = dialect.quote {
            // A new framer must see the record from its first byte.
            framer = RecordFramer(dialect: dialect, quote: quote)
            position = start
        }
        while true {
            if position < end {
                let region = UnsafeRawBufferPointer(start: buffer + position, count: end - position)
                let found: Int?
                if var active = framer {
                    found = active.scan(region)
                    framer = active
                } else {
                    found = memchr(region.baseAddress!, Int32(CSVDialect.lineFeed), region.count)
                        .map { UnsafeRawPointer($0) - region.baseAddress! }
                }
                if let found { return finishSkip(kind, framer: framer, prefixLength: prefixLength, lineFeed: position + found) }
            }
            // Drop what was scanned from the buffer; the record is not consumed until it ends.
            start = end
            if try !fill() {
                guard try mayReadUnterminatedRecord() else { return finish() }
                let length = bufferOffset + Int64(end) - consumedOffset
                recordRaw = UnsafeRawBufferPointer(start: rawPrefix, count: prefixLength)
                if framer?.isInsideQuotes == true {
                    rejectReason = "unterminated quote: a quoted field opened in the record starting on line \(recordLine) does not close before the end of the file"
                } else {
                    rejectReason = reason(kind, length: length, prefixLength: prefixLength)
                }
                let lines: Int64 = kind == .continuation ? 0 : 1 + (framer?.innerLineFeeds ?? 0)
                consume(to: end, lines: lines)
                endedWithoutLineBreak = true
                return .reject
            }
            position = start
        }
    }

    private func finishSkip(_ kind: SkipKind, framer: RecordFramer?, prefixLength: Int, lineFeed: Int) -> Step {
        let length = bufferOffset + Int64(lineFeed) - consumedOffset
        recordRaw = UnsafeRawBufferPointer(start: rawPrefix, count: Swift.min(prefixLength, Int(length)))
        rejectReason = reason(kind, length: length, prefixLength: prefixLength)
        let lines: Int64 = kind == .continuation ? 0 : 1 + (framer?.innerLineFeeds ?? 0)
        consume(to: lineFeed + 1, lines: lines)
        return .reject
    }

    private func reason(_ kind: SkipKind, length: Int64, prefixLength: Int) -> String {
        switch kind {
        case .tooLong:
            return "the record is longer than max_line_bytes (\(maxLineBytes) bytes); the raw text shows its first \(prefixLength) bytes. Raise max_line_bytes if such records are expected"
        case .continuation:
            return "\(length) bytes were appended to line \(recordLine) after it had been loaded without a line break (the file grew after the last line was taken as complete); they are not loaded"
        }
    }

    private func rejectTooLong(contentEnd: Int) {
        let length = contentEnd - start
        let shown = Swift.min(length, Self.rawPrefixCapacity)
        recordRaw = UnsafeRawBufferPointer(start: buffer + start, count: shown)
        rejectReason = "the record is \(length) bytes long, more than max_line_bytes (\(maxLineBytes)); the raw text shows its first \(shown) bytes. Raise max_line_bytes if such records are expected"
    }

    /// The first bytes after a line read without a line break: a line break completes that line
    /// (and is skipped); anything else continues it and is rejected up to the next line break.
    private func handleContinuation() throws(PluginError) -> Step? {
        while end - start < 2, try fill() {}
        guard end > start else { return finish() }
        if byte(start) == CSVDialect.lineFeed {
            continuesLoadedLine = false
            consume(to: start + 1, lines: 0)
            return nil
        }
        if end - start >= 2 && byte(start) == CSVDialect.carriageReturn && byte(start + 1) == CSVDialect.lineFeed {
            continuesLoadedLine = false
            consume(to: start + 2, lines: 0)
            return nil
        }
        let step = try skipRecord(.continuation, framer: nil, scanned: 0)
        if step != .end { continuesLoadedLine = false }
        return step
    }

    // MARK: Buffer and position

    @inline(__always)
    private func byte(_ index: Int) -> UInt8 { buffer.load(fromByteOffset: index, as: UInt8.self) }

    /// Records the current record's raw span and whether it has non-ASCII bytes.
    @inline(__always)
    private func markRecord(contentEnd: Int) {
        recordRaw = UnsafeRawBufferPointer(start: buffer + start, count: contentEnd - start)
        if highMark < start { highMark = UTF8Check.firstHighByte(buffer, from: start, to: end) }
        recordHasHighBytes = highMark < contentEnd
    }

    @inline(__always)
    private func consume(to index: Int, lines: Int64) {
        start = index
        consumedOffset = bufferOffset + Int64(index)
        nextLine += lines
        endedWithoutLineBreak = false
    }

    private func finish() -> Step {
        finished = true
        return .end
    }

    /// Moves the unread bytes to the front and reads more, up to `limit`. False when nothing
    /// more could be read.
    private func fill() throws(PluginError) -> Bool {
        if start > 0 {
            keepHistory()
            let remaining = end - start
            if remaining > 0 { memmove(buffer, buffer + start, remaining) }
            bufferOffset += Int64(start)
            end = remaining
            start = 0
        }
        let fileEnd = bufferOffset + Int64(end)
        let wanted = Int(Swift.min(Int64(capacity - end), limit - fileEnd))
        guard wanted > 0 else { return false }
        let got = try file.read(into: buffer + end, count: wanted, at: fileEnd)
        guard got > 0 else { return false }
        end += got
        // Unknown until a record that is not scanned in one pass needs it (`markRecord`): the
        // plain records' scan sees their high bytes itself.
        highMark = -1
        return true
    }

    /// Saves the last bytes before `buffer[start]` into `history` before the buffer drops them.
    private func keepHistory() {
        let window = Int(ByteFingerprint.window)
        if start >= window {
            history.copyMemory(from: buffer + start - window, byteCount: window)
            historyCount = window
            return
        }
        let kept = Swift.min(historyCount, window - start)
        memmove(history, history + historyCount - kept, kept)
        (history + kept).copyMemory(from: buffer, byteCount: start)
        historyCount = kept + start
    }

    /// `ByteFingerprint` of the up to 64 bytes before `consumedOffset`, from memory when the
    /// reader still holds them, else read from the file.
    func fingerprint() throws(PluginError) -> String {
        let wanted = Int(Swift.min(consumedOffset, ByteFingerprint.window))
        // Skipping an overlong record drops bytes it has not consumed yet: the buffer then no
        // longer starts where the consumed bytes end.
        guard consumedOffset == bufferOffset + Int64(start) else { return try file.fingerprint(before: consumedOffset) }
        if start >= wanted {
            return ByteFingerprint.hex(UnsafeRawBufferPointer(start: buffer + start - wanted, count: wanted))
        }
        let fromHistory = wanted - start
        guard historyCount >= fromHistory else { return try file.fingerprint(before: consumedOffset) }
        let bytes = UnsafeMutableRawPointer.allocate(byteCount: wanted, alignment: 8)
        defer { bytes.deallocate() }
        bytes.copyMemory(from: history + historyCount - fromHistory, byteCount: fromHistory)
        (bytes + fromHistory).copyMemory(from: buffer, byteCount: start)
        return ByteFingerprint.hex(UnsafeRawBufferPointer(start: bytes, count: wanted))
    }

    /// The `ContentHead` of the file's first `ContentHead.length(forOffset: consumedOffset)`
    /// bytes, from memory when the buffer still starts at the beginning of the file.
    func head() throws(PluginError) -> ContentHead {
        let length = ContentHead.length(forOffset: consumedOffset)
        if bufferOffset == 0 && Int64(end) >= length {
            return ContentHead(length: length, hash: ByteFingerprint.hex(UnsafeRawBufferPointer(start: buffer, count: Int(length))))
        }
        return ContentHead(length: length, hash: ByteFingerprint.hex(try file.bytes(at: 0, count: Int(length))))
    }

    private func mayReadUnterminatedRecord() throws(PluginError) -> Bool {
        switch policy {
        case .always:
            return true
        case .whenQuietFor(let seconds):
            let status = try file.status()
            guard status.size == limit else { return false }
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            let current = Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
            return current - status.modified >= Double(seconds)
        }
    }
}
