import CETLPlugin
import ETLArrow

/// A batch unpacked into columns, which the steps rewrite one after another.
package struct TransformTable {
    package var columns: [TransformColumn]
    package private(set) var rowCount: Int
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

    /// The same table with the columns replaced and `rowCount` rows (explode), keeping the batch alive.
    func replacing(columns: [TransformColumn], rowCount: Int) -> TransformTable {
        var copy = self
        copy.columns = columns
        copy.rowCount = rowCount
        return copy
    }

    package var schema: ArrowSchemaDescription {
        ArrowSchemaDescription(fields: columns.map { ArrowField(name: $0.name, type: $0.type) })
    }

    package func index(of name: String) -> Int? { columns.firstIndex { $0.name == name } }

    /// Keeps the rows where `keep` is true, in every column.
    package mutating func keepRows(_ keep: [Bool]) {
        // A filter that keeps every row (the usual case for a sanity check) copies nothing.
        guard keep.contains(false) else { return }
        for index in columns.indices { columns[index].keepRows(keep) }
        rowCount = keep.lazy.filter { $0 }.count
    }

    /// Packs the columns into an Arrow batch with `schema`.
    func batch() throws(ArrowError) -> ImportedRecordBatch {
        let schema = self.schema
        let builder = RecordBatchBuilder(schema: schema, capacity: rowCount)
        for (index, column) in columns.enumerated() { try column.append(to: builder, index: index) }
        let array = UnsafeMutablePointer<ArrowArray>.allocate(capacity: 1)
        defer { array.deallocate() }
        try builder.finish(into: array)
        return try ImportedRecordBatch(taking: array, schema: schema)
    }
}
