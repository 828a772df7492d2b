import ETLPluginKit

/// What differs between S3 and GCS: how each operation's request is built and how its answer
/// reads. `ObjectStore` sends the requests and turns statuses into errors.
protocol ObjectStoreDialect {
    /// One page of the objects whose keys start with `prefix`, after `pageToken`.
    func listRequest(bucket: String, prefix: String, pageToken: String?, pageSize: Int) -> ObjectStoreRequest
    /// The objects of a listing page and the token of the next page (nil on the last).
    func listing(_ response: HTTPResponse, bucket: String) throws(PluginError) -> (objects: [ObjectInfo], next: String?)
    func statRequest(bucket: String, key: String) -> ObjectStoreRequest
    func info(_ response: HTTPResponse, key: String) throws(PluginError) -> ObjectInfo
    /// The URL of the object's bytes (ranged GETs go there).
    func mediaURL(bucket: String, key: String) -> String
    /// Headers that make a ranged GET fail rather than mix bytes of two versions of an object.
    func pinning(etag: String) -> [(name: String, value: String)]
    func putRequest(bucket: String, key: String, path: String, size: Int64, contentType: String) -> ObjectStoreRequest
    func deleteRequest(bucket: String, key: String) -> ObjectStoreRequest
    func copyRequest(bucket: String, from: String, to: String) -> ObjectStoreRequest
    /// The store's own words from an error answer (S3's `<Code>`/`<Message>`, GCS's `error.message`).
    func errorText(_ response: HTTPResponse) -> String
    /// The largest object one PUT may carry.
    var singlePutLimit: Int64 { get }
}

/// Percent-encoding as the stores want it in paths and queries (RFC 3986 unreserved characters
/// kept; S3's SigV4 canonical form; `/` kept in S3 key paths only).
enum ObjectKeyEncoding {
    static func path(_ key: String) -> String {
        key.split(separator: "/", omittingEmptySubsequences: false).map { URLText.encode(String($0)) }.joined(separator: "/")
    }

    /// A query with names sorted, as SigV4's canonical request orders them (libcurl signs the
    /// query as it finds it in the URL).
    static func query(_ items: [(String, String)]) -> String {
        items.sorted { $0.0 < $1.0 }.map { URLText.encode($0.0) + "=" + URLText.encode($0.1) }.joined(separator: "&")
    }
}
