/// Reads Apache Thrift's compact protocol (thrift/doc/specs/thrift-compact-protocol.md) from a
/// byte buffer: field headers with delta-encoded ids, zigzag varints, length-prefixed binaries,
/// list headers, and skipping of any value a reader does not know (so newer writers' extra
/// fields are ignored, as Thrift intends).
///
/// The reader knows nothing about Parquet: callers decode their own structs by looping over
/// `nextField()` until it returns nil and switching on the field id.
public struct ThriftCompactReader {
    /// The bytes being decoded.
    public let bytes: [UInt8]
    /// The offset of the next byte to read.
    public private(set) var position: Int
    /// The last field id of each struct being read (field ids are deltas from the previous one).
    private var lastFieldIDs: [Int16] = []
    /// A boolean field's value, carried in its header's type nibble.
    private var pendingBool: Bool?

    /// Nesting deeper than this is refused rather than recursing without bound on corrupt input.
    public static let maximumDepth = 64

    /// Starts reading `bytes` at `offset`.
    public init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.position = offset
    }

    // MARK: Structs

    /// Starts a struct: field ids restart from 0.
    public mutating func beginStruct() throws(ThriftDecodingError) {
        guard lastFieldIDs.count < Self.maximumDepth else {
            throw ThriftDecodingError("structs nest deeper than \(Self.maximumDepth) levels", offset: position)
        }
        lastFieldIDs.append(0)
    }

    /// Ends a struct (after `nextField()` returned nil).
    public mutating func endStruct() {
        _ = lastFieldIDs.popLast()
    }

    /// The next field's id and type, or nil at the struct's stop byte.
    public mutating func nextField() throws(ThriftDecodingError) -> (id: Int16, type: ThriftCompactType)? {
        let start = position
        let header = try readByte()
        if header == 0 { return nil }
        let typeID = header & 0x0F
        guard let type = ThriftCompactType(rawValue: typeID) else {
            throw ThriftDecodingError("unknown compact type \(typeID) in a field header", offset: start)
        }
        let delta = Int16(header >> 4)
        let previous = lastFieldIDs.last ?? 0
        let id: Int16
        if delta == 0 {
            id = try readI16()
        } else {
            id = previous &+ delta
        }
        if !lastFieldIDs.isEmpty { lastFieldIDs[lastFieldIDs.count - 1] = id }
        switch type {
        case .booleanTrue: pendingBool = true
        case .booleanFalse: pendingBool = false
        default: pendingBool = nil
        }
        return (id, type)
    }

    // MARK: Scalars

    /// A boolean field's value (from its header) or a list element's (one byte).
    public mutating func readBool() throws(ThriftDecodingError) -> Bool {
        if let value = pendingBool {
            pendingBool = nil
            return value
        }
        return try readByte() == 1
    }

    /// An 8-bit integer (one raw byte).
    public mutating func readI8() throws(ThriftDecodingError) -> Int8 {
        Int8(bitPattern: try readByte())
    }

    /// A 16-bit integer (zigzag varint).
    public mutating func readI16() throws(ThriftDecodingError) -> Int16 {
        let start = position
        let value = try readZigzag()
        guard let narrow = Int16(exactly: value) else {
            throw ThriftDecodingError("an i16 holds \(value), outside 16 bits", offset: start)
        }
        return narrow
    }

    /// A 32-bit integer (zigzag varint).
    public mutating func readI32() throws(ThriftDecodingError) -> Int32 {
        let start = position
        let value = try readZigzag()
        guard let narrow = Int32(exactly: value) else {
            throw ThriftDecodingError("an i32 holds \(value), outside 32 bits", offset: start)
        }
        return narrow
    }

    /// A 64-bit integer (zigzag varint).
    public mutating func readI64() throws(ThriftDecodingError) -> Int64 {
        try readZigzag()
    }

    /// A double: 8 bytes, little-endian.
    public mutating func readDouble() throws(ThriftDecodingError) -> Double {
        let start = position
        guard bytes.count - position >= 8 else {
            throw ThriftDecodingError("a double needs 8 bytes, \(bytes.count - position) remain", offset: start)
        }
        var bits: UInt64 = 0
        for index in 0..<8 { bits |= UInt64(bytes[position + index]) << (8 * UInt64(index)) }
        position += 8
        return Double(bitPattern: bits)
    }

    /// A binary: a varint length, then that many bytes.
    public mutating func readBinary() throws(ThriftDecodingError) -> [UInt8] {
        let start = position
        let length = try readVarint()
        guard length <= UInt64(bytes.count - position) else {
            throw ThriftDecodingError("a binary of \(length) bytes runs past the end (\(bytes.count - position) remain)", offset: start)
        }
        let end = position + Int(length)
        defer { position = end }
        return Array(bytes[position..<end])
    }

    /// A string: a binary holding UTF-8 (invalid bytes are repaired, never trusted).
    public mutating func readString() throws(ThriftDecodingError) -> String {
        String(decoding: try readBinary(), as: UTF8.self)
    }

    // MARK: Containers

    /// A list or set header: the element type and count.
    public mutating func readListHeader() throws(ThriftDecodingError) -> (elementType: ThriftCompactType, count: Int) {
        let start = position
        let header = try readByte()
        let typeID = header & 0x0F
        // Some writers (fastparquet) write an empty list's header as a bare 0: no elements, no type.
        if header == 0 { return (.byte, 0) }
        guard let type = ThriftCompactType(rawValue: typeID == 1 ? 2 : typeID) else {
            throw ThriftDecodingError("unknown compact type \(typeID) in a list header", offset: start)
        }
        var count = Int(header >> 4)
        if count == 15 {
            let long = try readVarint()
            // Each element takes at least one byte, so a count beyond the bytes left is corrupt.
            guard long <= UInt64(bytes.count - position) else {
                throw ThriftDecodingError("a list claims \(long) elements, more than the \(bytes.count - position) bytes left", offset: start)
            }
            count = Int(long)
        }
        return (type, count)
    }

    /// Reads a list of elements with `element`, checking the element type first.
    public mutating func readList<T>(of expected: ThriftCompactType,
                                     _ element: (inout ThriftCompactReader) throws(ThriftDecodingError) -> T) throws(ThriftDecodingError) -> [T] {
        let start = position
        let (type, count) = try readListHeader()
        guard count == 0 || type == expected || (expected == .booleanTrue && type == .booleanFalse) else {
            throw ThriftDecodingError("a list holds \(type) elements where \(expected) was expected", offset: start)
        }
        var items: [T] = []
        items.reserveCapacity(count)
        for _ in 0..<count { items.append(try element(&self)) }
        return items
    }

    // MARK: Skipping

    /// Skips a value of `type` (a field the caller does not use).
    public mutating func skip(_ type: ThriftCompactType) throws(ThriftDecodingError) {
        try skip(type, depth: 0)
    }

    private mutating func skip(_ type: ThriftCompactType, depth: Int) throws(ThriftDecodingError) {
        guard depth < Self.maximumDepth else {
            throw ThriftDecodingError("values nest deeper than \(Self.maximumDepth) levels", offset: position)
        }
        switch type {
        case .booleanTrue, .booleanFalse:
            if pendingBool != nil { pendingBool = nil } else { _ = try readByte() }
        case .byte: _ = try readByte()
        case .i16, .i32, .i64: _ = try readVarint()
        case .double: _ = try readDouble()
        case .binary: _ = try readBinary()
        case .list, .set:
            let (elementType, count) = try readListHeader()
            for _ in 0..<count { try skip(elementType, depth: depth + 1) }
        case .map:
            let start = position
            let count = try readVarint()
            guard count > 0 else { return }
            guard count <= UInt64(bytes.count - position) else {
                throw ThriftDecodingError("a map claims \(count) entries, more than the bytes left", offset: start)
            }
            let kinds = try readByte()
            guard let keyType = ThriftCompactType(rawValue: kinds >> 4), let valueType = ThriftCompactType(rawValue: kinds & 0x0F) else {
                throw ThriftDecodingError("unknown compact types in a map header", offset: start)
            }
            for _ in 0..<count {
                try skip(keyType, depth: depth + 1)
                try skip(valueType, depth: depth + 1)
            }
        case .struct:
            try beginStruct()
            while let field = try nextField() { try skip(field.type, depth: depth + 1) }
            endStruct()
        }
    }

    // MARK: Primitives

    private mutating func readByte() throws(ThriftDecodingError) -> UInt8 {
        guard position < bytes.count else {
            throw ThriftDecodingError("the bytes end in the middle of a value", offset: position)
        }
        defer { position += 1 }
        return bytes[position]
    }

    /// An unsigned LEB128 varint of at most 10 bytes.
    public mutating func readVarint() throws(ThriftDecodingError) -> UInt64 {
        let start = position
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < bytes.count else {
                throw ThriftDecodingError("a varint runs past the end of the bytes", offset: start)
            }
            let byte = bytes[position]
            position += 1
            guard shift < 64 else { throw ThriftDecodingError("a varint is longer than 10 bytes", offset: start) }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    private mutating func readZigzag() throws(ThriftDecodingError) -> Int64 {
        let raw = try readVarint()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }
}
