import ETLArrow

/// A row group's requested columns, decoded, handed out as Arrow rows batch by batch.
public final class DecodedRowGroup {
    let tree: ParquetSchemaTree
    let fields: [ParquetOutputField]
    let leaves: [Int: LeafColumnData]
    public let rowCount: Int
    let location: String
    /// The next row to hand out.
    public private(set) var nextRow = 0
    /// Next entry of each leaf.
    private var entryPositions: [Int: Int] = [:]
    private let assembler: NestedJSONAssembler

    /// Leaves loaded as flat columns (advanced by `appendRows` ahead of the nested ones).
    private var flatLeaves: Set<Int> = []

    private func isFlatLeaf(_ leaf: Int) -> Bool { flatLeaves.contains(leaf) }

    init(tree: ParquetSchemaTree, fields: [ParquetOutputField], leaves: [Int: LeafColumnData], rowCount: Int, location: String) {
        self.tree = tree
        self.fields = fields
        self.leaves = leaves
        self.rowCount = rowCount
        self.location = location
        assembler = NestedJSONAssembler(tree: tree, leaves: leaves, location: location)
        for leaf in leaves.keys { entryPositions[leaf] = 0 }
        for field in fields { if case .leaf(let leaf, _) = field.kind { flatLeaves.insert(leaf) } }
    }

    public var remainingRows: Int { rowCount - nextRow }

    /// Passes over the next `count` rows without converting them (resuming inside a row group).
    public func skip(_ count: Int) throws(ParquetReadError) {
        for _ in 0..<min(count, remainingRows) {
            for (leaf, data) in leaves {
                let entry = entryPositions[leaf]!
                guard entry < data.chunk.entryCount else { throw ParquetReadError(.corrupt, "\(location): a column ends before the row group's last row") }
                entryPositions[leaf] = data.recordEnd(from: entry)
            }
            nextRow += 1
        }
    }

    /// The value of flat field `field` in the next row, for filtering by cursor (nil when null
    /// or not comparable).
    public func peekComparable(field: Int) -> ParquetComparable? {
        guard case .leaf(let leaf, _) = fields[field].kind, let data = leaves[leaf], let entry = entryPositions[leaf],
              entry < data.chunk.entryCount, data.definition(entry) == data.maxDefinition else { return nil }
        return data.reader.comparable(data.valueIndex(entry))
    }

    /// Appends the next `count` rows (at most those left) to `builder`, column by column.
    public func appendRows(_ count: Int, to builder: RecordBatchBuilder) throws(ParquetReadError) {
        let rows = min(count, remainingRows)
        guard rows > 0 else { return }
        for (column, field) in fields.enumerated() {
            guard case .leaf(let leaf, _) = field.kind else { continue }
            guard let data = leaves[leaf], let start = entryPositions[leaf], start + rows <= data.chunk.entryCount else {
                throw ParquetReadError(.corrupt, "\(location): column \"\(field.name)\" ends before the row group's last row")
            }
            do throws(ParquetReadError) {
                try LeafColumnAppender.append(data, entries: start..<start + rows, to: builder, column: column)
            } catch {
                throw error.located(location)
            }
            entryPositions[leaf] = start + rows
        }
        guard fields.contains(where: { if case .nested = $0.kind { true } else { false } }) else {
            nextRow += rows
            return
        }
        // Nested fields, row by row; the flat ones are already appended.
        for _ in 0..<rows { try appendRow(to: builder, onlyNested: true) }
    }

    /// Appends the next row to `builder`, field `i` into column `firstColumn + i`.
    public func appendRow(to builder: RecordBatchBuilder, firstColumn: Int = 0) throws(ParquetReadError) {
        try appendRow(to: builder, firstColumn: firstColumn, onlyNested: false)
    }

    private func appendRow(to builder: RecordBatchBuilder, firstColumn: Int = 0, onlyNested: Bool) throws(ParquetReadError) {
        guard nextRow < rowCount else { return }
        for (number, field) in fields.enumerated() {
            let column = firstColumn + number
            switch field.kind {
            case .leaf where onlyNested:
                continue
            case .leaf(let leaf, _):
                guard let data = leaves[leaf], let entry = entryPositions[leaf], entry < data.chunk.entryCount else {
                    throw ParquetReadError(.corrupt, "\(location): column \"\(field.name)\" ends before the row group's last row")
                }
                if data.definition(entry) < data.maxDefinition {
                    do throws(ArrowError) { try builder.appendNull(column: column) } catch {
                        throw ParquetReadError(.corrupt, "\(location): \(error.message)")
                    }
                } else {
                    do throws(ParquetReadError) { try data.reader.append(data.valueIndex(entry), to: builder, column: column) } catch {
                        throw error.located("\(location), row \(nextRow)")
                    }
                }
            case .nested(let nodeIndex):
                var ranges: NestedJSONAssembler.Ranges = [:]
                for leaf in tree.nodes[nodeIndex].leaves {
                    guard let data = leaves[leaf], let entry = entryPositions[leaf], entry < data.chunk.entryCount else {
                        throw ParquetReadError(.corrupt, "\(location): column \"\(field.name)\" ends before the row group's last row")
                    }
                    ranges[leaf] = entry..<data.recordEnd(from: entry)
                }
                if field.nullable, let first = tree.nodes[nodeIndex].leaves.first, let data = leaves[first],
                   tree.nodes[nodeIndex].repetition == .optional,
                   data.definition(ranges[first]!.lowerBound) < tree.nodes[nodeIndex].maxDefinitionLevel {
                    do throws(ArrowError) { try builder.appendNull(column: column) } catch {
                        throw ParquetReadError(.corrupt, "\(location): \(error.message)")
                    }
                    continue
                }
                var text = ""
                try assembler.record(nodeIndex, ranges, into: &text)
                do throws(ArrowError) { try builder.append(string: text, column: column) } catch {
                    throw ParquetReadError(.corrupt, "\(location): \(error.message)")
                }
            }
        }
        for (leaf, data) in leaves where !onlyNested || !isFlatLeaf(leaf) {
            entryPositions[leaf] = data.recordEnd(from: entryPositions[leaf]!)
        }
        nextRow += 1
    }
}
