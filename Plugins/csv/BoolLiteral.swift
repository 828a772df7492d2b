/// The texts a `bool` column accepts, in any case: true/false, t/f, yes/no, y/n and 1/0.
/// Anything else rejects the row rather than becoming a guess.
enum BoolLiteral {
    /// The boolean the bytes spell, or nil.
    static func value(_ start: UnsafeRawPointer, _ count: Int) -> Bool? {
        guard count >= 1 && count <= 5 else { return nil }
        var lowered: UInt64 = 0
        for index in 0..<count {
            let byte = start.load(fromByteOffset: index, as: UInt8.self)
            // Letters lower-cased; digits are unchanged by the OR.
            let folded = (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
            lowered |= UInt64(folded) << UInt64(8 * index)
        }
        if trueWords.contains(lowered) { return true }
        if falseWords.contains(lowered) { return false }
        return nil
    }

    /// Each accepted word packed little-endian into a UInt64, as `value` packs its input.
    private static let trueWords = ["true", "t", "yes", "y", "1"].map(pack)
    private static let falseWords = ["false", "f", "no", "n", "0"].map(pack)

    private static func pack(_ text: String) -> UInt64 {
        var packed: UInt64 = 0
        for (index, byte) in text.utf8.enumerated() { packed |= UInt64(byte) << UInt64(8 * index) }
        return packed
    }
}
