import ETLJSON

/// An entry whose load settings changed in the manifest since it last loaded data, in a way
/// that would load the source again on top of that data (or skip part of it): e.g. `full`
/// switched to `incremental` + `append` on a target that already has every row. Such an entry
/// is refused by `validate` and `run` until the user says which they mean: reload from scratch
/// (`run --full-refresh`) or keep the data and adopt the new settings (`state set`).
package struct EntrySettingsChange: Sendable, Equatable, CustomStringConvertible {
    package var entryID: String
    /// `key: "before" → "now"`, one per changed setting.
    package var changes: [String]
    /// What the entry loaded under its recorded settings.
    package var rowsLoaded: Int
    package var recordedTarget: String

    /// True when the control table holds a watermark the user can adopt as it is.
    package var hasWatermark: Bool

    package var description: String {
        let adopt = hasWatermark
            ? "`etl-runtime state set \(entryID) \"$(etl-runtime state show \(entryID))\"` keeps the current data and "
                + "adopts the new settings from the watermark reached so far"
            : "`etl-runtime state set \(entryID) '<state>'` keeps the current data and adopts the new settings from a "
                + "resume state you write in the source plugin's format (it has no watermark yet)"
        return "entry \"\(entryID)\" changed \(changes.joined(separator: ", ")) since it loaded \(rowsLoaded) rows into "
            + "\(recordedTarget); running it as it is now could load the source again on top of those rows, or skip "
            + "part of it. Choose one: `etl-runtime run --entry \(entryID) --full-refresh` reloads the target from "
            + "scratch with the new settings; \(adopt)"
    }

    /// The settings a control row records, in the order they are compared.
    struct Recorded {
        var source: String, stream: String, sink: String, target: String
        var mode: String, write: String, cursorField: String?
        /// JSON array text; nil in rows written before it was recorded (never a change).
        var primaryKeyJSON: String?
        var rowsLoaded: Int
        var hasWatermark: Bool
        /// True after `state set|reset`: the user chose where the entry starts.
        var overridden: Bool
    }

    /// The change `entry` makes to `recorded`, or nil when it is harmless: nothing loaded yet,
    /// the user already chose (`state set|reset`), or the entry now replaces the whole target.
    static func between(_ recorded: Recorded, _ entry: ControlEntry) -> EntrySettingsChange? {
        guard recorded.rowsLoaded > 0 || recorded.hasWatermark, !recorded.overridden else { return nil }
        if entry.mode == .full, entry.write == .replace { return nil }
        var changes: [String] = []
        func compare(_ key: String, _ before: String?, _ now: String?) {
            if before != now { changes.append("\(key) \(quoted(before)) → \(quoted(now))") }
        }
        compare("source", recorded.source, entry.source)
        compare("stream", recorded.stream, entry.stream)
        compare("sink", recorded.sink, entry.sink)
        compare("target", recorded.target, entry.target)
        compare("mode", recorded.mode, entry.mode.rawValue)
        compare("write", recorded.write, entry.write.rawValue)
        compare("cursor_field", recorded.cursorField, entry.cursorField)
        if let before = recorded.primaryKeyJSON { compare("primary_key", before, primaryKeyJSON(entry)) }
        guard !changes.isEmpty else { return nil }
        return EntrySettingsChange(
            entryID: entry.id, changes: changes, rowsLoaded: recorded.rowsLoaded,
            recordedTarget: "\(recorded.sink).\(recorded.target)", hasWatermark: recorded.hasWatermark)
    }

    static func primaryKeyJSON(_ entry: ControlEntry) -> String {
        JSONValue.array(entry.primaryKey.map { .string($0) }).serialized()
    }

    private static func quoted(_ value: String?) -> String {
        value.map { "\"\($0)\"" } ?? "none"
    }
}
