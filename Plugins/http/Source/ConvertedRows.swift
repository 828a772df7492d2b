import ETLArrow
import ETLPluginKit

/// A page's converted rows, stored one after another in a single array: one allocation per
/// page rather than one per record, which a page of hundreds of small records feels.
struct ConvertedRows {
    /// Cells per row: the stream's column count.
    let width: Int
    /// Every row's cells, row after row.
    private(set) var cells: [Cell] = []
    /// The number of rows.
    private(set) var count = 0
    /// The page body `Cell.bodyText` cells point into (empty for rows made from trees).
    let body: [UInt8]
    /// Each row's index among its page's records, for rows made from trees (records that failed
    /// to convert leave gaps); empty for a scanned page, whose row i is record i.
    private(set) var recordIndices: [Int] = []

    /// Room for `capacity` rows of `width` cells, whose `bodyText` cells point into `body`.
    init(width: Int, capacity: Int, body: [UInt8] = []) {
        self.width = width
        self.body = body
        cells.reserveCapacity(width * capacity)
    }

    /// The index among its page's records of `row` (what a reject of that record would name).
    func recordIndex(ofRow row: Int) -> Int {
        recordIndices.isEmpty ? row : recordIndices[row]
    }

    /// True when no row was added.
    var isEmpty: Bool { count == 0 }

    /// Appends rows `range` to `builder`, column by column in order.
    func append(rows range: Range<Int>, to builder: RecordBatchBuilder) throws(ArrowError) {
        // The buffer closures are not typed-throws; the error crosses them as a result.
        let outcome = cells.withUnsafeBufferPointer { cells in
            body.withUnsafeBytes { body -> Result<Void, ArrowError> in
                do throws(ArrowError) {
                    for row in range {
                        for column in 0..<width {
                            try Self.append(cells[row * width + column], body: body, column: column, to: builder)
                        }
                    }
                    return .success(())
                } catch {
                    return .failure(error)
                }
            }
        }
        try outcome.get()
    }

    @inline(__always)
    private static func append(_ cell: Cell, body: UnsafeRawBufferPointer, column: Int,
                               to builder: RecordBatchBuilder) throws(ArrowError) {
        switch cell {
        case .null: try builder.appendNull(column: column)
        case .int64(let value): try builder.append(int64: value, column: column)
        case .double(let value): try builder.append(double: value, column: column)
        case .bool(let value): try builder.append(bool: value, column: column)
        case .text(let value): try builder.append(string: value, column: column)
        case .bodyText(let start, let end):
            try builder.append(utf8: UnsafeRawBufferPointer(rebasing: body[start..<end]), column: column)
        case .timestamp(let value): try builder.append(timestampMicroseconds: value, column: column)
        case .date(let value): try builder.append(date32: value, column: column)
        }
    }

    /// Converts `record`, the page's record number `index`, and adds it as a row; a record that
    /// fails in any column adds nothing and returns why.
    mutating func append(_ record: JSONValue, index: Int, using converter: RecordConverter) -> RecordProblem? {
        let start = cells.count
        if let problem = converter.appendCells(of: record, to: &cells) {
            cells.removeSubrange(start...)
            return problem
        }
        count += 1
        recordIndices.append(index)
        return nil
    }

    /// Adds one cell of the row being built; `closeRow` ends the row once it has `width`.
    @inline(__always)
    mutating func append(cell: Cell) {
        cells.append(cell)
    }

    /// Ends the row built by `append(cell:)`.
    mutating func closeRow() {
        count += 1
    }
}
