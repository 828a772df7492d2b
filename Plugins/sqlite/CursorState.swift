import ETLPluginKit
import ETLSQLSource

/// Where an incremental read of the `sqlite` source stands (the document `SQLCursorState`
/// describes), with cursor and key values as SQLite values: integers stay exact, text stays text.
typealias CursorState = SQLCursorState<SQLValue>

extension SQLCursorState where Value == SQLValue {
    /// SQLite's names: compared without ASCII case, quoted with double quotes.
    static let sqliteNames = SQLNameRules(same: { SQLIdentifier.folded($0) == SQLIdentifier.folded($1) },
                                          quoted: { SQLIdentifier.quoted($0) })

    init(cursorField: String, cursor: SQLValue?, key: [SQLValue]?) {
        self.init(cursorField: cursorField)
        self.cursor = cursor
        self.key = key
    }

    /// The state as JSON text; `keyNames` name the key's values.
    func json(keyNames: [String]) -> String {
        json(keyNames: keyNames) { value, _ in value.jsonText }
    }

    /// Reads a state this source wrote, checking it belongs to `cursorField` and `keyNames`.
    static func parse(_ text: String, cursorField: String, keyNames: [String]) throws(PluginError) -> CursorState {
        try parse(text, cursorField: cursorField, keyNames: keyNames, names: sqliteNames, scalar: scalar)
    }

    /// A JSON scalar as a SQLite value: integers stay exact, strings stay text.
    static func scalar(_ object: PluginConfig, _ key: String) throws(PluginError) -> SQLValue? {
        guard object.contains(key) else { return nil }
        if let integer = try? object.optionalInt(key) { return .integer(integer) }
        if let number = try? object.optionalDouble(key) { return .real(number) }
        if let text = try? object.optionalString(key) { return .text(text) }
        throw .invalidConfig("\(object.path).\(key) must be a number or a string")
    }
}
