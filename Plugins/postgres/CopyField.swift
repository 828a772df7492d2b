import Glibc
import ETLArrow

/// One column of a batch as CopyRowEncoder writes it: per block of rows, the bytes its values
/// add to each row, then the fields themselves (length and value, or -1 for NULL) at each row's
/// cursor, which it moves past them. Values were checked before (`CopyValueCheck`).
struct CopyField {
    let column: ImportedColumn
    let encoding: FieldEncoding
    /// False when no row of the column is null: the loops skip the null test.
    let hasNulls: Bool
    let nulls: ImportedColumn.NullTest
    /// text, bytea and jsonb: the values.
    let variable: ImportedColumn.VariableWidthValues?
    /// The value's bytes for a fixed-width encoding; nil for text, bytea, jsonb and numeric.
    let fixedWidth: Int?
    /// numeric: the block's fields, encoded ahead (their size is known only then), back to back.
    private let encoded: CopyBuffer?
    /// numeric: where each of the block's rows' field starts in `encoded` (count + 1 entries).
    private var encodedStarts: [Int] = []

    init(column: ImportedColumn, encoding: FieldEncoding) {
        self.column = column
        self.encoding = encoding
        hasNulls = !column.hasNoNulls
        nulls = column.nullTest
        variable = encoding == .text || encoding == .bytea || encoding == .jsonb ? column.variableWidthValues : nil
        switch encoding {
        case .int8, .float8, .timestamp: fixedWidth = 8
        case .int4, .float4, .date: fixedWidth = 4
        case .int2: fixedWidth = 2
        case .bool: fixedWidth = 1
        case .null: fixedWidth = 0
        case .text, .jsonb, .bytea, .numeric, .numericFromInt64: fixedWidth = nil
        }
        encoded = encoding == .numeric || encoding == .numericFromInt64 ? CopyBuffer() : nil
    }

    /// Value bytes that every row has from this column (beyond the field's length).
    var bytesOfEveryRow: Int { hasNulls ? 0 : fixedWidth ?? 0 }

    /// Adds to `sizes[i]` the value bytes of row `first + i` not counted in `bytesOfEveryRow`.
    mutating func addSizes(rows first: Int, count: Int, to sizes: UnsafeMutablePointer<Int>) {
        // Locals, not properties, in the loops: stores through `sizes` could alias a property,
        // so the compiler would load every property again per row.
        let nulls = self.nulls, hasNulls = self.hasNulls
        if let width = fixedWidth {
            guard hasNulls, width > 0 else { return }
            for index in 0..<count where !nulls.isNull(first &+ index) { sizes[index] &+= width }
            return
        }
        if let encoded {
            encodeNumerics(rows: first, count: count, into: encoded)
            for index in 0..<count { sizes[index] &+= encodedStarts[index &+ 1] &- encodedStarts[index] &- 4 }
            return
        }
        guard let variable else { return }
        let prefix = encoding == .jsonb ? 1 : 0
        for index in 0..<count {
            let row = first &+ index
            if hasNulls && nulls.isNull(row) { continue }
            sizes[index] &+= variable.length(row) &+ prefix
        }
    }

    private mutating func encodeNumerics(rows first: Int, count: Int, into encoded: CopyBuffer) {
        encoded.removeAll()
        encodedStarts.removeAll(keepingCapacity: true)
        for index in 0..<count {
            encodedStarts.append(encoded.count)
            let row = first &+ index
            if hasNulls && nulls.isNull(row) {
                encoded.append(int32: -1)
            } else if encoding == .numeric {
                let value = column.decimal128(row)
                NumericBinary.appendField(unscaled: value.unscaled, scale: Int(value.scale), to: encoded)
            } else {
                NumericBinary.appendField(column.int64(row), to: encoded)
            }
        }
        encodedStarts.append(encoded.count)
    }

    /// Writes the fields of rows `first ..< first + count`, row `first + i` at `cursors[i]`.
    func write(rows first: Int, count: Int, at cursors: UnsafeMutablePointer<Int>, in base: UnsafeMutableRawPointer) {
        let column = self.column
        switch encoding {
        case .null:
            for index in 0..<count { Self.writeNull(at: cursors + index, in: base) }
        case .int8:
            let values = column.int64Values
            writeFixed(rows: first, count: count, at: cursors, in: base) { values[$0] }
        case .int4:
            let values = column.int64Values
            writeFixed(rows: first, count: count, at: cursors, in: base) { Int32(truncatingIfNeeded: values[$0]) }
        case .int2:
            let values = column.int64Values
            writeFixed(rows: first, count: count, at: cursors, in: base) { Int16(truncatingIfNeeded: values[$0]) }
        case .float8:
            let values = column.doubleValues
            writeFixed(rows: first, count: count, at: cursors, in: base) { values[$0].bitPattern }
        case .float4:
            let values = column.doubleValues
            writeFixed(rows: first, count: count, at: cursors, in: base) { Float(values[$0]).bitPattern }
        case .bool:
            writeFixed(rows: first, count: count, at: cursors, in: base) { UInt8(column.bool($0) ? 1 : 0) }
        case .timestamp:
            let values = column.int64Values
            writeFixed(rows: first, count: count, at: cursors, in: base) { values[$0] &- CopyRowEncoder.epochShiftMicros }
        case .date:
            let values = column.date32Values
            writeFixed(rows: first, count: count, at: cursors, in: base) { values[$0] &- CopyRowEncoder.epochShiftDays }
        case .text, .bytea:
            writeBytes(rows: first, count: count, at: cursors, in: base, jsonbVersion: false)
        case .jsonb:
            writeBytes(rows: first, count: count, at: cursors, in: base, jsonbVersion: true)
        case .numeric, .numericFromInt64:
            guard let encoded else { return }
            for index in 0..<count {
                let start = encodedStarts[index], length = encodedStarts[index &+ 1] &- start
                (base + cursors[index]).copyMemory(from: encoded.base + start, byteCount: length)
                cursors[index] &+= length
            }
        }
    }

    @inline(__always)
    private static func writeNull(at cursor: UnsafeMutablePointer<Int>, in base: UnsafeMutableRawPointer) {
        base.storeBytes(of: Int32(-1).bigEndian, toByteOffset: cursor.pointee, as: Int32.self)
        cursor.pointee &+= 4
    }

    /// A fixed-width column: its length, then `value(row)` in network byte order.
    @inline(__always)
    private func writeFixed<Value: FixedWidthInteger>(rows first: Int, count: Int, at cursors: UnsafeMutablePointer<Int>,
                                                      in base: UnsafeMutableRawPointer, _ value: (Int) -> Value) {
        let nulls = self.nulls, hasNulls = self.hasNulls
        let length = Int32(MemoryLayout<Value>.size).bigEndian
        for index in 0..<count {
            let row = first &+ index
            if hasNulls && nulls.isNull(row) {
                Self.writeNull(at: cursors + index, in: base)
                continue
            }
            let at = cursors[index]
            base.storeBytes(of: length, toByteOffset: at, as: Int32.self)
            base.storeBytes(of: value(row).bigEndian, toByteOffset: at &+ 4, as: Value.self)
            cursors[index] = at &+ 4 &+ MemoryLayout<Value>.size
        }
    }

    /// text and bytea: the length, then the bytes; jsonb (jsonb_send's format): the length, the
    /// version byte 1, then the JSON text.
    @inline(__always)
    private func writeBytes(rows first: Int, count: Int, at cursors: UnsafeMutablePointer<Int>, in base: UnsafeMutableRawPointer,
                            jsonbVersion: Bool) {
        guard let variable else { return }
        let nulls = self.nulls, hasNulls = self.hasNulls
        for index in 0..<count {
            let row = first &+ index
            if hasNulls && nulls.isNull(row) {
                Self.writeNull(at: cursors + index, in: base)
                continue
            }
            let bytes = variable.bytes(row)
            var at = cursors[index]
            base.storeBytes(of: Int32(truncatingIfNeeded: bytes.count &+ (jsonbVersion ? 1 : 0)).bigEndian, toByteOffset: at, as: Int32.self)
            at &+= 4
            if jsonbVersion {
                base.storeBytes(of: UInt8(1), toByteOffset: at, as: UInt8.self)
                at &+= 1
            }
            Self.copy(bytes, to: base + at)
            cursors[index] = at &+ bytes.count
        }
    }

    /// Copies `bytes`; short values (most text is) without a call: two loads and two stores
    /// that may overlap.
    @inline(__always)
    private static func copy(_ bytes: UnsafeRawBufferPointer, to destination: UnsafeMutableRawPointer) {
        let count = bytes.count
        guard let source = bytes.baseAddress, count > 0 else { return }
        if count >= 8 && count <= 16 {
            destination.storeBytes(of: source.loadUnaligned(as: UInt64.self), as: UInt64.self)
            destination.storeBytes(of: source.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self), toByteOffset: count &- 8, as: UInt64.self)
        } else if count >= 4 && count < 8 {
            destination.storeBytes(of: source.loadUnaligned(as: UInt32.self), as: UInt32.self)
            destination.storeBytes(of: source.loadUnaligned(fromByteOffset: count &- 4, as: UInt32.self), toByteOffset: count &- 4, as: UInt32.self)
        } else if count < 4 {
            for offset in 0..<count {
                destination.storeBytes(of: source.load(fromByteOffset: offset, as: UInt8.self), toByteOffset: offset, as: UInt8.self)
            }
        } else {
            destination.copyMemory(from: source, byteCount: count)
        }
    }
}
