/// A response as received: status, headers (names lower-cased) and the whole body.
package struct HTTPResponse: Sendable {
    /// The HTTP status code.
    package var status: Int
    /// Header lines of the final response, names lower-cased, in order.
    package var headers: [(name: String, value: String)]
    /// The body bytes.
    package var body: [UInt8]

    /// The first value of a header (name compared case-insensitively).
    package func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name == wanted }?.value
    }

    /// True for 2xx.
    package var isSuccess: Bool { (200..<300).contains(status) }

    /// The start of the body as text for messages, at most `limit` bytes, cut at a character.
    package func excerpt(limit: Int = 200) -> String {
        let text = String(decoding: body.prefix(limit), as: UTF8.self)
        return body.count > limit ? text + "..." : text
    }
}
