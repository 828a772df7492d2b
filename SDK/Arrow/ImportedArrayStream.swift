import CETLPlugin
#if canImport(Glibc)
import Glibc
#endif

/// A stream of record batches received through the C Stream Interface: owns the
/// moved-in `ArrowArrayStream` and releases it when this object goes away.
/// Batches it returned stay valid after that (each owns its own array).
public final class ImportedArrayStream {
    private let stream: UnsafeMutablePointer<ArrowArrayStream>
    private var cachedSchema: ArrowSchemaDescription?

    /// Takes ownership of `stream`, setting the source's `release` to NULL. A stream
    /// that was already released is accepted; every call on it then throws.
    public init(taking stream: UnsafeMutablePointer<ArrowArrayStream>) {
        self.stream = .allocate(capacity: 1)
        self.stream.initialize(to: stream.pointee)
        stream.pointee.release = nil
    }

    deinit {
        if let release = stream.pointee.release { release(stream) }
        stream.deallocate()
    }

    /// The stream's schema (from `get_schema`, whose ArrowSchema is released after
    /// reading). Fetched once and remembered.
    public func schema() throws(ArrowError) -> ArrowSchemaDescription {
        if let cachedSchema { return cachedSchema }
        let getSchema = try callback(stream.pointee.get_schema, "get_schema")
        var raw = ArrowSchema()
        let status = getSchema(stream, &raw)
        guard status == 0 else { throw failure("get_schema", status) }
        guard raw.release != nil else {
            throw ArrowError(.invalidArray, "the stream's get_schema returned 0 but left the ArrowSchema released (release is NULL)")
        }
        defer { raw.release?(&raw) }
        let description = try ArrowSchemaDescription(importing: &raw)
        cachedSchema = description
        return description
    }

    /// The next batch, or nil at the end of the stream. A failure of `get_next`
    /// throws `.producerFailed` with the stream's `get_last_error` text.
    public func next() throws(ArrowError) -> ImportedRecordBatch? {
        let description = try schema()
        let getNext = try callback(stream.pointee.get_next, "get_next")
        var raw = ArrowArray()
        let status = getNext(stream, &raw)
        guard status == 0 else { throw failure("get_next", status) }
        // A released array marks the end of the stream.
        guard raw.release != nil else { return nil }
        return try ImportedRecordBatch(taking: &raw, schema: description)
    }

    private func callback<F>(_ function: F?, _ name: String) throws(ArrowError) -> F {
        guard stream.pointee.release != nil else {
            throw ArrowError(.invalidArray, "cannot call \(name) on an ArrowArrayStream that was already released")
        }
        guard let function else {
            throw ArrowError(.invalidArray, "the ArrowArrayStream has a NULL \(name) callback")
        }
        return function
    }

    private func failure(_ name: String, _ status: Int32) -> ArrowError {
        var detail = "no detail given (get_last_error returned NULL)"
        if let getLastError = stream.pointee.get_last_error, let text = getLastError(stream) {
            detail = String(cString: text)
        }
        // The Arrow stream interface returns errno values; their text says which kind of failure.
        let kind = strerror(status).map { " (\(String(cString: $0)))" } ?? ""
        var error = ArrowError(.producerFailed, "the stream's \(name) failed with error \(status)\(kind): \(detail)")
        error.producerStatus = StreamFailureCode.status(for: status)
        error.producerMessage = detail
        return error
    }
}
