/// What a store says about one object: from a listing, a HEAD (S3) or a metadata GET (GCS).
/// `etag` and `modified` are what incremental readers compare to notice a rewritten object;
/// `generation` (GCS) changes with every write too and is kept when the store gives it.
package struct ObjectInfo: Sendable, Hashable {
    /// The object's key in its bucket.
    package var key: String
    /// Its size in bytes.
    package var size: Int64
    /// The entity tag without quotes (S3: an MD5 for single-part uploads; GCS: its etag, or
    /// the md5Hash / generation when the store gives no etag).
    package var etag: String
    /// Last modification, in seconds since the Unix epoch (nil when the store did not say).
    package var modified: Double?

    package init(key: String, size: Int64, etag: String, modified: Double?) {
        self.key = key
        self.size = size
        self.etag = etag
        self.modified = modified
    }
}
