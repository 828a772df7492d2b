import Foundation

/// `--listen HOST:PORT` (`127.0.0.1:8080`, `[::1]:8080`, `localhost:0`), and whether it is a
/// loopback address, which is all `serve` opens without a token.
package struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    package var host: String
    package var port: UInt16
    package var isIPv6: Bool

    package struct Invalid: Error, CustomStringConvertible {
        package var description: String
    }

    package init(parsing text: String) throws(Invalid) {
        let hostPart: Substring, portPart: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                throw Invalid(description: "--listen \(text): expected [IPv6]:PORT, e.g. [::1]:8080")
            }
            hostPart = text[text.index(after: text.startIndex)..<close]
            portPart = text[text.index(close, offsetBy: 2)...]
            isIPv6 = true
        } else {
            guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else {
                throw Invalid(description: "--listen \(text): expected HOST:PORT, e.g. 127.0.0.1:8080 (an IPv6 address in brackets: [::1]:8080)")
            }
            hostPart = text[..<colon]
            portPart = text[text.index(after: colon)...]
            isIPv6 = false
        }
        guard let port = UInt16(portPart) else {
            throw Invalid(description: "--listen \(text): the port must be a number from 0 to 65535, got \"\(portPart)\"")
        }
        var host = String(hostPart)
        if host == "localhost" { host = "127.0.0.1" }
        if isIPv6 {
            var address = in6_addr()
            guard inet_pton(AF_INET6, host, &address) == 1 else {
                throw Invalid(description: "--listen \(text): \"\(host)\" is not an IPv6 address")
            }
        } else {
            var address = in_addr()
            guard inet_pton(AF_INET, host, &address) == 1 else {
                throw Invalid(description: "--listen \(text): \"\(host)\" is not an IPv4 address (or localhost)")
            }
        }
        self.host = host
        self.port = port
    }

    /// 127.0.0.0/8 or ::1: reachable from this machine only.
    package var isLoopback: Bool {
        if isIPv6 {
            var address = in6_addr()
            guard inet_pton(AF_INET6, host, &address) == 1 else { return false }
            let bytes = withUnsafeBytes(of: &address) { Array($0) }
            return bytes.dropLast().allSatisfy { $0 == 0 } && bytes.last == 1
        }
        return host.split(separator: ".").first == "127"
    }

    package var description: String { isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
