import ETLPluginKit

/// Checks that a `sorted_by_cursor` stream's records really come in cursor order: a record
/// whose cursor is below an earlier record's of the same read would make a per-batch watermark
/// skip records. Ties are fine. For an unsorted stream it only tracks the highest cursor.
struct CursorOrder: Sendable {
    /// The first record that went backwards: its index on its page, the highest cursor before it and its own.
    struct Descent: Sendable {
        var record: Int
        var earlier: CursorValue
        var value: CursorValue

        func error(page: String) -> PluginError {
            .badData("\(page) record \(record) has the cursor \(value.json.serialized()), lower than the \(earlier.json.serialized()) of an earlier record of this read, but the stream's incremental.sorted_by_cursor says the API returns records in cursor order; remove sorted_by_cursor (the watermark then moves only at the end of a complete read) or fix the API's sort")
        }
    }

    /// The highest cursor met so far in this read.
    var highest: CursorValue?
    /// Whether a record going backwards is an error.
    let checked: Bool
    /// Set at the first record that went backwards (only when checked).
    private(set) var descent: Descent?

    init(highest: CursorValue?, checked: Bool) {
        self.highest = highest
        self.checked = checked
    }

    /// Notes the next record's cursor.
    @inline(__always)
    mutating func note(_ cursor: CursorValue, record: Int) {
        guard let previous = highest else {
            highest = cursor
            return
        }
        if cursor > previous {
            highest = cursor
        } else if checked, cursor < previous {
            descent = Descent(record: record, earlier: previous, value: cursor)
        }
    }
}
