import CETLPlugin
import ETLArrow
import ETLRuntimeCore

/// Re-exports a source's read stream as a fresh ArrowArrayStream whose release also
/// destroys the source instance, so an embedding host (Python, C) holds one object.
final class EmbeddedSourceStream: ArrowBatchProducer {
    private let read: SourceReadStream
    let schema: ArrowSchemaDescription

    init(read: SourceReadStream) throws(ArrowError) {
        self.read = read
        self.schema = try read.stream.schema()
    }

    func produceNextBatch(into out: UnsafeMutablePointer<ArrowArray>) throws(ArrowError) -> Bool {
        guard let batch = try read.stream.next() else { return false }
        batch.export(to: out)
        return true
    }
}
