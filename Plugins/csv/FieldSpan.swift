import CCSVScan

/// One field of a record: where its bytes are (`start`, `count`) and whether they came from
/// inside quotes (`quoted`: never trimmed, never matching `null_values`).
///
/// `start` points into the reader's buffer (or its unescaping scratch for a quoted field with
/// doubled quotes); the span is valid until the reader's next `advance()`. The C struct
/// `etl_csv_field`, so the record scan (`etl_csv_scan_record`) writes the fields directly.
typealias FieldSpan = etl_csv_field

extension FieldSpan {
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
