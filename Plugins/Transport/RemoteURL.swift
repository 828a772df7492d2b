import ETLPluginKit

/// A file location behind `https://`, `http://` or `sftp://`, split the way the remote readers
/// need it: the scheme, the folder part and the last path segment (which may be a glob).
package struct RemoteURL: Sendable, Hashable {
    /// The URL schemes read remotely.
    package static let schemes = ["https", "http", "sftp"]

    /// The scheme, lower-cased: "https", "http" or "sftp".
    package let scheme: String
    /// The URL as written.
    package let text: String

    /// True when `path` starts with one of `schemes` followed by `://` (any case).
    package static func isRemote(_ path: String) -> Bool {
        guard let range = path.firstRange(of: "://") else { return false }
        return schemes.contains(path[..<range.lowerBound].lowercased())
    }

    /// Parses `text`; nil when it is not a remote URL with a host and a path.
    package init?(_ text: String) {
        guard Self.isRemote(text), let range = text.firstRange(of: "://") else { return nil }
        let rest = text[range.upperBound...]
        guard let slash = rest.firstIndex(of: "/"), slash != rest.startIndex else { return nil }
        scheme = text[..<range.lowerBound].lowercased()
        self.text = text
    }

    /// True for `http://` and `https://`.
    package var isHTTP: Bool { scheme != "sftp" }

    /// The URL for messages: no `user:password@` and no query (which may hold a key).
    package var display: String {
        let withoutQuery = text.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? text
        return URLText.removingUserInfo(withoutQuery)
    }

    /// The last path segment (a file name or a glob), not decoded.
    package var lastSegment: String {
        let withoutQuery = text.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? text
        return withoutQuery.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? ""
    }

    /// The URL up to and including the last `/`: the folder that holds `lastSegment`.
    package var folder: String {
        guard let slash = text.lastIndex(of: "/") else { return text }
        return String(text[...slash])
    }

    /// The URL of the file `name` in `folder` (the name percent-encoded).
    package func sibling(named name: String) -> String {
        folder + URLText.encode(name)
    }
}
