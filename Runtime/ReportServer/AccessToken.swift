import ETLRuntimeCore
import FlyingFox
import Foundation

/// The token `serve` asks for (`--token-env NAME`): in an `Authorization: Bearer` header, or in
/// the cookie a browser gets from opening any page once with `?token=...`. The token itself is
/// never logged nor written into a page.
package struct AccessToken: Sendable {
    let secret: String
    static let cookieName = "etl_token"

    package init(_ secret: String) { self.secret = secret }

    /// Whether `request` carries the token, by header or cookie.
    func admits(_ request: HTTPRequest) -> Bool {
        if let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") {
            return matches(String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces))
        }
        for cookie in (request.headers[.cookie] ?? "").split(separator: ";") {
            let parts = cookie.split(separator: "=", maxSplits: 1)
            if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == Self.cookieName {
                return matches(String(parts[1]).removingPercentEncoding ?? "")
            }
        }
        return false
    }

    /// Compares in time independent of where the texts differ, so the answer's timing does not
    /// reveal how much of a guess was right.
    func matches(_ offered: String) -> Bool {
        let left = Array(secret.utf8), right = Array(offered.utf8)
        var difference = UInt8(left.count == right.count ? 0 : 1)
        for index in 0..<max(left.count, right.count) {
            difference |= (index < left.count ? left[index] : 0) ^ (index < right.count ? right[index] : 0)
        }
        return difference == 0
    }

    /// The cookie that carries a token the user gave once in `?token=`.
    func cookie() -> String {
        "\(Self.cookieName)=\(HTMLText.queryValue(secret)); Path=/; HttpOnly; SameSite=Strict"
    }
}
