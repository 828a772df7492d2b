import ETLPluginKit

/// The SQL text a model run needs around the user's query.
enum ModelSQL {
    /// What the user writes where the watermark goes.
    static let placeholder = "{{watermark}}"
    /// The named parameter it becomes: the value is bound, never pasted into the text, so a
    /// watermark holding a quote cannot change the statement.
    static let parameter = ":etl_watermark"

    /// The query with every `{{watermark}}` turned into the bound parameter.
    static func binding(_ sql: String) -> String {
        sql.replacing(placeholder, with: parameter)
    }

    /// Whether the query uses the watermark.
    static func usesWatermark(_ sql: String) -> Bool {
        sql.contains(placeholder)
    }

    /// The query without a trailing `;` (it is embedded in CREATE ... AS).
    static func embeddable(_ sql: String) -> String {
        var text = Substring(sql)
        while let last = text.last, last == ";" || last.isWhitespace { text = text.dropLast() }
        return String(text)
    }

    /// Where a `table` model is built before it is swapped in.
    static func buildTable(for target: String) -> String { "_etl_build_" + target }

    /// Where an `incremental` model's rows wait between the query and the insert (TEMP: private
    /// to the connection).
    static let pendingRows = "temp.\"_etl_model_rows\""
}
