import ETLPluginKit

/// SQL identifiers as PostgreSQL reads them: always double-quoted (a quote inside doubled), so
/// names keep their case and may hold spaces or keywords; `"Order Date"` stays `Order Date`.
enum PGIdentifier {
    /// PostgreSQL cuts longer names to NAMEDATALEN - 1 = 63 bytes, silently: two long column
    /// names could become one, so longer names are refused instead.
    static let maximumBytes = 63

    /// `name` as a quoted identifier.
    static func quoted(_ name: String) -> String {
        var out = "\""
        for character in name {
            if character == "\"" { out += "\"\"" } else { out.append(character) }
        }
        return out + "\""
    }

    /// `schema.name`, both quoted.
    static func qualified(_ schema: String, _ name: String) -> String {
        quoted(schema) + "." + quoted(name)
    }

    /// `text` as a SQL string literal (standard_conforming_strings, on since PostgreSQL 9.1).
    static func literal(_ text: String) -> String {
        var out = "'"
        for character in text {
            if character == "'" { out += "''" } else { out.append(character) }
        }
        return out + "'"
    }

    /// Refuses names PostgreSQL cannot hold as given: empty, with a NUL, or longer than 63 bytes.
    static func validate(_ name: String, what: String) throws(PluginError) {
        guard !name.isEmpty else { throw .invalidConfig("\(what) has an empty name; give every column and table a name") }
        guard !name.utf8.contains(0) else {
            throw .invalidConfig("\(what) \(quoted(name)) contains a NUL character, which PostgreSQL names cannot hold; rename it")
        }
        guard name.utf8.count <= maximumBytes else {
            throw .invalidConfig("\(what) \(quoted(name)) is \(name.utf8.count) bytes long; PostgreSQL names hold at most \(maximumBytes) bytes (longer ones are cut, so two names could become one). Rename it, e.g. with a rename transform")
        }
    }
}
