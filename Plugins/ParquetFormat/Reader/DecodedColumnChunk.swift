/// One column chunk decoded: its levels (one entry per value slot, nulls and list boundaries
/// included) and its non-null values.
public struct DecodedColumnChunk: Sendable {
    /// Definition levels, one per entry; empty when the column's maximum is 0 (every entry defined).
    public var definitionLevels: [Int16] = []
    /// Repetition levels, one per entry; empty when the column's maximum is 0 (flat).
    public var repetitionLevels: [Int16] = []
    /// The defined values, in entry order.
    public var values: ParquetValues
    /// Entries (levels) in the chunk.
    public var entryCount = 0
}
