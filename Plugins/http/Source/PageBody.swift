import ETLPluginKit

/// Parses a page's response body: ETLJSON's fast path first, since a page holds hundreds of
/// records and parsing dominates a read, then `ResponseCheck.parse` for any body it refuses, so
/// a malformed page is reported exactly as before (URL, byte offset, line and column) and a body
/// with a repeated key still loads with the key's first value, as it always has.
enum PageBody {
    /// The body's JSON value.
    /// - Throws: `ETL_BAD_DATA` naming `source` and where the body stops being JSON.
    static func json(_ body: [UInt8], source: String) throws(PluginError) -> JSONValue {
        if let value = try? JSONValue(parsingFast: body) { return value }
        return try ResponseCheck.parse(body, source: source)
    }
}
