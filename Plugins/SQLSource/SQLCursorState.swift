import ETLPluginKit

/// Where an incremental read of a database source stands: the resume state, as JSON text, that
/// `checkpoint` hands the host after each batch. The `sqlite` and `postgres` sources write the
/// same document; each keeps cursor values in its own form (`Value`).
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
public struct SQLCursorState<Value: Sendable & Equatable>: Sendable, Equatable {
    /// The cursor column the state belongs to.
    public var cursorField: String
    /// The last cursor value read; nil while in the NULL-cursor rows.
    public var cursor: Value?
    /// The key of the last row read at `cursor` (keyed reads).
    public var key: [Value]?
    /// Hashes of the rows read at `cursor`, with multiplicity (reads without a key).
    public var boundary: [UInt64: Int] = [:]
    /// NULL-cursor rows read (loaded or rejected) so far.
    public var nullRows: Int64 = 0

    public init(cursorField: String) {
        self.cursorField = cursorField
    }

    /// The state as JSON text; `keyNames` name the key's values and `json` writes a value of the
    /// named column as a JSON scalar.
    public func json(keyNames: [String], value json: (Value, String) -> String) -> String {
        var members: [(String, String)] = [("cursor_field", Self.string(cursorField)),
                                           ("cursor", cursor.map { json($0, cursorField) } ?? "null")]
        if let key {
            members.append(("key", Self.object(zip(keyNames, key).map { ($0.0, json($0.1, $0.0)) })))
        } else {
            var hashes: [String] = []
            for (hash, count) in boundary.sorted(by: { $0.key < $1.key }) {
                hashes += Array(repeating: Self.string(BoundaryRowHash.text(hash)), count: count)
            }
            members.append(("boundary_rows", "[" + hashes.joined(separator: ",") + "]"))
        }
        members.append(("null_rows", String(nullRows)))
        return Self.object(members)
    }

    /// Reads a state this source wrote, checking it belongs to `cursorField` and `keyNames`.
    /// `names` compares and quotes column names as the database does; `scalar` reads a member
    /// as a value (nil when absent or null).
    public static func parse(_ text: String, cursorField: String, keyNames: [String], names: SQLNameRules,
                             scalar: (PluginConfig, String) throws(PluginError) -> Value?) throws(PluginError) -> Self {
        let state = try PluginConfig(parsing: text, path: "state")
        let field = try state.string("cursor_field")
        guard names.same(field, cursorField) else {
            throw .invalidConfig("the saved state was recorded for cursor field \(names.quoted(field)), but the entry now reads by \(names.quoted(cursorField)); reset the entry's state (etl-runtime state reset) or restore the old cursor_field")
        }
        var result = Self(cursorField: cursorField)
        result.cursor = try scalar(state, "cursor")
        result.nullRows = try state.int("null_rows", default: 0)
        let savedKey = try state.optionalObject("key")
        if keyNames.isEmpty {
            guard savedKey == nil else {
                throw .invalidConfig("the saved state resumes by primary key, but the entry has no primary_key now; reset the entry's state or restore primary_key")
            }
            for hash in try state.optionalStringArray("boundary_rows") ?? [] {
                guard let value = BoundaryRowHash.parse(hash) else {
                    throw .invalidConfig("state.boundary_rows holds \"\(hash)\", which is not a row hash this source wrote; reset the entry's state")
                }
                result.boundary[value, default: 0] += 1
            }
        } else if let savedKey {
            var values: [Value] = []
            for name in keyNames {
                guard let member = savedKey.keys.first(where: { names.same($0, name) }), let value = try scalar(savedKey, member) else {
                    throw .invalidConfig("the saved state's key has no value for primary_key column \(names.quoted(name)) (it holds \(savedKey.keys.joined(separator: ", "))); reset the entry's state or restore the old primary_key")
                }
                values.append(value)
            }
            result.key = values
        } else if result.cursor != nil {
            throw .invalidConfig("the saved state was recorded without a primary key, and the entry now has one; reset the entry's state or remove primary_key")
        }
        return result
    }

    private static func string(_ text: String) -> String { JSONValue.string(text).serialized() }

    private static func object(_ members: [(String, String)]) -> String {
        "{" + members.map { string($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }
}

/// How a database compares and quotes column names: SQLite folds ASCII case, PostgreSQL
/// compares the names as written (the sources quote every identifier).
public struct SQLNameRules: Sendable {
    public let same: @Sendable (String, String) -> Bool
    public let quoted: @Sendable (String) -> String

    public init(same: @escaping @Sendable (String, String) -> Bool, quoted: @escaping @Sendable (String) -> String) {
        self.same = same
        self.quoted = quoted
    }
}

/// The text form of the 64-bit row hashes in `boundary_rows`: sixteen lowercase hex digits.
public enum BoundaryRowHash {
    public static func text(_ hash: UInt64) -> String {
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// The hash `text` wrote, or nil.
    public static func parse(_ text: String) -> UInt64? {
        guard text.utf8.count == 16 else { return nil }
        return UInt64(text, radix: 16)
    }
}
