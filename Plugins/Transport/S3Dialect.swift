import ETLPluginKit

/// Amazon S3's REST API (and the S3-compatible stores: MinIO, Ceph, R2, GCS's XML API with
/// HMAC keys): ListObjectsV2 with continuation tokens, HEAD, ranged GET, PUT, DELETE and
/// server-side copy (`x-amz-copy-source`). Virtual-host addressing (`bucket.host/key`) for AWS,
/// path style (`host/bucket/key`) when `path_style` is true (the default with an `endpoint`).
struct S3Dialect: ObjectStoreDialect {
    let settings: ObjectStoreSettings

    /// S3 refuses single PUTs beyond 5 GiB.
    var singlePutLimit: Int64 { 5 << 30 }

    func url(bucket: String, key: String, query: [(String, String)] = []) -> String {
        var base: String
        if settings.pathStyle {
            base = settings.endpoint + "/" + URLText.encode(bucket) + "/"
        } else {
            let scheme = settings.endpoint.prefix { $0 != ":" }
            let host = settings.endpoint.dropFirst(scheme.count + 3)
            base = "\(scheme)://\(bucket).\(host)/"
        }
        base += ObjectKeyEncoding.path(key)
        return query.isEmpty ? base : base + "?" + ObjectKeyEncoding.query(query)
    }

    func listRequest(bucket: String, prefix: String, pageToken: String?, pageSize: Int) -> ObjectStoreRequest {
        var query = [("list-type", "2"), ("prefix", prefix), ("max-keys", String(pageSize))]
        if let pageToken { query.append(("continuation-token", pageToken)) }
        return ObjectStoreRequest(method: "GET", url: url(bucket: bucket, key: "", query: query), subject: "listing s3://\(bucket)/\(prefix)")
    }

    func listing(_ response: HTTPResponse, bucket: String) throws(PluginError) -> (objects: [ObjectInfo], next: String?) {
        let text = Substring(String(decoding: response.body, as: UTF8.self))
        guard text.contains("<ListBucketResult") else {
            throw .ioError("listing s3://\(bucket): the store's answer is not a ListObjectsV2 result (check remote.endpoint): \(response.excerpt(limit: 200))")
        }
        var objects: [ObjectInfo] = []
        for entry in XMLText.elements("Contents", in: text) {
            guard let key = XMLText.value("Key", in: entry), let size = XMLText.value("Size", in: entry).flatMap({ Int64($0) }) else { continue }
            let etag = XMLText.value("ETag", in: entry).map(Self.unquoted) ?? ""
            objects.append(ObjectInfo(key: key, size: size, etag: etag, modified: XMLText.value("LastModified", in: entry).flatMap(RFC3339Time.epochSeconds)))
        }
        let truncated = XMLText.value("IsTruncated", in: text) == "true"
        return (objects, truncated ? XMLText.value("NextContinuationToken", in: text) : nil)
    }

    func statRequest(bucket: String, key: String) -> ObjectStoreRequest {
        ObjectStoreRequest(method: "HEAD", url: url(bucket: bucket, key: key), subject: "s3://\(bucket)/\(key)")
    }

    func info(_ response: HTTPResponse, key: String) throws(PluginError) -> ObjectInfo {
        guard let size = response.header("content-length").flatMap({ Int64($0) }) else {
            throw .ioError("the store gave no size (Content-Length) for \(key)")
        }
        let modified = response.header("last-modified").flatMap(HTTPDate.epochSeconds).map(Double.init)
        return ObjectInfo(key: key, size: size, etag: response.header("etag").map(Self.unquoted) ?? "", modified: modified)
    }

    func mediaURL(bucket: String, key: String) -> String { url(bucket: bucket, key: key) }

    func pinning(etag: String) -> [(name: String, value: String)] {
        etag.isEmpty ? [] : [("If-Match", "\"\(etag)\"")]
    }

    func putRequest(bucket: String, key: String, path: String, size: Int64, contentType: String) -> ObjectStoreRequest {
        ObjectStoreRequest(method: "PUT", url: url(bucket: bucket, key: key), headers: [("Content-Type", contentType)],
                           body: .file(path: path, offset: 0, size: size), subject: "uploading s3://\(bucket)/\(key)")
    }

    func deleteRequest(bucket: String, key: String) -> ObjectStoreRequest {
        ObjectStoreRequest(method: "DELETE", url: url(bucket: bucket, key: key), subject: "deleting s3://\(bucket)/\(key)")
    }

    func copyRequest(bucket: String, from: String, to: String) -> ObjectStoreRequest {
        ObjectStoreRequest(method: "PUT", url: url(bucket: bucket, key: to),
                           headers: [("x-amz-copy-source", "/" + URLText.encode(bucket) + "/" + ObjectKeyEncoding.path(from))],
                           body: .bytes([]), subject: "copying s3://\(bucket)/\(from) to \(to)")
    }

    func errorText(_ response: HTTPResponse) -> String {
        let text = Substring(String(decoding: response.body.prefix(4096), as: UTF8.self))
        let code = XMLText.value("Code", in: text)
        let message = XMLText.value("Message", in: text)
        switch (code, message) {
        case (let code?, let message?): return "\(code): \(message)"
        case (let code?, nil): return code
        default: return response.excerpt(limit: 200)
        }
    }

    static func unquoted(_ etag: String) -> String {
        var text = Substring(etag)
        if text.hasPrefix("W/") { text = text.dropFirst(2) }
        if text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 { text = text.dropFirst().dropLast() }
        return String(text)
    }
}
