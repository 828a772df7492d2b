import CETLPlugin
import ETLArrow

/// A batch unpacked into columns, which the steps rewrite one after another.
package struct TransformTable: Sendable {
    package var columns: [TransformColumn]
    package private(set) var rowCount: Int

    package init(columns: [TransformColumn], rowCount: Int) {
        self.columns = columns
        self.rowCount = rowCount
    }

    init(_ batch: ImportedRecordBatch) {
        columns = (0..<batch.schema.fields.count).map { TransformColumn(batch, index: $0) }
        rowCount = batch.rowCount
    }

    package var schema: ArrowSchemaDescription {
        ArrowSchemaDescription(fields: columns.map { ArrowField(name: $0.name, type: $0.type) })
    }

    package func index(of name: String) -> Int? { columns.firstIndex { $0.name == name } }

    /// Keeps the rows where `keep` is true, in every column.
    package mutating func keepRows(_ keep: [Bool]) {
        for index in columns.indices {
            var kept: [TransformValue] = []
            kept.reserveCapacity(rowCount)
            for (row, value) in columns[index].values.enumerated() where keep[row] { kept.append(value) }
            columns[index].values = kept
        }
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
