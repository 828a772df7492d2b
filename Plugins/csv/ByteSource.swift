import ETLPluginKit

/// Where a record reader takes its bytes from: a local file (`InputFile`) or a file behind a
/// URL (`RemoteInput`). Reads go by offset; a reader asks for consecutive ranges, which a
/// remote source turns into one streamed transfer.
protocol ByteSource: AnyObject {
    /// The path or URL, for messages, reject positions and the resume state.
    var path: String { get }
    /// Size, identity (the inode, 0 for remote files) and modification time.
    func status() throws(PluginError) -> InputFile.Status
    /// Reads up to `count` bytes at `offset` into `into`; fewer only at the end.
    func read(into: UnsafeMutableRawPointer, count: Int, at offset: Int64) throws(PluginError) -> Int
    /// `ByteFingerprint` of the up to 64 bytes before `offset`.
    func fingerprint(before offset: Int64) throws(PluginError) -> String
}

extension InputFile: ByteSource {}

/// The short hash the resume state keeps of the bytes before a file's saved offset (FNV-1a,
/// 64 bits, as 16 hex digits): it tells a file rewritten in place from one that only grew.
enum ByteFingerprint {
    /// How many bytes before the offset are hashed.
    static let window: Int64 = 64

    /// The hash of `bytes`.
    static func hex(_ bytes: UnsafeRawBufferPointer) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
