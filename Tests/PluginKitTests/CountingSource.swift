import CETLPlugin
import ETLArrow
import ETLPluginKit

/// A source of `{"rows": N}` rows (n: int64 from the resume offset, label: "row <n>"), in batches
/// of the request's batch size, with `{"offset": k}` checkpoints.
final class CountingSource: ETLSource {
    static let descriptor = PluginDescriptor(
        name: "counting", version: "0.3.0", description: "counts", capabilities: [.incremental, .discover],
        configSchema: #"{"type": "object", "properties": {"rows": {"type": "integer"}}}"#)

    static let columns = ArrowSchemaDescription(fields: [
        ArrowField(name: "n", type: .int64, nullable: false), ArrowField(name: "label", type: .utf8),
    ])

    private let rows: Int64
    private var producer: CountingProducer?

    init(config: PluginConfig, host: PluginHost) throws(PluginError) {
        rows = try config.int("rows")
    }

    func check() throws(PluginError) {}

    func discover() throws(PluginError) -> [StreamDescription] {
        [StreamDescription(name: "numbers", schema: Self.columns),
         StreamDescription(name: "flags", schema: ArrowSchemaDescription(fields: [ArrowField(name: "on", type: .bool)]))]
    }

    func read(_ request: ReadRequest) throws(PluginError) -> any ArrowBatchProducer {
        guard request.stream == "numbers" else { throw .invalidConfig("no stream named '\(request.stream)'") }
        var start: Int64 = 0
        if let state = request.stateJSON {
            guard let offset = (try? JSONValue(parsing: state))?["offset"]?.int64Value else {
                throw .badData("state \(state) has no integer offset")
            }
            start = offset
        }
        let producer = CountingProducer(next: start, end: rows, batchSize: request.batchSize)
        self.producer = producer
        return producer
    }

    func checkpoint() throws(PluginError) -> String? {
        guard let producer else { return nil }
        return JSONValue.object(["offset": .number(JSONNumber(producer.next))]).serialized()
    }
}

/// Yields the rows of `CountingSource`.
final class CountingProducer: ArrowBatchProducer {
    var next: Int64
    let end: Int64
    let batchSize: Int64
    var schema: ArrowSchemaDescription { CountingSource.columns }

    init(next: Int64, end: Int64, batchSize: Int64) {
        self.next = next
        self.end = end
        self.batchSize = batchSize
    }

    func produceNextBatch(into out: UnsafeMutablePointer<ArrowArray>) throws(ArrowError) -> Bool {
        guard next < end else { return false }
        let builder = RecordBatchBuilder(schema: schema, capacity: Int(batchSize))
        while next < end && Int64(builder.rowCount) < batchSize {
            try builder.append(int64: next, column: 0)
            try builder.append(string: "row \(next)", column: 1)
            next += 1
        }
        try builder.finish(into: out)
        return true
    }
}
