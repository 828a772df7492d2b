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

    let apply: (inout TransformTable, TransformRunInfo) -> Outcome
}
