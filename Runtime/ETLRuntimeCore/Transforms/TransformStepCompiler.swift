import ETLArrow

/// Checks one transform against the columns it receives and returns the columns it hands on
/// with the code that does it. Every mistake names the transform's JSON path and what to change.
struct TransformStepCompiler {
    /// The columns before this step.
    var schema: ArrowSchemaDescription
    let transform: ManifestTransform

    private var stepPath: String { "\(transform.jsonPath).\(transform.step.name)" }

    private func fail(_ suffix: String?, _ message: String) -> TransformError {
        TransformError(suffix.map { $0.hasPrefix("[") ? stepPath + $0 : "\(stepPath).\($0)" } ?? stepPath, message)
    }

    private func index(of column: String, _ suffix: String?) throws(TransformError) -> Int {
        if let index = schema.fields.firstIndex(where: { $0.name == column }) { return index }
        let names = schema.fields.map(\.name)
        var message = "unknown column \"\(column)\""
        if column == DeleteRule.flagColumn {
            // The flag delete_when computes is no column while transforms run (TransformTable.deleteFlags).
            message += ": the delete flag of delete_when travels hidden, and reaches the sink as the last column without being selected; transforms cannot name it"
        } else if let suggestion = DidYouMean.suggestion(for: column, among: names) {
            message += " (did you mean \"\(suggestion)\"?)"
        } else {
            message += "; the columns here are \(names.map { "\"\($0)\"" }.joined(separator: ", "))"
        }
        throw fail(suffix, message)
    }

    private func requireText(_ index: Int, _ suffix: String?) throws(TransformError) {
        let field = schema.fields[index]
        guard field.type == .utf8 else {
            throw fail(suffix, "\(transform.step.name) works on text, but \"\(field.name)\" is \(field.type.expressionName); place it before the cast that changed the column")
        }
    }

    /// The step's code; `schema` becomes the columns after it.
    mutating func compile() throws(TransformError) -> CompiledStep {
        switch transform.step {
        case .select(let columns):
            var indices: [Int] = []
            for (position, column) in columns.enumerated() { indices.append(try index(of: column, "[\(position)]")) }
            schema = ArrowSchemaDescription(fields: indices.map { schema.fields[$0] })
            return CompiledStep { table, _ in
                table.columns = indices.map { table.columns[$0] }
                return .failures([:])
            }
        case .drop(let columns):
            var dropped = Set<Int>()
            for (position, column) in columns.enumerated() { dropped.insert(try index(of: column, "[\(position)]")) }
            let kept = schema.fields.indices.filter { !dropped.contains($0) }
            schema = ArrowSchemaDescription(fields: kept.map { schema.fields[$0] })
            return CompiledStep { table, _ in
                table.columns = kept.map { table.columns[$0] }
                return .failures([:])
            }
        case .rename(let renames):
            var fields = schema.fields
            for rename in renames { fields[try index(of: rename.from, rename.from)].name = rename.to }
            try checkUnique(fields)
            schema = ArrowSchemaDescription(fields: fields)
            let names = fields.map(\.name)
            return CompiledStep { table, _ in
                for index in table.columns.indices { table.columns[index].name = names[index] }
                return .failures([:])
            }
        case .cast(let casts):
            var conversions: [(Int, CastConversion)] = []
            for cast in casts {
                let column = try index(of: cast.column, cast.column)
                do {
                    conversions.append((column, try CastConversion(from: schema.fields[column].type, cast: cast)))
                } catch {
                    throw fail(cast.column, error.message)
                }
                schema.fields[column].type = CastConversion.arrowType(cast)
            }
            return castStep(conversions)
        case .trim(let selection):
            let indices: [Int]
            switch selection {
            case .allColumns: indices = schema.fields.indices.filter { schema.fields[$0].type == .utf8 }
            case .columns(let columns):
                var found: [Int] = []
                for (position, column) in columns.enumerated() {
                    let index = try index(of: column, "[\(position)]")
                    try requireText(index, "[\(position)]")
                    found.append(index)
                }
                indices = found
            }
            return CompiledStep { table, _ in
                for index in indices {
                    table.columns[index].values = table.columns[index].values.map {
                        if case .text(let text) = $0 { return .text(text.trimmingCharacters(in: .whitespacesAndNewlines)) } else { return $0 }
                    }
                }
                return .failures([:])
            }
        case .nullValues(let rule):
            var targets: [(Int, Set<String>)] = []
            switch rule {
            case .allColumns(let texts):
                targets = schema.fields.indices.filter { schema.fields[$0].type == .utf8 }.map { ($0, Set(texts)) }
            case .perColumn(let columns):
                for column in columns {
                    let index = try index(of: column.column, column.column)
                    try requireText(index, column.column)
                    targets.append((index, Set(column.values)))
                }
            }
            return CompiledStep { table, _ in
                for (index, texts) in targets {
                    table.columns[index].values = table.columns[index].values.map {
                        if case .text(let text) = $0, texts.contains(text) { return .null } else { return $0 }
                    }
                }
                return .failures([:])
            }
        case .map(let maps):
            return try mapStep(maps)
        case .derive(let columns):
            var expressions: [(Int?, CompiledExpression, String)] = []
            for derived in columns {
                let compiled: CompiledExpression
                do {
                    compiled = try ExpressionCompiler.compile(derived.expression, schema: schema)
                } catch {
                    throw fail(derived.name, error.description)
                }
                // An expression of only `null` has no type of its own: it becomes a text column of nulls.
                let type = compiled.type == .null ? ArrowColumnType.utf8 : compiled.type
                let existing = schema.fields.firstIndex { $0.name == derived.name }
                if let existing {
                    // New values: whatever the old column's values were (JSON text, say) no longer holds.
                    schema.fields[existing] = ArrowField(name: derived.name, type: type)
                } else {
                    schema.fields.append(ArrowField(name: derived.name, type: type))
                }
                expressions.append((existing, compiled, derived.name))
            }
            let outputSchema = schema
            let path = stepPath
            return CompiledStep { table, step in
                var failures: [Int: String] = [:]
                for (existing, compiled, name) in expressions {
                    let context = ExpressionContext(table: table, now: step.startedMicros)
                    let values = ExpressionTypes.convert(compiled.evaluate(context), to: outputSchema.fields[existing ?? table.columns.count].type)
                    for (row, reason) in context.rowFailures where failures[row] == nil { failures[row] = "\(path).\(name): \(reason)" }
                    let column = TransformColumn(name: name, type: outputSchema.fields[existing ?? table.columns.count].type, values: values)
                    if let existing { table.columns[existing] = column } else { table.columns.append(column) }
                }
                return .failures(failures)
            }
        case .filter(let expression):
            let compiled: CompiledExpression
            do {
                compiled = try ExpressionCompiler.compile(expression, schema: schema, expecting: .bool)
            } catch {
                throw fail(nil, error.description)
            }
            let path = stepPath
            return CompiledStep { table, step in
                let context = ExpressionContext(table: table, now: step.startedMicros)
                let tests = compiled.evaluate(context)
                return .keep(tests.map { $0 == .bool(true) }, failures: context.rowFailures.mapValues { "\(path): \($0)" })
            }
        case .explode(let column):
            let index = try index(of: column, nil)
            try requireText(index, nil)
            return ExplodeStep.compile(column: index, path: stepPath)
        case .metadata(let columns):
            for column in columns {
                let type: ArrowColumnType = column.kind == .loadedAt ? .timestampMicrosecondsUTC : .utf8
                guard !schema.fields.contains(where: { $0.name == column.column }) else {
                    throw fail(column.kind.rawValue, "the batch already has a column \"\(column.column)\"; choose another name")
                }
                schema.fields.append(ArrowField(name: column.column, type: type))
            }
            return CompiledStep { table, step in
                for column in columns {
                    switch column.kind {
                    case .loadedAt, .runID:
                        let value: TransformValue = column.kind == .loadedAt ? .timestamp(step.startedMicros) : .text(step.runID)
                        table.columns.append(TransformColumn(
                            name: column.column, type: column.kind == .loadedAt ? .timestampMicrosecondsUTC : .utf8,
                            values: Array(repeating: value, count: table.rowCount)))
                    case .sourcePosition:
                        // The read asked for positions whenever a step uses them (ReadRequest.forEntry),
                        // and the host refused a stream without them (SourceReadStream.schema).
                        table.columns.append(step.positionColumn(named: column.column)
                            ?? TransformColumn(name: column.column, type: .utf8, values: Array(repeating: .null, count: table.rowCount)))
                    }
                }
                return .failures([:])
            }
        }
    }

    private func checkUnique(_ fields: [ArrowField]) throws(TransformError) {
        var seen = Set<String>()
        for field in fields where !seen.insert(field.name).inserted {
            throw fail(nil, "two columns would be named \"\(field.name)\"; rename or drop one of them")
        }
    }

    private func castStep(_ conversions: [(Int, CastConversion)]) -> CompiledStep {
        let path = stepPath
        return CompiledStep { table, _ in
            var failures: [Int: String] = [:]
            for (index, conversion) in conversions {
                let type = CastConversion.arrowType(conversion.cast)
                var output: [TransformValue] = []
                output.reserveCapacity(table.rowCount)
                for (row, value) in table.columns[index].values.enumerated() {
                    switch conversion.convert(value) {
                    case .success(let converted): output.append(converted)
                    case .failure(let failure):
                        output.append(.null)
                        if failures[row] == nil {
                            failures[row] = "\(path).\(conversion.cast.column): cannot convert \(Self.quoted(value)) to \(conversion.cast.typeName): \(failure.reason)"
                        }
                    }
                }
                table.columns[index].values = output
                table.columns[index].type = type
            }
            return .failures(failures)
        }
    }

    private mutating func mapStep(_ maps: [ColumnValueMap]) throws(TransformError) -> CompiledStep {
        var plans: [(Int, [String: TransformValue], TransformValue?, ArrowColumnType)] = []
        for map in maps {
            let column = try index(of: map.column, map.column)
            let replacements = map.mappings.map(\.to) + (map.defaultValue.map { [$0] } ?? [])
            var type = ArrowColumnType.null
            for replacement in replacements {
                do {
                    type = try ExpressionTypes.unify(type, ExpressionTypes.type(of: Self.value(replacement)), at: 1, in: "the replacements")
                } catch {
                    throw fail(map.column, "\(error.message) (all replacements of a column need one type: all texts, all numbers or all booleans)")
                }
            }
            if type == .null { type = schema.fields[column].type }
            // Values left as they are must already be of the replacements' type.
            if map.defaultValue == nil, type != schema.fields[column].type,
                !(type == .double && schema.fields[column].type == .int64) {
                throw fail(map.column, "the replacements are \(type.expressionName) but \"\(map.column)\" is \(schema.fields[column].type.expressionName), so values not listed could not stay as they are; add \"default\" ({\"values\": {...}, \"default\": ...}) or cast the column first")
            }
            var table: [String: TransformValue] = [:]
            for mapping in map.mappings { table[mapping.from] = Self.value(mapping.to) }
            schema.fields[column].type = type
            plans.append((column, table, map.defaultValue.map(Self.value), type))
        }
        return CompiledStep { table, _ in
            for (index, replacements, fallback, type) in plans {
                let values = table.columns[index].values.map { value -> TransformValue in
                    if let text = value.text, let replacement = replacements[text] { return replacement }
                    return fallback ?? value
                }
                table.columns[index].values = ExpressionTypes.convert(values, to: type)
                table.columns[index].type = type
            }
            return .failures([:])
        }
    }

    static func value(_ json: JSONValue) -> TransformValue {
        switch json {
        case .string(let text): return .text(text)
        case .bool(let bool): return .bool(bool)
        case .number(let number):
            if let int = number.int64Value { return .int(int) }
            return .double(Double(number.description) ?? .nan)
        default: return .null
        }
    }

    static func quoted(_ value: TransformValue) -> String {
        guard let text = value.text else { return "null" }
        return "\"\(text.count > 80 ? String(text.prefix(80)) + "…" : text)\""
    }
}
