/// The `null_values` of a config, arranged for a quick test of every unquoted field.
struct NullValueSet: Sendable {
    /// True when "" is a null value (the default).
    let includesEmpty: Bool
    /// The non-empty null values.
    private let values: [[UInt8]]
    /// The longest non-empty null value, so longer fields skip the comparisons.
    private let longest: Int

    init(_ values: [[UInt8]]) {
        includesEmpty = values.contains { $0.isEmpty }
        self.values = values.filter { !$0.isEmpty }
        longest = self.values.map(\.count).max() ?? 0
    }

    /// True when the bytes are one of the null values.
    @inline(__always)
    func contains(_ start: UnsafeRawPointer, _ count: Int) -> Bool {
        if count == 0 { return includesEmpty }
        guard count <= longest else { return false }
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
