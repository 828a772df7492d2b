/// An entry's `delete_when`: an expression of the transform language, evaluated on the columns as
/// the source sends them (before the transforms, so it may read a column they drop), that marks
/// a row as a delete (merge: its key is deleted; scd2: its key's current version is closed)
/// instead of data. A null result is not a delete.
package struct DeleteRule: Sendable, Hashable {
    /// The expression as written, e.g. `_op = 'D'`.
    package var expression: String
    /// Where it is, e.g. `$.control_table[1].delete_when`: the start of every message about it.
    package var jsonPath: String
    /// The line it is written on.
    package var line: Int

    package init(expression: String, jsonPath: String, line: Int) {
        self.expression = expression
        self.jsonPath = jsonPath
        self.line = line
    }

    /// The bool column that carries the rule's result to the sink (named by the load option
    /// `delete_column`): always the batches' last column, never stored in the target. While the
    /// transforms run it is hidden (TransformTable.deleteFlags), and no transform may name it.
    package static let flagColumn = "_etl_delete"
}
