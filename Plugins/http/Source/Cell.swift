/// One converted value, held until the whole record converted (a record that fails in any
/// column is rejected whole, so nothing is appended before every column succeeded).
enum Cell {
    case null
    case int64(Int64)
    case double(Double)
    case bool(Bool)
    case text(String)
    /// Text that is `body[start..<end]` of the rows' page body, valid UTF-8 without escapes
    /// (the scanned fast path: no string is made for it).
    case bodyText(start: Int, end: Int)
    case timestamp(Int64)
    case date(Int32)
}
