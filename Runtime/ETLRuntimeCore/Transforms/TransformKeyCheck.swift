/// What `validate` can tell without the source's columns: whether the transforms remove the
/// columns the load depends on. `cursor_field` names a source column, which must reach the sink
/// under the same name (scd2 and merges compare it); `primary_key` names the columns the sink
/// receives, after transforms, so a rename `id → task_id` goes with `"primary_key": ["task_id"]`.
package enum TransformKeyCheck {
    package struct Problem: Equatable {
        /// The step that removed the column.
        package var stepIndex: Int
        package var message: String
    }

    package static func problems(_ steps: [TransformStep], primaryKey: [String], cursorField: String?) -> [Problem] {
        var problems: [Problem] = []
        if let cursor = cursorField, !cursor.hasPrefix("$") {
            for (index, step) in steps.enumerated() where removes(step, cursor) || renamesTo(step, cursor) || derives(step, cursor) {
                problems.append(Problem(stepIndex: index, message: "\(step.name) changes the cursor column \"\(cursor)\"; an incremental entry's cursor_field must reach the sink unchanged under its source name"))
            }
        }
        for key in primaryKey {
            if let removedAt = removal(of: key, by: steps) {
                problems.append(Problem(stepIndex: removedAt, message: "\(steps[removedAt].name) removes the primary key column \"\(key)\"; primary_key names the columns the sink receives after transforms, so keep \"\(key)\" or list the new name in primary_key"))
            }
        }
        return problems.sorted { $0.stepIndex < $1.stepIndex }
    }

    /// The step that last removes `column` from the batch, unless a later one makes it again;
    /// nil when it reaches the sink (or never was a column: only the source's schema can tell).
    package static func removal(of column: String, by steps: [TransformStep]) -> Int? {
        var removedAt: Int?
        for (index, step) in steps.enumerated() {
            if removes(step, column) { removedAt = index }
            if renamesTo(step, column) || derives(step, column) { removedAt = nil }
        }
        return removedAt
    }

    private static func removes(_ step: TransformStep, _ column: String) -> Bool {
        switch step {
        case .select(let columns): return !columns.contains(column)
        case .drop(let columns): return columns.contains(column)
        case .rename(let renames): return renames.contains { $0.from == column && $0.to != column }
        default: return false
        }
    }

    private static func renamesTo(_ step: TransformStep, _ column: String) -> Bool {
        if case .rename(let renames) = step { return renames.contains { $0.to == column && $0.from != column } }
        return false
    }

    private static func derives(_ step: TransformStep, _ column: String) -> Bool {
        switch step {
        case .derive(let columns): return columns.contains { $0.name == column }
        case .metadata(let columns): return columns.contains { $0.column == column }
        default: return false
        }
    }
}
