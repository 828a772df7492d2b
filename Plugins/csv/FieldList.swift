/// The fields of the current record, in a C array that grows on demand and is reused for
/// every record, so splitting a line allocates nothing. A class, so the reader hands it to the
/// splitter by reference: an `inout` of a class's stored property costs a dynamic exclusivity
/// check per record.
final class FieldList {
    /// The spans; `count` of them are in use.
    private(set) var spans: UnsafeMutablePointer<FieldSpan>
    /// How many spans the array holds.
    private(set) var capacity: Int
    /// Fields in the current record.
    var count = 0

    init(capacity: Int) {
        self.capacity = Swift.max(capacity, 8)
        spans = .allocate(capacity: self.capacity)
    }

    deinit { spans.deallocate() }

    /// Adds a field.
    @inline(__always)
    func append(_ start: UnsafeRawPointer, _ length: Int, quoted: Bool) {
        if count == capacity { grow() }
        (spans + count).initialize(to: FieldSpan(start: start, count: length, quoted: quoted))
        count &+= 1
    }

    @inline(never)
    private func grow() {
        let larger = UnsafeMutablePointer<FieldSpan>.allocate(capacity: capacity * 2)
        larger.moveInitialize(from: spans, count: count)
        spans.deallocate()
        spans = larger
        capacity *= 2
    }

    /// The fields as Swift strings (invalid UTF-8 replaced), for header lines and messages.
    func strings() -> [String] {
        (0..<count).map { String(decoding: spans[$0].bytes, as: UTF8.self) }
    }
}
