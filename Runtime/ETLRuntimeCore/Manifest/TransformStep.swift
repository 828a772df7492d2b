/// A declarative transform, one per object in an entry's `transforms` array
/// (each object has exactly one key, the transform's name).
package enum TransformStep: Sendable, Hashable {
    /// `{"select": ["a", "b"]}`: keep these columns, in this order.
    case select(columns: [String])
    /// `{"drop": ["a", "b"]}`: remove these columns, keep the rest in order.
    case drop(columns: [String])
    /// `{"rename": {"old": "new"}}`
    case rename([ColumnRename])
    /// `{"cast": {"age": "int64", "day": {"type": "date", "format": "%d/%m/%Y"}}}`
    case cast([ColumnCast])
    /// `{"trim": true}` or `{"trim": ["a", "b"]}`: strip surrounding whitespace.
    case trim(TrimSelection)
    /// `{"null_values": ["?", ""]}` or `{"null_values": {"age": ["?"]}}`: texts read as null.
    case nullValues(NullValueRule)
    /// `{"map": {"status": {"A": "active"}}}`: replace values (`{"values": {...}, "default": x}` sets what unlisted values become).
    case map([ColumnValueMap])
    /// `{"derive": {"full_name": "first || ' ' || last"}}`: new columns from expressions.
    case derive([DerivedColumn])
    /// `{"filter": "age >= 18"}`: keep rows where the expression holds.
    case filter(expression: String)
    /// `{"explode": "tags"}`: one row per element of the JSON array in a text column.
    case explode(column: String)
    /// `{"metadata": {"loaded_at": "_loaded_at"}}`: add runtime columns.
    case metadata([MetadataColumn])

    /// The transform names, as written in a manifest.
    package static let names = [
        "select", "drop", "rename", "cast", "trim", "null_values", "map", "derive", "filter", "explode", "metadata",
    ]

    /// This transform's name, as written in a manifest.
    package var name: String {
        switch self {
        case .select: return "select"
        case .drop: return "drop"
        case .rename: return "rename"
        case .cast: return "cast"
        case .trim: return "trim"
        case .nullValues: return "null_values"
        case .map: return "map"
        case .derive: return "derive"
        case .filter: return "filter"
        case .explode: return "explode"
        case .metadata: return "metadata"
        }
    }
}
