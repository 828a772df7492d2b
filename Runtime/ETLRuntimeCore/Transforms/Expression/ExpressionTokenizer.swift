/// Splits an expression into tokens, counting positions in characters as a user sees them.
enum ExpressionTokenizer {
    static func tokens(_ text: String) throws(ExpressionError) -> [ExpressionToken] {
        let characters = Array(text)
        var tokens: [ExpressionToken] = []
        var index = 0
        while index < characters.count {
            let character = characters[index]
            let position = index + 1
            if character.isWhitespace {
                index += 1
            } else if character == "'" {
                var value = ""
                index += 1
                while true {
                    guard index < characters.count else { throw ExpressionError(at: position, "unterminated text literal; close it with '") }
                    if characters[index] == "'" {
                        if index + 1 < characters.count, characters[index + 1] == "'" {
                            value.append("'")
                            index += 2
                            continue
                        }
                        index += 1
                        break
                    }
                    value.append(characters[index])
                    index += 1
                }
                tokens.append(ExpressionToken(kind: .string(value), position: position))
            } else if character == "\"" {
                var name = ""
                index += 1
                while index < characters.count, characters[index] != "\"" {
                    name.append(characters[index])
                    index += 1
                }
                guard index < characters.count else { throw ExpressionError(at: position, "unterminated quoted column name; close it with \"") }
                index += 1
                guard !name.isEmpty else { throw ExpressionError(at: position, "empty quoted column name") }
                tokens.append(ExpressionToken(kind: .identifier(name), position: position))
            } else if character.isNumber, character.isASCII {
                let start = index
                while index < characters.count, characters[index].isASCII, characters[index].isNumber { index += 1 }
                var isDouble = false
                if index + 1 < characters.count, characters[index] == ".", characters[index + 1].isASCII, characters[index + 1].isNumber {
                    isDouble = true
                    index += 1
                    while index < characters.count, characters[index].isASCII, characters[index].isNumber { index += 1 }
                }
                let literal = String(characters[start..<index])
                if isDouble {
                    tokens.append(ExpressionToken(kind: .double(Double(literal)!), position: position))
                } else if let value = Int64(literal) {
                    tokens.append(ExpressionToken(kind: .integer(value), position: position))
                } else {
                    throw ExpressionError(at: position, "the integer \(literal) does not fit in 64 bits")
                }
            } else if character.isLetter || character == "_" {
                let start = index
                while index < characters.count, characters[index].isLetter || characters[index].isNumber || characters[index] == "_" { index += 1 }
                let word = String(characters[start..<index])
                let lowered = word.lowercased()
                let kind: ExpressionToken.Kind = ExpressionToken.keywords.contains(lowered) ? .keyword(lowered) : .identifier(word)
                tokens.append(ExpressionToken(kind: kind, position: position))
            } else {
                let next = index + 1 < characters.count ? String(characters[index...index + 1]) : ""
                if ["==", "!=", "<>", "<=", ">=", "||"].contains(next) {
                    tokens.append(ExpressionToken(kind: .symbol(next), position: position))
                    index += 2
                } else if "+-*/%=<>(),".contains(character) {
                    tokens.append(ExpressionToken(kind: .symbol(String(character)), position: position))
                    index += 1
                } else {
                    throw ExpressionError(at: position, "unexpected character \"\(character)\"")
                }
            }
        }
        tokens.append(ExpressionToken(kind: .end, position: characters.count + 1))
        return tokens
    }
}
