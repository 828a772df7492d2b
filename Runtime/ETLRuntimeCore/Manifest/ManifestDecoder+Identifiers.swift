/// Names the manifest hands to plugins: targets, streams, cursor fields, key columns, source
/// and sink names, column names made by transforms. They reach C as NUL-terminated strings, so
/// a NUL would cut a name short ("t\0a" and "t\0b" would both load table "t"), and other
/// control characters make names no one can see or type; both are refused, naming the
/// character and where it is.
extension ManifestDecoder {
    /// A non-empty string free of control characters, or nil after reporting why not.
    func identifier(_ node: JSONNode, _ path: JSONPath) -> String? {
        guard let text = reader.string(node, path) else { return nil }
        return checkIdentifier(text, path, at: node.location) ? text : nil
    }

    /// A non-empty array of identifiers, each checked at its own path; nil when any is not one.
    func identifiers(_ node: JSONNode, _ path: JSONPath, what: String) -> [String]? {
        guard let names = reader.strings(node, path, nonEmpty: true, what: what), let elements = node.elements else { return nil }
        let clean = zip(names, elements).enumerated().map { index, pair in
            checkIdentifier(pair.0, path.appending(index: index), at: pair.1.location)
        }
        return clean.allSatisfy { $0 } ? names : nil
    }

    /// Reports the first control character (U+0000–U+001F, U+007F) in `name`, with its
    /// position counted from 1; returns whether there was none.
    @discardableResult
    func checkIdentifier(_ name: String, _ path: JSONPath, at location: JSONLocation?) -> Bool {
        guard let (offset, scalar) = name.unicodeScalars.enumerated().first(where: { ManifestDecoder.isControl($0.element) }) else {
            return true
        }
        let hex = String(scalar.value, radix: 16, uppercase: true)
        let codePoint = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        reader.report(path, at: location,
                      "contains the control character \(codePoint) at position \(offset + 1); "
                        + "identifiers must not contain control characters")
        return false
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7F
    }
}
