/// The non-null values of a column chunk, in the physical type's natural Swift form: what the
/// page decoders produce and the Arrow conversion consumes.
public enum ParquetValues: Sendable {
    case boolean([Bool])
    case int32([Int32])
    case int64([Int64])
    /// INT96: 12 bytes per value, kept raw (nanoseconds of the day, then the Julian day).
    case int96(ByteValues)
    case float([Float])
    case double([Double])
    /// BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY values.
    case bytes(ByteValues)

    /// An empty store for `type`.
    static func empty(_ type: ParquetPhysicalType) -> ParquetValues {
        switch type {
        case .boolean: .boolean([])
        case .int32: .int32([])
        case .int64: .int64([])
        case .int96: .int96(ByteValues())
        case .float: .float([])
        case .double: .double([])
        case .byteArray, .fixedLenByteArray: .bytes(ByteValues())
        }
    }

    /// How many values are stored.
    public var count: Int {
        switch self {
        case .boolean(let values): values.count
        case .int32(let values): values.count
        case .int64(let values): values.count
        case .float(let values): values.count
        case .double(let values): values.count
        case .int96(let values), .bytes(let values): values.count
        }
    }

    /// Appends `dictionary[index]` for each index (a dictionary-encoded page).
    ///
    /// Each case takes its array out of `self` and parks a placeholder there while appending, so
    /// the array is uniquely referenced and grows in place instead of being copied (the same
    /// pattern the page decoders use).
    mutating func appendGathering(from dictionary: ParquetValues, indices: [Int32]) throws(ParquetReadError) {
        let size = dictionary.count
        for index in indices where index < 0 || Int(index) >= size {
            throw ParquetReadError(.corrupt, "a dictionary index \(index) is outside the dictionary's \(size) values")
        }
        switch (self, dictionary) {
        case (.boolean(var values), .boolean(let dict)): self = .int32([]); values.append(contentsOf: indices.lazy.map { dict[Int($0)] }); self = .boolean(values)
        case (.int32(var values), .int32(let dict)): self = .boolean([]); values.append(contentsOf: indices.lazy.map { dict[Int($0)] }); self = .int32(values)
        case (.int64(var values), .int64(let dict)): self = .boolean([]); values.append(contentsOf: indices.lazy.map { dict[Int($0)] }); self = .int64(values)
        case (.float(var values), .float(let dict)): self = .boolean([]); values.append(contentsOf: indices.lazy.map { dict[Int($0)] }); self = .float(values)
        case (.double(var values), .double(let dict)): self = .boolean([]); values.append(contentsOf: indices.lazy.map { dict[Int($0)] }); self = .double(values)
        case (.int96(var values), .int96(let dict)):
            self = .boolean([]); for index in indices { values.append(dict[Int(index)]) }; self = .int96(values)
        case (.bytes(var values), .bytes(let dict)):
            self = .boolean([]); for index in indices { values.append(dict[Int(index)]) }; self = .bytes(values)
        default:
            throw ParquetReadError(.corrupt, "the dictionary's type differs from the column's")
        }
    }
}

/// Variable-length byte values in one buffer with offsets (`count + 1` of them).
public struct ByteValues: Sendable {
    public private(set) var data: [UInt8] = []
    public private(set) var offsets: [Int] = [0]

    public init() {}

    public var count: Int { offsets.count - 1 }

    /// The bytes of value `index`.
    public subscript(index: Int) -> ArraySlice<UInt8> { data[offsets[index]..<offsets[index + 1]] }

    mutating func append<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        data.append(contentsOf: bytes)
        offsets.append(data.count)
    }

    mutating func reserve(values: Int, bytes: Int) {
        offsets.reserveCapacity(offsets.count + values)
        data.reserveCapacity(data.count + bytes)
    }
}
