#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The key-value metadata of an ArrowSchema, in the C Data Interface's binary layout: an int32
/// pair count, then for each pair an int32 byte length and the key's bytes, an int32 length and
/// the value's bytes (native byte order, no terminators). Only the extension keys are used.
enum ArrowFieldMetadata {
    static let extensionNameKey = "ARROW:extension:name"
    static let extensionMetadataKey = "ARROW:extension:metadata"

    /// The metadata of an extension column, in C heap memory the caller frees: its name and an
    /// empty serialized metadata (canonical extensions such as arrow.json take none).
    static func encodeExtension(_ name: String) -> UnsafeMutableRawPointer {
        let pairs = [(extensionNameKey, name), (extensionMetadataKey, "")]
        var bytes: [UInt8] = []
        func append(_ value: Int32) { withUnsafeBytes(of: value) { bytes.append(contentsOf: $0) } }
        append(Int32(pairs.count))
        for (key, value) in pairs {
            append(Int32(key.utf8.count))
            bytes.append(contentsOf: key.utf8)
            append(Int32(value.utf8.count))
            bytes.append(contentsOf: value.utf8)
        }
        let block = malloc(bytes.count)!
        bytes.withUnsafeBytes { block.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
        return block
    }

    /// The `ARROW:extension:name` in `metadata`, or nil when it has none. A producer declares no
    /// length for the whole block, so a malformed one (a negative count or length) ends the
    /// reading rather than the process: the column is then read as its storage type.
    static func extensionName(in metadata: UnsafePointer<CChar>?) -> String? {
        guard let metadata else { return nil }
        let raw = UnsafeRawPointer(metadata)
        var offset = 0
        func int32() -> Int32 {
            defer { offset += 4 }
            return raw.loadUnaligned(fromByteOffset: offset, as: Int32.self)
        }
        func text(_ length: Int32) -> String {
            defer { offset += Int(length) }
            return String(decoding: UnsafeRawBufferPointer(start: raw + offset, count: Int(length)), as: UTF8.self)
        }
        let count = int32()
        guard count >= 0, count < 4096 else { return nil }
        for _ in 0..<count {
            let keyLength = int32()
            guard keyLength >= 0, keyLength < 1 << 20 else { return nil }
            let key = text(keyLength)
            let valueLength = int32()
            guard valueLength >= 0, valueLength < 1 << 24 else { return nil }
            if key == extensionNameKey { return text(valueLength) }
            offset += Int(valueLength)
        }
        return nil
    }
}
