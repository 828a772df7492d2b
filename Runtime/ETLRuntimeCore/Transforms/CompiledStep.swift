/// One transform ready to run on a batch: it rewrites the table and returns the rows it could
/// not process (row → reason), or, for `filter`, the rows to keep.
struct CompiledStep {
    enum Outcome {
        /// Rows that failed, with why; they are removed and rejected.
        case failures([Int: String])
        /// `filter`: which rows stay (dropped rows are not rejects), and the rows the test failed
        /// on, which leave as rejects whatever `keep` says of them.
        case keep([Bool], failures: [Int: String])
        /// `explode`: the table now has one row per element; `origins` gives each new row's row
        /// before the step, and `failures` (by row before the step) the rows that left as rejects.
        case expanded(origins: [Int], failures: [Int: String])
    }

    let apply: (inout TransformTable, StepContext) -> Outcome
}

/// What a step reads besides the table: the run's fixed values, and where each of the table's
/// rows came from in the source.
struct StepContext {
    let run: TransformRunInfo
    /// The batch's `_etl_position` column as the source sent it (one value per source row), or
    /// nil when the entry did not ask for positions.
    let sourcePositions: TransformColumn?
    /// For each row of the table as the step receives it, its row in the source's batch (rows
    /// filtered out are gone; rows an `explode` made repeat their source row).
    let origin: [Int]
    /// The rows of the source's batch.
    let sourceRowCount: Int

    var runID: String { run.runID }
    var startedMicros: Int64 { run.startedMicros }

    /// The table's rows' source positions, as a column named `name` (rows taken from the
    /// source's column, no copy of the texts until the batch is packed).
    func positionColumn(named name: String) -> TransformColumn? {
        guard var column = sourcePositions else { return nil }
        column.name = name
        // Rows all there, in order: the source's column moves to the sink as it is.
        if origin.count != sourceRowCount || !origin.elementsEqual(0..<sourceRowCount) { column.repeatRows(origin) }
        return column
    }
}
