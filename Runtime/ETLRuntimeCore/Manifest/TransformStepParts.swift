/// `"old": "new"` in a `rename` transform.
public struct ColumnRename: Sendable, Hashable {
    /// The column's name in the source.
    public var from: String
    /// Its new name.
    public var to: String

    /// Creates a rename.
    public init(from: String, to: String) {
        self.from = from
        self.to = to
    }
}

/// One column of a `cast` transform.
public struct ColumnCast: Sendable, Hashable {
    /// The column to convert.
    public var column: String
    /// The type to convert to.
    public var type: CastType
    /// How text is read for dates and timestamps (strftime-style, e.g. `%d/%m/%Y`); nil for ISO 8601.
    public var format: String?

    /// Creates a cast.
    public init(column: String, type: CastType, format: String? = nil) {
        self.column = column
        self.type = type
        self.format = format
    }
}

/// The types a `cast` can produce; they match the Arrow column types of ABI 1.
public enum CastType: String, Sendable, CaseIterable {
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

    /// Other spellings people write for the same types.
    public static let aliases: [String: CastType] = [
        "utf8": .string, "text": .string, "float64": .double, "float": .double, "boolean": .bool,
        "date32": .date, "integer": .int64, "int": .int64,
    ]

    /// A type by its name or alias.
    public init?(name: String) {
        if let type = CastType(rawValue: name) ?? CastType.aliases[name] {
            self = type
        } else {
            return nil
        }
    }

    /// Whether a `format` makes sense: only text-to-time conversions take one.
    public var acceptsFormat: Bool { self == .date || self == .timestamp }
}

/// Which columns `trim` applies to.
public enum TrimSelection: Sendable, Hashable {
    /// `"trim": true`: every text column.
    case allColumns
    /// `"trim": ["a", "b"]` (an empty list trims nothing; `"trim": false` means the same).
    case columns([String])
}

/// Which texts `null_values` turns into null.
public enum NullValueRule: Sendable, Hashable {
    /// `["?", "NA"]`: in every column.
    case allColumns([String])
    /// `{"age": ["?"]}`: per column.
    case perColumn([ColumnNullValues])
}

/// The null texts of one column.
public struct ColumnNullValues: Sendable, Hashable {
    /// The column.
    public var column: String
    /// Texts read as null in it.
    public var values: [String]

    /// Creates a per-column rule.
    public init(column: String, values: [String]) {
        self.column = column
        self.values = values
    }
}

/// The replacements of one column in a `map` transform.
public struct ColumnValueMap: Sendable, Hashable {
    /// The column.
    public var column: String
    /// Replacements in written order.
    public var mappings: [ValueMapping]

    /// Creates a column map.
    public init(column: String, mappings: [ValueMapping]) {
        self.column = column
        self.mappings = mappings
    }
}

/// `"from": to` inside a `map`: a value's text and what replaces it (any JSON scalar).
public struct ValueMapping: Sendable, Hashable {
    /// The value as text (JSON object keys are strings).
    public var from: String
    /// The replacement: a string, number, boolean or null.
    public var to: JSONValue

    /// Creates a mapping.
    public init(from: String, to: JSONValue) {
        self.from = from
        self.to = to
    }
}

/// `"name": "expression"` in a `derive` transform.
public struct DerivedColumn: Sendable, Hashable {
    /// The new column.
    public var name: String
    /// The expression computing it (parsed by the transform engine).
    public var expression: String

    /// Creates a derived column.
    public init(name: String, expression: String) {
        self.name = name
        self.expression = expression
    }
}

/// A runtime-provided column added by `metadata`.
public struct MetadataColumn: Sendable, Hashable {
    /// Which value.
    public var kind: MetadataKind
    /// The column it goes in.
    public var column: String

    /// Creates a metadata column.
    public init(kind: MetadataKind, column: String) {
        self.kind = kind
        self.column = column
    }
}

/// The values `metadata` can add.
public enum MetadataKind: String, Sendable, CaseIterable {
    /// When the run loaded the row (UTC timestamp).
    case loadedAt = "loaded_at"
    /// The run's id (as in `etl_runs`).
    case runID = "run_id"
    /// Where the row came from (file:line, page, ...), as the source reported it.
    case sourcePosition = "source_position"
}
