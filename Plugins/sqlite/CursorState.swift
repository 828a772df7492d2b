import ETLPluginKit

/// Where an incremental read stands: the resume state, as JSON text, that `checkpoint` hands the
/// host after each batch.
///
/// ```json
/// {"cursor_field": "updated_at", "cursor": "2024-05-01 10:00:00", "key": {"id": 42}, "null_rows": 0}
/// {"cursor_field": "updated_at", "cursor": "2024-05-01 10:00:00", "boundary_rows": ["9f0c...", ...], "null_rows": 0}
/// ```
///
/// `cursor` is the last cursor value read (null while the NULL-cursor rows of a first run are
/// being read, which sort first). With a primary key, `key` is the key of the last row read at
/// that cursor, and the next read resumes after the pair. Without one, `boundary_rows` holds a
/// hash of every row read whose cursor equals `cursor` (one entry per row, duplicates kept), and
/// the next read re-reads that value and skips those rows. `null_rows` counts the NULL-cursor
/// rows read, to notice new ones later.
struct CursorState: Sendable, Equatable {
    /// The cursor column the state belongs to.
    var cursorField: String
    /// The last cursor value read; nil while in the NULL-cursor rows.
    var cursor: SQLValue?
    /// The key of the last row read at `cursor` (keyed reads).
    var key: [SQLValue]?
    /// Hashes of the rows read at `cursor`, with multiplicity (reads without a key).
    var boundary: [UInt64: Int] = [:]
    /// NULL-cursor rows read (loaded or rejected) so far.
    var nullRows: Int64 = 0

    /// The state as JSON text; `keyNames` name the key's values.
    func json(keyNames: [String]) -> String {
        var members: [(String, String)] = [("cursor_field", JSONText.string(cursorField)),
                                           ("cursor", cursor?.jsonText ?? "null")]
        if let key {
            members.append(("key", JSONText.object(zip(keyNames, key.map(\.jsonText)).map { ($0.0, $0.1) })))
        } else {
            var hashes: [String] = []
            for (hash, count) in boundary.sorted(by: { $0.key < $1.key }) {
                hashes += Array(repeating: JSONText.string(RowHash.text(hash)), count: count)
            }
            members.append(("boundary_rows", JSONText.array(hashes)))
        }
        members.append(("null_rows", String(nullRows)))
        return JSONText.object(members)
    }

    /// Reads a state this source wrote, checking it belongs to `cursorField` and `keyNames`.
    static func parse(_ text: String, cursorField: String, keyNames: [String]) throws(PluginError) -> CursorState {
        let state = try PluginConfig(parsing: text, path: "state")
        let field = try state.string("cursor_field")
        guard SQLIdentifier.folded(field) == SQLIdentifier.folded(cursorField) else {
            throw .invalidConfig("the saved state was recorded for cursor field \(SQLIdentifier.quoted(field)), but the entry now reads by \(SQLIdentifier.quoted(cursorField)); reset the entry's state (etl-runtime state reset) or restore the old cursor_field")
        }
        var result = CursorState(cursorField: cursorField)
        result.cursor = try scalar(state, "cursor")
        result.nullRows = try state.int("null_rows", default: 0)
        let savedKey = try state.optionalObject("key")
        if keyNames.isEmpty {
            guard savedKey == nil else {
                throw .invalidConfig("the saved state resumes by primary key, but the entry has no primary_key now; reset the entry's state or restore primary_key")
            }
            for hash in try state.optionalStringArray("boundary_rows") ?? [] {
                guard let value = RowHash.parse(hash) else {
                    throw .invalidConfig("state.boundary_rows holds \"\(hash)\", which is not a row hash this source wrote; reset the entry's state")
                }
                result.boundary[value, default: 0] += 1
            }
        } else if let savedKey {
            var values: [SQLValue] = []
            for name in keyNames {
                guard let member = savedKey.keys.first(where: { SQLIdentifier.folded($0) == SQLIdentifier.folded(name) }),
                      let value = try scalar(savedKey, member) else {
                    throw .invalidConfig("the saved state's key has no value for primary_key column \(SQLIdentifier.quoted(name)) (it holds \(savedKey.keys.joined(separator: ", "))); reset the entry's state or restore the old primary_key")
                }
                values.append(value)
            }
            result.key = values
        } else if result.cursor != nil {
            throw .invalidConfig("the saved state was recorded without a primary key, and the entry now has one; reset the entry's state or remove primary_key")
        }
        return result
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
