import ETLPluginKit

/// `{name}` placeholders in paths and values, filled from a lookup; `{{` and `}}` write braces.
enum Template {
    /// The names of the placeholders in `text`, in order.
    static func placeholders(_ text: String) -> [String] {
        var names: [String] = []
        _ = try? render(text) { name throws(PluginError) in
            names.append(name)
            return ""
        }
        return names
    }

    /// `text` with each `{name}` replaced by `lookup(name)`.
    /// - Throws: whatever `lookup` throws, or `ETL_INVALID_CONFIG` for an unclosed `{`.
    static func render(_ text: String, _ lookup: (String) throws(PluginError) -> String) throws(PluginError) -> String {
        var output = ""
        var index = text.startIndex
        while index < text.endIndex {
            let char = text[index]
            let next = text.index(after: index)
            if char == "{", next < text.endIndex, text[next] == "{" {
                output.append("{")
                index = text.index(after: next)
            } else if char == "}", next < text.endIndex, text[next] == "}" {
                output.append("}")
                index = text.index(after: next)
            } else if char == "{" {
                guard let close = text[next...].firstIndex(of: "}") else {
                    throw .invalidConfig("template \"\(text)\" has a '{' without a closing '}' (write {{ for a literal brace)")
                }
                output += try lookup(String(text[next..<close]))
                index = text.index(after: close)
            } else {
                output.append(char)
                index = next
            }
        }
        return output
    }
}
