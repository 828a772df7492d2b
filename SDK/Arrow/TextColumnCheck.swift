/// Checks that every non-null value of an imported utf8 column is UTF-8, so no sink stores a
/// foreign producer's stray bytes as text. The offsets were checked before (never decreasing).
///
/// The common case costs one pass over the bytes the rows span, eight bytes at a time while
/// they are ASCII, plus one byte per row: when the whole span is UTF-8 and no value starts
/// inside a multi-byte sequence, every value is UTF-8. Only a span that fails is looked at row
/// by row, skipping null rows: Arrow leaves the bytes of a null slot undefined.
struct TextColumnCheck {
    let offsets: UnsafePointer<Int32>
    let data: UnsafeRawPointer
    /// Index of row 0 in the offsets (parent offset + column offset).
    let firstIndex: Int
    let rows: Int
    let validity: UnsafePointer<UInt8>?
    let parentValidity: UnsafePointer<UInt8>?
    let parentFirstIndex: Int

    /// Throws for the first non-null row that is not UTF-8, naming the row and the byte.
    func check(label: String) throws(ArrowError) {
        if spanIsText() { return }
        for row in 0..<rows where !isNull(row) {
            let start = Int(offsets[firstIndex + row])
            let end = Int(offsets[firstIndex + row + 1])
            guard let bad = UTF8Validation.firstInvalidOffset(in: UnsafeRawBufferPointer(start: data + start, count: end - start)) else {
                continue
            }
            let byte = data.load(fromByteOffset: start + bad, as: UInt8.self)
            let hex = (byte < 0x10 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            throw ArrowError(
                .badData,
                "\(label), row \(row) of the batch: not valid UTF-8 (byte 0x\(hex) at byte \(bad) of the value); a utf8 column holds UTF-8 text only: repair the text, or declare the column binary (\"z\")")
        }
    }

    /// Whether all the bytes the rows span are UTF-8 and each value starts a sequence (a valid
    /// span could otherwise hide "x\u{C3}" + "\u{A9}y", two invalid values that spell "xéy").
    private func spanIsText() -> Bool {
        let start = Int(offsets[firstIndex])
        let end = Int(offsets[firstIndex + rows])
        guard end > start else { return true }
        let scan = UTF8Validation.scan(UnsafeRawBufferPointer(start: data + start, count: end - start))
        guard scan.firstInvalid == nil else { return false }
        // ASCII has no continuation bytes: every boundary starts a sequence.
        if scan.isASCII { return true }
        for index in (firstIndex + 1)..<(firstIndex + rows) {
            let boundary = Int(offsets[index])
            if boundary < end, data.load(fromByteOffset: boundary, as: UInt8.self) & 0xC0 == 0x80 { return false }
        }
        return true
    }

    private func isNull(_ row: Int) -> Bool {
        if let validity, !ImportedColumn.bit(validity, firstIndex + row) { return true }
        if let parentValidity, !ImportedColumn.bit(parentValidity, parentFirstIndex + row) { return true }
        return false
    }
}
