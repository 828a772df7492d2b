#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CETLPlugin
import ETLArrow

/// Arrow's "take": the rows a filter or a reject left, gathered from an imported column straight
/// into the buffers of a new child array sized exactly, without a builder's per-value checks
/// and growth. This is what keeps a filter that drops a few rows cheap on wide batches.
enum ColumnTake {
    /// A new child array (owning its buffers) of `column`'s values at `rows`, in order.
    static func take(_ column: ImportedColumn, rows: [Int]) -> ArrowArray {
        let count = rows.count
        let type = column.type
        var nulls = 0
        var validity: UnsafeMutablePointer<UInt8>?
        for (position, row) in rows.enumerated() where column.isNull(row) {
            if validity == nil {
                let bytes = (count + 7) / 8
                let bitmap = allocate(bytes).assumingMemoryBound(to: UInt8.self)
                memset(bitmap, 0xFF, bytes)
                validity = bitmap
            }
            validity![position >> 3] &= ~(UInt8(1) << UInt8(position & 7))
            nulls += 1
        }
        var buffers: [UnsafeMutableRawPointer?] = [validity.map(UnsafeMutableRawPointer.init)]
        switch type {
        case .int64, .double, .timestampMicrosecondsUTC:
            let values = allocate(8 * count).assumingMemoryBound(to: Int64.self)
            for (position, row) in rows.enumerated() {
                switch type {
                case .int64: values[position] = column.isNull(row) ? 0 : column.int64(row)
                case .double: values[position] = column.isNull(row) ? 0 : Int64(bitPattern: column.double(row).bitPattern)
                default: values[position] = column.isNull(row) ? 0 : column.timestampMicroseconds(row)
                }
            }
            buffers.append(UnsafeMutableRawPointer(values))
        case .decimal128:
            let values = allocate(16 * count).assumingMemoryBound(to: UInt64.self)
            for (position, row) in rows.enumerated() {
                let value = column.isNull(row) ? ArrowDecimal(unscaled: 0, scale: 0) : column.decimal128(row)
                values[2 * position] = value.low
                values[2 * position + 1] = UInt64(bitPattern: value.high)
            }
            buffers.append(UnsafeMutableRawPointer(values))
        case .date32:
            let values = allocate(4 * count).assumingMemoryBound(to: Int32.self)
            for (position, row) in rows.enumerated() { values[position] = column.isNull(row) ? 0 : column.date32(row) }
            buffers.append(UnsafeMutableRawPointer(values))
        case .bool:
            let bytes = (count + 7) / 8
            let bits = allocate(bytes).assumingMemoryBound(to: UInt8.self)
            memset(bits, 0, bytes)
            for (position, row) in rows.enumerated() where !column.isNull(row) && column.bool(row) {
                bits[position >> 3] |= UInt8(1) << UInt8(position & 7)
            }
            buffers.append(UnsafeMutableRawPointer(bits))
        case .utf8, .binary:
            var total = 0
            for row in rows where !column.isNull(row) { total += column.bytes(row).count }
            let offsets = allocate(4 * (count + 1)).assumingMemoryBound(to: Int32.self)
            let data = allocate(total)
            var end = 0
            offsets[0] = 0
            for (position, row) in rows.enumerated() {
                if !column.isNull(row) {
                    let bytes = column.bytes(row)
                    if let base = bytes.baseAddress, !bytes.isEmpty { memcpy(data + end, base, bytes.count) }
                    end += bytes.count
                }
                offsets[position + 1] = Int32(truncatingIfNeeded: end)
            }
            buffers.append(UnsafeMutableRawPointer(offsets))
            buffers.append(data)
        case .null:
            buffers = []
        }
        let list = allocate(MemoryLayout<UnsafeRawPointer?>.stride * Swift.max(buffers.count, 1))
            .bindMemory(to: UnsafeRawPointer?.self, capacity: Swift.max(buffers.count, 1))
        for (index, buffer) in buffers.enumerated() { list[index] = buffer.map(UnsafeRawPointer.init) }
        return ArrowArray(
            length: Int64(count), null_count: Int64(type == .null ? count : nulls), offset: 0, n_buffers: Int64(buffers.count), n_children: 0,
            buffers: buffers.isEmpty ? nil : UnsafeMutablePointer(mutating: list), children: nil, dictionary: nil,
            release: releaseTakenColumn, private_data: UnsafeMutableRawPointer(list))
    }

    /// malloc that never returns NULL (at least one byte, so a zero-length buffer is still a pointer).
    private static func allocate(_ bytes: Int) -> UnsafeMutableRawPointer {
        guard let memory = malloc(Swift.max(bytes, 1)) else { fatalError("etl-runtime: out of memory taking \(bytes) bytes of a column") }
        return memory
    }
}

/// Release callback of a taken column: frees each buffer, then the buffer list.
private func releaseTakenColumn(_ array: UnsafeMutablePointer<ArrowArray>?) {
    guard let array, array.pointee.release != nil else { return }
    if let buffers = array.pointee.buffers {
        for index in 0..<Int(array.pointee.n_buffers) { free(UnsafeMutableRawPointer(mutating: buffers[index])) }
    }
    free(array.pointee.private_data)
    array.pointee.release = nil
}
