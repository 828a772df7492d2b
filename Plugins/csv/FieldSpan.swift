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
    @inline(__always)
    mutating func trimBlanks() {
        var first = start
        var length = count
        while length > 0 && CSVDialect.isBlank(first.load(as: UInt8.self)) {
            first += 1
            length -= 1
        }
        while length > 0 && CSVDialect.isBlank(first.load(fromByteOffset: length - 1, as: UInt8.self)) { length -= 1 }
        start = first
        count = length
    }
}
