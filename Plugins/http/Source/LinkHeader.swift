/// Reads RFC 8288 `Link` headers: `<https://api/x?page=2>; rel="next", <...>; rel="last"`.
enum LinkHeader {
    /// The target of the link whose `rel` includes `relation`, or nil.
    static func target(_ header: String, relation: String) -> String? {
        var rest = Substring(header)
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else { return nil }
            let target = String(rest[rest.index(after: open)..<close])
            let afterTarget = rest[rest.index(after: close)...]
            let end = afterTarget.firstIndex(of: "<") ?? afterTarget.endIndex
            let parameters = afterTarget[..<end]
            for parameter in parameters.split(separator: ";") {
                let pair = parameter.split(separator: "=", maxSplits: 1)
                guard pair.count == 2, pair[0].trimmingWhitespace().lowercased() == "rel" else { continue }
                let value = pair[1].trimmingWhitespace().filter { $0 != "\"" && $0 != "," }
                if value.split(separator: " ").contains(where: { $0.lowercased() == relation }) { return target }
            }
            rest = afterTarget[end...]
        }
        return nil
    }
}
