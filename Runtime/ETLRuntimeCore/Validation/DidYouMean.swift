/// Suggests the intended word for a misspelt key, name or value.
///
/// Uses the optimal-string-alignment edit distance (insertions, deletions,
/// substitutions and swapped neighbours each cost one), compared without case,
/// so `cursor_feild` finds `cursor_field` at distance 1.
package enum DidYouMean {
    /// The edit distance between two words, ignoring case.
    package static func distance(_ first: String, _ second: String) -> Int {
        let a = Array(first.lowercased().unicodeScalars)
        let b = Array(second.lowercased().unicodeScalars)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previousPrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previousPrevious[j - 2] + 1)
                }
            }
            previousPrevious = previous
            previous = current
        }
        return previous[b.count]
    }

    /// The closest candidate when it is close enough to be a likely typo, else nil.
    ///
    /// Close enough: at most one edit per three characters (at least one, at most
    /// three), and never the whole word; ties go to the earlier candidate. Failing
    /// that, a candidate the word begins (`str` for `string`, `batch` for `batch_size`),
    /// when the word has at least three characters and `allowPrefix` is true.
    package static func suggestion(for word: String, among candidates: [String], allowPrefix: Bool = true) -> String? {
        let allowed = max(1, min(3, word.count / 3))
        var best: (candidate: String, distance: Int)?
        for candidate in candidates where candidate != word {
            let distance = distance(word, candidate)
            guard distance <= allowed, distance < max(word.count, candidate.count) else { continue }
            if best == nil || distance < best!.distance {
                best = (candidate, distance)
            }
        }
        if let best { return best.candidate }
        guard allowPrefix, word.count >= 3 else { return nil }
        let lowered = word.lowercased()
        return candidates.first { $0 != word && $0.lowercased().hasPrefix(lowered) }
    }

    /// The message for a key that is not allowed here, shared by the manifest and
    /// config-schema checks so both read alike:
    /// `unknown key; did you mean "cursor_field"?` or
    /// `unknown key; allowed keys are "a", "b"`.
    package static func unknownKeyMessage(_ key: String, allowed: [String]) -> String {
        if let suggestion = suggestion(for: key, among: allowed) {
            return "unknown key; did you mean \(quoted(suggestion))?"
        }
        if allowed.isEmpty { return "unknown key; no keys are allowed here" }
        return "unknown key; allowed keys are \(allowed.map(quoted).joined(separator: ", "))"
    }

    /// `"a"`, `"a" or "b"`, `"a", "b" or "c"`: how a list of choices is written in messages.
    package static func choiceList(_ choices: [String]) -> String {
        let quotedChoices = choices.map(quoted)
        guard quotedChoices.count > 1 else { return quotedChoices.first ?? "nothing" }
        return quotedChoices.dropLast().joined(separator: ", ") + " or " + quotedChoices[quotedChoices.count - 1]
    }

    /// A string as a JSON string literal, for messages.
    package static func quoted(_ text: String) -> String {
        JSONValue.string(text).serialized()
    }
}
