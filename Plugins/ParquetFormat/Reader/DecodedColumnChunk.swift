/// One column chunk decoded: its levels (one entry per value slot, nulls and list boundaries
/// included) and its non-null values.
public struct DecodedColumnChunk: Sendable {
    /// Definition levels, one per entry; empty when the column's maximum is 0 (every entry defined).
    public var definitionLevels: [Int16] = []
    /// Repetition levels, one per entry; empty when the column's maximum is 0 (flat).
    public var repetitionLevels: [Int16] = []
    /// The defined values, in entry order; or, when `dictionaryIndices` is set, the page's
    /// dictionary.
    public var values: ParquetValues
    /// For a dictionary-encoded page read on its own (a flat column read page by page): the
    /// dictionary index of each defined value, in entry order, so values are copied once, from
    /// the dictionary into the batch, instead of gathered into a page-sized copy first.
    public var dictionaryIndices: [Int32]?
    /// Entries (levels) in the chunk.
    public var entryCount = 0
}
