import ETLPluginKit

/// A JSON path of the simple form the configs use: `$`, `$.tasks`, `$.meta.next_cursor`,
/// `$.assignees[0].username`, `$['odd key']`. No wildcards or filters: each path names one value.
struct JSONPathExpression: Sendable, Hashable, CustomStringConvertible {
    /// One step: an object member or an array element.
    enum Step: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    /// The steps after `$`.
    let steps: [Step]
    /// The text as written.
    let description: String

    /// A path that reads the top-level member `key` of a record.
    init(member key: String) {
        steps = [.key(key)]
        description = "$." + key
    }

    /// Parses a path.
    /// - Throws: `ETL_INVALID_CONFIG` naming `where` and the problem.
    init(_ text: String, where location: String) throws(PluginError) {
        description = text
        let chars = Array(text)
        guard chars.first == "$" else {
            throw .invalidConfig("\(location) \"\(text)\" must start with $ (e.g. \"$.tasks\" or \"$.assignees[0].username\")")
        }
        var steps: [Step] = []
        var index = 1
        func fail(_ why: String) -> PluginError {
            .invalidConfig("\(location) \"\(text)\" is not a supported JSON path: \(why); write it like $.a.b[0]['c d']")
        }
        while index < chars.count {
            switch chars[index] {
            case ".":
                index += 1
                var name = ""
                while index < chars.count, chars[index] != ".", chars[index] != "[" {
                    name.append(chars[index])
                    index += 1
                }
                guard !name.isEmpty else { throw fail("a '.' must be followed by a member name") }
                steps.append(.key(name))
            case "[":
                index += 1
                if index < chars.count, chars[index] == "'" || chars[index] == "\"" {
                    let quote = chars[index]
                    index += 1
                    var name = ""
                    while index < chars.count, chars[index] != quote {
                        name.append(chars[index])
                        index += 1
                    }
                    guard index + 1 < chars.count, chars[index + 1] == "]" else { throw fail("an unclosed quoted member name") }
                    index += 2
                    steps.append(.key(name))
                } else {
                    var digits = ""
                    while index < chars.count, chars[index] != "]" {
                        digits.append(chars[index])
                        index += 1
                    }
                    guard index < chars.count, let number = Int(digits), number >= 0 else {
                        throw fail("[...] must hold an array index such as [0] or a quoted name such as ['a']")
                    }
                    index += 1
                    steps.append(.index(number))
                }
            default:
                throw fail("unexpected '\(chars[index])'")
            }
        }
        self.steps = steps
    }

    /// The value the path names in `value`, or nil when a step is missing.
    func evaluate(_ value: JSONValue) -> JSONValue? {
        var current = value
        // One pattern per step rather than a switch over (step, value) pairs: the tuple would
        // copy the value, and this runs for every column of every record.
        for step in steps {
            switch step {
            case .key(let key):
                guard case .object(let object) = current, let next = object[key] else { return nil }
                current = next
            case .index(let index):
                guard case .array(let items) = current, index < items.count else { return nil }
                current = items[index]
            }
        }
        return current
    }
}
