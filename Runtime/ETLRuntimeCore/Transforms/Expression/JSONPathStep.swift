import ETLJSON

/// One step of json_get()'s path: `$.a.b[0]` is key a, key b, index 0.
enum JSONPathStep: Equatable {
    case key(String)
    case index(Int)

    /// Parses `$.a.b[0]`; the error position counts from the path's first character (0-based).
    static func parse(_ text: String) throws(ExpressionError) -> [JSONPathStep] {
        let characters = Array(text)
        guard characters.first == "$" else { throw ExpressionError(at: 0, "a JSON path starts with $, as in '$.customer.id'") }
        var steps: [JSONPathStep] = []
        var index = 1
        while index < characters.count {
            if characters[index] == "." {
                let start = index + 1
                index = start
                while index < characters.count, characters[index] != ".", characters[index] != "[" { index += 1 }
                guard index > start else { throw ExpressionError(at: start, "expected a key after \".\"") }
                steps.append(.key(String(characters[start..<index])))
            } else if characters[index] == "[" {
                let start = index + 1
                guard let close = characters[start...].firstIndex(of: "]"), let number = Int(String(characters[start..<close])), number >= 0 else {
                    throw ExpressionError(at: index, "expected [n] with a non-negative array index")
                }
                steps.append(.index(number))
                index = close + 1
            } else {
                throw ExpressionError(at: index, "expected \".key\" or \"[n]\", got \"\(characters[index])\"")
            }
        }
        return steps
    }

    /// The value at `path`: strings as their text, numbers and booleans as written, objects and
    /// arrays as JSON text; null when the path leads nowhere.
    static func lookup(_ path: [JSONPathStep], in document: JSONValue) -> TransformValue {
        var current = document
        for step in path {
            switch (step, current) {
            case (.key(let key), .object(let object)):
                guard let member = object.members.first(where: { $0.key == key }) else { return .null }
                current = member.value
            case (.index(let index), .array(let array)):
                guard index < array.count else { return .null }
                current = array[index]
            default:
                return .null
            }
        }
        switch current {
        case .null: return .null
        case .string(let text): return .text(text)
        case .bool(let value): return .text(value ? "true" : "false")
        case .number(let number): return .text(number.description)
        default: return .text(current.serialized())
        }
    }
}
