/// One thing wrong with a manifest: which file, which line, which JSON path, and what was expected.
///
/// Rendered the way compilers and linters print, so editors can jump to it:
/// `plugins.json:14: $.control_table[1].mode: expected "full" or "incremental", got "incr"`.
/// Messages never contain a value that came from `${VAR}` substitution.
package struct ManifestIssue: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file as the user named it (the manifest, or the `.env` beside it).
    package var file: String
    /// The 1-based line, where known.
    package var line: Int?
    /// The 1-based column; only syntax errors carry one.
    package var column: Int?
    /// The JSON path of the offending value (`$.sources.crm.plugin`); empty for
    /// problems with the file as a whole.
    package var jsonPath: String
    /// What is wrong and, where it helps, how to fix it.
    package var message: String

    /// Creates an issue.
    package init(file: String, line: Int?, column: Int? = nil, jsonPath: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.jsonPath = jsonPath
        self.message = message
    }

    /// `file:line[:column]: path: message`, leaving out the parts that are unknown.
    package var description: String {
        var text = file
        if let line {
            text += ":\(line)"
            if let column { text += ":\(column)" }
        }
        text += ": "
        if !jsonPath.isEmpty { text += jsonPath + ": " }
        return text + message
    }
}
