import ETLPluginKit
import ETLSQLSource

/// Where an incremental read of the `postgres` source stands: the same JSON as the `sqlite`
/// source's state (`SQLCursorState`), so both read the same way.
///
/// Values are PostgreSQL's text of them (the session runs in UTC with ISO dates, so the text of
/// a timestamp does not depend on the role's settings); integer columns are written as JSON
/// numbers. They go back into the query as literals that the server reads as the column's type,
/// so every comparison is the server's own (collations, numeric equality).
typealias PGCursorState = SQLCursorState<String>

extension SQLCursorState where Value == String {
    /// PostgreSQL's names: the source quotes every identifier, so names compare as written.
    static let postgresNames = SQLNameRules(same: { $0 == $1 }, quoted: { PGIdentifier.quoted($0) })

    init(cursorField: String, cursor: String?, key: [String]?) {
        self.init(cursorField: cursorField)
        self.cursor = cursor
        self.key = key
    }

    /// The state as JSON text. `numeric` says, per name, whether its values are JSON numbers.
    func json(keyNames: [String], numeric: (String) -> Bool) -> String {
        json(keyNames: keyNames) { text, name in
            numeric(name) && Int64(text) != nil ? text : JSONValue.string(text).serialized()
        }
    }

    /// Reads a state this source wrote, checking it belongs to `cursorField` and `keyNames`.
    static func parse(_ text: String, cursorField: String, keyNames: [String]) throws(PluginError) -> PGCursorState {
        try parse(text, cursorField: cursorField, keyNames: keyNames, names: postgresNames, scalar: scalar)
    }

    /// A JSON scalar as the text PostgreSQL reads: integers exact, strings as they are.
    static func scalar(_ object: PluginConfig, _ key: String) throws(PluginError) -> String? {
        guard object.contains(key) else { return nil }
        if case .null? = object.value(key) { return nil }
        if let integer = try? object.optionalInt(key) { return String(integer) }
        if let number = try? object.optionalDouble(key) { return "\(number)" }
        if let text = try? object.optionalString(key) { return text }
        throw .invalidConfig("\(object.path).\(key) must be a number or a string")
    }
}

/// A 64-bit FNV-1a hash of a row's binary COPY fields (lengths and bytes): how a read without a
/// primary key recognises the rows it already emitted at the boundary cursor value. Stable across
/// processes (unlike Swift's seeded `Hasher`), since it is saved in resume states.
enum BoundaryHash {
    static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let prime: UInt64 = 0x0000_0100_0000_01b3

    /// Mixes `bytes` into `hash`.
    static func mix(_ hash: inout UInt64, _ bytes: UnsafeRawBufferPointer) {
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* prime }
    }

    /// Mixes a field's length (-1 for NULL), so ("ab", "c") and ("a", "bc") differ.
    static func mix(_ hash: inout UInt64, length: Int32) {
        withUnsafeBytes(of: length.bigEndian) { mix(&hash, $0) }
    }
}
