/// The last guard before text leaves the plugin (errors, logs, rejects): replaces every
/// occurrence of a secret, raw or percent-encoded, with `<redacted>`.
package struct SecretScrubber: Sendable {
    private let secrets: [String]

    /// A scrubber for `secrets` (values shorter than 4 characters are skipped: replacing "a"
    /// everywhere would make messages unreadable and hides nothing).
    package init(secrets: [String]) {
        var all: [String] = []
        for secret in secrets where secret.count >= 4 {
            all.append(secret)
            let encoded = URLText.encode(secret)
            if encoded != secret { all.append(encoded) }
        }
        self.secrets = all.sorted { $0.count > $1.count }
    }

    /// `text` with every secret replaced.
    package func scrub(_ text: String) -> String {
        var result = text
        for secret in secrets where result.contains(secret) {
            result = result.replacingAll(secret, with: "<redacted>")
        }
        return result
    }
}

extension String {
    /// The text with every occurrence of `target` replaced by `replacement`.
    package func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        result += rest
        return result
    }
}
