import ETLArrow

/// A row group's requested columns, handed out as Arrow rows batch by batch: flat columns
/// streamed page by page, nested ones (whose records may span pages) decoded whole.
public final class DecodedRowGroup {
    let tree: ParquetSchemaTree
    let fields: [ParquetOutputField]
    /// The page stream of each flat field (nil for nested fields).
    private let streams: [ColumnPageStream?]
    /// The decoded leaves of the nested fields.
    let leaves: [Int: LeafColumnData]
    public let rowCount: Int
    let location: String
    /// The next row to hand out.
    public private(set) var nextRow = 0
    /// Next entry of each nested leaf.
    private var entryPositions: [Int: Int] = [:]
    private let assembler: NestedJSONAssembler
    private let hasNested: Bool

    init(tree: ParquetSchemaTree, fields: [ParquetOutputField], streams: [ColumnPageStream?], leaves: [Int: LeafColumnData],
         rowCount: Int, location: String) {
        self.tree = tree
        self.fields = fields
        self.streams = streams
        self.leaves = leaves
        self.rowCount = rowCount
        self.location = location
        assembler = NestedJSONAssembler(tree: tree, leaves: leaves, location: location)
        for leaf in leaves.keys { entryPositions[leaf] = 0 }
        hasNested = !leaves.isEmpty
    }

    public var remainingRows: Int { rowCount - nextRow }

    /// Passes over the next `count` rows without converting them (resuming inside a row group).
    public func skip(_ count: Int) throws(ParquetReadError) {
        let rows = min(count, remainingRows)
        guard rows > 0 else { return }
        for stream in streams { try stream?.skip(rows) }
        for _ in 0..<rows { try advanceNested() }
        nextRow += rows
    }

    /// The value of flat field `field` in the next row, for filtering by cursor (nil when null
    /// or not comparable).
    public func peekComparable(field: Int) throws(ParquetReadError) -> ParquetComparable? {
        guard nextRow < rowCount, let stream = streams[field] else { return nil }
        return try stream.peekComparable()
    }

    /// Appends the next row to `builder`.
    public func appendRow(to builder: RecordBatchBuilder) throws(ParquetReadError) {
        try appendRows(1, to: builder)
    }

    /// Appends the next `count` rows (at most those left) to `builder`, field `i` into column
    /// `i`: flat fields a run at a time, nested ones row by row.
    public func appendRows(_ count: Int, to builder: RecordBatchBuilder) throws(ParquetReadError) {
        let rows = min(count, remainingRows)
        guard rows > 0 else { return }
        for (column, stream) in streams.enumerated() { try stream?.append(rows, to: builder, column: column) }
        if hasNested {
            for _ in 0..<rows {
                for (column, field) in fields.enumerated() {
                    if case .nested(let nodeIndex) = field.kind { try appendNested(field, nodeIndex, to: builder, column: column) }
                }
                try advanceNested()
            }
        }
        nextRow += rows
    }

    /// The entry ranges of the next record of `nodeIndex`'s leaves.
    private func ranges(_ nodeIndex: Int, field: String) throws(ParquetReadError) -> NestedJSONAssembler.Ranges {
        var ranges: NestedJSONAssembler.Ranges = [:]
        for leaf in tree.nodes[nodeIndex].leaves {
            guard let data = leaves[leaf], let entry = entryPositions[leaf], entry < data.chunk.entryCount else {
                throw ParquetReadError(.corrupt, "\(location): column \"\(field)\" ends before the row group's last row")
            }
            ranges[leaf] = entry..<data.recordEnd(from: entry)
        }
        return ranges
    }

    private func appendNested(_ field: ParquetOutputField, _ nodeIndex: Int, to builder: RecordBatchBuilder, column: Int) throws(ParquetReadError) {
        let node = tree.nodes[nodeIndex]
        let ranges = try ranges(nodeIndex, field: field.name)
        if node.repetition == .optional, let first = node.leaves.first, let data = leaves[first], let range = ranges[first],
           data.definition(range.lowerBound) < node.maxDefinitionLevel {
            do throws(ArrowError) { try builder.appendNull(column: column) } catch {
                throw ParquetReadError(.corrupt, "\(location): \(error.message)")
            }
            return
        }
        var text = ""
        try assembler.record(nodeIndex, ranges, into: &text)
        do throws(ArrowError) { try builder.append(string: text, column: column) } catch {
            throw ParquetReadError(.corrupt, "\(location): \(error.message)")
        }
    }

    /// Moves every nested leaf past the current record.
    private func advanceNested() throws(ParquetReadError) {
        for (leaf, data) in leaves {
            let entry = entryPositions[leaf]!
            guard entry < data.chunk.entryCount else {
                throw ParquetReadError(.corrupt, "\(location): a column ends before the row group's last row")
            }
            entryPositions[leaf] = data.recordEnd(from: entry)
        }
    }
}
