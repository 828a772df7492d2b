import ETLPluginKit

/// Pages of a stream's records in order: one endpoint's pages (`PageFetcher`), or pages made
/// from another stream's (`ParentChildPages`, `ChildTablePages`).
protocol PageStream: AnyObject {
    /// The next page, or nil after the last one.
    func next() throws(PluginError) -> FetchedPage?
}

extension PageFetcher: PageStream {}
