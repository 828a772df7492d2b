/// The type ids of Apache Thrift's compact protocol, as they appear in the low nibble of a
/// field header and in list/set/map element headers (thrift/doc/specs/thrift-compact-protocol.md).
/// Parquet's footer and page headers are Thrift structs in this encoding.
public enum ThriftCompactType: UInt8, Sendable {
    /// In a field header, a boolean field whose value is true (the value has no bytes of its own).
    case booleanTrue = 1
    /// In a field header, a boolean field whose value is false; in a list header, any boolean.
    case booleanFalse = 2
    case byte = 3
    case i16 = 4
    case i32 = 5
    case i64 = 6
    case double = 7
    /// Strings and binary: a varint length, then the bytes.
    case binary = 8
    case list = 9
    case set = 10
    case map = 11
    case `struct` = 12
}
