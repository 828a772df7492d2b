/// The `null_values` of a config, arranged for a quick test of every unquoted field.
struct NullValueSet: Sendable {
    /// True when "" is a null value (the default).
    let includesEmpty: Bool
    /// The non-empty null values.
    private let values: [[UInt8]]
    /// The longest non-empty null value, so longer fields skip the comparisons.
    private let longest: Int
    /// The one-byte null values below 0x80, as bits (byte `b` is bit `b & 63` of `asciiBits[b >> 6]`):
    /// one-byte fields are common (a `0`, a `?`), and a bit test settles them without a loop
    /// over the list (callgrind, census with `?`: about 80 instructions per row less).
    private let asciiBits: (UInt64, UInt64)

    init(_ values: [[UInt8]]) {
        includesEmpty = values.contains { $0.isEmpty }
        self.values = values.filter { !$0.isEmpty }
        longest = self.values.map(\.count).max() ?? 0
        var bits: (UInt64, UInt64) = (0, 0)
        for value in self.values where value.count == 1 && value[0] < 0x80 {
            if value[0] < 64 { bits.0 |= 1 << UInt64(value[0]) } else { bits.1 |= 1 << UInt64(value[0] - 64) }
        }
        asciiBits = bits
    }

    /// True when the bytes are one of the null values.
    @inline(__always)
    func contains(_ start: UnsafeRawPointer, _ count: Int) -> Bool {
        if count == 0 { return includesEmpty }
        guard count <= longest else { return false }
        if count == 1 {
            let byte = start.load(as: UInt8.self)
            if byte < 64 { return asciiBits.0 & (1 << UInt64(byte)) != 0 }
            if byte < 0x80 { return asciiBits.1 & (1 << UInt64(byte &- 64)) != 0 }
        }
        return matchesListed(start, count)
    }

    private func matchesListed(_ start: UnsafeRawPointer, _ count: Int) -> Bool {
        for value in values where value.count == count {
            var same = true
            for index in 0..<count where start.load(fromByteOffset: index, as: UInt8.self) != value[index] {
                same = false
                break
            }
            if same { return true }
        }
        return false
    }
}
