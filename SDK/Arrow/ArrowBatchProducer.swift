import CETLPlugin

/// What a Swift source implements to be exported as an `ArrowArrayStream`
/// (see `ArrowStreamExport`). Called from the stream's callbacks, on the thread
/// of whoever consumes the stream, one call at a time.
public protocol ArrowBatchProducer: AnyObject {
    /// The columns of every batch.
    var schema: ArrowSchemaDescription { get }
    /// Fills `out` with the next batch and returns true, or returns false at the end.
    /// A thrown error reaches the consumer as a failed `get_next` whose
    /// `get_last_error` returns the error's message.
    func produceNextBatch(into out: UnsafeMutablePointer<ArrowArray>) throws(ArrowError) -> Bool
}
