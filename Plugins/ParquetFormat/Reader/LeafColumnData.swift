/// A decoded leaf column of one row group, with the level lookups row assembly needs.
struct LeafColumnData {
    let chunk: DecodedColumnChunk
    let maxDefinition: Int
    let maxRepetition: Int
    let reader: LeafValueReader
    /// For each entry, how many defined values come before it (its ordinal when defined), for
    /// random access by entry (nested records); empty when built `sequential`.
    let valuesBefore: [Int32]

    /// `sequential`: the reader walks the entries in order and counts ordinals itself (a flat
    /// column read page by page), so `valuesBefore` is not built and `ordinal(_:)` and
    /// `valueIndex(_:)` must not be used.
    init(chunk: DecodedColumnChunk, maxDefinition: Int, maxRepetition: Int, reader: LeafValueReader, sequential: Bool = false) {
        self.chunk = chunk
        self.maxDefinition = maxDefinition
        self.maxRepetition = maxRepetition
        self.reader = reader
        var before: [Int32] = []
        if maxDefinition > 0 && !sequential {
            before.reserveCapacity(chunk.entryCount)
            var count: Int32 = 0
            for level in chunk.definitionLevels {
                before.append(count)
                if Int(level) == maxDefinition { count += 1 }
            }
        }
        valuesBefore = before
    }

    @inline(__always) func definition(_ entry: Int) -> Int {
        chunk.definitionLevels.isEmpty ? maxDefinition : Int(chunk.definitionLevels[entry])
    }

    @inline(__always) func repetition(_ entry: Int) -> Int {
        chunk.repetitionLevels.isEmpty ? 0 : Int(chunk.repetitionLevels[entry])
    }

    /// The position in `reader.values` of the entry's value (when the entry is defined).
    @inline(__always) func valueIndex(_ entry: Int) -> Int {
        value(atOrdinal: ordinal(entry))
    }

    /// How many defined values come before `entry` (its ordinal among the defined values).
    @inline(__always) func ordinal(_ entry: Int) -> Int {
        maxDefinition == 0 ? entry : Int(valuesBefore[entry])
    }

    /// The position in `reader.values` of the defined value with this ordinal: through the
    /// dictionary indices of a dictionary-encoded page.
    @inline(__always) func value(atOrdinal ordinal: Int) -> Int {
        guard let indices = chunk.dictionaryIndices else { return ordinal }
        return Int(indices[ordinal])
    }

    /// The defined entries in `entries`.
    func definedCount(_ entries: Range<Int>) -> Int {
        guard maxDefinition > 0 else { return entries.count }
        let maximum = Int16(truncatingIfNeeded: maxDefinition)
        var count = 0
        for entry in entries { count &+= chunk.definitionLevels[entry] == maximum ? 1 : 0 }
        return count
    }

    /// The entry after the last one of the record starting at `entry`.
    func recordEnd(from entry: Int) -> Int {
        guard maxRepetition > 0 else { return entry + 1 }
        var end = entry + 1
        while end < chunk.entryCount && chunk.repetitionLevels[end] != 0 { end += 1 }
        return end
    }
}
