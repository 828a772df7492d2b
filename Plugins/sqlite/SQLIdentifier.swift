import ETLPluginKit

/// SQL identifiers as SQLite reads them: quoted with double quotes, a quote inside doubled,
/// so names with spaces, quotes or keywords ("order", "first name") are safe.
enum SQLIdentifier {
    /// `name` as a quoted identifier.
    static func quoted(_ name: String) -> String {
        "\"" + name.replacingAll("\"", with: "\"\"") + "\""
    }

    /// SQLite compares identifiers ignoring ASCII case; this is the form to compare and key by.
    static func folded(_ name: String) -> String {
        String(decoding: name.utf8.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
    }

    /// Refuses names SQLite cannot hold: empty, or with a NUL byte (C strings would cut it).
    static func validate(_ name: String, what: String) throws(PluginError) {
        guard !name.isEmpty else { throw .invalidConfig("\(what) has an empty name; give every column and table a name") }
        guard !name.utf8.contains(0) else {
            throw .invalidConfig("\(what) \(quoted(name)) contains a NUL character, which SQLite names cannot hold; rename it")
        }
    }
}

extension String {
    /// Every occurrence of `target` replaced by `replacement` (no Foundation in plugins).
    func replacingAll(_ target: Character, with replacement: String) -> String {
        guard contains(target) else { return self }
        var out = ""
        out.reserveCapacity(utf8.count + 8)
        for character in self {
            if character == target { out += replacement } else { out.append(character) }
        }
        return out
    }
}
