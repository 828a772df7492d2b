import ETLPluginKit

/// What a final answer to a write request means for the records it carried: accepted, refused
/// by the API one by one (rejects), or a failure of the API or of the way to it, which fails
/// the batch so that nothing of it is committed and the next run sends it again.
enum ResponseVerdict {
    case accepted
    /// The API looked at the records and said no (422, 400, 404, 409, ...): rejects.
    case refused(reason: String)

    /// The verdict on `response`, the final answer to `request` (retries already spent).
    /// - Throws: `ETL_INVALID_CONFIG` for 401/403 (credentials), `ETL_IO_ERROR` for 408, 429,
    ///   5xx and anything else that is neither 2xx nor 4xx (the API, not the records, failed).
    static func of(_ response: HTTPResponse, request: HTTPRequest, client: HTTPClient) throws(PluginError) -> ResponseVerdict {
        if response.isSuccess { return .accepted }
        if isRecordRefusal(status: response.status) {
            return .refused(reason: "HTTP \(response.status) from \(client.display(request)): \(client.scrub(response.excerpt()))")
        }
        try ResponseCheck.requireSuccess(response, request: request, client: client)
        throw .internalError("HTTP \(response.status) from \(client.display(request)) was neither accepted nor refused")
    }

    /// A 4xx that speaks of the records: every one but 401/403 (credentials), 408 (timeout)
    /// and 429 (rate limit), which say nothing about the records and would pass on a later run.
    static func isRecordRefusal(status: Int) -> Bool {
        (400..<500).contains(status) && ![401, 403, 408, 429].contains(status)
    }
}
