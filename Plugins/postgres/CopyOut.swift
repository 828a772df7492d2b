import CLibPQ
import ETLPluginKit

/// `COPY (query) TO STDOUT (FORMAT binary)` on a connection, handed out one tuple at a time:
/// libpq returns one CopyData message per row, so memory holds one row whatever the table's
/// size, and the server waits while the reader's batches are being loaded.
///
/// The format: an 11-byte signature, int32 flags, int32 header-extension length and the
/// extension, then per tuple an int16 field count (-1 ends the data) and per field an int32
/// length (-1 for NULL) and the bytes, all integers big-endian.
final class CopyOut {
    private static let signature: [UInt8] = Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00]

    private let connection: PostgresConnection
    private let what: String
    /// The current message from libpq (freed with PQfreemem) and where the next tuple starts.
    private var message: UnsafeMutablePointer<CChar>?
    private var messageLength = 0
    private var offset = 0
    private var headerRead = false
    private(set) var finished = false

    /// Starts the COPY. - Throws: the server's error for the query (a missing table, a bad cast).
    init(connection: PostgresConnection, query: String, what: String) throws(PluginError) {
        self.connection = connection
        self.what = what
        let result = PQexec(connection.handle, "COPY (\(query)) TO STDOUT (FORMAT binary)")
        defer { PQclear(result) }
        guard let result, PQresultStatus(result) == PGRES_COPY_OUT else {
            try connection.check(result, what: what)
            throw .internalError("\(connection.description): \(what): the server did not start a COPY")
        }
    }

    deinit {
        if let message { PQfreemem(message) }
        if !finished { cancel() }
    }

    /// Stops a COPY whose rows are no longer wanted (max_records reached, the stream released
    /// early): the server is asked to cancel, then what it already sent is read and dropped, so
    /// the connection can run statements again. Reading the rest instead would read the whole
    /// table. The transaction is left failed; the caller rolls it back.
    func cancel() {
        guard !finished else { return }
        if let request = PQgetCancel(connection.handle) {
            var problem = [CChar](repeating: 0, count: 256)
            _ = PQcancel(request, &problem, Int32(problem.count))
            PQfreeCancel(request)
        }
        drain()
    }

    /// The fields of the next tuple, each a view into libpq's buffer valid until the next call
    /// (nil for NULL); nil at the end of the data.
    func nextTuple(fieldCount: Int, into fields: inout [UnsafeRawBufferPointer?]) throws(PluginError) -> Bool {
        guard !finished else { return false }
        if offset >= messageLength {
            guard try receive() else { return false }
        }
        guard let base = message.map(UnsafeRawPointer.init) else { return false }
        if !headerRead {
            guard messageLength >= 19,
                  zip(Self.signature, UnsafeRawBufferPointer(start: base, count: 11)).allSatisfy({ $0 == $1 }) else {
                throw .internalError("\(connection.description): \(what): the COPY data does not start with PostgreSQL's binary signature")
            }
            let extensionLength = Int(readInt32(base, 15))
            offset = 19 + max(extensionLength, 0)
            headerRead = true
            if offset >= messageLength {
                guard try receive() else { return false }
            }
        }
        guard let base = message.map(UnsafeRawPointer.init), offset + 2 <= messageLength else { throw truncated() }
        let count = Int(Int16(bitPattern: UInt16(base.load(fromByteOffset: offset, as: UInt8.self)) << 8
            | UInt16(base.load(fromByteOffset: offset + 1, as: UInt8.self))))
        offset += 2
        if count == -1 {
            offset = messageLength
            // The trailer; the COPY's result follows.
            _ = try receive()
            return false
        }
        guard count == fieldCount else {
            throw .internalError("\(connection.description): \(what): a COPY tuple has \(count) fields, expected \(fieldCount)")
        }
        for index in 0..<count {
            guard offset + 4 <= messageLength else { throw truncated() }
            let length = Int(readInt32(base, offset))
            offset += 4
            if length < 0 {
                fields[index] = nil
                continue
            }
            guard offset + length <= messageLength else { throw truncated() }
            fields[index] = UnsafeRawBufferPointer(start: base + offset, count: length)
            offset += length
        }
        return true
    }

    /// Takes the next CopyData message; false (and the COPY's final result checked) at the end.
    private func receive() throws(PluginError) -> Bool {
        if let message { PQfreemem(message) }
        message = nil
        messageLength = 0
        offset = 0
        var buffer: UnsafeMutablePointer<CChar>?
        let length = PQgetCopyData(connection.handle, &buffer, 0)
        if length > 0 {
            message = buffer
            messageLength = Int(length)
            return true
        }
        finished = true
        if length == -2 {
            throw PostgresFailure.lostConnection(connection.handle, what: "\(connection.description): \(what)", password: connection.password)
        }
        var failure: PluginError?
        while let result = PQgetResult(connection.handle) {
            if failure == nil {
                do { try connection.check(result, what: what) } catch { failure = error }
            }
            PQclear(result)
        }
        if let failure { throw failure }
        return false
    }

    /// Reads what is left of an abandoned COPY, so the connection can run statements again.
    private func drain() {
        finished = true
        var buffer: UnsafeMutablePointer<CChar>?
        while PQgetCopyData(connection.handle, &buffer, 0) > 0 {
            if let buffer { PQfreemem(buffer) }
            buffer = nil
        }
        while let result = PQgetResult(connection.handle) { PQclear(result) }
    }

    private func readInt32(_ base: UnsafeRawPointer, _ at: Int) -> Int32 {
        var value: UInt32 = 0
        for index in 0..<4 { value = value << 8 | UInt32(base.load(fromByteOffset: at + index, as: UInt8.self)) }
        return Int32(bitPattern: value)
    }

    private func truncated() -> PluginError {
        .internalError("\(connection.description): \(what): a COPY message ended inside a tuple")
    }
}
