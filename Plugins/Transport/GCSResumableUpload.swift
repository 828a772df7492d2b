import ETLPluginKit

/// GCS's resumable upload, for files larger than one chunk: a `POST ...?uploadType=resumable`
/// opens a session (its URI in `Location`), the file goes up in chunks (`PUT` with
/// `Content-Range: bytes A-B/TOTAL`, multiples of 256 KiB; 308 until the last), and when a chunk
/// fails the session is asked how much it holds (`Content-Range: bytes */TOTAL` → 308 with
/// `Range: bytes=0-N`) and the upload goes on from the next byte rather than from the start.
struct GCSResumableUpload {
    let settings: ObjectStoreSettings
    let http: ObjectStoreHTTP
    let bucket: String
    let key: String
    let fail: (HTTPResponse, ObjectStoreRequest) -> PluginError

    /// GCS wants chunks in multiples of 256 KiB (but the last).
    static let granularity: Int64 = 256 << 10

    func run(path: String, size: Int64, chunkSize: Int64, contentType: String) throws(PluginError) {
        let subject = "uploading gs://\(bucket)/\(key)"
        let url = "\(settings.endpoint)/upload/storage/v1/b/\(URLText.encode(bucket))/o?" + ObjectKeyEncoding.query([("name", key), ("uploadType", "resumable")])
        let open = ObjectStoreRequest(method: "POST", url: url, headers: [
            ("Content-Type", "application/json"), ("X-Upload-Content-Type", contentType), ("X-Upload-Content-Length", String(size)),
        ], body: .bytes(Array("{}".utf8)), subject: subject)
        let opened = try http.send(open)
        guard opened.isSuccess else { throw fail(opened, open) }
        guard let session = opened.header("location") else {
            throw .ioError("\(subject): the store opened a resumable upload without a session URI (Location)")
        }
        let chunk = max(Self.granularity, chunkSize / Self.granularity * Self.granularity)
        var offset: Int64 = 0
        var recoveries = 0
        while true {
            let length = min(chunk, size - offset)
            let put = ObjectStoreRequest(method: "PUT", url: session, headers: [("Content-Range", "bytes \(offset)-\(offset + length - 1)/\(size)")],
                                         body: .file(path: path, offset: offset, size: length), subject: "\(subject) (bytes from \(offset))")
            let answer: HTTPResponse
            do throws(PluginError) {
                answer = try http.send(put)
            } catch {
                guard error.code == .ioError, recoveries < settings.client.retries else { throw error }
                recoveries += 1
                guard let held = try received(session: session, size: size, subject: subject) else { return }
                offset = held
                continue
            }
            if answer.isSuccess { return }
            guard answer.status == 308 else {
                guard (500..<600).contains(answer.status), recoveries < settings.client.retries else { throw fail(answer, put) }
                recoveries += 1
                guard let held = try received(session: session, size: size, subject: subject) else { return }
                offset = held
                continue
            }
            offset = Self.nextByte(answer)
        }
    }

    /// How many bytes the session holds, or nil when it already holds the whole file (done).
    private func received(session: String, size: Int64, subject: String) throws(PluginError) -> Int64? {
        let status = ObjectStoreRequest(method: "PUT", url: session, headers: [("Content-Range", "bytes */\(size)")], body: .bytes([]),
                                        subject: "\(subject) (asking how much arrived)")
        let answer = try http.send(status)
        if answer.isSuccess { return nil }
        guard answer.status == 308 else { throw fail(answer, status) }
        return Self.nextByte(answer)
    }

    /// The byte after the last one a 308 says arrived (`Range: bytes=0-N`; none: 0).
    private static func nextByte(_ answer: HTTPResponse) -> Int64 {
        guard let range = answer.header("range"), let dash = range.lastIndex(of: "-"), let last = Int64(range[range.index(after: dash)...]) else { return 0 }
        return last + 1
    }
}
