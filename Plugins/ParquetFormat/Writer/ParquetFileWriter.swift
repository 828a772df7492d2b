import ETLArrow

/// Writes Arrow batches of the ABI's types as one Parquet file, row group by row group: at most
/// one row group of rows is buffered (as compressed pages), and the footer goes out at `finish`.
///
/// The file: `PAR1`, then each row group's column chunks in schema order (dictionary page, then
/// data pages v1), then the Thrift-encoded `FileMetaData`, its length (4 bytes little-endian)
/// and `PAR1`. Every column is optional; see `ParquetColumnPlan` for the type mapping.
public final class ParquetFileWriter {
    /// The columns the file holds, in order.
    public let fields: [ArrowField]
    private let plans: [ParquetColumnPlan]
    private let options: ParquetWriterOptions
    private let output: any ParquetByteOutput
    private var builders: [ColumnChunkBuilder]
    private var rowGroups: [WrittenRowGroup] = []
    private var position: Int64 = 0
    private var finished = false

    /// Rows waiting in the open row group.
    public private(set) var bufferedRows = 0
    /// Rows written to the file so far, buffered ones included.
    public private(set) var totalRows: Int64 = 0

    /// A writer of `fields` to `output`.
    public init(fields: [ArrowField], options: ParquetWriterOptions, output: any ParquetByteOutput) {
        self.fields = fields
        self.options = options
        self.output = output
        plans = fields.map(ParquetColumnPlan.init)
        builders = plans.map { ColumnChunkBuilder(plan: $0, options: options) }
    }

    /// Adds the rows `rows` of `batch`; `columns[i]` is the batch column that holds the file's
    /// column `i` (so a partition column can be left out). Writes the row group out when it is full.
    public func write(_ batch: ImportedRecordBatch, rows: Range<Int>, columns: [Int]) throws(ParquetWriteError) {
        try writeRows(batch, rows: rows, columns: columns)
    }

    /// Adds the listed rows of `batch` (a partition's share of it), in order; see `write(_:rows:columns:)`.
    public func write(_ batch: ImportedRecordBatch, rows: [Int], columns: [Int]) throws(ParquetWriteError) {
        try writeRows(batch, rows: rows, columns: columns)
    }

    // Concrete public entry points over one generic body: callers in other modules would otherwise
    // run the unspecialized generic code, with a witness call per row and column.
    private func writeRows<Rows: Collection<Int>>(_ batch: ImportedRecordBatch, rows: Rows, columns: [Int]) throws(ParquetWriteError) {
        precondition(!finished, "write after finish")
        precondition(columns.count == builders.count, "one batch column per file column")
        var start = rows.startIndex
        while start != rows.endIndex {
            // Never let a row group grow beyond rowGroupRows, even within one batch.
            let room = options.rowGroupRows - bufferedRows
            let end = rows.index(start, offsetBy: room, limitedBy: rows.endIndex) ?? rows.endIndex
            let slice = rows[start..<end]
            for index in builders.indices {
                try builders[index].append(batch.column(columns[index]), rows: slice)
            }
            let count = rows.distance(from: start, to: end)
            bufferedRows += count
            totalRows += Int64(count)
            start = end
            if bufferedRows >= options.rowGroupRows { try flushRowGroup() }
        }
    }

    /// Bytes the open row group holds in memory.
    public var bufferedBytes: Int { builders.reduce(0) { $0 + $1.bufferedBytes } }

    /// Writes the open row group out (nothing when it is empty).
    public func flushRowGroup() throws(ParquetWriteError) {
        guard bufferedRows > 0 else { return }
        try writeMagicIfFirst()
        let groupOffset = position
        var chunks: [WrittenColumnChunk] = []
        for index in builders.indices {
            let chunk = try builders[index].finish()
            let chunkOffset = position
            try emit(chunk.bytes)
            let plan = plans[index]
            chunks.append(WrittenColumnChunk(
                type: plan.physicalType, encodings: chunk.encodings, path: [plan.name], codec: options.compression.codec,
                numValues: Int64(chunk.numValues), totalUncompressedSize: Int64(chunk.uncompressedSize),
                totalCompressedSize: Int64(chunk.bytes.count), dataPageOffset: chunkOffset + Int64(chunk.dataPageOffset),
                dictionaryPageOffset: chunk.dictionaryPageOffset.map { chunkOffset + Int64($0) },
                statistics: chunk.statistics))
            builders[index] = ColumnChunkBuilder(plan: plan, options: options)
        }
        guard rowGroups.count < Int(Int16.max) else {
            throw ParquetWriteError(.badData, "a Parquet file holds at most \(Int16.max) row groups; raise row_group_rows")
        }
        rowGroups.append(WrittenRowGroup(columns: chunks, numRows: Int64(bufferedRows), fileOffset: groupOffset,
                                         ordinal: Int16(rowGroups.count)))
        bufferedRows = 0
    }

    /// Writes the last row group and the footer. A file with no rows still has the schema.
    public func finish() throws(ParquetWriteError) {
        precondition(!finished, "finish called twice")
        try flushRowGroup()
        try writeMagicIfFirst()
        let root = WrittenSchemaElement(name: "schema", numChildren: Int32(plans.count))
        let metadata = WrittenFileMetaData(schema: [root] + plans.map(\.schemaElement), numRows: totalRows,
                                           rowGroups: rowGroups, createdBy: options.createdBy)
        let footer = metadata.encoded()
        try emit(footer)
        try emit(withUnsafeBytes(of: UInt32(footer.count).littleEndian) { Array($0) } + Self.magic)
        finished = true
    }

    private static let magic: [UInt8] = Array("PAR1".utf8)

    private func writeMagicIfFirst() throws(ParquetWriteError) {
        if position == 0 { try emit(Self.magic) }
    }

    private func emit(_ bytes: [UInt8]) throws(ParquetWriteError) {
        try output.write(bytes)
        position += Int64(bytes.count)
    }
}
