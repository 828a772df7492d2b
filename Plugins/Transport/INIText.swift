/// The INI dialect of `~/.aws/credentials`: `[section]` headers, `key = value` lines, `#` and
/// `;` comment lines. Keys are lower-cased; values are trimmed; later duplicates win.
enum INIText {
    /// The sections by name, each a map of its keys to values.
    static func sections(_ text: String) -> [String: [String: String]] {
        var sections: [String: [String: String]] = [:]
        var current: String?
        for raw in text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            let line = raw.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("["), line.hasSuffix("]") {
                let name = line.dropFirst().dropLast().trimmingWhitespace()
                current = name
                sections[name, default: [:]] = sections[name] ?? [:]
                continue
            }
            guard let current, let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingWhitespace().lowercased()
            sections[current]?[key] = line[line.index(after: equals)...].trimmingWhitespace()
        }
        return sections
    }
}
