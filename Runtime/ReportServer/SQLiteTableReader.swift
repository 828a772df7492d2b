import CSQLite
import Foundation

/// A read-only look into a SQLite sink's database, for the table viewer. Table and column names
/// come from the database's own catalog and are quoted as identifiers; what a request asks for is
/// only ever compared with them (see `TableQuery`), and values are bound as parameters.
final class SQLiteTableReader: SinkTableReader {
    let path: String
    private let handle: OpaquePointer

    init(path: String) throws(SinkReadFailure) {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else {
            throw SinkReadFailure(description: "\(path) does not exist yet: the sink creates it on its first load")
        }
        var db: OpaquePointer?
        // Read-only, and never created: the viewer must not change what the sink owns.
        let status = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil)
        guard status == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(status))
            sqlite3_close(db)
            throw SinkReadFailure(description: "cannot open \(path): \(message)")
        }
        handle = db
        sqlite3_busy_timeout(db, 2_000)
    }

    deinit { sqlite3_close_v2(handle) }

    /// Tables and views, by name, SQLite's own excepted.
    func tables() throws(SinkReadFailure) -> [String] {
        try query("SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name", [])
            .compactMap { $0.first ?? nil }
    }

    /// The columns of `table` (a name `tables()` returned), in table order.
    func columns(of table: String) throws(SinkReadFailure) -> [String] {
        try query("SELECT name FROM pragma_table_info(?1) ORDER BY cid", [table]).compactMap { $0.first ?? nil }
    }

    /// How many rows match, and the rows of one page.
    func page(_ query: TableQuery) throws(SinkReadFailure) -> (total: Int, rows: [SinkRow]) {
        let (whereClause, values) = filterClause(query)
        let total = try self.query("SELECT count(*) FROM \(Self.quoted(query.table))\(whereClause)", values)
        let rows = try self.query(
            "SELECT \(query.columns.map(Self.quoted).joined(separator: ", ")) FROM \(Self.quoted(query.table))\(whereClause)\(try orderClause(query)) LIMIT \(query.size) OFFSET \(query.offset)",
            values)
        return (Int((total.first?.first ?? nil) ?? "0") ?? 0, rows)
    }

    /// Every matching row, in order, stepped from one statement kept open while the cursor lives.
    func rows(_ query: TableQuery) throws(SinkReadFailure) -> any SinkRowCursor {
        let (whereClause, values) = filterClause(query)
        let sql = "SELECT \(query.columns.map(Self.quoted).joined(separator: ", ")) FROM \(Self.quoted(query.table))\(whereClause)\(try orderClause(query))"
        return try SQLiteRowCursor(reader: self, statement: try prepare(sql, values))
    }

    /// ` WHERE ...` (or nothing) and the values it binds.
    func filterClause(_ query: TableQuery) -> (sql: String, values: [String]) {
        guard let column = query.filterColumn else { return ("", []) }
        let name = Self.quoted(column)
        switch query.filterOperator {
        case .equals: return (" WHERE \(name) = ?1", [query.filterValue])
        // instr, not LIKE: the value's % and _ stay literal, and case matters as in `=`.
        case .contains: return (" WHERE instr(CAST(\(name) AS TEXT), ?1) > 0", [query.filterValue])
        case .isNull: return (" WHERE \(name) IS NULL", [])
        case .notNull: return (" WHERE \(name) IS NOT NULL", [])
        }
    }

    /// ` ORDER BY ...` on the chosen column, then the row id: rows that tie on the column would
    /// otherwise come in whatever order the plan gives, so a row could show on two pages and
    /// another on none. Unsorted, a table is read in row id order already; a view or a table
    /// WITHOUT ROWID has no row id, and its ties keep SQLite's order.
    func orderClause(_ query: TableQuery) throws(SinkReadFailure) -> String {
        guard let sort = query.sort else { return "" }
        var clause = " ORDER BY \(Self.quoted(sort)) \(query.descending ? "DESC" : "ASC")"
        if let rowID = try rowIDName(query) { clause += ", \(rowID)" }
        return clause
    }

    /// The name under which `query.table`'s row id can be selected, nil when it has none: the
    /// first of SQLite's three names for it that no column of the table takes.
    private func rowIDName(_ query: TableQuery) throws(SinkReadFailure) -> String? {
        let kind = try self.query("SELECT type, wr FROM pragma_table_list WHERE schema = 'main' AND name = ?1", [query.table])
        guard let row = kind.first, row[0] == "table", row[1] == "0" else { return nil }
        let taken = Set(try columns(of: query.table).map { $0.lowercased() })
        return ["rowid", "_rowid_", "oid"].first { !taken.contains($0) }
    }

    private func query(_ sql: String, _ values: [String]) throws(SinkReadFailure) -> [SinkRow] {
        var rows: [SinkRow] = []
        try run(sql, values) { rows.append($0) }
        return rows
    }

    private func run(_ sql: String, _ values: [String], _ body: (SinkRow) -> Void) throws(SinkReadFailure) {
        let statement = try prepare(sql, values)
        defer { sqlite3_finalize(statement) }
        while let row = try step(statement) { body(row) }
    }

    /// `sql` compiled with `values` bound; the caller finalizes it.
    func prepare(_ sql: String, _ values: [String]) throws(SinkReadFailure) -> OpaquePointer {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw SinkReadFailure(description: "\(path): \(String(cString: sqlite3_errmsg(handle)))")
        }
        // A statement that could write is refused, whatever built it.
        guard sqlite3_stmt_readonly(statement) != 0 else {
            sqlite3_finalize(statement)
            throw SinkReadFailure(description: "\(path): refused a statement that writes")
        }
        for (index, value) in values.enumerated() {
            sqlite3_bind_text(statement, Int32(index + 1), value, -1, etl_sqlite_transient())
        }
        return statement
    }

    /// The statement's next row, nil when it is done.
    func step(_ statement: OpaquePointer) throws(SinkReadFailure) -> SinkRow? {
        let status = sqlite3_step(statement)
        if status == SQLITE_DONE { return nil }
        guard status == SQLITE_ROW else { throw SinkReadFailure(description: "\(path): \(String(cString: sqlite3_errmsg(handle)))") }
        return (0..<sqlite3_column_count(statement)).map { column -> String? in
            switch sqlite3_column_type(statement, column) {
            case SQLITE_NULL: return nil
            case SQLITE_BLOB: return "<\(sqlite3_column_bytes(statement, column)) bytes>"
            default: return String(cString: sqlite3_column_text(statement, column))
            }
        }
    }
}
