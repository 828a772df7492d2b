#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Small local text files the transport reads itself (credential files, service-account keys),
/// without Foundation.
enum LocalTextFile {
    /// The file's bytes as UTF-8 text, or nil when it cannot be opened. Files beyond 1 MiB are
    /// refused: no credential file is that big.
    static func read(_ path: String) -> String? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 << 10)
        while bytes.count <= 1 << 20 {
            let got = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if got == 0 { break }
            bytes.append(contentsOf: chunk[0..<got])
        }
        return bytes.count > 1 << 20 ? nil : String(decoding: bytes, as: UTF8.self)
    }
}
