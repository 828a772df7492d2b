import ETLPluginKit

/// Makes the pages a stream is read from: its own requests, or, for a stream with a `parent`,
/// the parent stream's pages (themselves made here, so chains of parents work) driving one
/// round of this stream's requests per parent record.
struct StreamPages {
    let settings: HTTPSourceSettings
    let client: HTTPClient

    /// - Parameters:
    ///   - variables: values for `{name}` placeholders (the entry's options); a parent's fields
    ///     are added for the requests they drive.
    ///   - watermark: this stream's watermark; a parent stream is always read in full.
    ///   - recordPaths: the paths to scan from the bytes (see `PageFetcher`); a stream with a
    ///     parent is read through trees, since its records get the parent fields.
    func pages(_ stream: StreamSettings, variables: [String: String], watermark: String?, concurrency: Int,
               recordPaths: [JSONPathExpression]?) throws(PluginError) -> any PageStream {
        if let (parentName, table) = stream.childOf {
            let parent = try settings.stream(parentName)
            let parents = try pages(parent, variables: variables, watermark: watermark, concurrency: concurrency, recordPaths: nil)
            return ChildTablePages(table: table, parent: parent, parents: parents)
        }
        guard let link = stream.parent else {
            return try PageFetcher(stream: stream, builder: builder(stream, variables, watermark), client: client,
                                   concurrency: concurrency, recordPaths: recordPaths)
        }
        let parent = try settings.stream(link.stream)
        let parents = try pages(parent, variables: variables, watermark: nil, concurrency: settings.maxConcurrency, recordPaths: nil)
        let client = self.client
        let settings = self.settings
        return ParentChildPages(stream: stream, link: link, parentRecordsPath: parent.recordsPath, parents: parents) { fields throws(PluginError) in
            try PageFetcher(stream: stream, builder: RequestBuilder(stream: stream, baseURL: settings.baseURL,
                                                                    variables: variables.merging(fields) { _, field in field },
                                                                    watermark: watermark),
                            client: client, concurrency: concurrency)
        }
    }

    private func builder(_ stream: StreamSettings, _ variables: [String: String], _ watermark: String?) -> RequestBuilder {
        RequestBuilder(stream: stream, baseURL: settings.baseURL, variables: variables, watermark: watermark)
    }
}
