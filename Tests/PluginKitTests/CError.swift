import CETLPlugin

/// A caller-owned `etl_error` as the host prepares it: zeroed, with struct_size set.
final class CError {
    let pointer: UnsafeMutablePointer<etl_error>

    init() {
        pointer = UnsafeMutablePointer<etl_error>.allocate(capacity: 1)
        pointer.initialize(to: etl_error())
        pointer.pointee.struct_size = UInt32(MemoryLayout<etl_error>.size)
    }

    deinit { pointer.deallocate() }

    var code: etl_status { pointer.pointee.code }

    /// The message bytes up to the NUL (which must lie inside the buffer).
    var messageBytes: [UInt8] {
        let offset = MemoryLayout<etl_error>.offset(of: \etl_error.message)!
        let bytes = UnsafeRawBufferPointer(start: UnsafeRawPointer(pointer) + offset, count: Int(ETL_ERROR_MESSAGE_CAPACITY))
        guard let end = bytes.firstIndex(of: 0) else { return Array(bytes) + [0xFF] }  // no NUL: never valid UTF-8
        return Array(bytes[..<end])
    }

    var message: String { String(decoding: messageBytes, as: UTF8.self) }
}
