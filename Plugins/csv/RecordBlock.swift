/// Records read but not yet decoded: up to `capacity` of them, each with its fields, line,
/// raw bytes and whether it has non-ASCII bytes. The producer fills a block from one file's
/// reader while the reader's buffer stays put (`CSVRecordReader.advanceInPlace`), so the spans
/// still point at the records' bytes; `BlockDecoder` then decodes and appends it column by
/// column. Not copyable: it owns its arrays and frees them when it ends.
struct RecordBlock: ~Copyable {
    /// The most records a block holds.
    let capacity: Int
    /// Fields per record: every record of a block has this many (one file's layout).
    private(set) var fieldCount = 0
    /// Records held.
    private(set) var count = 0
    /// The fields, record after record: field `f` of record `r` is at `r * fieldCount + f`.
    private(set) var fields: UnsafeMutablePointer<FieldSpan>
    private var fieldCapacity: Int
    /// Per record: the physical line it starts on.
    let lines: UnsafeMutablePointer<Int64>
    /// Per record: its bytes without the line break.
    let raws: UnsafeMutablePointer<UnsafeRawBufferPointer>
    /// Per record: true when it has a byte >= 0x80.
    let highBytes: UnsafeMutablePointer<Bool>
    /// True when any record held has a byte >= 0x80.
    private(set) var anyHighBytes = false

    init(capacity: Int) {
        self.capacity = capacity
        fieldCapacity = capacity * 16
        fields = .allocate(capacity: fieldCapacity)
        lines = .allocate(capacity: capacity)
        raws = .allocate(capacity: capacity)
        highBytes = .allocate(capacity: capacity)
    }

    deinit {
        fields.deallocate()
        lines.deallocate()
        raws.deallocate()
        highBytes.deallocate()
    }

    var isEmpty: Bool { count == 0 }
    var isFull: Bool { count == capacity }

    /// Field `field` of record `record`.
    @inline(__always)
    func span(_ record: Int, _ field: Int) -> UnsafeMutablePointer<FieldSpan> {
        fields + (record &* fieldCount &+ field)
    }

    /// Where the next record's fields go, and the spans of room from there on (for
    /// `FieldList.lend`, once the block holds a record and so knows its field count).
    var nextRecordFields: (room: UnsafeMutablePointer<FieldSpan>, capacity: Int) {
        (fields + count &* fieldCount, fieldCapacity &- count &* fieldCount)
    }

    /// Adds the reader's current record. The first record sets the block's field count; the
    /// caller adds only records with that many fields. Fields the reader wrote in the block's
    /// next slot (`nextRecordFields`) are not copied.
    @inline(__always)
    mutating func add(_ reader: CSVRecordReader) {
        let recordFields = reader.fields.count
        if count == 0 {
            fieldCount = recordFields
            if fieldCount * capacity > fieldCapacity { growFields() }
        }
        let slot = fields + count &* fieldCount
        if slot != reader.fields.spans { slot.initialize(from: reader.fields.spans, count: fieldCount) }
        lines[count] = reader.recordLine
        raws[count] = reader.recordRaw
        let high = reader.recordHasHighBytes
        highBytes[count] = high
        anyHighBytes = anyHighBytes || high
        count &+= 1
    }

    /// Empties the block (its records were decoded).
    mutating func removeAll() {
        count = 0
        anyHighBytes = false
    }

    @inline(never)
    private mutating func growFields() {
        fields.deallocate()
        fieldCapacity = fieldCount * capacity
        fields = .allocate(capacity: fieldCapacity)
    }
}
