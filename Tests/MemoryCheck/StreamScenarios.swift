import CETLPlugin
import ETLArrow

/// Yields `batches` batches of `rows` rows, then ends or fails.
final class ScenarioProducer: ArrowBatchProducer {
    let schema = allTypesSchema
    let batches: Int
    let rows: Int
    let failAtEnd: Bool
    private var produced = 0
    private let builder: RecordBatchBuilder

    init(batches: Int, rows: Int, failAtEnd: Bool) {
        self.batches = batches
        self.rows = rows
        self.failAtEnd = failAtEnd
        builder = RecordBatchBuilder(schema: allTypesSchema, capacity: rows)
    }

    func produceNextBatch(into out: UnsafeMutablePointer<ArrowArray>) throws(ArrowError) -> Bool {
        guard produced < batches else {
            if failAtEnd { throw ArrowError(.producerFailed, "scenario source failed after \(batches) batches") }
            return false
        }
        do {
            for row in 0..<rows { try appendRow(produced * rows + row, to: builder) }
        } catch let error as ArrowError {
            throw error
        } catch {
            throw ArrowError(.producerFailed, "\(error)")
        }
        try builder.finish(into: out)
        produced += 1
        return true
    }
}

/// Export → import of streams: read to the end, fail mid-stream, abandon early.
func runStreamScenarios(iteration: Int) throws {
    let batches = 1 + iteration % 4
    for failAtEnd in [false, true] {
        var raw = ArrowArrayStream()
        ArrowStreamExport.export(ScenarioProducer(batches: batches, rows: 9, failAtEnd: failAtEnd), to: &raw)
        let stream = ImportedArrayStream(taking: &raw)
        try expect(try stream.schema() == allTypesSchema, "stream schema")
        var seen = 0
        do {
            while let batch = try stream.next() {
                try verify(batch, first: seen * 9)
                seen += 1
            }
            try expect(!failAtEnd, "the failing stream ended without an error")
        } catch let error as ArrowError {
            try expect(failAtEnd && error.message.contains("scenario source failed after \(batches) batches"), "stream error text: \(error)")
        }
        try expect(seen == batches, "batches read: \(seen) of \(batches)")
    }

    // Abandoned after one batch: the stream and the unread producer state are freed.
    var raw = ArrowArrayStream()
    ArrowStreamExport.export(ScenarioProducer(batches: 3, rows: 5, failAtEnd: false), to: &raw)
    let stream = ImportedArrayStream(taking: &raw)
    let kept = try stream.next()
    try expect(kept?.rowCount == 5, "first batch of the abandoned stream")
}
