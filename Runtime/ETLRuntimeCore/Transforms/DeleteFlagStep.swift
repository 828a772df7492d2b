import ETLArrow

/// `delete_when`, run first, on the columns as the source sends them, so it can read a column
/// (`_op`) the transforms then drop. For a merge or scd2 load it sets each row's delete flag
/// (true where the expression is true; false where it is false or null, since a null test is
/// not a delete), which travels with the row through the transforms (TransformTable.deleteFlags)
/// and reaches the sink as the last column `_etl_delete`, named by the load option
/// `delete_column` and never stored. A load that replaces the target (a full refresh of an
/// incremental merge entry) has no key to delete from: the matching rows are left out instead,
/// as a filter would, so the new table holds the rows that are not deleted.
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

    /// Checks `rule` against `schema` (the source's columns) and returns its step.
    static func compile(_ rule: DeleteRule, handling: Handling, schema: ArrowSchemaDescription) throws(TransformError) -> CompiledStep {
        let compiled: CompiledExpression
        do {
            compiled = try ExpressionCompiler.compile(rule.expression, schema: schema, expecting: .bool)
        } catch {
            throw TransformError(rule.jsonPath, "\(error.description) (delete_when reads the columns as the source sends them, before the transforms)")
        }
        let path = rule.jsonPath
        switch handling {
        case .flag:
            return CompiledStep { table, step in
                let context = ExpressionContext(table: table, now: step.startedMicros)
                table.deleteFlags = compiled.evaluate(context).map { $0 == .bool(true) }
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

    /// The flag as the batch's last column, once the transforms are done (every row has one: the
    /// step ran first, on every row of the batch).
    static func flagColumn(_ table: TransformTable) -> TransformColumn {
        TransformColumn(name: DeleteRule.flagColumn, type: .bool,
                        values: (table.deleteFlags ?? Array(repeating: false, count: table.rowCount)).map(TransformValue.bool))
    }

    /// Whether `step` makes a column of the flag's name (so the sink would get two): only the
    /// steps that name new columns, since a source column `_etl_delete` is refused on its own.
    static func namesFlag(_ step: TransformStep) -> Bool {
        switch step {
        case .rename(let renames): return renames.contains { $0.to == DeleteRule.flagColumn }
        case .derive(let columns): return columns.contains { $0.name == DeleteRule.flagColumn }
        case .metadata(let columns): return columns.contains { $0.column == DeleteRule.flagColumn }
        default: return false
        }
    }

    /// Why a transform may not name a column `_etl_delete` while `delete_when` flags deletes.
    static let reservedMessage = "\"\(DeleteRule.flagColumn)\" is reserved for the delete flag delete_when computes, which travels hidden "
        + "through the transforms and reaches the sink as the last column; choose another name"
}
