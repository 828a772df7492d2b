import ETLPluginKit

/// One page of records, as received.
struct FetchedPage: Sendable {
    /// The page's URL as messages show it (no secrets).
    var source: String
    /// The records, in the order of the response (empty when the page was scanned instead).
    var records: [JSONValue]
    /// The page read straight from its bytes, when the stream's plan allowed it.
    var scanned: ScannedPage?
    /// The value at the cursor pagination's `cursor_path`, nil when absent or not paginated so.
    var nextCursor: JSONValue?
    /// The records the API's `total_path` announced as of this page, for the read's progress;
    /// nil without one (and for pages made from other pages: child streams and tables).
    var announcedTotal: Int64? = nil

    /// The number of records on the page.
    var recordCount: Int { scanned?.recordCount ?? records.count }

    /// The records as trees: those held, or for a scanned page its body parsed again (the
    /// tree path for a page whose fast conversion met something it leaves to the tree).
    func treeRecords(at recordsPath: JSONPathExpression) throws(PluginError) -> [JSONValue] {
        guard let scanned else { return records }
        let json = try PageBody.json(scanned.bytes, source: source)
        guard case .array(let items)? = recordsPath.evaluate(json) else { return [] }
        return items
    }
}
