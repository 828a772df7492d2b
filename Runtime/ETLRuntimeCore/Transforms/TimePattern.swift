import ETLArrow

/// strftime-style input formats for `cast`: `%Y %m %d %H %M %S %f %y %%`, every other
/// character matched literally. Reading is strict: the whole text must match.
enum TimePattern {
    enum Piece: Equatable {
        case literal(Character)
        /// A directive letter: Y, y, m, d, H, M, S, f.
        case field(Character)
    }

    static let directives: Set<Character> = ["Y", "y", "m", "d", "H", "M", "S", "f"]

    static func parse(_ format: String) throws(ExpressionError) -> [Piece] {
        var pieces: [Piece] = []
        var characters = Array(format).makeIterator()
        var position = 0
        while let character = characters.next() {
            position += 1
            guard character == "%" else {
                pieces.append(.literal(character))
                continue
            }
            guard let directive = characters.next() else { throw ExpressionError(at: position, "the format ends with a lone %") }
            position += 1
            if directive == "%" {
                pieces.append(.literal("%"))
            } else if directives.contains(directive) {
                pieces.append(.field(directive))
            } else {
                throw ExpressionError(at: position - 1, "unknown format directive %\(directive); directives are %Y %y %m %d %H %M %S %f %%")
            }
        }
        guard pieces.contains(.field("Y")) || pieces.contains(.field("y")) else {
            throw ExpressionError(at: 1, "the format \"\(format)\" has no year (%Y or %y)")
        }
        return pieces
    }

    /// Microseconds since the epoch, or nil when `text` does not match or names no real date.
    static func read(_ text: String, _ pieces: [Piece]) -> Int64? {
        let bytes = Array(text.utf8)
        var index = 0
        var year: Int64 = 1970, month: Int64 = 1, day: Int64 = 1, hour: Int64 = 0, minute: Int64 = 0, second: Int64 = 0, micros: Int64 = 0
        func digits(max: Int) -> (value: Int64, count: Int)? {
            var value: Int64 = 0
            var count = 0
            while count < max, index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                value = value * 10 + Int64(bytes[index] - 0x30)
                index += 1
                count += 1
            }
            return count == 0 ? nil : (value, count)
        }
        for piece in pieces {
            switch piece {
            case .literal(let character):
                for byte in String(character).utf8 {
                    guard index < bytes.count, bytes[index] == byte else { return nil }
                    index += 1
                }
            case .field(let letter):
                switch letter {
                case "Y": guard let (value, count) = digits(max: 4), count == 4 else { return nil }; year = value
                case "y": guard let (value, count) = digits(max: 2), count == 2 else { return nil }; year = value < 69 ? 2000 + value : 1900 + value
                case "m": guard let (value, _) = digits(max: 2) else { return nil }; month = value
                case "d": guard let (value, _) = digits(max: 2) else { return nil }; day = value
                case "H": guard let (value, _) = digits(max: 2), value < 24 else { return nil }; hour = value
                case "M": guard let (value, _) = digits(max: 2), value < 60 else { return nil }; minute = value
                case "S": guard let (value, _) = digits(max: 2), value < 60 else { return nil }; second = value
                default:
                    guard let (value, count) = digits(max: 6) else { return nil }
                    var scaled = value
                    for _ in count..<6 { scaled *= 10 }
                    micros = scaled
                }
            }
        }
        guard index == bytes.count, ArrowCivilTime.isValidDate(year: year, month: month, day: day) else { return nil }
        let days = ArrowCivilTime.daysFromCivil(year: year, month: month, day: day)
        return days * ArrowCivilTime.microsecondsPerDay + ((hour * 60 + minute) * 60 + second) * ArrowCivilTime.microsecondsPerSecond + micros
    }
}
