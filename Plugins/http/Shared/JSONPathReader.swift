import ETLPluginKit

/// Parses the text of a `JSONPathExpression`, keeping the position of the first problem so
/// the config error can point at it.
struct JSONPathReader {
    /// A problem at character `position` (0-based) of the text.
    struct Failure: Error {
        var position: Int
        var reason: String
    }

    private let chars: [Character]
    private var index = 0

    init(_ text: String) {
        chars = Array(text)
    }

    /// The steps of a whole path: `$` then steps to the end of the text.
    mutating func path() throws(Failure) -> [JSONPathExpression.Step] {
        guard peek == "$" else { throw fail("a path must start with $ (e.g. \"$.tasks\" or \"$.assignees[0].username\")") }
        index += 1
        var steps: [JSONPathExpression.Step] = []
        while index < chars.count {
            switch chars[index] {
            case ".":
                index += 1
                if peek == "*" {
                    index += 1
                    steps.append(.wildcard)
                    continue
                }
                // Member names here run to the next '.' or '[', as they always have.
                var name = ""
                while index < chars.count, chars[index] != ".", chars[index] != "[" {
                    name.append(chars[index])
                    index += 1
                }
                guard !name.isEmpty else { throw fail("a '.' must be followed by a member name or *") }
                steps.append(.key(name))
            case "[":
                steps.append(try bracket(allowingSelectors: true))
            default:
                throw fail("unexpected '\(chars[index])'")
            }
        }
        return steps
    }

    // MARK: Brackets

    /// `[0]`, `['name']`, and at the top level also `[*]` and `[?(...)]`.
    private mutating func bracket(allowingSelectors: Bool) throws(Failure) -> JSONPathExpression.Step {
        index += 1
        skipSpaces()
        let step: JSONPathExpression.Step
        switch peek {
        case "'", "\"":
            step = .key(try quoted())
        case "*" where allowingSelectors:
            index += 1
            step = .wildcard
        case "?" where allowingSelectors:
            index += 1
            skipSpaces()
            step = .filter(try orExpression())
        default:
            let start = index
            var digits = ""
            while let char = peek, char.isASCII, char.isNumber {
                digits.append(char)
                index += 1
            }
            guard let number = Int(digits) else {
                index = start
                throw fail(allowingSelectors
                    ? "[...] must hold an array index such as [0], a quoted name such as ['a'], * or a filter such as ?(@.name=='x')"
                    : "[...] in a filter must hold an array index such as [0] or a quoted name such as ['a']")
            }
            step = .index(number)
        }
        skipSpaces()
        guard peek == "]" else { throw fail("expected ']'") }
        index += 1
        return step
    }

    private mutating func quoted() throws(Failure) -> String {
        let quote = chars[index]
        let start = index
        index += 1
        var text = ""
        while index < chars.count, chars[index] != quote {
            if chars[index] == "\\", index + 1 < chars.count {
                index += 1
            }
            text.append(chars[index])
            index += 1
        }
        guard index < chars.count else {
            index = start
            throw fail("an unclosed quoted string")
        }
        index += 1
        return text
    }

    // MARK: Filter expressions

    private mutating func orExpression() throws(Failure) -> JSONPathFilter {
        var left = try andExpression()
        while take("||") { left = .or(left, try andExpression()) }
        return left
    }

    private mutating func andExpression() throws(Failure) -> JSONPathFilter {
        var left = try unary()
        while take("&&") { left = .and(left, try unary()) }
        return left
    }

    private mutating func unary() throws(Failure) -> JSONPathFilter {
        skipSpaces()
        if peek == "!", peek(1) != "=" {
            index += 1
            return .not(try unary())
        }
        if peek == "(" {
            index += 1
            let inner = try orExpression()
            skipSpaces()
            guard peek == ")" else { throw fail("expected ')'") }
            index += 1
            return inner
        }
        let start = index
        let left = try operand()
        skipSpaces()
        if peek == "=", peek(1) == "~" {
            throw fail("=~ (regular expressions) is not supported; compare with ==, !=, <, <=, > or >=")
        }
        guard let comparison = takeComparison() else {
            guard case .current(let steps) = left else {
                index = start
                throw fail("a literal on its own is no test; compare it, e.g. @.name=='x'")
            }
            return .exists(steps)
        }
        skipSpaces()
        return .compare(left, comparison, try operand())
    }

    private mutating func takeComparison() -> JSONPathFilter.Comparison? {
        for comparison in [JSONPathFilter.Comparison.equal, .notEqual, .lessOrEqual, .greaterOrEqual, .less, .greater]
        where take(comparison.rawValue) {
            return comparison
        }
        return nil
    }

    private mutating func operand() throws(Failure) -> JSONPathFilter.Operand {
        skipSpaces()
        switch peek {
        case "@":
            index += 1
            return .current(try relativeSteps())
        case "'", "\"":
            return .literal(.string(try quoted()))
        case let char? where char == "-" || (char.isASCII && char.isNumber):
            let start = index
            var text = ""
            while let next = peek, next.isASCII, next.isNumber || "+-.eE".contains(next) {
                text.append(next)
                index += 1
            }
            guard let number = JSONNumber(text: text) else {
                index = start
                throw fail("\(text) is not a number")
            }
            return .literal(.number(number))
        default:
            for (word, value) in [("true", JSONValue.bool(true)), ("false", .bool(false)), ("null", .null)] where take(word) {
                return .literal(value)
            }
            throw fail("expected @, a quoted string, a number, true, false or null")
        }
    }

    /// The steps after `@`: `.name` (letters, digits, `_` and `-`) and `[0]` or `['name']`.
    private mutating func relativeSteps() throws(Failure) -> [JSONPathExpression.Step] {
        var steps: [JSONPathExpression.Step] = []
        while true {
            if peek == "." {
                index += 1
                var name = ""
                while let char = peek, char.isLetter || char.isNumber || char == "_" || char == "-" {
                    name.append(char)
                    index += 1
                }
                guard !name.isEmpty else { throw fail("a '.' must be followed by a member name") }
                steps.append(.key(name))
            } else if peek == "[" {
                steps.append(try bracket(allowingSelectors: false))
            } else {
                return steps
            }
        }
    }

    // MARK: Characters

    private var peek: Character? { index < chars.count ? chars[index] : nil }

    private func peek(_ offset: Int) -> Character? {
        index + offset < chars.count ? chars[index + offset] : nil
    }

    private mutating func skipSpaces() {
        while peek == " " { index += 1 }
    }

    /// Consumes `token` (after spaces) when the text continues with it.
    private mutating func take(_ token: String) -> Bool {
        skipSpaces()
        let tokenChars = Array(token)
        guard index + tokenChars.count <= chars.count, Array(chars[index..<index + tokenChars.count]) == tokenChars else { return false }
        index += tokenChars.count
        return true
    }

    private func fail(_ reason: String) -> Failure {
        Failure(position: index, reason: reason)
    }
}
