/// One HTTP request as the plugins build it: the URL kept in parts so that messages can show it
/// without the query parameters that carry secrets.
package struct HTTPRequest: Sendable {
    /// "GET", "POST", "PUT", ...
    package var method: String
    /// Scheme, host, port and path, percent-encoded, without a query: `https://api.example.com/v1/tasks`.
    package var location: String
    /// Query parameters, decoded, in order.
    package var query: [(name: String, value: String)]
    /// Request headers, in order.
    package var headers: [(name: String, value: String)]
    /// The body, or nil for none.
    package var body: [UInt8]?

    /// Creates a request.
    package init(method: String, location: String, query: [(name: String, value: String)] = [],
         headers: [(name: String, value: String)] = [], body: [UInt8]? = nil) {
        self.method = method
        self.location = location
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// A request for an absolute URL that may carry a query (e.g. a `Link` header's target).
    package init(method: String, url: String) {
        let parts = URLText.split(url)
        self.init(method: method, location: parts.location, query: parts.query)
    }

    /// The full URL, query percent-encoded.
    package var url: String {
        guard !query.isEmpty else { return location }
        return location + "?" + URLText.encodeQuery(query)
    }

    /// The URL for messages and logs: query parameters named in `secretNames` (and user
    /// information) removed, so that an API key in the query never reaches a log.
    package func displayURL(hiding secretNames: Set<String>) -> String {
        let visible = query.filter { !secretNames.contains($0.name.lowercased()) }
        let base = URLText.removingUserInfo(location)
        return visible.isEmpty ? base : base + "?" + URLText.encodeQuery(visible)
    }
}
