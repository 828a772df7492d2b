/// A Pratt parser for the expression language (Transforms/README in Runtime docs: README.md,
/// "Expressions"). Precedence, loosest first: or; and; not; comparisons, is, in; ||; + -; * / %; unary minus.
package struct ExpressionParser {
    private var tokens: [ExpressionToken]
    private var index = 0

    /// Parses `text` completely; the error names the character where it went wrong.
    static func parse(_ text: String) throws(ExpressionError) -> ExpressionNode {
        var parser = ExpressionParser(tokens: try ExpressionTokenizer.tokens(text))
        guard case .end = parser.tokens.first!.kind else {
            let node = try parser.expression(0)
            let next = parser.peek
            guard case .end = next.kind else {
                throw ExpressionError(at: next.position, "expected an operator or the end of the expression, got \(next.shown)")
            }
            return node
        }
        throw ExpressionError(at: 1, "the expression is empty")
    }

    /// Checks the syntax only (no columns or types): what `validate` can do without the source's schema.
    package static func checkSyntax(_ text: String) -> ExpressionError? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error
        }
    }

    private init(tokens: [ExpressionToken]) { self.tokens = tokens }

    private var peek: ExpressionToken { tokens[index] }

    private mutating func advance() -> ExpressionToken {
        defer { if index < tokens.count - 1 { index += 1 } }
        return tokens[index]
    }

    private mutating func expect(_ symbol: String, _ context: String) throws(ExpressionError) {
        let token = advance()
        guard token.kind == .symbol(symbol) || token.kind == .keyword(symbol) else {
            throw ExpressionError(at: token.position, "expected \(symbol.count == 1 ? "\"\(symbol)\"" : symbol) \(context), got \(token.shown)")
        }
    }

    /// The binding power of an infix operator at the current token, or nil when none follows.
    private var infixPower: (operator: String, power: Int)? {
        switch peek.kind {
        case .keyword("or"): return ("or", 1)
        case .keyword("and"): return ("and", 2)
        case .keyword("is"), .keyword("in"): return (peek.kind == .keyword("is") ? "is" : "in", 4)
        case .keyword("not"):
            // `x not in (...)`
            if index + 1 < tokens.count, tokens[index + 1].kind == .keyword("in") { return ("not in", 4) }
            return nil
        case .symbol(let symbol):
            switch symbol {
            case "=", "==", "!=", "<>", "<", "<=", ">", ">=": return (symbol, 4)
            case "||": return ("||", 5)
            case "+", "-": return (symbol, 6)
            case "*", "/", "%": return (symbol, 7)
            default: return nil
            }
        default: return nil
        }
    }

    private mutating func expression(_ minimumPower: Int) throws(ExpressionError) -> ExpressionNode {
        var left = try prefix()
        while let (op, power) = infixPower, power > minimumPower {
            let token = advance()
            switch op {
            case "is":
                var negated = false
                if peek.kind == .keyword("not") {
                    _ = advance()
                    negated = true
                }
                try expect("null", "after \"is\"")
                left = .isNull(left, negated: negated, position: token.position)
            case "in", "not in":
                if op == "not in" { _ = advance() }
                try expect("(", "after in")
                var list: [ExpressionNode] = []
                repeat {
                    list.append(try expression(0))
                } while consume(",")
                try expect(")", "to close the in list")
                left = .isIn(left, list, negated: op == "not in", position: token.position)
            default:
                let right = try expression(power)
                left = .binary(op == "==" ? "=" : (op == "<>" ? "!=" : op), left, right, position: token.position)
            }
        }
        return left
    }

    private mutating func consume(_ symbol: String) -> Bool {
        guard peek.kind == .symbol(symbol) else { return false }
        _ = advance()
        return true
    }

    private mutating func prefix() throws(ExpressionError) -> ExpressionNode {
        let token = advance()
        switch token.kind {
        case .integer(let value): return .literal(.int(value), position: token.position)
        case .double(let value): return .literal(.double(value), position: token.position)
        case .string(let text): return .literal(.text(text), position: token.position)
        case .keyword("true"): return .literal(.bool(true), position: token.position)
        case .keyword("false"): return .literal(.bool(false), position: token.position)
        case .keyword("null"): return .literal(.null, position: token.position)
        case .keyword("not"): return .unary("not", try expression(3), position: token.position)
        case .symbol("-"): return .unary("-", try expression(8), position: token.position)
        case .symbol("("):
            let inner = try expression(0)
            try expect(")", "to close the parenthesis opened at character \(token.position)")
            return inner
        case .keyword("case"): return try caseWhen(token.position)
        case .identifier(let name):
            guard consume("(") else { return .column(name, position: token.position) }
            var arguments: [ExpressionNode] = []
            if !consume(")") {
                repeat {
                    arguments.append(try expression(0))
                } while consume(",")
                try expect(")", "to close the arguments of \(name)")
            }
            return .call(name.lowercased(), arguments, position: token.position)
        default:
            throw ExpressionError(at: token.position, "expected a column, a literal, a function call or \"(\", got \(token.shown)")
        }
    }

    private mutating func caseWhen(_ position: Int) throws(ExpressionError) -> ExpressionNode {
        var branches: [(ExpressionNode, ExpressionNode)] = []
        while peek.kind == .keyword("when") {
            _ = advance()
            let condition = try expression(0)
            try expect("then", "after the when condition")
            branches.append((condition, try expression(0)))
        }
        guard !branches.isEmpty else {
            throw ExpressionError(at: peek.position, "expected when after case, got \(peek.shown)")
        }
        var otherwise: ExpressionNode?
        if peek.kind == .keyword("else") {
            _ = advance()
            otherwise = try expression(0)
        }
        try expect("end", "to close the case opened at character \(position)")
        return .caseWhen(branches, otherwise: otherwise, position: position)
    }
}
