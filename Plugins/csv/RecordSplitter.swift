import Glibc

/// Splits a record that holds a quote byte (its bytes without the line terminator) into fields;
/// records without one are split by the one-pass scan (`FieldList.scan`).
///
/// Unquoted fields are returned as they are written (trimming happens when a value is decoded,
/// so header names and values trim alike). A quoted field's span is its content: straight into
/// the input when it holds no doubled quote, otherwise unescaped into `scratch`. Not copyable:
/// it owns `scratch` and frees it when it ends.
struct RecordSplitter: ~Copyable {
    let dialect: CSVDialect
    /// Room for unescaped quoted fields: at least as long as the longest record allowed.
    private let scratch: UnsafeMutableRawPointer
    private let scratchCapacity: Int

    init(dialect: CSVDialect, maxRecordBytes: Int) {
        self.dialect = dialect
        scratchCapacity = maxRecordBytes + 1
        scratch = .allocate(byteCount: scratchCapacity, alignment: 16)
    }

    deinit { scratch.deallocate() }

    /// Splits a record that contains at least one quote byte. Returns nil on success, or why the
    /// record cannot be read (text after a closing quote, a quote left open). `usedScratch` says
    /// whether a field was unescaped into the scratch, which the next record's split overwrites.
    func splitQuoted(_ start: UnsafeRawPointer, _ length: Int, quote: UInt8, into fields: FieldList, usedScratch: inout Bool) -> String? {
        fields.count = 0
        usedScratch = false
        let delimiter = dialect.delimiter
        let trim = dialect.trim
        let escapeByte = dialect.escape
        var scratchUsed = 0
        var index = 0
        func byte(_ at: Int) -> UInt8 { start.load(fromByteOffset: at, as: UInt8.self) }
        while true {
            // Start of a field: look past blanks (when trimming) for an opening quote.
            var look = index
            if trim { while look < length && CSVDialect.isBlank(byte(look)) { look += 1 } }
            if look < length && byte(look) == quote {
                let fieldNumber = fields.count + 1
                var cursor = look + 1
                let contentStart = cursor
                var escaped = false
                var closed = false
                while cursor < length {
                    if byte(cursor) == escapeByte && cursor + 1 < length {
                        escaped = true
                        cursor += 2
                        continue
                    }
                    if byte(cursor) == quote {
                        if cursor + 1 < length && byte(cursor + 1) == quote {
                            escaped = true
                            cursor += 2
                            continue
                        }
                        closed = true
                        break
                    }
                    cursor += 1
                }
                guard closed else { return "field \(fieldNumber): the quoted value never closes (unterminated quote)" }
                let contentEnd = cursor
                if escaped {
                    // Copy the content without the second quote of each pair.
                    let target = scratch + scratchUsed
                    var written = 0
                    var at = contentStart
                    while at < contentEnd {
                        var value = byte(at)
                        if value == escapeByte {
                            // The escaped byte itself, whatever it is.
                            at += 1
                            value = byte(at)
                        } else if value == quote {
                            at += 1
                        }
                        target.storeBytes(of: value, toByteOffset: written, as: UInt8.self)
                        written += 1
                        at += 1
                    }
                    fields.append(UnsafeRawPointer(target), written, quoted: true)
                    scratchUsed += written
                    usedScratch = true
                } else {
                    fields.append(start + contentStart, contentEnd - contentStart, quoted: true)
                }
                index = contentEnd + 1
                if trim { while index < length && CSVDialect.isBlank(byte(index)) { index += 1 } }
                if index == length { return nil }
                guard byte(index) == delimiter else {
                    let shown = String(decoding: UnsafeRawBufferPointer(start: start + index, count: Swift.min(20, length - index)), as: UTF8.self)
                    return "field \(fieldNumber): unexpected text \"\(shown)\" after the closing quote (a quote inside a quoted value must be doubled\(escapeByte.map { " or escaped with \"\(String(UnicodeScalar($0)))\"" } ?? ""))"
                }
                index += 1
                continue
            }
            // Unquoted: up to the next delimiter; quote bytes inside are ordinary text.
            var cursor = index
            while cursor < length && byte(cursor) != delimiter { cursor += 1 }
            fields.append(start + index, cursor - index, quoted: false)
            if cursor == length { return nil }
            index = cursor + 1
        }
    }
}
