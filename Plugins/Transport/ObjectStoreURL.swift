import ETLPluginKit

/// Which object store a path names: `s3://` (Amazon S3 and S3-compatible stores, GCS HMAC keys
/// included) or `gs://` (Google Cloud Storage through its JSON API).
package enum ObjectStoreProvider: String, Sendable, Hashable {
    case s3
    case gcs = "gs"
}

/// An object-store location, `s3://bucket/key` or `gs://bucket/key`, where the key's last
/// segment may be a glob (`s3://bucket/landing/*.csv`). Keys are kept as written (not
/// percent-decoded): object keys are plain text, and the stores want them encoded per request.
package struct ObjectStoreURL: Sendable, Hashable {
    package let provider: ObjectStoreProvider
    package let bucket: String
    /// The key, or key pattern, without a leading `/` ("" for the bucket itself).
    package let key: String

    /// True when `path` starts with `s3://` or `gs://` (any case).
    package static func isObjectStore(_ path: String) -> Bool {
        guard let range = path.firstRange(of: "://") else { return false }
        return ObjectStoreProvider(rawValue: path[..<range.lowerBound].lowercased()) != nil
    }

    /// Parses `text`; nil when it is not `s3://` or `gs://` followed by a bucket name.
    package init?(_ text: String) {
        guard let range = text.firstRange(of: "://"),
              let provider = ObjectStoreProvider(rawValue: text[..<range.lowerBound].lowercased()) else { return nil }
        let rest = text[range.upperBound...]
        let bucket = rest.prefix { $0 != "/" }
        guard !bucket.isEmpty, !bucket.contains("?"), !bucket.contains("@") else { return nil }
        self.provider = provider
        self.bucket = String(bucket)
        key = String(rest.dropFirst(bucket.count).drop { $0 == "/" })
    }

    /// The location of `key` in the same bucket.
    package init(provider: ObjectStoreProvider, bucket: String, key: String) {
        self.provider = provider
        self.bucket = bucket
        self.key = key
    }

    /// `s3://bucket/key`: what messages, stream names and resume states show (it holds no secret).
    package var text: String { "\(provider.rawValue)://\(bucket)/\(key)" }

    /// The key's last segment (a file name or a glob).
    package var lastSegment: String {
        key.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? ""
    }

    /// The key up to and including its last `/`: the prefix a listing asks for.
    package var folderPrefix: String {
        guard let slash = key.lastIndex(of: "/") else { return "" }
        return String(key[...slash])
    }

    /// The same bucket's object `key`.
    package func sibling(key: String) -> ObjectStoreURL {
        ObjectStoreURL(provider: provider, bucket: bucket, key: key)
    }
}
