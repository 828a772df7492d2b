import ETLArrow
import Foundation

extension ManifestDecoder {
    func transforms(_ node: JSONNode, _ path: JSONPath) -> [ManifestTransform] {
        guard let elements = node.elements else {
            reader.report(path, at: node.location, "expected an array of transforms, got \(reader.describe(node))")
            return []
        }
        var result: [ManifestTransform] = []
        for (index, element) in elements.enumerated() {
            let elementPath = path.appending(index: index)
            guard let members = element.members, members.count == 1, let member = members.first else {
                reader.report(elementPath, at: element.location,
                              "expected an object with exactly one key naming the transform, e.g. "
                                + "{\"rename\": {\"old\": \"new\"}}, got \(describeTransformShape(element))")
                continue
            }
            let stepPath = elementPath.appending(key: member.key)
            guard TransformStep.names.contains(member.key) else {
                let hint = DidYouMean.suggestion(for: member.key, among: TransformStep.names)
                    .map { "did you mean \(DidYouMean.quoted($0))?" }
                    ?? "transforms are \(TransformStep.names.joined(separator: ", "))"
                reader.report(stepPath, at: member.keyLocation, "unknown transform; \(hint)")
                continue
            }
            if let step = transformStep(member.key, member.value, stepPath) {
                result.append(ManifestTransform(step: step, jsonPath: elementPath.description, line: element.location.line))
            }
        }
        return result
    }

    private func describeTransformShape(_ node: JSONNode) -> String {
        guard let members = node.members else { return reader.describe(node) }
        if members.isEmpty { return "an empty object" }
        return "keys " + members.map { DidYouMean.quoted($0.key) }.joined(separator: ", ")
    }

    private func transformStep(_ name: String, _ node: JSONNode, _ path: JSONPath) -> TransformStep? {
        switch name {
        case "select":
            return reader.strings(node, path, nonEmpty: true, what: "column names").map { .select(columns: $0) }
        case "drop":
            return reader.strings(node, path, nonEmpty: true, what: "column names").map { .drop(columns: $0) }
        case "rename":
            // The new names reach the sink as column names.
            for member in node.members ?? [] {
                if let name = member.value.stringValue { checkIdentifier(name, path.appending(key: member.key), at: member.value.location) }
            }
            return stringMap(node, path, what: "new column names").map { pairs in
                .rename(pairs.map { ColumnRename(from: $0.key, to: $0.value) })
            }
        case "cast":
            return casts(node, path).map { .cast($0) }
        case "trim":
            if case .bool(let all) = node.content { return .trim(all ? .allColumns : .columns([])) }
            guard node.elements != nil else {
                reader.report(path, at: node.location, "expected true or an array of column names, got \(reader.describe(node))")
                return nil
            }
            return reader.strings(node, path, nonEmpty: false, what: "column names").map { .trim(.columns($0)) }
        case "null_values":
            return nullValues(node, path).map { .nullValues($0) }
        case "map":
            return valueMaps(node, path).map { .map($0) }
        case "derive":
            for member in node.members ?? [] { checkIdentifier(member.key, path.appending(key: member.key), at: member.keyLocation) }
            guard let pairs = stringMap(node, path, what: "expressions") else { return nil }
            var failed = false
            for member in node.members ?? [] {
                if let text = member.value.stringValue, !checkExpression(text, path.appending(key: member.key), at: member.value.location) { failed = true }
            }
            return failed ? nil : .derive(pairs.map { DerivedColumn(name: $0.key, expression: $0.value) })
        case "filter":
            guard let text = reader.string(node, path), checkExpression(text, path, at: node.location) else { return nil }
            return .filter(expression: text)
        case "explode":
            return reader.string(node, path).map { .explode(column: $0) }
        default:
            return metadata(node, path).map { .metadata($0) }
        }
    }

    /// Reports a syntax error in an expression with its position inside the text; the types are
    /// checked against the batch's columns when they are known (see TransformPlan).
    func checkExpression(_ text: String, _ path: JSONPath, at location: JSONLocation) -> Bool {
        guard let error = ExpressionParser.checkSyntax(text) else { return true }
        // An expression holding a secret's value must not be quoted back.
        let message = reader.describer.isRedacted(location)
            ? "at character \(error.position): the expression does not parse (it holds a secret variable's value, so it is not shown)"
            : error.description
        reader.report(path, at: location, message)
        return false
    }

    /// `{"key": "text", ...}` in order; nil when any value is not a non-empty string.
    private func stringMap(_ node: JSONNode, _ path: JSONPath, what: String) -> [(key: String, value: String)]? {
        guard let members = node.members, !members.isEmpty else {
            reader.report(path, at: node.location, "expected a non-empty object of \(what), got \(reader.describe(node))")
            return nil
        }
        var pairs: [(key: String, value: String)] = []
        var failed = false
        for member in members {
            if let text = reader.string(member.value, path.appending(key: member.key)) {
                pairs.append((member.key, text))
            } else {
                failed = true
            }
        }
        return failed ? nil : pairs
    }

    private func casts(_ node: JSONNode, _ path: JSONPath) -> [ColumnCast]? {
        guard let members = node.members, !members.isEmpty else {
            reader.report(path, at: node.location, "expected a non-empty object of column types, got \(reader.describe(node))")
            return nil
        }
        var result: [ColumnCast] = []
        var failed = false
        for member in members {
            let columnPath = path.appending(key: member.key)
            var typeNode = member.value
            var typePath = columnPath
            var format: String?
            var decimalMark: String?
            var thousandsSeparator: String?
            var spec: ManifestReader.Object?
            if member.value.members != nil {
                guard let object = reader.object(member.value, columnPath, allowed: ["type", "format", "decimal", "thousands", "precision", "scale"], required: ["type"]),
                    let specType = object["type"]
                else {
                    failed = true
                    continue
                }
                spec = object
                typeNode = specType
                typePath = columnPath.appending(key: "type")
                if let formatNode = object["format"] {
                    format = reader.string(formatNode, columnPath.appending(key: "format"))
                    if format == nil { failed = true }
                }
                for key in ["decimal", "thousands"] {
                    guard let markNode = object[key] else { continue }
                    let mark = reader.string(markNode, columnPath.appending(key: key))
                    guard let mark, mark.count == 1 else {
                        if mark != nil { reader.report(columnPath.appending(key: key), at: markNode.location, "expected one character, such as \",\" or \".\"") }
                        failed = true
                        continue
                    }
                    if key == "decimal" { decimalMark = mark } else { thousandsSeparator = mark }
                }
            }
            guard let (type, shorthandDigits) = castType(typeNode, typePath, spec: spec) else {
                failed = true
                continue
            }
            var digits = shorthandDigits
            if type == .decimal, digits == nil {
                guard let spec, let parsed = decimalDigits(spec, columnPath) else {
                    failed = true
                    continue
                }
                digits = parsed
            } else if let spec, let key = ["precision", "scale"].first(where: { spec[$0] != nil }) {
                let message = type == .decimal
                    ? "\"\(typeNode.stringValue ?? "")\" gives the precision and scale already; drop \"\(key)\" or write \"type\": \"decimal\""
                    : "\"precision\" and \"scale\" apply only to \"decimal\" casts"
                reader.report(columnPath.appending(key: key), at: spec[key]?.location, message)
                failed = true
                continue
            }
            if format != nil, !type.acceptsFormat {
                reader.report(columnPath.appending(key: "format"), at: member.value.location,
                              "\"format\" applies only to \"date\" and \"timestamp\" casts")
                failed = true
                continue
            }
            if decimalMark != nil || thousandsSeparator != nil, !type.acceptsNumberMarks {
                reader.report(columnPath, at: member.value.location,
                              "\"decimal\" and \"thousands\" apply only to \"int64\", \"double\" and \"decimal\" casts")
                failed = true
                continue
            }
            if let decimalMark, decimalMark == thousandsSeparator {
                reader.report(columnPath.appending(key: "thousands"), at: member.value.location,
                              "the thousands separator cannot also be the decimal mark \"\(decimalMark)\"")
                failed = true
                continue
            }
            result.append(ColumnCast(column: member.key, type: type, format: format, decimalMark: decimalMark,
                                     thousandsSeparator: thousandsSeparator, digits: digits))
        }
        return failed ? nil : result
    }

    /// The type, and for the shorthand `"decimal(12,2)"` its precision and scale.
    private func castType(_ node: JSONNode, _ path: JSONPath, spec: ManifestReader.Object?) -> (CastType, DecimalDigits?)? {
        let names = CastType.allCases.map(\.rawValue).filter { $0 != "decimal" } + ["decimal(P,S)"]
        if let text = node.stringValue {
            if text == "decimal" {
                guard spec != nil else {
                    // No default scale: guessing how many digits follow the point would round or pad silently.
                    reader.report(path, at: node.location,
                                  "a decimal needs its scale (digits after the point): write \"decimal(12,2)\" (precision 12, scale 2), "
                                    + "or {\"type\": \"decimal\", \"scale\": 2} (precision 38)")
                    return nil
                }
                return (.decimal, nil)
            }
            if text.lowercased().hasPrefix("decimal(") || text.lowercased().hasPrefix("decimal (") {
                guard let digits = decimalShorthand(text, path, at: node.location) else { return nil }
                return (.decimal, digits)
            }
            if let type = CastType(name: text) { return (type, nil) }
        }
        var message = "expected a type name (\(names.joined(separator: ", "))) or {\"type\": ..., \"format\": ...}, "
            + "got \(reader.describe(node))"
        if let text = node.stringValue, !reader.describer.isRedacted(node.location),
            let suggestion = DidYouMean.suggestion(for: text, among: CastType.allCases.map(\.rawValue) + Array(CastType.aliases.keys).sorted()) {
            message += "; did you mean \(DidYouMean.quoted(suggestion == "decimal" ? "decimal(P,S)" : suggestion))?"
        }
        reader.report(path, at: node.location, message)
        return nil
    }

    /// `decimal(P,S)` (spaces allowed around the numbers), within decimal128's limits.
    private func decimalShorthand(_ text: String, _ path: JSONPath, at location: JSONLocation) -> DecimalDigits? {
        let inner = text.drop(while: { $0 != "(" }).dropFirst()
        let parts = inner.hasSuffix(")") ? inner.dropLast().split(separator: ",", omittingEmptySubsequences: false) : []
        let numbers = parts.map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let precision = numbers[0], let scale = numbers[1] else {
            reader.report(path, at: location, "expected \"decimal(P,S)\" with the precision P (digits in all, 1 to 38) and the scale S "
                            + "(digits after the point, 0 to P), such as \"decimal(12,2)\", got \(DidYouMean.quoted(text))")
            return nil
        }
        guard let message = Self.decimalDigitsProblem(precision: precision, scale: scale) else {
            return DecimalDigits(precision: precision, scale: scale)
        }
        reader.report(path, at: location, "\(DidYouMean.quoted(text)): \(message)")
        return nil
    }

    /// `"precision"` (default 38) and `"scale"` (required) of `{"type": "decimal", ...}`.
    private func decimalDigits(_ spec: ManifestReader.Object, _ columnPath: JSONPath) -> DecimalDigits? {
        var precision = DecimalDigits.defaultPrecision
        if let node = spec["precision"] {
            guard let value = reader.integer(node, columnPath.appending(key: "precision"), minimum: 1) else { return nil }
            guard value <= ArrowDecimal.maximumPrecision else {
                reader.report(columnPath.appending(key: "precision"), at: node.location,
                              "a decimal holds at most \(ArrowDecimal.maximumPrecision) digits (Arrow decimal128), got \(value)")
                return nil
            }
            precision = value
        }
        guard let node = spec["scale"] else {
            reader.report(columnPath, at: spec.node.location,
                          "missing required key \"scale\" (digits after the point, 0 to the precision): a decimal cast does not guess it, "
                            + "e.g. {\"type\": \"decimal\", \"precision\": 12, \"scale\": 2}")
            return nil
        }
        guard let scale = reader.integer(node, columnPath.appending(key: "scale"), minimum: 0) else { return nil }
        if let message = Self.decimalDigitsProblem(precision: precision, scale: scale) {
            reader.report(columnPath.appending(key: "scale"), at: node.location, message)
            return nil
        }
        return DecimalDigits(precision: precision, scale: scale)
    }

    /// Why a precision and scale are outside decimal128, or nil.
    static func decimalDigitsProblem(precision: Int, scale: Int) -> String? {
        if !(1...ArrowDecimal.maximumPrecision).contains(precision) {
            return "the precision (digits in all) must be 1 to \(ArrowDecimal.maximumPrecision), got \(precision)"
        }
        if !(0...precision).contains(scale) {
            return "the scale (digits after the point) must be 0 to the precision \(precision), got \(scale)"
        }
        return nil
    }

    private func nullValues(_ node: JSONNode, _ path: JSONPath) -> NullValueRule? {
        if node.elements != nil {
            return reader.strings(node, path, nonEmpty: false, what: "texts", allowEmptyStrings: true).map { .allColumns($0) }
        }
        guard let members = node.members else {
            reader.report(path, at: node.location,
                          "expected an array of texts or an object of column: [texts], got \(reader.describe(node))")
            return nil
        }
        var result: [ColumnNullValues] = []
        var failed = false
        for member in members {
            if let texts = reader.strings(member.value, path.appending(key: member.key), nonEmpty: false, what: "texts", allowEmptyStrings: true) {
                result.append(ColumnNullValues(column: member.key, values: texts))
            } else {
                failed = true
            }
        }
        return failed ? nil : .perColumn(result)
    }

    private func valueMaps(_ node: JSONNode, _ path: JSONPath) -> [ColumnValueMap]? {
        guard let members = node.members, !members.isEmpty else {
            reader.report(path, at: node.location,
                          "expected an object of column: {from: to}, got \(reader.describe(node))")
            return nil
        }
        var result: [ColumnValueMap] = []
        var failed = false
        for member in members {
            let columnPath = path.appending(key: member.key)
            guard var pairs = member.value.members else {
                reader.report(columnPath, at: member.value.location,
                              "expected an object of {from: to} replacements, got \(reader.describe(member.value))")
                failed = true
                continue
            }
            // {"values": {...}, "default": x}: the replacements, and what every other value becomes.
            var defaultValue: JSONValue?
            var pairsPath = columnPath
            if let valuesMember = pairs.first(where: { $0.key == "values" }), valuesMember.value.members != nil,
                pairs.allSatisfy({ $0.key == "values" || $0.key == "default" }) {
                if let defaultMember = pairs.first(where: { $0.key == "default" }) {
                    guard defaultMember.value.value.isScalar else {
                        reader.report(columnPath.appending(key: "default"), at: defaultMember.value.location,
                                      "expected a string, number, boolean or null, got \(reader.describe(defaultMember.value))")
                        failed = true
                        continue
                    }
                    defaultValue = defaultMember.value.value
                }
                pairs = valuesMember.value.members ?? []
                pairsPath = columnPath.appending(key: "values")
            }
            var mappings: [ValueMapping] = []
            for pair in pairs {
                guard pair.value.value.isScalar else {
                    reader.report(pairsPath.appending(key: pair.key), at: pair.value.location,
                                  "expected a string, number, boolean or null, got \(reader.describe(pair.value))")
                    failed = true
                    continue
                }
                mappings.append(ValueMapping(from: pair.key, to: pair.value.value))
            }
            result.append(ColumnValueMap(column: member.key, mappings: mappings, defaultValue: defaultValue))
        }
        return failed ? nil : result
    }

    /// `{"loaded_at": "col", ...}` (kind: column), or `["_loaded_at", ...]`: columns named as
    /// written, each naming its kind (DESIGN.md's form; the leading `_` is optional).
    private func metadata(_ node: JSONNode, _ path: JSONPath) -> [MetadataColumn]? {
        let kinds = MetadataKind.allCases.map(\.rawValue)
        if let elements = node.elements, !elements.isEmpty { return metadataList(elements, path) }
        guard let members = node.members, !members.isEmpty else {
            reader.report(path, at: node.location,
                          "expected an object of kind: column name (kinds: \(kinds.joined(separator: ", "))), "
                            + "or an array of column names such as [\"_loaded_at\", \"_run_id\", \"_source_position\"], "
                            + "got \(reader.describe(node))")
            return nil
        }
        var result: [MetadataColumn] = []
        var failed = false
        for member in members {
            let memberPath = path.appending(key: member.key)
            guard let kind = MetadataKind(rawValue: member.key) else {
                let hint = DidYouMean.suggestion(for: member.key, among: kinds).map { "did you mean \(DidYouMean.quoted($0))?" }
                    ?? "kinds are \(kinds.joined(separator: ", "))"
                reader.report(memberPath, at: member.keyLocation, "unknown metadata kind; \(hint)")
                failed = true
                continue
            }
            if let column = identifier(member.value, memberPath) {
                result.append(MetadataColumn(kind: kind, column: column))
            } else {
                failed = true
            }
        }
        return failed ? nil : result
    }

    /// The array form: each element a column name that is also its kind.
    private func metadataList(_ elements: [JSONNode], _ path: JSONPath) -> [MetadataColumn]? {
        let names = MetadataKind.allCases.map { "_" + $0.rawValue }
        var result: [MetadataColumn] = []
        var elementOfKind: [MetadataKind: Int] = [:]
        var failed = false
        for (index, element) in elements.enumerated() {
            let elementPath = path.appending(index: index)
            guard let column = identifier(element, elementPath) else {
                failed = true
                continue
            }
            guard let kind = MetadataKind(columnName: column) else {
                let hint = DidYouMean.suggestion(for: column, among: names).map { "did you mean \(DidYouMean.quoted($0))?" }
                    ?? "the columns are \(names.joined(separator: ", ")) (the leading \"_\" is optional)"
                reader.report(elementPath, at: element.location, "unknown metadata column \(reader.describe(element)); \(hint)")
                failed = true
                continue
            }
            if let earlier = elementOfKind[kind] {
                reader.report(elementPath, at: element.location,
                              "\(reader.describe(element)) adds \(kind.rawValue) again (element \(earlier) already does); list each kind once")
                failed = true
                continue
            }
            elementOfKind[kind] = index
            result.append(MetadataColumn(kind: kind, column: column))
        }
        return failed ? nil : result
    }
}
