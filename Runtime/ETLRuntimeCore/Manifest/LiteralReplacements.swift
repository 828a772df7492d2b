/// Replaces literal texts in one left-to-right pass, the longest match first at each position.
///
/// One pass, rather than one `replace` per text in turn, so that a replacement is never
/// rewritten by a later one (a secret "SECR" must not break an inserted `${SECRET}`), and a
/// value contained in a longer one never splits the longer one.
struct LiteralReplacements {
    private let rules: [(pattern: [UInt8], replacement: [UInt8])]
    /// The first bytes of the patterns, so most positions cost one lookup.
    private let firstBytes: Set<UInt8>

    /// `pairs` of (text to find, text to put instead); empty texts to find are ignored, and of
    /// two equal ones the first wins.
    init(_ pairs: [(find: String, replaceWith: String)]) {
        var seen: Set<[UInt8]> = []
        var rules: [(pattern: [UInt8], replacement: [UInt8])] = []
        for pair in pairs {
            let pattern = Array(pair.find.utf8)
            guard !pattern.isEmpty, seen.insert(pattern).inserted else { continue }
            rules.append((pattern, Array(pair.replaceWith.utf8)))
        }
        // Two different patterns of one length cannot both match at one position.
        self.rules = rules.sorted { $0.pattern.count > $1.pattern.count }
        firstBytes = Set(rules.map { $0.pattern[0] })
    }

    /// `text` with every pattern replaced. UTF-8 never matches inside another character's
    /// bytes, so working on bytes cannot cut a character in two.
    func apply(to text: String) -> String {
        guard !rules.isEmpty else { return text }
        let bytes = Array(text.utf8)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        var changed = false
        scan: while index < bytes.count {
            if firstBytes.contains(bytes[index]) {
                for rule in rules where Self.matches(rule.pattern, in: bytes, at: index) {
                    result += rule.replacement
                    index += rule.pattern.count
                    changed = true
                    continue scan
                }
            }
            result.append(bytes[index])
            index += 1
        }
        return changed ? String(decoding: result, as: UTF8.self) : text
    }

    private static func matches(_ pattern: [UInt8], in bytes: [UInt8], at index: Int) -> Bool {
        guard bytes.count - index >= pattern.count else { return false }
        for offset in pattern.indices where bytes[index + offset] != pattern[offset] { return false }
        return true
    }
}
