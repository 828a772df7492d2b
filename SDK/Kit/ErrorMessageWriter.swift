import CETLPlugin

/// Writes a status and message into a caller-owned `etl_error`, with the host's `set_error`
/// semantics: NUL-terminated, cut to fit `ETL_ERROR_MESSAGE_CAPACITY`, never in the middle of a
/// UTF-8 character.
enum ErrorMessageWriter {
    /// Room for the text: the capacity less the terminating NUL.
    static let maximumMessageBytes = Int(ETL_ERROR_MESSAGE_CAPACITY) - 1
    /// Appended to a cut message so the reader knows it was cut.
    static let truncationMark: [UInt8] = Array("...".utf8)

    /// Fills `error` (when non-NULL) with `code` and `message`. The struct's `struct_size` is left
    /// as the caller set it: `code` and `message` are part of every ABI 1.x `etl_error`.
    static func write(code: etl_status, message: String, to error: UnsafeMutablePointer<etl_error>?) {
        guard let error else { return }
        error.pointee.code = code
        let bytes = truncatedBytes(message)
        let offset = MemoryLayout<etl_error>.offset(of: \etl_error.message)!
        let destination = (UnsafeMutableRawPointer(error) + offset).assumingMemoryBound(to: UInt8.self)
        for (index, byte) in bytes.enumerated() {
            destination[index] = byte
        }
        destination[bytes.count] = 0
    }

    /// The UTF-8 bytes to store: NULs (which would end a C string early) become spaces, and text
    /// beyond the room is cut at a character boundary and marked with "...".
    static func truncatedBytes(_ message: String) -> [UInt8] {
        var bytes = message.utf8.map { $0 == 0 ? UInt8(ascii: " ") : $0 }
        guard bytes.count > maximumMessageBytes else { return bytes }
        var cut = maximumMessageBytes - truncationMark.count
        // A byte 0b10xxxxxx continues a character that started earlier: back up to its start.
        while cut > 0 && bytes[cut] & 0xC0 == 0x80 {
            cut -= 1
        }
        bytes.removeSubrange(cut...)
        bytes.append(contentsOf: truncationMark)
        return bytes
    }
}

extension PluginError {
    /// Fills a caller-owned `etl_error` (when non-NULL) with this error's status and message,
    /// cut safely to `ETL_ERROR_MESSAGE_CAPACITY`. The kit does this for every error a plugin
    /// method throws; call it yourself only in a hand-written bridge.
    public func write(to error: UnsafeMutablePointer<etl_error>?) {
        ErrorMessageWriter.write(code: status, message: message, to: error)
    }
}
