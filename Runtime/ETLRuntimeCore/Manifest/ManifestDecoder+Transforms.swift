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
            if member.value.members != nil {
                guard let spec = reader.object(member.value, columnPath, allowed: ["type", "format", "decimal", "thousands"], required: ["type"]),
                    let specType = spec["type"]
                else {
                    failed = true
                    continue
                }
                typeNode = specType
                typePath = columnPath.appending(key: "type")
                if let formatNode = spec["format"] {
                    format = reader.string(formatNode, columnPath.appending(key: "format"))
                    if format == nil { failed = true }
                }
                for key in ["decimal", "thousands"] {
                    guard let markNode = spec[key] else { continue }
                    let mark = reader.string(markNode, columnPath.appending(key: key))
                    guard let mark, mark.count == 1 else {
                        if mark != nil { reader.report(columnPath.appending(key: key), at: markNode.location, "expected one character, such as \",\" or \".\"") }
                        failed = true
                        continue
                    }
                    if key == "decimal" { decimalMark = mark } else { thousandsSeparator = mark }
                }
            }
            guard let type = castType(typeNode, typePath) else {
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
                              "\"decimal\" and \"thousands\" apply only to \"int64\" and \"double\" casts")
                failed = true
                continue
            }
            if let decimalMark, decimalMark == thousandsSeparator {
                reader.report(columnPath.appending(key: "thousands"), at: member.value.location,
                              "the thousands separator cannot also be the decimal mark \"\(decimalMark)\"")
                failed = true
                continue
            }
            result.append(ColumnCast(column: member.key, type: type, format: format, decimalMark: decimalMark, thousandsSeparator: thousandsSeparator))
        }
        return failed ? nil : result
    }

    private func castType(_ node: JSONNode, _ path: JSONPath) -> CastType? {
        let names = CastType.allCases.map(\.rawValue)
        if let text = node.stringValue, let type = CastType(name: text) { return type }
        if node.stringValue == "decimal" {
            // Arrow's decimal128 ("d:p,s") is outside ABI 1.2's column types, so no sink could receive one.
            reader.report(path, at: node.location,
                          "\"decimal\" is not a column type of ABI 1.2 (it has no Arrow decimal); cast to \"double\" "
                            + "(with \"decimal\": \",\" for decimal commas), or keep \"string\" for exact digits")
            return nil
        }
        var message = "expected a type name (\(names.joined(separator: ", "))) or {\"type\": ..., \"format\": ...}, "
            + "got \(reader.describe(node))"
        if let text = node.stringValue, !reader.describer.isRedacted(node.location),
            let suggestion = DidYouMean.suggestion(for: text, among: names + Array(CastType.aliases.keys).sorted()) {
            message += "; did you mean \(DidYouMean.quoted(suggestion))?"
        }
        reader.report(path, at: node.location, message)
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
