import ETLArrow
import Foundation

/// The functions of the expression language: their argument checks (at compile time, with the
/// position of the offending argument) and their column-at-a-time evaluation.
enum ExpressionFunctions {
    /// Name → allowed argument counts, for "unknown function" and arity messages.
    static let arities: [String: ClosedRange<Int>] = [
        "coalesce": 1...64, "concat": 1...64, "lower": 1...1, "upper": 1...1, "trim": 1...1, "length": 1...1,
        "substr": 2...3, "replace": 3...3, "regexp_extract": 2...3, "round": 1...2, "abs": 1...1,
        "year": 1...1, "month": 1...1, "day": 1...1, "hour": 1...1, "minute": 1...1, "second": 1...1,
        "date_trunc": 2...2, "now": 0...0, "hash": 1...64, "json_get": 2...2,
    ]

    static func call(_ name: String, _ args: [CompiledExpression], arguments nodes: [ExpressionNode], position: Int) throws(ExpressionError) -> CompiledExpression {
        guard let arity = arities[name] else {
            var message = "unknown function \(name)()"
            if let suggestion = DidYouMean.suggestion(for: name, among: Array(arities.keys).sorted()) { message += " (did you mean \(suggestion)()?)" }
            throw ExpressionError(at: position, message)
        }
        guard arity.contains(args.count) else {
            let expected = arity.lowerBound == arity.upperBound ? "\(arity.lowerBound)" : "\(arity.lowerBound) to \(arity.upperBound)"
            throw ExpressionError(at: position, "\(name)() takes \(expected) argument\(arity.upperBound == 1 ? "" : "s"), got \(args.count)")
        }
        func require(_ index: Int, _ accepted: (ArrowColumnType) -> Bool, _ what: String) throws(ExpressionError) {
            guard accepted(args[index].type) || args[index].type == .null else {
                throw ExpressionError(at: nodes[index].position, "\(name)() needs \(what) as argument \(index + 1), got \(args[index].type.expressionName)")
            }
        }
        func constantText(_ index: Int, _ what: String) throws(ExpressionError) -> String {
            guard case .text(let text)? = args[index].constant else {
                throw ExpressionError(at: nodes[index].position, "\(name)() needs \(what) as a quoted literal ('...') in argument \(index + 1)")
            }
            return text
        }
        let isText: (ArrowColumnType) -> Bool = { $0 == .utf8 }
        switch name {
        case "coalesce":
            var type = ArrowColumnType.null
            for (index, arg) in args.enumerated() { type = try ExpressionTypes.unify(type, arg.type, at: nodes[index].position, in: "coalesce()") }
            let resultType = type
            return CompiledExpression(type: resultType) { context in
                var output = Array(repeating: TransformValue.null, count: context.table.rowCount)
                for arg in args {
                    let values = ExpressionTypes.convert(arg.evaluate(context), to: resultType)
                    for row in output.indices where output[row].isNull { output[row] = values[row] }
                }
                return output
            }
        case "concat":
            return concatenation(args)
        case "lower", "upper", "trim":
            try require(0, isText, "text")
            let transform: (String) -> String = name == "lower" ? { $0.lowercased() } : name == "upper" ? { $0.uppercased() } : { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            return mapText(args[0], to: .utf8) { .text(transform($0)) }
        case "length":
            try require(0, isText, "text")
            return mapText(args[0], to: .int64) { .int(Int64($0.count)) }
        case "substr":
            try require(0, isText, "text")
            try require(1, { $0 == .int64 }, "an int64 start (1 is the first character)")
            if args.count == 3 { try require(2, { $0 == .int64 }, "an int64 length") }
            return CompiledExpression(type: .utf8) { context in
                let texts = args[0].evaluate(context), starts = args[1].evaluate(context)
                let lengths = args.count == 3 ? args[2].evaluate(context) : nil
                return texts.indices.map { row in
                    guard case .text(let text) = texts[row], case .int(let start) = starts[row] else { return .null }
                    var length = Int64.max
                    if let lengths { guard case .int(let value) = lengths[row] else { return .null }; length = max(0, value) }
                    let characters = Array(text)
                    let from = Int(max(1, start) - 1)
                    guard from < characters.count else { return .text("") }
                    let to = length == .max ? characters.count : min(characters.count, from + Int(min(length, Int64(characters.count))))
                    return .text(String(characters[from..<to]))
                }
            }
        case "replace":
            for index in 0..<3 { try require(index, isText, "text") }
            return CompiledExpression(type: .utf8) { context in
                let texts = args[0].evaluate(context), froms = args[1].evaluate(context), tos = args[2].evaluate(context)
                return texts.indices.map { row in
                    guard case .text(let text) = texts[row], case .text(let from) = froms[row], case .text(let to) = tos[row] else { return .null }
                    return from.isEmpty ? .text(text) : .text(text.replacingOccurrences(of: from, with: to))
                }
            }
        case "regexp_extract":
            try require(0, isText, "text")
            let pattern = try constantText(1, "a regular expression")
            let regex: NSRegularExpression
            do {
                regex = try NSRegularExpression(pattern: pattern)
            } catch {
                throw ExpressionError(at: nodes[1].position, "regexp_extract() cannot compile the pattern '\(pattern)': \(error.localizedDescription)")
            }
            var group = 0
            if args.count == 3 {
                guard case .int(let value)? = args[2].constant, value >= 0, value <= regex.numberOfCaptureGroups else {
                    throw ExpressionError(at: nodes[2].position, "regexp_extract() needs a group number from 0 to \(regex.numberOfCaptureGroups) (the pattern's groups) as argument 3")
                }
                group = Int(value)
            }
            let groupIndex = group
            return mapText(args[0], to: .utf8) { text in
                let range = NSRange(text.startIndex..., in: text)
                guard let match = regex.firstMatch(in: text, range: range), let found = Range(match.range(at: groupIndex), in: text) else { return .null }
                return .text(String(text[found]))
            }
        case "round":
            try require(0, { $0.isNumeric }, "a number")
            if args.count == 2 {
                guard case .int(let digits)? = args[1].constant, (0...15).contains(digits) else {
                    throw ExpressionError(at: nodes[1].position, "round() needs a literal number of decimal places from 0 to 15 as argument 2")
                }
                if case .decimal128(let precision, let scale) = args[0].type {
                    return roundDecimal(args[0], precision: precision, scale: scale, digits: Int(digits))
                }
                let scale = pow(10.0, Double(digits))
                return CompiledExpression(type: .double) { context in
                    args[0].evaluate(context).map { $0.number.map { .double(($0 * scale).rounded(.toNearestOrAwayFromZero) / scale) } ?? .null }
                }
            }
            if args[0].type == .int64 { return args[0] }
            if case .decimal128(let precision, let scale) = args[0].type {
                return roundDecimal(args[0], precision: precision, scale: scale, digits: 0)
            }
            return CompiledExpression(type: .double) { context in
                args[0].evaluate(context).map { $0.number.map { .double($0.rounded(.toNearestOrAwayFromZero)) } ?? .null }
            }
        case "abs":
            try require(0, { $0.isNumeric }, "a number")
            return CompiledExpression(type: args[0].type) { context in
                args[0].evaluate(context).map { value in
                    switch value {
                    case .int(let int): return int == .min ? .double(-Double(int)) : .int(abs(int))
                    case .double(let double): return .double(abs(double))
                    case .decimal(let decimal): return .decimal(decimal.unscaled < 0 ? DecimalArithmetic.negated(decimal) : decimal)
                    default: return .null
                    }
                }
            }
        case "year", "month", "day", "hour", "minute", "second":
            try require(0, { $0.isTime }, "a date or timestamp")
            let part = name
            return CompiledExpression(type: .int64) { context in
                args[0].evaluate(context).map { value in
                    guard let micros = ExpressionTypes.micros(value) else { return .null }
                    return .int(ExpressionDates.part(part, of: micros))
                }
            }
        case "date_trunc":
            let unit = try constantText(0, "a unit ('year', 'month', 'day', 'hour' or 'minute')").lowercased()
            guard ExpressionDates.truncationUnits.contains(unit) else {
                throw ExpressionError(at: nodes[0].position, "date_trunc() unit must be 'year', 'month', 'day', 'hour' or 'minute', got '\(unit)'")
            }
            try require(1, { $0.isTime }, "a date or timestamp")
            let type = args[1].type == .date32 ? ArrowColumnType.date32 : .timestampMicrosecondsUTC
            if type == .date32, unit == "hour" || unit == "minute" {
                throw ExpressionError(at: nodes[0].position, "date_trunc('\(unit)', ...) needs a timestamp; the argument is a date")
            }
            return CompiledExpression(type: type) { context in
                args[1].evaluate(context).map { value in
                    guard let micros = ExpressionTypes.micros(value) else { return .null }
                    let truncated = ExpressionDates.truncate(micros, to: unit)
                    return type == .date32 ? .date(Int32(truncated / ArrowCivilTime.microsecondsPerDay)) : .timestamp(truncated)
                }
            }
        case "now":
            return CompiledExpression(type: .timestampMicrosecondsUTC) { context in Array(repeating: .timestamp(context.now), count: context.table.rowCount) }
        case "hash":
            return CompiledExpression(type: .utf8) { context in
                let columns = args.map { $0.evaluate(context) }
                return (0..<context.table.rowCount).map { row in .text(StableHash.hex(columns.map { $0[row].text })) }
            }
        default: // json_get
            try require(0, isText, "JSON text")
            let pathText = try constantText(1, "a JSON path such as '$.customer.id'")
            let path: [JSONPathStep]
            do {
                path = try JSONPathStep.parse(pathText)
            } catch {
                throw ExpressionError(at: nodes[1].position + 1 + error.position, "json_get() path: \(error.message)")
            }
            let argumentPosition = position
            return CompiledExpression(type: .utf8) { context in
                let texts = args[0].evaluate(context)
                return texts.indices.map { row in
                    guard case .text(let text) = texts[row] else { return .null }
                    guard let document = try? JSONValue(parsingFast: Array(text.utf8)) else {
                        context.fail(row: row, "at character \(argumentPosition): json_get() found text that is not JSON: \(text.prefix(60))")
                        return .null
                    }
                    return JSONPathStep.lookup(path, in: document)
                }
            }
        }
    }

    /// `||` and concat(): every argument as text; a null argument is skipped (as in PostgreSQL's concat).
    static func concatenation(_ args: [CompiledExpression]) -> CompiledExpression {
        CompiledExpression(type: .utf8) { context in
            let columns = args.map { $0.evaluate(context) }
            return (0..<context.table.rowCount).map { row in
                .text(columns.reduce(into: "") { text, column in text += column[row].text ?? "" })
            }
        }
    }

    /// round() of a decimal stays an exact decimal: half away from zero, as for doubles.
    private static func roundDecimal(_ arg: CompiledExpression, precision: Int, scale: Int, digits: Int) -> CompiledExpression {
        CompiledExpression(type: DecimalArithmetic.roundedType(precision: precision, scale: scale, digits: digits)) { context in
            arg.evaluate(context).map { value in
                guard case .decimal(let decimal) = value else { return .null }
                return .decimal(DecimalArithmetic.rounded(decimal, digits: digits))
            }
        }
    }

    private static func mapText(_ arg: CompiledExpression, to type: ArrowColumnType, _ transform: @escaping (String) -> TransformValue) -> CompiledExpression {
        CompiledExpression(type: type) { context in
            arg.evaluate(context).map { if case .text(let text) = $0 { return transform(text) } else { return .null } }
        }
    }
}
