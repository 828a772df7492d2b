/// Removes secrets from text a driver hands back before it reaches an error or a log line.
///
/// The secrets are every value read from the environment through `options_env`, and the
/// password inside any option value written as a URL (`scheme://user:password@host`), each also
/// in its percent-encoded and decoded forms, since drivers echo URIs either way.
struct SecretScrubber: Sendable {
    static let mask = "***"
    private let secrets: [String]

    init(environmentValues: [String], optionValues: [String]) {
        var found: [String] = []
        for value in environmentValues + optionValues {
            if environmentValues.contains(value) { found.append(value) }
            if let password = Self.urlPassword(value) { found.append(password) }
        }
        var forms: [String] = []
        for secret in found where !secret.isEmpty {
            forms.append(secret)
            if let decoded = secret.percentDecoded, decoded != secret { forms.append(decoded) }
        }
        // Longest first: a secret that contains another is removed whole.
        secrets = Array(Set(forms)).sorted { $0.count > $1.count }
    }

    func scrub(_ text: String) -> String {
        secrets.reduce(text) { $0.replacing($1, with: Self.mask) }
    }

    /// The password part of `scheme://user:password@host...`, if the text has one.
    static func urlPassword(_ text: String) -> String? {
        let characters = Array(text)
        var start: Int?
        for index in 0..<max(characters.count - 2, 0) where characters[index] == ":" && characters[index + 1] == "/" && characters[index + 2] == "/" {
            start = index + 3
            break
        }
        guard let start else { return nil }
        var end = start
        while end < characters.count, !"/?#".contains(characters[end]) { end += 1 }
        let authority = characters[start..<end]
        guard let at = authority.lastIndex(of: "@") else { return nil }
        let userInfo = characters[start..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return nil }
        let password = String(characters[(colon + 1)..<at])
        return password.isEmpty ? nil : password
    }
}

extension String {
    /// Decodes %XX sequences; nil when one is malformed. (Foundation-free, like the rest of the plugin.)
    var percentDecoded: String? {
        var bytes: [UInt8] = []
        var iterator = utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            guard let high = iterator.next(), let low = iterator.next(),
                  let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(value)
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
