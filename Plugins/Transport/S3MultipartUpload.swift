import ETLPluginKit

/// S3's multipart upload, for files larger than one part: `POST ?uploads` starts it, each part
/// is a `PUT ?partNumber=N&uploadId=...` of a range of the file (streamed, retried on its own),
/// `POST ?uploadId=...` with the parts' ETags completes it; any failure aborts it (`DELETE
/// ?uploadId=...`) so no orphan parts are left to pay for. Parts are 5 MiB at least (S3's
/// minimum, but for the last) and at most 10,000.
struct S3MultipartUpload {
    let dialect: S3Dialect
    let http: ObjectStoreHTTP
    let bucket: String
    let key: String
    let fail: (HTTPResponse, ObjectStoreRequest) -> PluginError

    /// Uploads `size` bytes of `path` in parts of `partSize` bytes.
    func run(path: String, size: Int64, partSize: Int64, contentType: String) throws(PluginError) {
        let subject = "uploading s3://\(bucket)/\(key)"
        let start = ObjectStoreRequest(method: "POST", url: dialect.url(bucket: bucket, key: key, query: [("uploads", "")]),
                                       headers: [("Content-Type", contentType)], body: .bytes([]), subject: subject)
        let started = try http.send(start)
        guard started.isSuccess else { throw fail(started, start) }
        guard let uploadID = XMLText.value("UploadId", in: Substring(String(decoding: started.body, as: UTF8.self))) else {
            throw .ioError("\(subject): the store started a multipart upload without giving its UploadId")
        }
        do throws(PluginError) {
            var etags: [String] = []
            var offset: Int64 = 0
            var number = 1
            while offset < size {
                let length = min(partSize, size - offset)
                let part = ObjectStoreRequest(
                    method: "PUT",
                    url: dialect.url(bucket: bucket, key: key, query: [("partNumber", String(number)), ("uploadId", uploadID)]),
                    body: .file(path: path, offset: offset, size: length), subject: "\(subject) (part \(number))")
                let answer = try http.send(part)
                guard answer.isSuccess else { throw fail(answer, part) }
                guard let etag = answer.header("etag") else {
                    throw .ioError("\(subject): the store accepted part \(number) without an ETag")
                }
                etags.append(etag)
                offset += length
                number += 1
            }
            let document = "<CompleteMultipartUpload>" + etags.enumerated().map { index, etag in
                "<Part><PartNumber>\(index + 1)</PartNumber><ETag>\(XMLText.escape(etag))</ETag></Part>"
            }.joined() + "</CompleteMultipartUpload>"
            let complete = ObjectStoreRequest(method: "POST", url: dialect.url(bucket: bucket, key: key, query: [("uploadId", uploadID)]),
                                              headers: [("Content-Type", "application/xml")], body: .bytes(Array(document.utf8)), subject: subject)
            let answer = try http.send(complete)
            // S3 may answer 200 with an error document when completing fails.
            guard answer.isSuccess, !String(decoding: answer.body.prefix(512), as: UTF8.self).contains("<Error>") else {
                throw fail(answer, complete)
            }
        } catch {
            let abort = ObjectStoreRequest(method: "DELETE", url: dialect.url(bucket: bucket, key: key, query: [("uploadId", uploadID)]),
                                           subject: "aborting the upload of s3://\(bucket)/\(key)")
            _ = try? http.send(abort)
            throw error
        }
    }
}
