import ETLPluginKit

/// Pages of a stream's records in order: one endpoint's pages (`PageFetcher`), or pages made
/// from another stream's (`ParentChildPages`, `ChildTablePages`).
protocol PageStream: AnyObject {
    /// The next page, or nil after the last one.
    func next() throws(PluginError) -> FetchedPage?
    /// After the last page: how far the read fell short of the API's total, nil when it did not
    /// or when the pages announce no total.
    func shortRead() -> ShortRead?
}

extension PageStream {
    /// Pages of several requests (parent → child rounds, child tables) announce no one total.
    func shortRead() -> ShortRead? { nil }
}

extension PageFetcher: PageStream {}
