/// An encoder for Apache Thrift's compact protocol (thrift/doc/specs/thrift-compact-protocol.md),
/// the encoding of Parquet's footer and page headers. It knows nothing of Parquet: callers write
/// fields in ascending id order inside `writeStruct`, and the encoder takes care of field-id
/// deltas, zigzag varints, list headers and the stop byte.
///
/// Usage: `writer.writeStruct { w in w.writeField(1, i32: 7); w.writeField(2, string: "x") }`.
public struct ThriftCompactWriter: Sendable {
    /// The encoded bytes so far.
    public private(set) var bytes: [UInt8] = []
    /// The id of the last field written in the innermost open struct: field headers carry the
    /// difference to it when it fits in four bits.
    private var lastFieldID: Int16 = 0

    /// An empty encoder.
    public init() {}

    // MARK: Structs

    /// Writes a struct: `body` writes its fields, then the stop byte closes it. Used for the
    /// top-level struct and for structs that are list elements (which have no field header).
    public mutating func writeStruct(_ body: (inout ThriftCompactWriter) -> Void) {
        let outer = lastFieldID
        lastFieldID = 0
        body(&self)
        bytes.append(0)  // stop
        lastFieldID = outer
    }

    /// Writes field `id` holding a struct that `body` fills.
    public mutating func writeField(_ id: Int16, struct body: (inout ThriftCompactWriter) -> Void) {
        writeFieldHeader(id, .struct)
        writeStruct(body)
    }

    /// Writes field `id` holding an empty struct: how Thrift unions of empty structs (Parquet's
    /// logical types, column orders) name their member.
    public mutating func writeEmptyStructField(_ id: Int16) {
        writeField(id, struct: { _ in })
    }

    // MARK: Scalar fields

    /// Writes a bool field: the value lives in the field header's type nibble.
    public mutating func writeField(_ id: Int16, bool value: Bool) {
        writeFieldHeader(id, value ? .booleanTrue : .booleanFalse)
    }

    /// Writes an i8 field (one raw byte).
    public mutating func writeField(_ id: Int16, i8 value: Int8) {
        writeFieldHeader(id, .byte)
        bytes.append(UInt8(bitPattern: value))
    }

    /// Writes an i16 field (zigzag varint).
    public mutating func writeField(_ id: Int16, i16 value: Int16) {
        writeFieldHeader(id, .i16)
        writeVarint(zigzag(Int64(value)))
    }

    /// Writes an i32 field (zigzag varint); Thrift enums are i32 on the wire.
    public mutating func writeField(_ id: Int16, i32 value: Int32) {
        writeFieldHeader(id, .i32)
        writeVarint(zigzag(Int64(value)))
    }

    /// Writes an i64 field (zigzag varint).
    public mutating func writeField(_ id: Int16, i64 value: Int64) {
        writeFieldHeader(id, .i64)
        writeVarint(zigzag(value))
    }

    /// Writes a double field (eight bytes, little-endian).
    public mutating func writeField(_ id: Int16, double value: Double) {
        writeFieldHeader(id, .double)
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Writes a binary field (varint length, then the bytes).
    public mutating func writeField(_ id: Int16, binary value: [UInt8]) {
        writeFieldHeader(id, .binary)
        writeBinary(value)
    }

    /// Writes a string field (UTF-8 bytes, as binary).
    public mutating func writeField(_ id: Int16, string value: String) {
        writeField(id, binary: Array(value.utf8))
    }

    // MARK: Lists

    /// Writes a list field of i32 values (or enums).
    public mutating func writeField(_ id: Int16, i32List values: [Int32]) {
        writeFieldHeader(id, .list)
        writeListHeader(.i32, count: values.count)
        for value in values { writeVarint(zigzag(Int64(value))) }
    }

    /// Writes a list field of strings.
    public mutating func writeField(_ id: Int16, stringList values: [String]) {
        writeFieldHeader(id, .list)
        writeListHeader(.binary, count: values.count)
        for value in values { writeBinary(Array(value.utf8)) }
    }

    /// Writes a list field of structs: `element` writes the fields of one element.
    public mutating func writeField<Element>(_ id: Int16, structList elements: [Element],
                                             element: (inout ThriftCompactWriter, Element) -> Void) {
        writeFieldHeader(id, .list)
        writeListHeader(.struct, count: elements.count)
        for item in elements { writeStruct { element(&$0, item) } }
    }

    // MARK: Wire primitives

    /// A field header: the id as a 4-bit delta from the previous field when it is 1...15, else
    /// the type alone followed by the id as a zigzag varint.
    private mutating func writeFieldHeader(_ id: Int16, _ type: ThriftCompactType) {
        precondition(id > 0, "Thrift field ids are positive")
        let delta = Int(id) - Int(lastFieldID)
        if delta > 0 && delta <= 15 {
            bytes.append(UInt8(delta) << 4 | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            writeVarint(zigzag(Int64(id)))
        }
        lastFieldID = id
    }

    /// A list header: the size in the high nibble when below 15, else 0xF and a varint size.
    private mutating func writeListHeader(_ elementType: ThriftCompactType, count: Int) {
        if count < 15 {
            bytes.append(UInt8(count) << 4 | elementType.rawValue)
        } else {
            bytes.append(0xF0 | elementType.rawValue)
            writeVarint(UInt64(count))
        }
    }

    private mutating func writeBinary(_ value: [UInt8]) {
        writeVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// Unsigned LEB128: seven bits per byte, least significant first, high bit set on all but the last.
    private mutating func writeVarint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    /// Zigzag maps signed to unsigned so small magnitudes of either sign stay short: 0, -1, 1, -2 → 0, 1, 2, 3.
    private func zigzag(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }
}
