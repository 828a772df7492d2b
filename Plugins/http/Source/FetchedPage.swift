import ETLPluginKit

/// One page of records, as received.
struct FetchedPage: Sendable {
    /// The page's URL as messages show it (no secrets).
    var source: String
    /// The records, in the order of the response.
    var records: [JSONValue]
    /// The whole parsed response, kept so the next cursor is read without parsing the body again.
    var body: JSONValue
}
