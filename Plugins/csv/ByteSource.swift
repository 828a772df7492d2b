import ETLPluginKit

/// Where a record reader takes its bytes from: a local file (`InputFile`) or a file behind a
/// URL (`RemoteInput`). Reads go by offset; a reader asks for consecutive ranges, which a
/// remote source turns into one streamed transfer.
protocol ByteSource: AnyObject {
    /// The path or URL, for messages, reject positions and the resume state.
    var path: String { get }
    /// Size, identity (device and inode, both 0 for remote files) and modification time.
    func status() throws(PluginError) -> InputFile.Status
    /// Reads up to `count` bytes at `offset` into `into`: 0 only at the end; fewer than `count`
    /// at the end, or when a remote input hands over the bytes it already holds (the reader
    /// asks again for the rest).
    func read(into: UnsafeMutableRawPointer, count: Int, at offset: Int64) throws(PluginError) -> Int
    /// The `count` bytes at `offset` (fewer at the end), without disturbing a read in progress:
    /// the few bytes the resume state's fingerprints need.
    func bytes(at offset: Int64, count: Int) throws(PluginError) -> [UInt8]
    /// True when the path alone says which file this is (an http(s) URL names one file and
    /// cannot be listed, copied or rotated under another name the read would see): its saved
    /// state is the one with its path, checked by size and the bytes before the saved offset,
    /// without fetching its first bytes again.
    var isIdentifiedByPath: Bool { get }
    /// For an input decoded from other bytes (decompressed, transcoded): how many bytes of the
    /// file as stored it has taken so far, which the read's progress counts. Nil when the bytes
    /// read are the stored bytes (the reader's offsets then say it).
    var storedBytesRead: Int64? { get }
}

extension InputFile: ByteSource {}

extension ByteSource {
    var isIdentifiedByPath: Bool { false }
    var storedBytesRead: Int64? { nil }

    /// `ByteFingerprint` of the up to 64 bytes before `offset`: stored with the resume state,
    /// it tells a file that was rewritten in place (same inode, e.g. by `cp`) from one that
    /// only grew.
    func fingerprint(before offset: Int64) throws(PluginError) -> String {
        let length = Int(Swift.min(offset, ByteFingerprint.window))
        return ByteFingerprint.hex(try bytes(at: offset - Int64(length), count: length))
    }
}

/// The short hash the resume state keeps of a file's bytes (FNV-1a, 64 bits, as 16 hex
/// digits): of the bytes before the saved offset, and of the file's first bytes (`ContentHead`).
enum ByteFingerprint {
    /// How many bytes before the offset are hashed.
    static let window: Int64 = 64
    private static let basis: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let prime: UInt64 = 0x0000_0100_0000_01B3

    /// The hash of `bytes`.
    static func hex(_ bytes: UnsafeRawBufferPointer) -> String {
        var hash = basis
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* prime
        }
        return text(hash)
    }

    /// The hash of `bytes`.
    static func hex(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { hex($0) }
    }

    /// The hashes of the prefixes of `bytes` whose lengths are in `lengths` (lengths beyond
    /// `bytes` are left out), in one pass: FNV-1a's running value after n bytes is the hash of
    /// the first n.
    static func prefixHexes(_ bytes: [UInt8], lengths: Set<Int>) -> [Int: String] {
        var hashes: [Int: String] = [:]
        var hash = basis
        if lengths.contains(0) { hashes[0] = text(hash) }
        for (index, byte) in bytes.enumerated() {
            hash = (hash ^ UInt64(byte)) &* prime
            if lengths.contains(index + 1) { hashes[index + 1] = text(hash) }
        }
        return hashes
    }

    private static func text(_ hash: UInt64) -> String {
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
