/// hash(...): 64-bit FNV-1a over the arguments' texts, as 16 hex digits. Stable across runs,
/// machines and versions, so it can build surrogate keys; not cryptographic. A null and an
/// empty text hash differently, and argument boundaries count ("ab","c" ≠ "a","bc").
enum StableHash {
    static func hex(_ parts: [String?]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        for part in parts {
            if let part {
                mix(1)
                for byte in part.utf8 { mix(byte) }
            } else {
                mix(0)
            }
            mix(0x1f)
        }
        return String(hash, radix: 16).leftPadded(to: 16)
    }
}
