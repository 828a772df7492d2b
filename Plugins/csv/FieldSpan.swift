/// One field of a record: where its bytes are and whether they came from inside quotes.
///
/// `start` points into the reader's buffer (or its unescaping scratch for a quoted field with
/// doubled quotes); the span is valid until the reader's next `advance()`.
struct FieldSpan {
    /// First byte of the field's value (after the opening quote for a quoted field).
    var start: UnsafeRawPointer
    /// Length in bytes.
    var count: Int
    /// True for a quoted field: its value is never trimmed and never matches `null_values`.
    var quoted: Bool

    /// The bytes as a buffer.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: start, count: count) }

    /// Drops the spaces and tabs at both ends (`trim`).
    ///
    /// A byte above the space is never blank, so one comparison settles most ends; and once the
    /// first byte is not blank the scan from the end needs no bound (callgrind, census with
    /// `trim`: 29 instructions per field with a bounded loop at each end testing both blanks).
    @inline(__always)
    mutating func trimBlanks() {
        var length = count
        guard length > 0 else { return }
        var first = start
        while first.load(as: UInt8.self) <= CSVDialect.space && CSVDialect.isBlank(first.load(as: UInt8.self)) {
            first += 1
            length &-= 1
            if length == 0 {
                start = first
                count = 0
                return
            }
        }
        while first.load(fromByteOffset: length &- 1, as: UInt8.self) <= CSVDialect.space
            && CSVDialect.isBlank(first.load(fromByteOffset: length &- 1, as: UInt8.self)) {
            length &-= 1
        }
        start = first
        count = length
    }
}
