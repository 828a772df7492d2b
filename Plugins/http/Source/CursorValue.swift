import ETLArrow

import ETLPluginKit

/// A watermark: the cursor value as the API wrote it (kept for the resume state) and the
/// instant it means (for comparing and for writing it in another format).
struct CursorValue: Sendable, Hashable, Comparable {
    /// The value as found, e.g. `"2024-01-01T00:00:00Z"` or `1704067200`.
    var json: JSONValue
    /// Microseconds since the Unix epoch.
    var microseconds: Int64

    /// Reads a cursor value: an ISO 8601 string, or a number of seconds (milliseconds when
    /// `format` is epoch_millis) since the epoch. Nil for anything else.
    init?(_ value: JSONValue, format: WatermarkFormat) {
        switch value {
        case .string(let text):
            if let micros = ArrowTimestampText.parse(text)?.micros {
                microseconds = micros
            } else if let number = Int64(text) {
                microseconds = format == .epochMillis ? number * 1_000 : number * 1_000_000
            } else {
                return nil
            }
        case .number(let number):
            let scale: Double = format == .epochMillis ? 1_000 : 1_000_000
            let micros = number.doubleValue * scale
            guard micros.isFinite, abs(micros) < 9e18 else { return nil }
            microseconds = Int64(micros)
        default:
            return nil
        }
        json = value
    }

    static func < (lhs: CursorValue, rhs: CursorValue) -> Bool { lhs.microseconds < rhs.microseconds }
    static func == (lhs: CursorValue, rhs: CursorValue) -> Bool { lhs.microseconds == rhs.microseconds }
    func hash(into hasher: inout Hasher) { hasher.combine(microseconds) }

    /// The resume state that starts the next read at this value: `{"cursor": <value>}`.
    var stateJSON: String {
        JSONValue.object(JSONObject([("cursor", json)])).serialized()
    }

    /// The cursor of a resume state written by `stateJSON`.
    /// - Throws: `ETL_INVALID_CONFIG` when the state is not such an object (naming the reset command).
    static func fromState(_ text: String, format: WatermarkFormat) throws(PluginError) -> CursorValue? {
        let state = try PluginConfig(parsing: text, path: "the resume state")
        guard let value = state.value("cursor") else { return nil }
        guard let cursor = CursorValue(value, format: format) else {
            throw .invalidConfig("the resume state's cursor \(value.serialized()) is not a timestamp or epoch number; reset the entry's state (etl-runtime state reset) to start again")
        }
        return cursor
    }
}
