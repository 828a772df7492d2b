import Glibc
import ETLArrow
import ETLPluginKit

/// One batch column as the COPY stream carries it.
struct CopyColumn: Sendable {
    /// The column's name (messages).
    var name: String
    /// How its values are encoded, chosen from the Arrow type and the target column's type.
    var encoding: FieldEncoding
    /// A key column of merge: a NULL in it is refused.
    var isKey: Bool
}

/// Encodes record batches as COPY binary tuples: per row an int16 field count, then per field an
/// int32 length (-1 for NULL) and the value in network byte order (PostgreSQL's *_send formats).
/// Timestamps and dates move from the Unix epoch to PostgreSQL's (2000-01-01).
///
/// Why in blocks, column by column: the stream is row after row, but a loop over a row's fields
/// decides each field's type anew and checks the buffer's room per value. Here a block of rows
/// first gets its size (so the room is made once), every row its place, and then each column
/// writes its fields into all the block's rows in one loop of a single type, reading the Arrow
/// buffers through ImportedColumn's bulk views. The same bytes for fewer than half the
/// instructions: 780 per census row instead of 1,670 (callgrind, 100,000 rows).
enum CopyRowEncoder {
    /// Microseconds from 1970-01-01 to 2000-01-01.
    static let epochShiftMicros: Int64 = 946_684_800_000_000
    /// Days from 1970-01-01 to 2000-01-01.
    static let epochShiftDays: Int32 = 10_957
    /// Rows encoded together at most; a block also ends once it holds `CopyBuffer.flushBytes`.
    /// Few enough that the block's rows (about 16 KiB of census) stay in the L1 data cache while
    /// each column writes its field into every row: 512 rows missed it on 2.9 M writes per
    /// 100,000 rows, 128 on 2.1 M (cachegrind), and the 1 M-row swap took 0.99 s against 0.945 s
    /// (medians of eight alternating runs).
    static let blockRows = 128

    /// Appends every row of `batch` to `buffer`, calling `flush` whenever it is full.
    /// - Throws: `ETL_BAD_DATA` for a value PostgreSQL would refuse or the column cannot hold (a
    ///   NUL in text, an integer out of the column's range, a NULL key), naming row and column;
    ///   nothing of the batch is encoded then.
    static func encode(_ batch: ImportedRecordBatch, columns: [CopyColumn], firstRow: Int64, target: String,
                       into buffer: CopyBuffer, flush: (CopyBuffer) throws(PluginError) -> Void) throws(PluginError) {
        let rowCount = batch.rowCount
        guard rowCount > 0 else { return }
        let arrays = (0..<columns.count).map { batch.column($0) }
        try CopyValueCheck.refuseUnstorable(arrays, columns: columns, rowCount: rowCount, firstRow: firstRow, target: target)
        var fields = zip(arrays, columns).map { CopyField(column: $0, encoding: $1.encoding) }
        // Bytes every row takes whatever its values: the field count, each field's length, and
        // the values of fixed-width columns without nulls.
        let rowBytes = fields.reduce(2 + 4 * columns.count) { $0 + $1.bytesOfEveryRow }
        let sizes = UnsafeMutablePointer<Int>.allocate(capacity: blockRows)
        let cursors = UnsafeMutablePointer<Int>.allocate(capacity: blockRows)
        defer {
            sizes.deallocate()
            cursors.deallocate()
        }
        let fieldCount = Int16(columns.count).bigEndian
        var first = 0
        while first < rowCount {
            var count = Swift.min(blockRows, rowCount - first)
            sizes.update(repeating: rowBytes, count: count)
            for index in fields.indices { fields[index].addSizes(rows: first, count: count, to: sizes) }
            // The block ends at the row that fills the buffer, so a chunk stays about flushBytes.
            var total = 0
            for row in 0..<count {
                total &+= sizes[row]
                if buffer.count &+ total >= CopyBuffer.flushBytes {
                    count = row &+ 1
                    break
                }
            }
            let base = buffer.reserveForWriting(total)
            var position = buffer.count
            for row in 0..<count {
                base.storeBytes(of: fieldCount, toByteOffset: position, as: Int16.self)
                cursors[row] = position &+ 2
                position &+= sizes[row]
            }
            for field in fields { field.write(rows: first, count: count, at: cursors, in: base) }
            buffer.didWrite(total)
            if buffer.count >= CopyBuffer.flushBytes { try flush(buffer) }
            first &+= count
        }
    }
}
