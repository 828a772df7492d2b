import ETLPluginKit

/// Where an incremental read of the `postgres` source stands; the same JSON as the `sqlite`
/// source's state, so both read the same way:
///
/// ```json
/// {"cursor_field": "updated_at", "cursor": "2024-05-01 10:00:00+00", "key": {"id": 42}, "null_rows": 0}
/// {"cursor_field": "seq", "cursor": 20, "boundary_rows": ["9f0c...", ...], "null_rows": 0}
/// ```
///
/// Values are PostgreSQL's text of them (the session runs in UTC with ISO dates, so the text of
/// a timestamp does not depend on the role's settings); integer columns are written as JSON
/// numbers. They go back into the query as literals that the server reads as the column's type,
/// so every comparison is the server's own (collations, numeric equality).
struct PGCursorState: Sendable, Equatable {
    var cursorField: String
    /// The last cursor value read, as text; nil while in the NULL-cursor rows.
    var cursor: String?
    /// The key of the last row read at `cursor` (keyed reads).
    var key: [String]?
    /// Hashes of the rows read at `cursor`, with multiplicity (reads without a key).
    var boundary: [UInt64: Int] = [:]
    /// NULL-cursor rows read (loaded or rejected) so far.
    var nullRows: Int64 = 0

    /// The state as JSON text. `numeric` says, per name, whether its values are JSON numbers.
    func json(keyNames: [String], numeric: (String) -> Bool) -> String {
        func value(_ text: String?, _ name: String) -> String {
            guard let text else { return "null" }
            return numeric(name) && Int64(text) != nil ? text : JSONWriting.string(text)
        }
        var members = ["\"cursor_field\":" + JSONWriting.string(cursorField), "\"cursor\":" + value(cursor, cursorField)]
        if let key {
            let pairs = zip(keyNames, key).map { JSONWriting.string($0.0) + ":" + value($0.1, $0.0) }
            members.append("\"key\":{" + pairs.joined(separator: ",") + "}")
        } else {
            var hashes: [String] = []
            for (hash, count) in boundary.sorted(by: { $0.key < $1.key }) {
                hashes += Array(repeating: "\"" + BoundaryHash.text(hash) + "\"", count: count)
            }
            members.append("\"boundary_rows\":[" + hashes.joined(separator: ",") + "]")
        }
        members.append("\"null_rows\":\(nullRows)")
        return "{" + members.joined(separator: ",") + "}"
    }

    /// Reads a state this source wrote, checking it belongs to `cursorField` and `keyNames`.
    static func parse(_ text: String, cursorField: String, keyNames: [String]) throws(PluginError) -> PGCursorState {
        let state = try PluginConfig(parsing: text, path: "state")
        let field = try state.string("cursor_field")
        guard field == cursorField else {
            throw .invalidConfig("the saved state was recorded for cursor field \(PGIdentifier.quoted(field)), but the entry now reads by \(PGIdentifier.quoted(cursorField)); reset the entry's state (etl-runtime state reset) or restore the old cursor_field")
        }
        var result = PGCursorState(cursorField: cursorField)
        result.cursor = try scalar(state, "cursor")
        result.nullRows = try state.int("null_rows", default: 0)
        let savedKey = try state.optionalObject("key")
        if keyNames.isEmpty {
            guard savedKey == nil else {
                throw .invalidConfig("the saved state resumes by primary key, but the entry has no primary_key now; reset the entry's state or restore primary_key")
            }
            for hash in try state.optionalStringArray("boundary_rows") ?? [] {
                guard let value = BoundaryHash.parse(hash) else {
                    throw .invalidConfig("state.boundary_rows holds \"\(hash)\", which is not a row hash this source wrote; reset the entry's state")
                }
                result.boundary[value, default: 0] += 1
            }
        } else if let savedKey {
            var values: [String] = []
            for name in keyNames {
                guard let value = try scalar(savedKey, name) else {
                    throw .invalidConfig("the saved state's key has no value for primary_key column \(PGIdentifier.quoted(name)) (it holds \(savedKey.keys.joined(separator: ", "))); reset the entry's state or restore the old primary_key")
                }
                values.append(value)
            }
            result.key = values
        } else if result.cursor != nil {
            throw .invalidConfig("the saved state was recorded without a primary key, and the entry now has one; reset the entry's state or remove primary_key")
        }
        return result
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

/// JSON string literals for the state.
enum JSONWriting {
    static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20:
                let hex = String(c.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
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

    /// Sixteen lowercase hex digits.
    static func text(_ hash: UInt64) -> String {
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// The hash `text` wrote, or nil.
    static func parse(_ text: String) -> UInt64? {
        guard text.utf8.count == 16 else { return nil }
        return UInt64(text, radix: 16)
    }
}
