import ETLJSON

/// The `path` argument of the host's config readers (`config_get_*`): `""` or `"$"` for the whole
/// document, `a.b` for members, `[2]` for array elements, `["a.b"]` for a key holding `.`, `[` or
/// `]`, with an optional leading `$`. Parsed into the components of a `JSONPath`, which also
/// prints it back (`$.columns[2].name`) in messages.
enum ConfigValuePath {
    /// Why a path text was refused; the caller adds the text itself.
    struct Malformed: Error {
        var reason: String
    }

    static func parse(_ text: String) throws(Malformed) -> [JSONPath.Component] {
        var scalars = Substring(text).unicodeScalars[...]
        var components: [JSONPath.Component] = []
        if scalars.first == "$" {
            scalars = scalars.dropFirst()
            guard scalars.isEmpty || scalars.first == "." || scalars.first == "[" else {
                throw Malformed(reason: "after \"$\" comes \".\" or \"[\"")
            }
        } else if let first = scalars.first, first != "[" {
            components.append(.key(try key(&scalars)))
        }
        while let next = scalars.first {
            scalars = scalars.dropFirst()
            switch next {
            case ".":
                components.append(.key(try key(&scalars)))
            case "[":
                components.append(try bracket(&scalars))
            default:
                throw Malformed(reason: "expected \".\" or \"[\" before \"\(next)\"")
            }
        }
        return components
    }

    /// A plain key: everything up to the next `.`, `[` or the end; `]` has no place in it.
    private static func key(_ scalars: inout Substring.UnicodeScalarView.SubSequence) throws(Malformed) -> String {
        let end = scalars.firstIndex { $0 == "." || $0 == "[" } ?? scalars.endIndex
        let key = String(String.UnicodeScalarView(scalars[..<end]))
        guard !key.isEmpty else { throw Malformed(reason: "a key is empty; write [\"\"] for an empty key") }
        guard !key.contains("]") else { throw Malformed(reason: "\"]\" without \"[\"") }
        scalars = scalars[end...]
        return key
    }

    /// `N]` or `"quoted key"]`, after the `[`.
    private static func bracket(_ scalars: inout Substring.UnicodeScalarView.SubSequence) throws(Malformed) -> JSONPath.Component {
        if scalars.first == "\"" {
            // The key is a JSON string: find its closing quote (skipping escapes), then decode it.
            var index = scalars.index(after: scalars.startIndex)
            var escaped = false
            while index < scalars.endIndex, escaped || scalars[index] != "\"" {
                escaped = !escaped && scalars[index] == "\\"
                index = scalars.index(after: index)
            }
            guard index < scalars.endIndex else { throw Malformed(reason: "a quoted key has no closing quote") }
            let afterQuote = scalars.index(after: index)
            let literal = String(String.UnicodeScalarView(scalars[..<afterQuote]))
            guard afterQuote < scalars.endIndex, scalars[afterQuote] == "]" else {
                throw Malformed(reason: "a quoted key must be followed by \"]\"")
            }
            guard case .string(let key)? = try? JSONValue(parsing: literal) else {
                throw Malformed(reason: "\(literal) is not a valid JSON string")
            }
            scalars = scalars[scalars.index(after: afterQuote)...]
            return .key(key)
        }
        guard let close = scalars.firstIndex(of: "]") else { throw Malformed(reason: "\"[\" without \"]\"") }
        let digits = String(String.UnicodeScalarView(scalars[..<close]))
        guard !digits.isEmpty, digits.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }), let index = Int(digits) else {
            throw Malformed(reason: "[\(digits)] is not an array index (digits) or a quoted key")
        }
        scalars = scalars[scalars.index(after: close)...]
        return .index(index)
    }
}
