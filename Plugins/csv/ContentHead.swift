/// A fingerprint of a file's first bytes (`ByteFingerprint` of the first `length`): with the
/// fingerprint of the bytes before the saved offset, it is how the resume state recognises
/// the file it belongs to under another path or inode (a rotated or copied log), and tells a
/// new file that got an old inode number from the old file.
///
/// It covers the first `min(window, offset)` bytes, bytes already read: a file that holds the
/// same head and the same bytes before the offset as a saved state continues that state.
struct ContentHead: Sendable, Hashable {
    /// The most bytes a head covers: enough for a header line and the first records, which
    /// carry timestamps or ids in a log, and one small read per file per run.
    static let window: Int64 = 1024

    /// How many bytes from the start of the file the hash covers.
    let length: Int64
    /// `ByteFingerprint` of those bytes.
    let hash: String

    /// How many bytes the head of a file read up to `offset` covers.
    static func length(forOffset offset: Int64) -> Int64 { Swift.min(window, offset) }
}
