import CETLPlugin
import ETLArrow

/// A batch unpacked into columns, which the steps rewrite one after another.
package struct TransformTable {
    package var columns: [TransformColumn]
    package private(set) var rowCount: Int
    /// `delete_when`'s result per row (true: a delete), computed on the columns as the source
    /// sent them. It is no column of the table, so no step can name, drop or overwrite it, but
    /// it follows the rows: a filter or a reject removes a row's flag with the row, and an
    /// exploded row repeats its flag. Nil when the entry flags no deletes.
    package var deleteFlags: [Bool]?
    /// The imported batch whose memory columns not yet decoded still point into.
    private let source: ImportedRecordBatch?

    package init(columns: [TransformColumn], rowCount: Int) {
        self.columns = columns
        self.rowCount = rowCount
        source = nil
    }

    package init(_ batch: ImportedRecordBatch) {
        columns = (0..<batch.schema.fields.count).map { TransformColumn(batch, index: $0) }
        rowCount = batch.rowCount
        source = batch
    }

    /// The same table with the columns replaced and row `origins[i]` as row i (explode), keeping
    /// the batch alive; each row's delete flag is repeated as its columns are.
    func replacing(columns: [TransformColumn], origins: [Int]) -> TransformTable {
        var copy = self
        copy.columns = columns
        copy.rowCount = origins.count
        copy.deleteFlags = deleteFlags.map { flags in origins.map { flags[$0] } }
        return copy
    }

    package var schema: ArrowSchemaDescription {
        ArrowSchemaDescription(fields: columns.map { ArrowField(name: $0.name, type: $0.type, extensionName: $0.extensionName) })
    }

    package func index(of name: String) -> Int? { columns.firstIndex { $0.name == name } }

    /// Keeps the rows where `keep` is true, in every column.
    package mutating func keepRows(_ keep: [Bool]) {
        // A filter that keeps every row (the usual case for a sanity check) copies nothing.
        guard keep.contains(false) else { return }
        for index in columns.indices { columns[index].keepRows(keep) }
        deleteFlags = deleteFlags.map { flags in flags.indices.filter { keep[$0] }.map { flags[$0] } }
        rowCount = keep.lazy.filter { $0 }.count
    }

    /// Packs the columns into an Arrow batch with `schema`. Columns no step changed move from the
    /// imported batch as they are (no copy), or have their remaining rows gathered when a filter
    /// or a reject removed some; the rest are built. Call it once: it consumes the imported batch.
    func batch() throws(ArrowError) -> ImportedRecordBatch {
        let schema = self.schema
        var moved: [Int: Int] = [:]
        var taken: [Int: ArrowArray] = [:]
        if let source, source.childrenAreRows {
            var movedChildren = Set<Int>()
            for (index, column) in columns.enumerated() {
                // A column selected twice moves once and is gathered the second time.
                if let child = column.unchangedChild, movedChildren.insert(child).inserted {
                    moved[index] = child
                } else if let (imported, rows) = column.remainingImportedRows {
                    taken[index] = ColumnTake.take(imported, rows: rows)
                }
            }
        }
        let builtIndices = columns.indices.filter { moved[$0] == nil && taken[$0] == nil }
        let builder = RecordBatchBuilder(schema: ArrowSchemaDescription(fields: builtIndices.map { schema.fields[$0] }), capacity: rowCount)
        for (position, index) in builtIndices.enumerated() { try columns[index].append(to: builder, index: position) }
        let built = UnsafeMutablePointer<ArrowArray>.allocate(capacity: 1)
        defer { built.deallocate() }
        try builder.finish(into: built)
        let output = UnsafeMutablePointer<ArrowArray>.allocate(capacity: 1)
        defer { output.deallocate() }
        if let source, !moved.isEmpty || !taken.isEmpty {
            let input = UnsafeMutablePointer<ArrowArray>.allocate(capacity: 1)
            defer { input.deallocate() }
            source.export(to: input)
            BatchAssembly.assemble(
                into: output, length: rowCount,
                children: columns.indices.map { index in
                    if let child = moved[index] { return .moved(parent: input, index: child) }
                    if let array = taken[index] { return .owned(array) }
                    return .moved(parent: built, index: builtIndices.firstIndex(of: index)!)
                })
            input.pointee.release?(input)
            built.pointee.release?(built)
        } else {
            output.initialize(to: built.pointee)
        }
        return try ImportedRecordBatch(taking: output, schema: schema)
    }
}
