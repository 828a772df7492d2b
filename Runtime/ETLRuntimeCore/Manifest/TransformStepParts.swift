/// `"old": "new"` in a `rename` transform.
package struct ColumnRename: Sendable, Hashable {
    /// The column's name in the source.
    package var from: String
    /// Its new name.
    package var to: String

    /// Creates a rename.
    package init(from: String, to: String) {
        self.from = from
        self.to = to
    }
}

/// One column of a `cast` transform.
package struct ColumnCast: Sendable, Hashable {
    /// The column to convert.
    package var column: String
    /// The type to convert to.
    package var type: CastType
    /// How text is read for dates and timestamps (strftime-style, e.g. `%d/%m/%Y`, or `epoch_s` /
    /// `epoch_ms` for numbers of seconds or milliseconds); nil for ISO 8601.
    package var format: String?
    /// The decimal mark numbers are written with (`","` for `1.234,56`); nil for `"."`.
    package var decimalMark: String?
    /// The thousands separator to ignore (`"."` for `1.234,56`); nil for none.
    package var thousandsSeparator: String?

    /// Precision and scale of a `decimal` cast (nil for other types).
    package var digits: DecimalDigits?

    /// Creates a cast; a `decimal` cast needs `digits`.
    package init(column: String, type: CastType, format: String? = nil, decimalMark: String? = nil, thousandsSeparator: String? = nil,
                 digits: DecimalDigits? = nil) {
        self.column = column
        self.type = type
        self.format = format
        self.decimalMark = decimalMark
        self.thousandsSeparator = thousandsSeparator
        self.digits = digits
    }

    /// The type as messages and `decimal(12,2)` casts write it.
    package var typeName: String {
        if type == .decimal, let digits { return "decimal(\(digits.precision),\(digits.scale))" }
        return type.rawValue
    }
}

/// The shape of a `decimal` cast: `precision` digits in all (1...38), `scale` of them after the point.
package struct DecimalDigits: Sendable, Hashable {
    package var precision: Int
    package var scale: Int

    /// Creates a shape; the decoder has checked 1 ≤ precision ≤ 38 and 0 ≤ scale ≤ precision.
    package init(precision: Int, scale: Int) {
        self.precision = precision
        self.scale = scale
    }

    /// The precision a `decimal` cast gets when it gives none: decimal128's largest.
    package static let defaultPrecision = 38
}

/// The types a `cast` can produce; they match the Arrow column types of ABI 1.
package enum CastType: String, Sendable, CaseIterable {
    /// UTF-8 text.
    case string
    /// Signed 64-bit integer.
    case int64
    /// IEEE 754 double.
    case double
    /// Boolean.
    case bool
    /// Calendar date (days since the epoch).
    case date
    /// UTC timestamp (microseconds since the epoch).
    case timestamp
    /// Exact decimal (Arrow decimal128) of a given precision and scale.
    case decimal

    /// Other spellings people write for the same types.
    package static let aliases: [String: CastType] = [
        "utf8": .string, "text": .string, "float64": .double, "float": .double, "boolean": .bool,
        "date32": .date, "integer": .int64, "int": .int64,
    ]

    /// A type by its name or alias.
    package init?(name: String) {
        if let type = CastType(rawValue: name) ?? CastType.aliases[name] {
            self = type
        } else {
            return nil
        }
    }

    /// Whether a `format` makes sense: only text-to-time conversions take one.
    package var acceptsFormat: Bool { self == .date || self == .timestamp }

    /// Whether `decimal` and `thousands` make sense: only numbers read from text take them.
    package var acceptsNumberMarks: Bool { self == .int64 || self == .double || self == .decimal }
}

/// Which columns `trim` applies to.
package enum TrimSelection: Sendable, Hashable {
    /// `"trim": true`: every text column.
    case allColumns
    /// `"trim": ["a", "b"]` (an empty list trims nothing; `"trim": false` means the same).
    case columns([String])
}

/// Which texts `null_values` turns into null.
package enum NullValueRule: Sendable, Hashable {
    /// `["?", "NA"]`: in every column.
    case allColumns([String])
    /// `{"age": ["?"]}`: per column.
    case perColumn([ColumnNullValues])
}

/// The null texts of one column.
package struct ColumnNullValues: Sendable, Hashable {
    /// The column.
    package var column: String
    /// Texts read as null in it.
    package var values: [String]

    /// Creates a per-column rule.
    package init(column: String, values: [String]) {
        self.column = column
        self.values = values
    }
}

/// The replacements of one column in a `map` transform.
package struct ColumnValueMap: Sendable, Hashable {
    /// The column.
    package var column: String
    /// Replacements in written order.
    package var mappings: [ValueMapping]
    /// What a value no mapping names becomes; nil keeps it as it is.
    package var defaultValue: JSONValue?

    /// Creates a column map.
    package init(column: String, mappings: [ValueMapping], defaultValue: JSONValue? = nil) {
        self.column = column
        self.mappings = mappings
        self.defaultValue = defaultValue
    }
}

/// `"from": to` inside a `map`: a value's text and what replaces it (any JSON scalar).
package struct ValueMapping: Sendable, Hashable {
    /// The value as text (JSON object keys are strings).
    package var from: String
    /// The replacement: a string, number, boolean or null.
    package var to: JSONValue

    /// Creates a mapping.
    package init(from: String, to: JSONValue) {
        self.from = from
        self.to = to
    }
}

/// `"name": "expression"` in a `derive` transform.
package struct DerivedColumn: Sendable, Hashable {
    /// The new column.
    package var name: String
    /// The expression computing it (parsed by the transform engine).
    package var expression: String

    /// Creates a derived column.
    package init(name: String, expression: String) {
        self.name = name
        self.expression = expression
    }
}

/// A runtime-provided column added by `metadata`.
package struct MetadataColumn: Sendable, Hashable {
    /// Which value.
    package var kind: MetadataKind
    /// The column it goes in.
    package var column: String

    /// Creates a metadata column.
    package init(kind: MetadataKind, column: String) {
        self.kind = kind
        self.column = column
    }
}

/// The values `metadata` can add.
package enum MetadataKind: String, Sendable, CaseIterable {
    /// When the run loaded the row (UTC timestamp).
    case loadedAt = "loaded_at"
    /// The run's id (as in `etl_runs`).
    case runID = "run_id"
    /// Where the source read the row (`data.csv:17`), as its rejects name it (utf8). The source
    /// sends it only when asked: its plugin needs the `positions` capability (ETL_CAP_POSITIONS).
    case sourcePosition = "source_position"

    /// The kind an element of the array form names (`"_loaded_at"` or `"loaded_at"`), or nil.
    package init?(columnName: String) {
        self.init(rawValue: columnName.hasPrefix("_") ? String(columnName.dropFirst()) : columnName)
    }
}
