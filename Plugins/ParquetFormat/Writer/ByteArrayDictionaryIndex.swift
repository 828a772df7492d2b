import Glibc

/// Finds byte-array values in a column chunk's dictionary without allocating per lookup: an
/// open-addressing hash table of entry numbers whose bytes live in the dictionary page itself
/// (PLAIN: a 4-byte length, then the bytes), so each distinct value is stored once.
struct ByteArrayDictionaryIndex {
    /// Entry number + 1 per slot (0: empty); a power of two, kept at most half full.
    private var slots: [UInt32] = []
    /// Where each entry's bytes start in the dictionary page, their length, and their hash.
    private var starts: [Int] = []
    private var lengths: [Int] = []
    private var hashes: [Int] = []

    /// Distinct values so far.
    var count: Int { starts.count }

    /// The entry number of `bytes`, appending it to `page` (the dictionary page) when it is new.
    mutating func entry(for bytes: UnsafeRawBufferPointer, page: inout [UInt8]) -> UInt32 {
        if slots.isEmpty { slots = [UInt32](repeating: 0, count: 64) }
        var hasher = Hasher()
        hasher.combine(bytes: bytes)
        let hash = hasher.finalize()
        let mask = slots.count - 1
        var slot = hash & mask
        while slots[slot] != 0 {
            let entry = Int(slots[slot] - 1)
            if hashes[entry] == hash && lengths[entry] == bytes.count && Self.equal(page, at: starts[entry], bytes) {
                return UInt32(entry)
            }
            slot = (slot + 1) & mask
        }
        let entry = starts.count
        withUnsafeBytes(of: UInt32(bytes.count).littleEndian) { page.append(contentsOf: $0) }
        starts.append(page.count)
        lengths.append(bytes.count)
        hashes.append(hash)
        page.append(contentsOf: bytes)
        slots[slot] = UInt32(entry + 1)
        if starts.count * 2 > slots.count { grow() }
        return UInt32(entry)
    }

    private mutating func grow() {
        var larger = [UInt32](repeating: 0, count: slots.count * 2)
        let mask = larger.count - 1
        for entry in hashes.indices {
            var slot = hashes[entry] & mask
            while larger[slot] != 0 { slot = (slot + 1) & mask }
            larger[slot] = UInt32(entry + 1)
        }
        slots = larger
    }

    private static func equal(_ page: [UInt8], at start: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return true }
        return page.withUnsafeBytes { memcmp($0.baseAddress! + start, base, bytes.count) == 0 }
    }
}
