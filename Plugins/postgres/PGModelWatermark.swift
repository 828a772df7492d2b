import ETLPluginKit

/// An incremental model's resume state, as the sqlite sink writes it:
/// `{"cursor_field": "updated_at", "watermark": "2024-05-01 10:00:00+00"}` (numbers stay numbers).
/// The watermark is the largest `cursor_field` value among the rows the model has written; the
/// next run binds it to `{{watermark}}` as text, which the server reads as the type the query
/// needs. It only moves forward (the server compares, in the column's own type).
struct PGModelWatermark: Sendable, Equatable {
    var cursorField: String
    /// The value as text for the parameter; nil before the first row: `{{watermark}}` is NULL.
    var text: String?
    /// Whether the JSON state writes it as a number.
    var isNumber = false

    var json: String {
        let value = text.map { isNumber ? $0 : PGModelSQL.jsonString($0) } ?? "null"
        return "{\"cursor_field\": \(PGModelSQL.jsonString(cursorField)), \"watermark\": \(value)}"
    }

    /// The watermark to start from: the saved state's, else the entry's initial value, else NULL.
    static func start(_ request: ModelRequest, cursorField: String) throws(PluginError) -> PGModelWatermark {
        if let state = request.stateJSON {
            let object = try PluginConfig(parsing: state, path: "state")
            let field = try object.string("cursor_field")
            guard field == cursorField else {
                throw .invalidConfig("the saved state of model \(PGModelSQL.jsonString(request.entryID)) was recorded for cursor field \(PGIdentifier.quoted(field)), but the entry now names \(PGIdentifier.quoted(cursorField)); reset the entry's state (etl-runtime state reset) or restore the old cursor_field")
            }
            return try scalar(object, "watermark", cursorField: cursorField)
        }
        guard let initial = request.initialValueJSON else { return PGModelWatermark(cursorField: cursorField) }
        return try scalar(try PluginConfig(parsing: "{\"initial_value\": \(initial)}", path: "entry"), "initial_value", cursorField: cursorField)
    }

    private static func scalar(_ object: PluginConfig, _ key: String, cursorField: String) throws(PluginError) -> PGModelWatermark {
        guard object.contains(key) else { return PGModelWatermark(cursorField: cursorField) }
        if let integer = try? object.optionalInt(key) { return PGModelWatermark(cursorField: cursorField, text: String(integer), isNumber: true) }
        if let number = try? object.optionalDouble(key) { return PGModelWatermark(cursorField: cursorField, text: String(number), isNumber: true) }
        if let text = try? object.optionalString(key) { return PGModelWatermark(cursorField: cursorField, text: text) }
        if case .null? = object.value(key) { return PGModelWatermark(cursorField: cursorField) }
        throw .invalidConfig("\(object.path).\(key) must be a number or a string")
    }
}
