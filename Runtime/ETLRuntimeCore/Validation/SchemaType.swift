/// A JSON Schema `type` name.
package enum SchemaType: String, Sendable, CaseIterable {
    /// `null`
    case null
    /// `true` or `false`
    case boolean
    /// An object.
    case object
    /// An array.
    case array
    /// Any number.
    case number
    /// A number with no fractional part (`3` and `3.0` both count).
    case integer
    /// A string.
    case string

    /// True when `node` is of this type.
    package func matches(_ node: JSONNode) -> Bool {
        switch (self, node.content) {
        case (.null, .null), (.boolean, .bool), (.object, .object), (.array, .array), (.number, .number),
            (.string, .string):
            return true
        case (.integer, .number(let number)):
            return number.isIntegral
        default:
            return false
        }
    }

    /// How the type reads in a message: "a boolean", "an integer", "null".
    package var phrase: String {
        switch self {
        case .null: return "null"
        case .boolean: return "a boolean"
        case .object: return "an object"
        case .array: return "an array"
        case .number: return "a number"
        case .integer: return "an integer"
        case .string: return "a string"
        }
    }

    /// "a string", "a string or an integer", "a string, an array or null".
    package static func phrase(for types: [SchemaType]) -> String {
        let phrases = types.map(\.phrase)
        guard phrases.count > 1 else { return phrases.first ?? "nothing" }
        return phrases.dropLast().joined(separator: ", ") + " or " + phrases[phrases.count - 1]
    }
}
