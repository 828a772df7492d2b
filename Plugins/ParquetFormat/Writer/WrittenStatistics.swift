import ETLThrift

/// parquet.thrift's `Statistics` of a column chunk: bounds in PLAIN encoding (byte arrays without
/// their length prefix) and the null count, which the spec asks writers to set always.
struct WrittenStatistics: Sendable, Equatable {
    var nullCount: Int64
    var minValue: [UInt8]?
    var maxValue: [UInt8]?
    /// NaN count of a floating-point column (the spec's rule for TYPE_ORDER floats); nil for others.
    var nanCount: Int64?

    func encode(_ writer: inout ThriftCompactWriter) {
        writer.writeField(3, i64: nullCount)
        if let maxValue { writer.writeField(5, binary: maxValue) }
        if let minValue { writer.writeField(6, binary: minValue) }
        if maxValue != nil { writer.writeField(7, bool: true) }  // is_max_value_exact
        if minValue != nil { writer.writeField(8, bool: true) }  // is_min_value_exact
        if let nanCount { writer.writeField(9, i64: nanCount) }
    }
}
