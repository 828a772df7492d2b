import ETLPluginKit

/// The SQL text a model run needs around the user's query.
enum PGModelSQL {
    /// What the user writes where the watermark goes.
    static let placeholder = "{{watermark}}"
    /// The query's rows, materialized once (TEMP: private to the connection, dropped at commit).
    static let rowsTable = "_etl_model_rows"
    static let rows = "pg_temp._etl_model_rows"

    /// The query with every `{{watermark}}` turned into parameter `$1`: the value is bound,
    /// never pasted into the text, so a watermark holding a quote cannot change the statement.
    /// The server infers its type from where it stands (`updated_at > {{watermark}}`: the
    /// column's type); write `{{watermark}}::timestamptz` where it cannot.
    static func binding(_ sql: String) -> String {
        sql.replacing(placeholder, with: "$1")
    }

    static func usesWatermark(_ sql: String) -> Bool { sql.contains(placeholder) }

    /// The query without a trailing `;` (it is embedded in CREATE ... AS).
    static func embeddable(_ sql: String) -> String {
        var text = Substring(sql)
        while let last = text.last, last == ";" || last.isWhitespace { text = text.dropLast() }
        return String(text)
    }

    /// `text` as a JSON string.
    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
