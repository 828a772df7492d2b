import CETLPlugin

/// The buffers of one column under construction. A plain value of raw pointers so
/// that `RecordBatchBuilder` can keep all columns in one C array and append
/// through a pointer, without reference counting or dynamic dispatch per value.
struct ColumnBuilder {
    /// The column type.
    let type: ArrowColumnType
    /// `type.tag`, compared on every append.
    let tag: UInt8
    /// Values appended, nulls included.
    var length = 0
    /// Nulls appended.
    var nullCount = 0
    /// The validity bitmap; allocated at the first null, so columns without
    /// nulls export a NULL validity buffer and pay nothing for it.
    var validity = ArrowBuffer()
    /// Bits (bool), fixed-width values, or int32 offsets (utf8, binary).
    var values = ArrowBuffer()
    /// The bytes of utf8 and binary values.
    var data = ArrowBuffer()
    /// Rows to reserve room for when (re)starting.
    private let capacityHint: Int
    /// Bytes each buffer held when the last batch was exported. The next batch starts with
    /// that much room and a sixteenth more: a builder reused for batch after batch then grows
    /// no buffer once it has seen one batch (each growth copied the buffer: 5 % of a CSV
    /// load's instructions), and holds no more than its batches need, unlike a per-row guess.
    private var lastValidityBytes = 0
    private var lastValuesBytes = 0
    private var lastDataBytes = 0

    init(type: ArrowColumnType, capacityHint: Int) {
        self.type = type
        self.tag = type.tag
        self.capacityHint = capacityHint
        start()
    }

    /// Prepares empty buffers: reserves the hinted rows and writes the leading
    /// zero offset of variable-length columns (offsets have length + 1 entries).
    private mutating func start() {
        switch type {
        case .utf8, .binary:
            values.reserve(additional: Swift.max(4 * (capacityHint + 1), Self.withSlack(lastValuesBytes)))
            values.append(Int32(0))
            data.reserve(additional: Swift.max(16 * capacityHint, Self.withSlack(lastDataBytes)))
        case .bool:
            values.reserve(additional: Swift.max((capacityHint + 7) / 8, Self.withSlack(lastValuesBytes)))
        case .int64, .double, .timestampMicrosecondsUTC, .date32, .decimal128:
            values.reserve(additional: Swift.max(type.fixedWidth * capacityHint, Self.withSlack(lastValuesBytes)))
        case .null:
            break
        }
    }

    /// Bytes in use in all buffers.
    var byteSize: Int { validity.count + values.count + data.count }

    // MARK: Appending (the caller has checked the type)

    /// Appends a fixed-width value (int64, double, timestamp, date32).
    @inline(__always)
    mutating func append<T: BitwiseCopyable>(fixed value: T) {
        values.append(value)
        finishValue()
    }

    /// Appends a decimal128 value: its low word, then its high word (little-endian two's complement).
    @inline(__always)
    mutating func append(decimal value: ArrowDecimal) {
        values.append(value.low)
        values.append(value.high)
        finishValue()
    }

    /// Appends a boolean bit.
    @inline(__always)
    mutating func append(bit: Bool) {
        values.appendBit(bit, at: length)
        finishValue()
    }

    /// Appends utf8 or binary bytes; returns false, appending nothing, when the
    /// column's bytes would exceed the 2 GiB that int32 offsets can address.
    @inline(__always)
    mutating func append(bytes: UnsafeRawBufferPointer) -> Bool {
        let end = data.count &+ bytes.count
        guard end <= Int(Int32.max) else { return false }
        data.reserve(additional: bytes.count)
        _ = data.stage(bytes)
        data.commit(bytes.count)
        values.append(Int32(truncatingIfNeeded: end))
        finishValue()
        return true
    }

    /// Appends UTF-8 text, validating it while copying. Returns nil on success, or
    /// the offset of the first invalid byte (`Int.max` when the column would exceed
    /// 2 GiB); nothing is appended then.
    @inline(__always)
    mutating func append(utf8 bytes: UnsafeRawBufferPointer) -> Int? {
        let length = bytes.count
        let end = data.count &+ length
        guard end <= Int(Int32.max) else { return Int.max }
        data.reserve(additional: length)
        // Copy first and check the high bits seen on the way: all-ASCII text (the
        // usual case) needs no second pass.
        if data.stage(bytes) & 0x80 != 0,
           let bad = UTF8Validation.firstInvalidOffset(in: UnsafeRawBufferPointer(start: data.end, count: length)) {
            return bad
        }
        data.commit(length)
        values.append(Int32(truncatingIfNeeded: end))
        finishValue()
        return nil
    }

    /// Appends a null: a zeroed or repeated slot in the value buffers (so every
    /// byte exported is initialised) and a cleared validity bit.
    mutating func appendNull() {
        switch type {
        case .null:
            break
        case .bool:
            values.appendBit(false, at: length)
        case .utf8, .binary:
            values.append(Int32(truncatingIfNeeded: data.count))
        case .int64, .double, .timestampMicrosecondsUTC, .date32, .decimal128:
            values.append(repeating: 0, byteCount: type.fixedWidth)
        }
        if tag != ArrowColumnType.null.tag {
            if validity.base == nil { startValidity() }
            validity.appendBit(false, at: length)
        }
        nullCount += 1
        length += 1
    }

    @inline(__always)
    private mutating func finishValue() {
        if validity.base != nil { validity.appendBit(true, at: length) }
        length &+= 1
    }

    /// Creates the bitmap at the first null with every earlier value marked valid.
    @inline(never)
    mutating func startValidity() {
        let bytesSoFar = (length + 7) / 8
        validity.reserve(additional: Swift.max(bytesSoFar + 1, (capacityHint + 7) / 8, Self.withSlack(lastValidityBytes)))
        validity.append(repeating: 0xFF, byteCount: bytesSoFar)
        // The bitmap's last byte may be partly filled: clear the bits from `length`
        // on, so appendBit can keep OR-ing valid bits in.
        if length & 7 != 0 {
            for bit in length..<(bytesSoFar * 8) { validity.clearBit(at: bit) }
        }
    }

    // MARK: Exporting

    /// Moves the buffers into `child` (an ArrowArray to fill) and restarts the
    /// column empty. The child's release frees the buffers and the buffer list.
    mutating func export(into child: UnsafeMutablePointer<ArrowArray>) {
        lastValidityBytes = validity.count
        lastValuesBytes = values.count
        lastDataBytes = data.count
        let bufferCount = type.bufferCount
        var bufferList: UnsafeMutablePointer<UnsafeRawPointer?>?
        if bufferCount > 0 {
            let list = ArrowBuffer.allocate(byteCount: MemoryLayout<UnsafeRawPointer?>.stride * bufferCount)
                .bindMemory(to: UnsafeRawPointer?.self, capacity: bufferCount)
            // The spec allows a NULL validity buffer when null_count is 0.
            list[0] = nullCount > 0 ? UnsafeRawPointer(validity.takeForExport()) : nil
            validity.deallocate()
            list[1] = UnsafeRawPointer(values.takeForExport())
            if bufferCount == 3 { list[2] = UnsafeRawPointer(data.takeForExport()) }
            bufferList = list
        }
        child.initialize(to: ArrowArray(
            length: Int64(length), null_count: Int64(nullCount), offset: 0,
            n_buffers: Int64(bufferCount), n_children: 0,
            buffers: bufferList.map { UnsafeMutablePointer(mutating: $0) }, children: nil, dictionary: nil,
            release: releaseExportedColumn, private_data: UnsafeMutableRawPointer(bufferList)))
        length = 0
        nullCount = 0
        start()
    }

    @inline(__always)
    private static func withSlack(_ bytes: Int) -> Int { bytes &+ bytes >> 4 }

    /// Frees every buffer (the builder is going away).
    mutating func deallocate() {
        validity.deallocate()
        values.deallocate()
        data.deallocate()
        length = 0
        nullCount = 0
    }
}
