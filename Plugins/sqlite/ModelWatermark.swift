import ETLPluginKit

/// An incremental model's resume state: `{"cursor_field": "updated_at", "watermark": "2024-05-01 10:00:00"}`.
///
/// The watermark is the largest `cursor_field` value among the rows the model has written;
/// the next run binds it to `{{watermark}}`. It only moves forward.
struct ModelWatermark: Sendable, Equatable {
    var cursorField: String
    /// nil before the first row (and without an initial value): `{{watermark}}` is then NULL.
    var value: SQLValue?

    /// The state as JSON text.
    var json: String {
        JSONText.object([("cursor_field", JSONText.string(cursorField)), ("watermark", value?.jsonText ?? "null")])
    }

    /// The watermark to start from: the saved state's, else the entry's initial value, else NULL.
    static func start(_ request: ModelRequest, cursorField: String) throws(PluginError) -> ModelWatermark {
        if let text = request.stateJSON {
            let state = try PluginConfig(parsing: text, path: "state")
            let field = try state.string("cursor_field")
            guard SQLIdentifier.folded(field) == SQLIdentifier.folded(cursorField) else {
                throw .invalidConfig("the saved state of model \(JSONText.string(request.entryID)) was recorded for cursor field \(SQLIdentifier.quoted(field)), but the entry now names \(SQLIdentifier.quoted(cursorField)); reset the entry's state (etl-runtime state reset) or restore the old cursor_field")
            }
            return ModelWatermark(cursorField: cursorField, value: try CursorState.scalar(state, "watermark"))
        }
        guard let initial = request.initialValueJSON else { return ModelWatermark(cursorField: cursorField, value: nil) }
        let wrapper = try PluginConfig(parsing: "{\"initial_value\": \(initial)}", path: "entry")
        return ModelWatermark(cursorField: cursorField, value: try CursorState.scalar(wrapper, "initial_value"))
    }

    /// Moves to `candidate` when it is larger; a NULL candidate (no rows) keeps the watermark.
    mutating func advance(to candidate: SQLValue?) {
        guard let candidate else { return }
        if let value, SQLValue.compare(candidate, value) <= 0 { return }
        value = candidate
    }
}
