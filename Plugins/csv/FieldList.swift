import CCSVScan

/// The fields of the current record, in a C array that grows on demand and is reused for
/// every record, so splitting a line allocates nothing. A class, so the reader hands it to the
/// splitter by reference: an `inout` of a class's stored property costs a dynamic exclusivity
/// check per record.
final class FieldList {
    /// The spans; `count` of them are in use. The list's own array, or room lent for the next
    /// record (`lend`).
    private(set) var spans: UnsafeMutablePointer<FieldSpan>
    /// How many spans `spans` has room for.
    private(set) var capacity: Int
    /// Fields in the current record.
    var count = 0
    /// The list's own array, and its room.
    private var own: UnsafeMutablePointer<FieldSpan>
    private var ownCapacity: Int

    init(capacity: Int) {
        ownCapacity = Swift.max(capacity, 8)
        own = .allocate(capacity: ownCapacity)
        spans = own
        self.capacity = ownCapacity
    }

    deinit { own.deallocate() }

    /// The next record's fields go to `room` (`capacity` spans), e.g. a record block's next slot,
    /// so they need no copy there; to the list's own array if they do not fit. Until `reclaim`.
    @inline(__always)
    func lend(_ room: UnsafeMutablePointer<FieldSpan>, capacity: Int) {
        spans = room
        self.capacity = capacity
    }

    /// Back to the list's own array (the lent room may go away); the fields held are dropped.
    @inline(__always)
    func reclaim() {
        spans = own
        capacity = ownCapacity
        count = 0
    }

    /// Scans the record starting at `record`, of which `length` bytes are at hand, in one pass
    /// (`etl_csv_scan_record`): its line feed, whether a quote byte comes first, whether it has a
    /// byte >= 0x80, and, after `ETL_CSV_SCAN_SPLIT`, its fields (`count` is set); `endsAtLength`
    /// for a last line without a line feed. Replaced a
    /// `memchr` for the line feed, another for a quote, a pass for high bytes and a split eight
    /// bytes at a time (callgrind, the worker of a 100,000-row census load: 451.5 M
    /// instructions before, 418.7 M after, with the high bytes no longer looked for per buffer).
    @inline(__always)
    func scan(_ record: UnsafeRawPointer, _ length: Int, delimiter: UInt8, quote: UInt8?, endsAtLength: Bool = false) -> etl_csv_scan_result {
        while true {
            let result = etl_csv_scan_record(record.assumingMemoryBound(to: UInt8.self), length, delimiter,
                                             quote.map { Int32($0) } ?? -1, endsAtLength, spans, capacity)
            if result.status == ETL_CSV_SCAN_SPLIT { count = Int(result.field_count) }
            guard result.status == ETL_CSV_SCAN_FULL else { return result }
            count = 0
            grow()
        }
    }

    /// Adds a field.
    @inline(__always)
    func append(_ start: UnsafeRawPointer, _ length: Int, quoted: Bool) {
        if count == capacity { grow() }
        (spans + count).initialize(to: FieldSpan(start: start, count: length, quoted: quoted))
        count &+= 1
    }

    /// Twice the room, in the list's own array (a lent room is left as it is).
    @inline(never)
    private func grow() {
        let larger = UnsafeMutablePointer<FieldSpan>.allocate(capacity: Swift.max(capacity, ownCapacity) * 2)
        larger.moveInitialize(from: spans, count: count)
        own.deallocate()
        own = larger
        ownCapacity = Swift.max(capacity, ownCapacity) * 2
        spans = own
        capacity = ownCapacity
    }

    /// The fields as Swift strings (invalid UTF-8 replaced), for header lines and messages.
    func strings() -> [String] {
        (0..<count).map { String(decoding: spans[$0].bytes, as: UTF8.self) }
    }
}
