import CSQLite
import ETLPluginKit

/// One column of an existing table, as `PRAGMA table_info` describes it.
struct ExistingColumn: Sendable, Equatable {
    /// The column's name as declared.
    var name: String
    /// The declared type text ("" when the column has none).
    var declaredType: String
    /// Position in the table's PRIMARY KEY (1-based), 0 when not part of it.
    var primaryKeyPosition: Int
}

/// The columns of an existing table, looked up by SQLite's case-insensitive names.
struct TableLayout: Sendable, Equatable {
    /// The table's name.
    var table: String
    /// Its columns, in table order.
    var columns: [ExistingColumn]

    /// The column SQLite would resolve `name` to, if any.
    func column(named name: String) -> ExistingColumn? {
        let folded = SQLIdentifier.folded(name)
        return columns.first { SQLIdentifier.folded($0.name) == folded }
    }

    /// Folded names of the table's PRIMARY KEY columns (empty for a plain rowid table).
    var primaryKeyColumns: Set<String> {
        Set(columns.filter { $0.primaryKeyPosition > 0 }.map { SQLIdentifier.folded($0.name) })
    }

    /// Reads the layout of `table`, nil when no table of that name exists. A view of that name
    /// is refused: loads write tables.
    static func read(_ table: String, from connection: SQLiteConnection) throws(PluginError) -> TableLayout? {
        let kind = try connection.prepare(
            "SELECT type FROM sqlite_schema WHERE name = ?1 COLLATE NOCASE AND type IN ('table', 'view')", table: table)
        kind.bind(text: table, at: 1)
        guard try kind.step(table: table) else { return nil }
        if kind.text(0) == "view" {
            throw .invalidConfig("target \(SQLIdentifier.quoted(table)) in \(connection.path) is a view, and a load can only write a table; choose another target name or drop the view")
        }
        let info = try connection.prepare("SELECT name, type, pk FROM pragma_table_info(?1)", table: table)
        info.bind(text: table, at: 1)
        var columns: [ExistingColumn] = []
        while try info.step(table: table) {
            columns.append(ExistingColumn(name: info.text(0) ?? "", declaredType: info.text(1) ?? "",
                                          primaryKeyPosition: Int(info.int64(2))))
        }
        return TableLayout(table: table, columns: columns)
    }
}
