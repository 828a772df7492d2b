/// UTF-8 validation (Unicode 15, table 3-7: no overlong forms, no surrogates, nothing above
/// U+10FFFF), and a fast look for the first non-ASCII byte.
///
/// The reader only validates records that contain a byte >= 0x80, found with `firstHighByte`
/// eight bytes at a time, so ASCII files pay one cheap pass and nothing per field.
enum UTF8Check {
    /// Offset of the first byte >= 0x80 in `base[from..<to]`, or `to` when there is none.
    static func firstHighByte(_ base: UnsafeRawPointer, from: Int, to: Int) -> Int {
        var index = from
        while index &+ 8 <= to {
            let word = base.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            let high = word & 0x8080_8080_8080_8080
            if high != 0 { return index &+ high.trailingZeroBitCount / 8 }
            index &+= 8
        }
        while index < to {
            if base.load(fromByteOffset: index, as: UInt8.self) >= 0x80 { return index }
            index &+= 1
        }
        return to
    }

    /// Offset of the first byte of the first invalid sequence in `bytes`, or nil when valid.
    static func firstInvalidOffset(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        let count = bytes.count
        var index = firstHighByte(base, from: 0, to: count)
        while index < count {
            let lead = base.load(fromByteOffset: index, as: UInt8.self)
            if lead < 0x80 {
                index &+= 1
                continue
            }
            let extra: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: extra = 1
            case 0xE0: extra = 2; low = 0xA0  // below: overlong
            case 0xED: extra = 2; high = 0x9F  // above: surrogates
            case 0xE1...0xEC, 0xEE...0xEF: extra = 2
            case 0xF0: extra = 3; low = 0x90  // below: overlong
            case 0xF1...0xF3: extra = 3
            case 0xF4: extra = 3; high = 0x8F  // above: beyond U+10FFFF
            default: return index
            }
            guard index + extra < count else { return index }
            let second = base.load(fromByteOffset: index + 1, as: UInt8.self)
            guard second >= low && second <= high else { return index }
            var next = index + 2
            while next <= index + extra {
                guard base.load(fromByteOffset: next, as: UInt8.self) & 0xC0 == 0x80 else { return index }
                next += 1
            }
            index = next
        }
        return nil
    }
}
