import ETLThrift

/// A column chunk's or page's statistics (parquet.thrift `Statistics`): the plain-encoded
/// min/max of the values. `minValue`/`maxValue` follow the column's sort order; the deprecated
/// `min`/`max` were written with signed byte comparison and are only trusted for signed
/// integer and floating-point columns.
public struct ParquetStatistics: Sendable, ThriftDecodable {
    public var legacyMax: [UInt8]?
    public var legacyMin: [UInt8]?
    public var nullCount: Int64?
    public var distinctCount: Int64?
    public var maxValue: [UInt8]?
    public var minValue: [UInt8]?

    init(thrift reader: inout ThriftCompactReader) throws(ThriftDecodingError) {
        try reader.readFields { (reader, id, type) throws(ThriftDecodingError) in
            switch (id, type) {
            case (1, .binary): legacyMax = try reader.readBinary()
            case (2, .binary): legacyMin = try reader.readBinary()
            case (3, .i64): nullCount = try reader.readI64()
            case (4, .i64): distinctCount = try reader.readI64()
            case (5, .binary): maxValue = try reader.readBinary()
            case (6, .binary): minValue = try reader.readBinary()
            default: return false
            }
            return true
        }
    }
}
