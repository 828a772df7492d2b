/// What an incremental entry does with a row whose cursor field is null.
package enum NullCursorPolicy: String, Sendable, CaseIterable {
    /// Load the row; it does not move the watermark.
    case load
    /// Send the row to `etl_rejects`.
    case reject
    /// Fail the entry (the default: a null cursor usually means a wrong cursor_field).
    case fail
}
