/// The optional `.env` file beside a manifest: `KEY=VALUE` lines read for `${VAR}`.
///
/// Accepts what people write in practice: `#` comments, blank lines, an
/// `export ` prefix, single quotes (literal) and double quotes (with `\n`,
/// `\t`, `\"`, `\\` escapes), and a `#` comment after an unquoted value.
/// Messages give the line number only, never the line, since it may hold a secret.
struct DotEnvFile {
    /// A line that could not be read.
    struct Problem {
        let line: Int
        let message: String
    }

    /// The variables, later lines winning over earlier ones.
    private(set) var values: [String: String] = [:]
    /// Lines that are not `KEY=VALUE`.
    private(set) var problems: [Problem] = []

    /// Reads the text of a `.env` file.
    init(text: String) {
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = Substring(rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine)
            line = line.drop { $0 == " " || $0 == "\t" }
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") || line.hasPrefix("export\t") {
                line = line.dropFirst("export".count).drop { $0 == " " || $0 == "\t" }
            }
            guard let equals = line.firstIndex(of: "=") else {
                problems.append(Problem(line: lineNumber, message: "expected KEY=VALUE"))
                continue
            }
            let key = String(line[..<equals].trimmingTrailingBlanks())
            guard DotEnvFile.isVariableName(key) else {
                problems.append(Problem(
                    line: lineNumber,
                    message: "expected KEY=VALUE with a KEY of letters, digits and _ that does not start with a digit"))
                continue
            }
            let rest = line[line.index(after: equals)...].drop { $0 == " " || $0 == "\t" }
            switch DotEnvFile.readValue(rest) {
            case .success(let value): values[key] = value
            case .failure(let problem): problems.append(Problem(line: lineNumber, message: problem.message))
            }
        }
    }

    /// `[A-Za-z_][A-Za-z0-9_]*`, the names `${...}` may use.
    static func isVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else {
            return false
        }
        return name.unicodeScalars.allSatisfy {
            $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)))
        }
    }

    private struct ValueProblem: Error {
        let message: String
    }

    private static func readValue(_ text: Substring) -> Result<String, ValueProblem> {
        guard let quote = text.first, quote == "\"" || quote == "'" else {
            // An unquoted value ends at a " #" comment; surrounding blanks are not part of it.
            var value = text
            if let hash = value.indices.first(where: { index in
                value[index] == "#" && index > value.startIndex && [" ", "\t"].contains(value[value.index(before: index)])
            }) {
                value = value[..<hash]
            }
            return .success(String(value.trimmingTrailingBlanks()))
        }
        var value = ""
        var index = text.index(after: text.startIndex)
        while index < text.endIndex {
            let character = text[index]
            if character == quote {
                let after = text[text.index(after: index)...].drop { $0 == " " || $0 == "\t" }
                guard after.isEmpty || after.hasPrefix("#") else {
                    return .failure(ValueProblem(message: "unexpected text after the closing quote"))
                }
                return .success(value)
            }
            if quote == "\"", character == "\\", text.index(after: index) < text.endIndex {
                index = text.index(after: index)
                switch text[index] {
                case "n": value.append("\n")
                case "t": value.append("\t")
                case "r": value.append("\r")
                case "\"": value.append("\"")
                case "\\": value.append("\\")
                default: value.append("\\"); value.append(text[index])
                }
            } else {
                value.append(character)
            }
            index = text.index(after: index)
        }
        let kind = quote == "\"" ? "double" : "single"
        return .failure(ValueProblem(message: "unterminated \(kind)-quoted value (a value cannot span lines)"))
    }
}

extension Substring {
    fileprivate func trimmingTrailingBlanks() -> Substring {
        var result = self
        while let last = result.last, last == " " || last == "\t" { result = result.dropLast() }
        return result
    }
}
