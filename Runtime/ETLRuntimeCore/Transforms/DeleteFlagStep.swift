import ETLArrow

/// `delete_when`, run after the entry's transforms on the columns they hand on. For a merge or
/// scd2 load it appends the bool column `_etl_delete` (true where the expression is true; false
/// where it is false or null, since a null test is not a delete), which the sink reads through
/// the load option `delete_column` and never stores. A load that replaces the target (a full
/// refresh of an incremental merge entry) has no key to delete from: the matching rows are left
/// out instead, as a filter would, so the new table holds the rows that are not deleted.
/// A row the expression fails on leaves as a reject, as with `filter`.
package enum DeleteFlagStep {
    /// How the rows the rule matches reach the sink.
    package enum Handling: Sendable, Equatable {
        /// Flagged in the last column `_etl_delete` (merge, scd2).
        case flag
        /// Not sent at all (replace).
        case leaveOut

        /// What a load of `mode` needs.
        package init(for mode: WriteMode) {
            self = mode == .merge || mode == .scd2 ? .flag : .leaveOut
        }
    }

    /// Checks `rule` against `schema` (the columns after the transforms) and returns its step;
    /// with `.flag`, `schema` gains the flag column at its end.
    static func compile(_ rule: DeleteRule, handling: Handling, schema: inout ArrowSchemaDescription) throws(TransformError) -> CompiledStep {
        if handling == .flag, schema.fields.contains(where: { $0.name == DeleteRule.flagColumn }) {
            throw TransformError(rule.jsonPath, "the columns already include \"\(DeleteRule.flagColumn)\", the name under which the delete flag travels to the sink; rename or drop that column in the transforms")
        }
        let compiled: CompiledExpression
        do {
            compiled = try ExpressionCompiler.compile(rule.expression, schema: schema, expecting: .bool)
        } catch {
            throw TransformError(rule.jsonPath, "\(error.description) (delete_when reads the columns after the transforms)")
        }
        let path = rule.jsonPath
        switch handling {
        case .flag:
            schema.fields.append(ArrowField(name: DeleteRule.flagColumn, type: .bool))
            return CompiledStep { table, step in
                let context = ExpressionContext(table: table, now: step.startedMicros)
                let tests = compiled.evaluate(context)
                table.columns.append(TransformColumn(name: DeleteRule.flagColumn, type: .bool, values: tests.map { .bool($0 == .bool(true)) }))
                return .failures(context.rowFailures.mapValues { "\(path): \($0)" })
            }
        case .leaveOut:
            return CompiledStep { table, step in
                let context = ExpressionContext(table: table, now: step.startedMicros)
                let tests = compiled.evaluate(context)
                return .keep(tests.map { $0 != .bool(true) }, failures: context.rowFailures.mapValues { "\(path): \($0)" })
            }
        }
    }
}
