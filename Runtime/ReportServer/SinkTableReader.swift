/// What the table viewer needs of a sink's database: its catalog, a page of a table, and every
/// row of it in order, read as they are asked for. Names handed in come from the catalog (see `TableQuery`); the readers
/// quote them as identifiers and bind values as parameters.
protocol SinkTableReader {
    /// Tables and views the viewer may show, by name.
    func tables() throws(SinkReadFailure) -> [String]
    /// The columns of `table` (a name `tables()` returned), in table order.
    func columns(of table: String) throws(SinkReadFailure) -> [String]
    /// How many rows match, and the rows of one page.
    func page(_ query: TableQuery) throws(SinkReadFailure) -> (total: Int, rows: [SinkRow])
    /// Every matching row, in order, read a few at a time as `next()` asks (the CSV download):
    /// the cursor keeps this reader's connection, so the reader must serve nothing else while the
    /// cursor lives (each request opens its own reader).
    func rows(_ query: TableQuery) throws(SinkReadFailure) -> any SinkRowCursor
}

/// The rows of one query, read on demand; dropping it ends the read and frees what it held.
protocol SinkRowCursor: AnyObject {
    /// The next row, nil after the last.
    func next() throws(SinkReadFailure) -> SinkRow?
}

/// A row as the viewer shows it: one text per column, nil for NULL.
typealias SinkRow = [String?]

/// Why a sink's database could not be read (said on the page, with a 503).
struct SinkReadFailure: Error, CustomStringConvertible {
    var description: String
}

extension SinkTableReader {
    /// A name from the catalog as an SQL identifier (SQLite and PostgreSQL quote alike).
    static func quoted(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
