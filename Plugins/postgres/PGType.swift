import ETLArrow

/// The PostgreSQL types the sink writes, by their built-in OIDs (pg_type.dat; fixed across
/// versions), and which Arrow column may fill which.
enum PGType {
    static let bool: UInt32 = 16
    static let bytea: UInt32 = 17
    static let int8: UInt32 = 20
    static let int2: UInt32 = 21
    static let int4: UInt32 = 23
    static let text: UInt32 = 25
    static let json: UInt32 = 114
    static let float4: UInt32 = 700
    static let float8: UInt32 = 701
    static let bpchar: UInt32 = 1042
    static let varchar: UInt32 = 1043
    static let date: UInt32 = 1082
    static let timestamp: UInt32 = 1114
    static let timestamptz: UInt32 = 1184
    static let numeric: UInt32 = 1700
    static let jsonb: UInt32 = 3802

    /// The type a new column gets for a field: its Arrow type's, or jsonb for JSON text (arrow.json).
    static func declared(for field: ArrowField) -> String {
        field.isJSON ? "jsonb" : declared(for: field.type)
    }

    /// The type a new column gets for an Arrow type.
    static func declared(for type: ArrowColumnType) -> String {
        switch type {
        case .int64: "bigint"
        case .double: "double precision"
        case .bool: "boolean"
        case .utf8: "text"
        case .binary: "bytea"
        case .timestampMicrosecondsUTC: "timestamp with time zone"
        case .date32: "date"
        // A column whose values are all NULL so far: text takes any later type's values by cast.
        case .null: "text"
        case .decimal128(let precision, let scale): "numeric(\(precision),\(scale))"
        }
    }

    /// How values of `type` are encoded into an existing column of type `oid`, nil when they do
    /// not fit it (a type conflict). Besides the type the sink creates, a column a user declared
    /// narrower or richer is filled too: int64 into integer, smallint (range-checked) or numeric,
    /// double into real, text into varchar, char, json or jsonb, a timestamp into `timestamp`
    /// (UTC wall-clock time).
    ///
    /// A decimal fills a `numeric` column whose scale is at least its own (or unconstrained):
    /// PostgreSQL would round digits beyond a column's scale silently. A value with more digits
    /// than the column's precision fails the load (numeric field overflow, bad data).
    static func encoding(of type: ArrowColumnType, into oid: UInt32, typeModifier: Int32 = -1) -> FieldEncoding? {
        if case .decimal128(_, let scale) = type {
            guard oid == numeric else { return nil }
            // numeric's typmod: ((precision << 16) | scale) + 4, or -1 when unconstrained.
            let columnScale = typeModifier >= 4 ? Int((typeModifier - 4) & 0xFFFF) : Int.max
            return scale <= columnScale ? .numeric : nil
        }
        return switch (type, oid) {
        case (.null, _): .null
        case (.int64, int8): .int8
        case (.int64, int4): .int4
        case (.int64, int2): .int2
        case (.int64, numeric): .numericFromInt64
        case (.double, float8): .float8
        case (.double, float4): .float4
        case (.bool, bool): .bool
        case (.utf8, text), (.utf8, varchar), (.utf8, bpchar), (.utf8, json): .text
        case (.utf8, jsonb): .jsonb
        case (.binary, bytea): .bytea
        case (.timestampMicrosecondsUTC, timestamptz), (.timestampMicrosecondsUTC, timestamp): .timestamp
        case (.date32, date): .date
        default: nil
        }
    }
}

/// How one column's values become COPY binary fields.
enum FieldEncoding: Sendable {
    case null, int8, int4, int2, numericFromInt64, numeric, float8, float4, bool, text, jsonb, bytea, timestamp, date
}
