/// One request to an object store, built by `S3Requests` or `GCSRequests` and sent by
/// `ObjectStoreHTTP`, which signs it (`ObjectStoreAuthorizer`).
struct ObjectStoreRequest {
    /// What goes up with the request.
    enum Body {
        case none
        /// A small body held in memory (XML or JSON).
        case bytes([UInt8])
        /// `size` bytes of the local file at `path` from byte `offset`, streamed by libcurl
        /// (never held in memory).
        case file(path: String, offset: Int64, size: Int64)
    }

    var method: String
    /// The full URL, percent-encoded, with its query (the query holds no secret).
    var url: String
    var headers: [(name: String, value: String)] = []
    var body: Body = .none
    /// What the request is about, for messages: "listing s3://bucket/prefix", "s3://bucket/key".
    var subject: String
}
