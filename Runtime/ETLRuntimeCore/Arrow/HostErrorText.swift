import CETLPlugin

/// Writes a status and message into a caller-owned `etl_error`, as the ABI asks:
/// the message is copied, truncated to fit on a UTF-8 boundary, and NUL-terminated.
enum HostErrorText {
    /// Fills `error` (ignored when NULL) with `code` and `message`.
    static func write(_ code: etl_status, _ message: String, into error: UnsafeMutablePointer<etl_error>?) {
        guard let error else { return }
        var text = message
        text.withUTF8 { bytes in write(code, UnsafeRawBufferPointer(bytes), into: error) }
    }

    /// Fills `error` with `code` and a copy of the UTF-8 bytes in `message`.
    static func write(_ code: etl_status, _ message: UnsafeRawBufferPointer, into error: UnsafeMutablePointer<etl_error>) {
        error.pointee.code = code
        let capacity = Int(ETL_ERROR_MESSAGE_CAPACITY)
        var length = Swift.min(message.count, capacity - 1)
        // Cut before a UTF-8 continuation byte, never inside a character.
        if length < message.count {
            while length > 0 && message[length] & 0xC0 == 0x80 { length -= 1 }
        }
        withUnsafeMutableBytes(of: &error.pointee.message) { storage in
            if length > 0, let source = message.baseAddress {
                storage.baseAddress!.copyMemory(from: source, byteCount: length)
            }
            storage[length] = 0
        }
    }
}
