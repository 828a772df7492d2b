/// Percent-encoding and URL splitting, the little the plugins need (no Foundation).
package enum URLText {
    private static let unreserved: Set<UInt8> = Set(Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8))
    private static let hex = Array("0123456789ABCDEF".utf8)

    /// Percent-encodes everything but RFC 3986's unreserved characters.
    package static func encode(_ text: String) -> String {
        var out: [UInt8] = []
        for byte in text.utf8 {
            if unreserved.contains(byte) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Percent-encodes a path segment value (as `encode`, which keeps `/` out of a segment).
    package static func encodePathValue(_ text: String) -> String { encode(text) }

    /// Decodes `%XX` escapes and, in a query, `+` as a space.
    package static func decode(_ text: String, plusIsSpace: Bool = true) -> String {
        var out: [UInt8] = []
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%"), index + 2 < bytes.count, let high = hexValue(bytes[index + 1]),
               let low = hexValue(bytes[index + 2]) {
                out.append(high << 4 | low)
                index += 3
                continue
            }
            out.append(plusIsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `name=value&...`, both percent-encoded.
    package static func encodeQuery(_ query: [(name: String, value: String)]) -> String {
        query.map { encode($0.name) + "=" + encode($0.value) }.joined(separator: "&")
    }

    /// Splits an absolute URL into the part before `?` and its decoded query parameters
    /// (a fragment is dropped: it is never sent).
    package static func split(_ url: String) -> (location: String, query: [(name: String, value: String)]) {
        let withoutFragment = url.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? url
        let parts = withoutFragment.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let location = String(parts[0])
        guard parts.count == 2 else { return (location, []) }
        let query = parts[1].split(separator: "&").map { pair -> (name: String, value: String) in
            let halves = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (decode(String(halves[0])), halves.count == 2 ? decode(String(halves[1])) : "")
        }
        return (location, query)
    }

    /// The URL without `user:password@` (which would put a secret in a message).
    package static func removingUserInfo(_ location: String) -> String {
        guard let schemeEnd = location.firstRange(of: "://") else { return location }
        let rest = location[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return location }
        return String(location[..<schemeEnd.upperBound]) + String(rest[rest.index(after: at)...])
    }

    /// Joins a base URL and a path with exactly one `/` between them; an absolute path
    /// (`http://...`) is returned as it is.
    package static func join(_ base: String, _ path: String) -> String {
        if path.hasPrefix("http://") || path.hasPrefix("https://") { return path }
        if path.isEmpty { return base }
        let trimmedBase = base.hasSuffix("/") ? String(base.dropLast()) : base
        return path.hasPrefix("/") ? trimmedBase + path : trimmedBase + "/" + path
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
