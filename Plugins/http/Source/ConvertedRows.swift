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

    /// Room for `capacity` rows of `width` cells.
    init(width: Int, capacity: Int) {
        self.width = width
        cells.reserveCapacity(width * capacity)
    }

    /// True when no row was added.
    var isEmpty: Bool { count == 0 }

    /// The cells of row `index`.
    func row(_ index: Int) -> ArraySlice<Cell> {
        cells[index * width..<(index + 1) * width]
    }

    /// Converts `record` and adds it as a row; a record that fails in any column adds nothing
    /// and returns why.
    mutating func append(_ record: JSONValue, using converter: RecordConverter) -> RecordProblem? {
        let start = cells.count
        if let problem = converter.appendCells(of: record, to: &cells) {
            cells.removeSubrange(start...)
            return problem
        }
        count += 1
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
