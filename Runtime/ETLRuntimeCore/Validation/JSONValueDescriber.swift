/// Writes the "got ..." part of a message without ever printing a secret.
///
/// A string that came from `${VAR}` substitution may be a password or token,
/// so its location is registered here with a safe stand-in such as
/// `<value of ${CRM_TOKEN}>`; every message that shows a value goes through
/// `describe(_:)`, which is what makes the no-secrets promise hold everywhere.
package struct JSONValueDescriber: Sendable {
    /// Safe stand-ins for string values, keyed by where the string starts.
    package var redactions: [JSONLocation: String]

    /// Longest string shown in full; longer ones are cut, as messages are one line.
    package static let maximumShownLength = 60

    /// Creates a describer with the given stand-ins.
    package init(redactions: [JSONLocation: String] = [:]) {
        self.redactions = redactions
    }

    /// True when the string at `location` came from a substitution.
    package func isRedacted(_ location: JSONLocation) -> Bool {
        redactions[location] != nil
    }

    /// A short, safe rendering: `"10k"`, `1.5`, `true`, `null`, `an array`, `an object`,
    /// or the stand-in of a substituted string.
    package func describe(_ node: JSONNode) -> String {
        switch node.content {
        case .null: return "null"
        case .bool(let value): return value ? "true" : "false"
        case .number(let number): return number.text
        case .array: return "an array"
        case .object: return "an object"
        case .string(let text):
            if let redacted = redactions[node.location] { return redacted }
            return JSONValueDescriber.shortQuoted(text)
        }
    }

    /// A string as a JSON literal, cut to `maximumShownLength` characters.
    package static func shortQuoted(_ text: String) -> String {
        guard text.count > maximumShownLength else { return DidYouMean.quoted(text) }
        return DidYouMean.quoted(String(text.prefix(maximumShownLength))) + "…"
    }
}
