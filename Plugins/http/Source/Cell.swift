/// One converted value, held until the whole record converted (a record that fails in any
/// column is rejected whole, so nothing is appended before every column succeeded).
enum Cell {
    case null
    case int64(Int64)
    case double(Double)
    case bool(Bool)
    case text(String)
    case timestamp(Int64)
    case date(Int32)
}
