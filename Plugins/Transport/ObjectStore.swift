import ETLPluginKit

/// One bucket of an object store, `s3://` or `gs://`, as the file plugins use it. This is the
/// API the csv source uses and the parquet source and sink are meant to call:
///
/// ```swift
/// let settings = try ObjectStoreSettings(config.optionalObject("remote"), provider: url.provider, configPath: "config.remote")
/// let store = try ObjectStore(provider: url.provider, bucket: url.bucket, settings: settings,
///                             isCancelled: { host.isCancelled }, warn: { host.warning($0) })
/// let objects = try store.list(prefix: "landing/")           // every page, keys in byte order
/// let info = try store.stat(key: "landing/a.parquet")        // nil when absent
/// let reader = store.reader(for: info!)                      // ranged, resumable, bounded memory
/// let footer = try reader.bytes(at: info!.size - 8, count: 8)
/// try store.put(key: "out/_tmp/part-0.parquet", file: "/tmp/part-0.parquet")
/// try store.copy(from: "out/_tmp/part-0.parquet", to: "out/dt=2026-12-05/part-0.parquet")
/// try store.delete(key: "out/_tmp/part-0.parquet")
/// ```
///
/// Listings follow S3's continuation tokens and GCS's page tokens to the end. Reads go through
/// `ObjectReader`. `put` streams the file: one PUT (S3) or media upload (GCS) up to
/// `multipartPartSize`; beyond, an S3 multipart upload (parts retried on their own, the upload
/// aborted on failure) or a GCS resumable upload (chunks; after a failed chunk the session is
/// asked how much arrived and the upload goes on from there). `copy` is server-side, for publishing a finished
/// file under its final name (S3 has no rename: copy then delete). Statuses become errors that
/// name the object and how to fix the cause: 401/403 → `ETL_INVALID_CONFIG` (credentials),
/// 404 → `ETL_IO_ERROR`; secrets are scrubbed from every message.
///
/// An instance is used from one thread at a time (one per plugin instance or per reader thread).
package final class ObjectStore {
    package let provider: ObjectStoreProvider
    package let bucket: String
    package let settings: ObjectStoreSettings
    private let dialect: any ObjectStoreDialect
    private let authorizer: ObjectStoreAuthorizer
    private let http: ObjectStoreHTTP
    private let isCancelled: () -> Bool
    private let warn: (String) -> Void
    /// Objects per listing page (S3 allows 1000 at most, GCS 1000 by default); tests lower it.
    package var pageSize = 1000
    /// Files larger than this go up in parts (S3 multipart) or chunks (GCS resumable) of this
    /// size (S3: at least 5 MiB, its minimum part; GCS: rounded down to 256 KiB multiples;
    /// 64 MiB by default, so up to 640 GB in S3's 10,000 parts).
    package var multipartPartSize: Int64 = 64 << 20

    /// A store for `bucket`. `isCancelled` is asked while waiting for the network; `warn`
    /// receives retry notices (already free of secrets).
    package init(provider: ObjectStoreProvider, bucket: String, settings: ObjectStoreSettings,
                 isCancelled: @escaping () -> Bool, warn: @escaping (String) -> Void) throws(PluginError) {
        self.provider = provider
        self.bucket = bucket
        self.settings = settings
        dialect = provider == .s3 ? S3Dialect(settings: settings) : GCSDialect(settings: settings)
        authorizer = ObjectStoreAuthorizer(settings: settings, isCancelled: isCancelled)
        http = try ObjectStoreHTTP(settings: settings, authorizer: authorizer, isCancelled: isCancelled, warn: warn)
        self.isCancelled = isCancelled
        self.warn = warn
    }

    /// The largest file `put` sends.
    package var singlePutLimit: Int64 { dialect.singlePutLimit }

    /// Removes every secret these settings hold from `text`.
    package func scrub(_ text: String) -> String { http.scrubber.scrub(text) }

    /// `s3://bucket/key` for messages.
    package func display(_ key: String) -> String { ObjectStoreURL(provider: provider, bucket: bucket, key: key).text }

    /// Every object whose key starts with `prefix`, across all pages, in byte order of keys.
    /// - Throws: `ETL_INVALID_CONFIG` for refused credentials, `ETL_IO_ERROR` for a missing
    ///   bucket or an unreachable store.
    package func list(prefix: String) throws(PluginError) -> [ObjectInfo] {
        var objects: [ObjectInfo] = []
        var token: String?
        repeat {
            let request = dialect.listRequest(bucket: bucket, prefix: prefix, pageToken: token, pageSize: pageSize)
            let response = try http.send(request)
            guard response.isSuccess else { throw failure(response, request: request) }
            let page = try dialect.listing(response, bucket: bucket)
            objects += page.objects
            token = page.next
        } while token != nil
        return objects.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
    }

    /// The object's size, ETag and modification time; nil when there is no such object.
    package func stat(key: String) throws(PluginError) -> ObjectInfo? {
        let request = dialect.statRequest(bucket: bucket, key: key)
        let response = try http.send(request)
        if response.status == 404 { return nil }
        guard response.isSuccess else { throw failure(response, request: request) }
        return try dialect.info(response, key: key)
    }

    /// A reader of the object as `info` describes it: a read finding another version (S3: its
    /// ETag no longer matches) fails instead of mixing bytes of two versions.
    package func reader(for info: ObjectInfo) -> ObjectReader {
        ObjectReader(store: self, info: info)
    }

    /// Uploads the local file at `path` as `key` (replacing any object of that key).
    /// - Throws: `ETL_IO_ERROR` when the file cannot be read or exceeds `singlePutLimit`, or the
    ///   store refuses it; `ETL_INVALID_CONFIG` for refused credentials.
    package func put(key: String, file path: String, contentType: String = "application/octet-stream") throws(PluginError) {
        guard let size = LocalFileSize.bytes(path) else {
            throw .ioError("cannot read \(path) to upload it to \(display(key)); check that it exists and is a regular file")
        }
        if provider == .s3, size > multipartPartSize, let s3 = dialect as? S3Dialect {
            let partSize = max(multipartPartSize, 5 << 20, (size + 9_999) / 10_000)
            try S3MultipartUpload(dialect: s3, http: http, bucket: bucket, key: key, fail: { response, request in
                self.failure(response, request: request)
            }).run(path: path, size: size, partSize: partSize, contentType: contentType)
            return
        }
        if provider == .gcs, size > multipartPartSize {
            try GCSResumableUpload(settings: settings, http: http, bucket: bucket, key: key, fail: { response, request in
                self.failure(response, request: request)
            }).run(path: path, size: size, chunkSize: multipartPartSize, contentType: contentType)
            return
        }
        guard size <= dialect.singlePutLimit else {
            throw .ioError("\(path) is \(size) bytes, more than the \(dialect.singlePutLimit) bytes one upload to \(display(key)) may carry; lower multipartPartSize")
        }
        let request = dialect.putRequest(bucket: bucket, key: key, path: path, size: size, contentType: contentType)
        let response = try http.send(request)
        guard response.isSuccess else { throw failure(response, request: request) }
    }

    /// Deletes `key`; deleting an object that is not there is not an error.
    package func delete(key: String) throws(PluginError) {
        let request = dialect.deleteRequest(bucket: bucket, key: key)
        let response = try http.send(request)
        guard response.isSuccess || response.status == 404 else { throw failure(response, request: request) }
    }

    /// Copies `from` to `to` within the bucket, on the store's side (no bytes travel here).
    package func copy(from: String, to: String) throws(PluginError) {
        let request = dialect.copyRequest(bucket: bucket, from: from, to: to)
        let response = try http.send(request)
        guard response.isSuccess else { throw failure(response, request: request) }
        // S3 may answer 200 with an error document when a copy fails midway.
        if provider == .s3, String(decoding: response.body.prefix(512), as: UTF8.self).contains("<Error>") {
            throw .ioError(scrub("\(request.subject) failed: \(dialect.errorText(response))"))
        }
    }

    // MARK: - For ObjectReader

    func mediaURL(_ key: String) -> String { dialect.mediaURL(bucket: bucket, key: key) }
    func pinning(_ etag: String) -> [(name: String, value: String)] { dialect.pinning(etag: etag) }
    func authorize(_ handle: UnsafeMutableRawPointer) throws(PluginError) -> [String] {
        try authorizer.authorize(handle, body: .none)
    }
    var cancelled: Bool { isCancelled() }
    func warning(_ text: String) { warn(scrub(text)) }

    /// The error for a final answer that is not a success.
    func failure(status: Int, storeSaid: String, subject: String) -> PluginError {
        let said = storeSaid.isEmpty ? "" : " The store said: \(storeSaid.prefix(300))"
        let error: PluginError
        switch status {
        case 400 where storeSaid.contains("AuthorizationHeaderMalformed") || storeSaid.contains("region"):
            error = .invalidConfig("\(subject): HTTP 400; the signing region looks wrong: set remote.region (or AWS_REGION) to the bucket's region.\(said)")
        case 301 where provider == .s3, 307 where provider == .s3:
            error = .invalidConfig("\(subject): HTTP \(status), the bucket lives in another region than \(settings.region); set remote.region (or AWS_REGION) to the bucket's region.\(said)")
        case 401, 403:
            let fix = provider == .s3
                ? "check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or remote.profile), remote.region and the key's permissions on bucket \(bucket)"
                : "check GOOGLE_OAUTH_ACCESS_TOKEN / the service-account key (remote.credentials_file or GOOGLE_APPLICATION_CREDENTIALS) and its permissions on bucket \(bucket)"
            error = .invalidConfig("\(subject): HTTP \(status), the store refused the credentials (not retried); \(fix).\(said)")
        case 404:
            error = .ioError("\(subject): HTTP 404, no such bucket or object; check the path (and remote.endpoint / remote.path_style for S3-compatible stores).\(said)")
        case 412:
            error = .badData("\(subject): HTTP 412, the object was replaced while it was being read; run again to read the new version.\(said)")
        case 416:
            error = .badData("\(subject): HTTP 416, the object is now shorter than what was already read (it was replaced).\(said)")
        default:
            error = .ioError("\(subject): HTTP \(status).\(said)")
        }
        return PluginError(error.code, scrub(error.message))
    }

    private func failure(_ response: HTTPResponse, request: ObjectStoreRequest) -> PluginError {
        failure(status: response.status, storeSaid: dialect.errorText(response), subject: request.subject)
    }
}
