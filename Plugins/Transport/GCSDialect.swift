import ETLJSON
import ETLPluginKit

/// Google Cloud Storage's JSON API: `objects.list` with `pageToken`, `objects.get` for
/// metadata and (`alt=media`) for ranged bytes, media upload, `objects.delete` and
/// `objects.copyTo`. Object names are percent-encoded whole (`/` too) in paths.
struct GCSDialect: ObjectStoreDialect {
    let settings: ObjectStoreSettings

    /// A simple (media) upload is meant for small objects; beyond 5 GiB a resumable upload is
    /// needed, which this layer does not do yet.
    var singlePutLimit: Int64 { 5 << 30 }

    private func objectURL(bucket: String, key: String) -> String {
        "\(settings.endpoint)/storage/v1/b/\(URLText.encode(bucket))/o/\(URLText.encode(key))"
    }

    func listRequest(bucket: String, prefix: String, pageToken: String?, pageSize: Int) -> ObjectStoreRequest {
        var query = [("prefix", prefix), ("maxResults", String(pageSize))]
        if let pageToken { query.append(("pageToken", pageToken)) }
        return ObjectStoreRequest(method: "GET", url: "\(settings.endpoint)/storage/v1/b/\(URLText.encode(bucket))/o?" + ObjectKeyEncoding.query(query),
                                  subject: "listing gs://\(bucket)/\(prefix)")
    }

    func listing(_ response: HTTPResponse, bucket: String) throws(PluginError) -> (objects: [ObjectInfo], next: String?) {
        let page = try Self.object(response, what: "listing gs://\(bucket)")
        var objects: [ObjectInfo] = []
        if case .array(let items)? = page.value("items") {
            for item in items {
                guard case .object(let members) = item else { continue }
                if let info = Self.info(PluginConfig(members: members, path: "item")) { objects.append(info) }
            }
        }
        return (objects, (try? page.optionalString("nextPageToken")) ?? nil)
    }

    func statRequest(bucket: String, key: String) -> ObjectStoreRequest {
        ObjectStoreRequest(method: "GET", url: objectURL(bucket: bucket, key: key), subject: "gs://\(bucket)/\(key)")
    }

    func info(_ response: HTTPResponse, key: String) throws(PluginError) -> ObjectInfo {
        guard let info = Self.info(try Self.object(response, what: "gs://…/\(key)")) else {
            throw .ioError("the store's metadata for \(key) has no name or size")
        }
        return info
    }

    func mediaURL(bucket: String, key: String) -> String { objectURL(bucket: bucket, key: key) + "?alt=media" }

    func pinning(etag: String) -> [(name: String, value: String)] { [] }

    func putRequest(bucket: String, key: String, path: String, size: Int64, contentType: String) -> ObjectStoreRequest {
        let url = "\(settings.endpoint)/upload/storage/v1/b/\(URLText.encode(bucket))/o?" + ObjectKeyEncoding.query([("uploadType", "media"), ("name", key)])
        return ObjectStoreRequest(method: "POST", url: url, headers: [("Content-Type", contentType)], body: .file(path: path, offset: 0, size: size),
                                  subject: "uploading gs://\(bucket)/\(key)")
    }

    func deleteRequest(bucket: String, key: String) -> ObjectStoreRequest {
        ObjectStoreRequest(method: "DELETE", url: objectURL(bucket: bucket, key: key), subject: "deleting gs://\(bucket)/\(key)")
    }

    func copyRequest(bucket: String, from: String, to: String) -> ObjectStoreRequest {
        ObjectStoreRequest(method: "POST", url: objectURL(bucket: bucket, key: from) + "/copyTo/b/\(URLText.encode(bucket))/o/\(URLText.encode(to))",
                           headers: [("Content-Type", "application/json")], body: .bytes(Array("{}".utf8)),
                           subject: "copying gs://\(bucket)/\(from) to \(to)")
    }

    func errorText(_ response: HTTPResponse) -> String {
        if let object = try? PluginConfig(parsing: String(decoding: response.body.prefix(8192), as: UTF8.self)),
           case .object(let error)? = object.value("error"), let message = error["message"]?.stringValue {
            return message
        }
        return response.excerpt(limit: 200)
    }

    private static func object(_ response: HTTPResponse, what: String) throws(PluginError) -> PluginConfig {
        do throws(PluginError) {
            return try PluginConfig(parsing: String(decoding: response.body, as: UTF8.self), path: what)
        } catch {
            throw .ioError("\(what): the store's answer is not a JSON object (check remote.endpoint): \(response.excerpt(limit: 200))")
        }
    }

    /// An object resource: `name`, `size` (a decimal string), `etag` (else `md5Hash`, else
    /// `generation`), `updated`.
    private static func info(_ resource: PluginConfig) -> ObjectInfo? {
        guard let name = resource.value("name")?.stringValue else { return nil }
        let sizeValue = resource.value("size")
        guard let size = sizeValue?.stringValue.flatMap({ Int64($0) }) ?? sizeValue?.int64Value else { return nil }
        let etag = resource.value("etag")?.stringValue ?? resource.value("md5Hash")?.stringValue ?? resource.value("generation")?.stringValue ?? ""
        let modified = resource.value("updated")?.stringValue.flatMap(RFC3339Time.epochSeconds)
        return ObjectInfo(key: name, size: size, etag: etag, modified: modified)
    }
}
