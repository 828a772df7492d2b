import ETLPluginKit

/// The one error a UTF-8 read fails with at its first byte that is not UTF-8: such a file is
/// almost always in another encoding, so every row after it would be rejected alike. It names
/// the file, the line, the byte and the fix.
enum InvalidUTF8Error {
    /// The error for `record` (a record's raw bytes, starting on `line` of `path`), when it is
    /// not valid UTF-8; nil when it is.
    static func check(_ record: UnsafeRawBufferPointer, path: String, line: Int64) -> PluginError? {
        guard let bad = UTF8Check.firstInvalidOffset(record) else { return nil }
        var badLine = line
        var lineStart = 0
        for index in 0..<bad where record[index] == CSVDialect.lineFeed {
            badLine += 1
            lineStart = index + 1
        }
        let byte = String(record[bad], radix: 16, uppercase: true)
        return .badData("\(path):\(badLine) is not valid UTF-8: byte 0x\(byte.count == 1 ? "0" + byte : byte) at byte \(bad - lineStart + 1) of the line. The file is probably in another encoding: if it comes from a Windows or older system, set \"encoding\": \"latin-1\" (or \"windows-1252\") in the source config")
    }
}
