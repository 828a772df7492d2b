import CSQLite
import ETLArrow
import ETLPluginKit

/// One column of the source's stream.
struct SourceColumn: Sendable, Equatable {
    /// The name, as the table or query spells it.
    var name: String
    /// The Arrow type the column is read as.
    var type: ArrowColumnType
}

/// Finds the stream's columns and their types: declared types for a table, declared types or
/// the first row's storage classes for a query, then the config's overrides.
enum SourceColumns {
    /// The columns of `settings`' table or query.
    static func discover(_ settings: SQLiteSourceSettings, connection: SQLiteConnection) throws(PluginError) -> [SourceColumn] {
        var columns: [SourceColumn]
        switch settings.relation {
        case .table(let table): columns = try tableColumns(table, connection: connection)
        case .query(let query): columns = try queryColumns(query, connection: connection)
        }
        var seen = Set<String>()
        for column in columns where !seen.insert(SQLIdentifier.folded(column.name)).inserted {
            throw .invalidConfig("stream \"\(settings.stream)\" of \(connection.path) has two columns named \(SQLIdentifier.quoted(column.name)); give them distinct aliases in the query (SELECT a.id AS order_id, ...)")
        }
        for (folded, override) in settings.overrides {
            guard let index = columns.firstIndex(where: { SQLIdentifier.folded($0.name) == folded }) else {
                let names = columns.map { SQLIdentifier.quoted($0.name) }.joined(separator: ", ")
                throw .invalidConfig("config.columns names \(SQLIdentifier.quoted(override.name)), which stream \"\(settings.stream)\" does not have; its columns are \(names)")
            }
            columns[index].type = override.type
        }
        return columns
    }

    /// The Arrow type for a declared column type. Follows SQLite's affinity rules, except that
    /// BOOL/BOOLEAN reads as bool, DATE/TIME/TIMESTAMP/DATETIME as text exactly as stored (the
    /// `columns` override turns them into timestamps or dates), and unknown or missing types as
    /// text, which every storage class converts to without loss.
    static func arrowType(declaredType: String) -> ArrowColumnType {
        let upper = declaredType.uppercased()
        if upper.contains("BOOL") { return .bool }
        if upper.contains("DATE") || upper.contains("TIME") { return .utf8 }
        switch SQLiteAffinity(declaredType: declaredType) {
        case .integer: return .int64
        case .text: return .utf8
        case .real: return .double
        case .blob: return upper.isEmpty ? .utf8 : .binary
        case .numeric: return upper.contains("NUM") || upper.contains("DEC") ? .double : .utf8
        }
    }

    /// The Arrow type for a value's storage class (SQLITE_INTEGER, ...).
    static func arrowType(storageClass: Int32) -> ArrowColumnType {
        switch storageClass {
        case SQLITE_INTEGER: return .int64
        case SQLITE_FLOAT: return .double
        case SQLITE_BLOB: return .binary
        default: return .utf8
        }
    }

    private static func tableColumns(_ table: String, connection: SQLiteConnection) throws(PluginError) -> [SourceColumn] {
        let info = try connection.prepare("SELECT name, type FROM pragma_table_info(?1)", table: table)
        info.bind(text: table, at: 1)
        var columns: [SourceColumn] = []
        while try info.step(table: table) {
            columns.append(SourceColumn(name: info.text(0) ?? "", type: arrowType(declaredType: info.text(1) ?? "")))
        }
        guard columns.isEmpty else { return columns }
        let list = try connection.prepare("SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY name")
        var names: [String] = []
        while try list.step() { names.append(list.text(0) ?? "") }
        let available = names.isEmpty ? "it has no tables" : "its tables and views are " + names.joined(separator: ", ")
        throw .invalidConfig("table \(SQLIdentifier.quoted(table)) does not exist in \(connection.path) (\(available)); fix config.table")
    }

    private static func queryColumns(_ query: String, connection: SQLiteConnection) throws(PluginError) -> [SourceColumn] {
        let statement = try SourceQuery.prepare(query, connection: connection)
        let count = statement.columnCount
        guard count > 0 else {
            throw .invalidConfig("config.query of \(connection.path) returns no columns; write a SELECT")
        }
        var columns: [SourceColumn] = []
        var needsSample = false
        for index in 0..<count {
            let declared = statement.declaredType(index)
            if declared == nil { needsSample = true }
            columns.append(SourceColumn(name: statement.columnName(index), type: declared.map(arrowType(declaredType:)) ?? .utf8))
        }
        // Expressions have no declared type: the first row's storage classes stand in for one.
        if needsSample, try statement.step() {
            for index in 0..<count where statement.declaredType(index) == nil {
                columns[Int(index)].type = arrowType(storageClass: statement.type(index))
            }
        }
        return columns
    }
}

/// The user's query, checked to be a single read-only statement.
enum SourceQuery {
    /// Compiles `query`, refusing more than one statement and statements that write.
    static func prepare(_ query: String, connection: SQLiteConnection) throws(PluginError) -> SQLiteStatement {
        var handle: OpaquePointer?
        var tail: UnsafePointer<CChar>?
        let code = query.withCString { text in
            let result = sqlite3_prepare_v3(connection.handle, text, -1, 0, &handle, &tail)
            if let tail, tail.pointee != 0 {
                let rest = String(cString: tail).trimmingSpaces
                if !rest.isEmpty { return SQLITE_MISUSE }
            }
            return result
        }
        if code == SQLITE_MISUSE {
            sqlite3_finalize(handle)
            throw .invalidConfig("config.query holds more than one statement; keep one SELECT (the source wraps it to read incrementally)")
        }
        guard code == SQLITE_OK, let handle else {
            sqlite3_finalize(handle)
            throw PluginError(.invalidConfig, connection.failure(code, sql: query, table: nil).message + "; fix config.query")
        }
        let statement = SQLiteStatement(handle, connection: connection)
        guard sqlite3_stmt_readonly(handle) != 0 else {
            throw .invalidConfig("config.query must only read (a SELECT); it would change \(connection.path)")
        }
        return statement
    }
}

extension String {
    /// The string without leading and trailing blanks.
    var trimmingSpaces: String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text = text.dropFirst() }
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return String(text)
    }
}
