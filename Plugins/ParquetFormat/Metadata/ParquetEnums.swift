// The enums of parquet-format's parquet.thrift, with the numbers the file format stores.
// Unknown numbers are kept as `nil` by the decoder's callers (a newer writer may add values),
// so each enum is a plain RawRepresentable.

/// A column's physical storage type.
public enum ParquetPhysicalType: Int32, Sendable {
    case boolean = 0
    case int32 = 1
    case int64 = 2
    /// Deprecated 12-byte timestamps (nanoseconds of day + Julian day), still written by old Spark/Impala.
    case int96 = 3
    case float = 4
    case double = 5
    case byteArray = 6
    case fixedLenByteArray = 7
}

/// The legacy logical annotation (`converted_type`), still the only one some writers set.
public enum ParquetConvertedType: Int32, Sendable {
    case utf8 = 0
    case map = 1
    case mapKeyValue = 2
    case list = 3
    case `enum` = 4
    case decimal = 5
    case date = 6
    case timeMillis = 7
    case timeMicros = 8
    case timestampMillis = 9
    case timestampMicros = 10
    case uint8 = 11
    case uint16 = 12
    case uint32 = 13
    case uint64 = 14
    case int8 = 15
    case int16 = 16
    case int32 = 17
    case int64 = 18
    case json = 19
    case bson = 20
    case interval = 21
}

/// Whether a schema element must appear, may be null, or repeats.
public enum ParquetRepetition: Int32, Sendable {
    case required = 0
    case optional = 1
    case repeated = 2
}

/// How a page's values are encoded.
public enum ParquetEncoding: Int32, Sendable {
    case plain = 0
    /// Parquet 1.0's name for a dictionary-encoded page; decoded the same way as `rleDictionary`.
    case plainDictionary = 2
    case rle = 3
    /// Deprecated bit-packing of levels (parquet-format: "BIT_PACKED").
    case bitPacked = 4
    case deltaBinaryPacked = 5
    case deltaLengthByteArray = 6
    case deltaByteArray = 7
    case rleDictionary = 8
    case byteStreamSplit = 9
}

/// How a page's bytes are compressed.
public enum ParquetCompressionCodec: Int32, Sendable {
    case uncompressed = 0
    case snappy = 1
    case gzip = 2
    case lzo = 3
    case brotli = 4
    /// The deprecated Hadoop-framed LZ4.
    case lz4 = 5
    case zstd = 6
    case lz4Raw = 7
}

/// The kind of a page, from its page header.
public enum ParquetPageType: Int32, Sendable {
    case dataPage = 0
    case indexPage = 1
    case dictionaryPage = 2
    case dataPageV2 = 3
}
