import ETLPluginKit

/// `fizzbuzz`: one stream, `numbers`, with a row per number 1...`up_to`: `n` and `word` ("Fizz"
/// for multiples of 3, "Buzz" of 5, "FizzBuzz" of both, else the number). Incremental: the state
/// `{"next": n}` is the next number, so raising `up_to` loads only the new rows.
final class FizzBuzzSource: ETLSource {
    static let descriptor = PluginDescriptor(
        name: "fizzbuzz", version: "1.0.0", description: "FizzBuzz rows (Swift example built out of tree)",
        capabilities: [.incremental, .discover],
        configSchema: """
            {"type": "object", "required": ["up_to"], "additionalProperties": false,
             "properties": {"up_to": {"type": "integer", "minimum": 0, "description": "the last number"}}}
            """)

    static let columns = ArrowSchemaDescription(fields: [
        ArrowField(name: "n", type: .int64, nullable: false), ArrowField(name: "word", type: .utf8, nullable: false),
    ])

    private let upTo: Int64
    private let host: PluginHost
    private var producer: FizzBuzzProducer?

    init(config: PluginConfig, host: PluginHost) throws(PluginError) {
        upTo = try config.int("up_to")
        self.host = host
    }

    func check() throws(PluginError) {}

    func discover() throws(PluginError) -> [StreamDescription] {
        [StreamDescription(name: "numbers", schema: Self.columns)]
    }

    func read(_ request: ReadRequest) throws(PluginError) -> any ArrowBatchProducer {
        guard request.stream == "numbers" else {
            throw .invalidConfig("fizzbuzz has one stream, \"numbers\" (got \"\(request.stream)\")")
        }
        // No state, or the JSON null (`etl-runtime state set ENTRY null`), starts at 1.
        var next: Int64 = 1
        if let state = request.stateJSON, (try? JSONValue(parsing: state)) != .null {
            next = try PluginConfig(parsing: state, path: "state").int("next")
        }
        let producer = FizzBuzzProducer(
            next: next, last: upTo, batchSize: request.batchSize,
            remaining: request.maxRecords > 0 ? request.maxRecords : .max, host: host)
        self.producer = producer
        return producer
    }

    func checkpoint() throws(PluginError) -> String? {
        guard let producer else { return nil }
        return #"{"next": \#(producer.next)}"#
    }
}

/// Yields the rows: at most `batchSize` per batch, and no more than `max_records` in all (the
/// host does not cut a stream short).
final class FizzBuzzProducer: ArrowBatchProducer {
    private(set) var next: Int64
    private let last: Int64
    private let batchSize: Int64
    private var remaining: Int64
    private let host: PluginHost
    var schema: ArrowSchemaDescription { FizzBuzzSource.columns }

    init(next: Int64, last: Int64, batchSize: Int64, remaining: Int64, host: PluginHost) {
        self.next = next
        self.last = last
        self.batchSize = batchSize
        self.remaining = remaining
        self.host = host
    }

    func produceNextBatch(into out: UnsafeMutablePointer<ArrowArray>) throws(ArrowError) -> Bool {
        if host.isCancelled { throw ArrowError(.producerFailed, "fizzbuzz: cancelled by the host") }
        guard next <= last, remaining > 0 else { return false }
        let builder = RecordBatchBuilder(schema: schema, capacity: Int(batchSize))
        while next <= last, remaining > 0, Int64(builder.rowCount) < batchSize {
            try builder.append(int64: next, column: 0)
            try builder.append(string: Self.word(next), column: 1)
            next += 1
            remaining -= 1
        }
        // How far the read has come, in numbers (a percentage and ETA on the run's progress line);
        // a host older than ABI 1.3 has no such function, and the kit then reports nothing.
        host.reportProgress(done: next - 1, total: last)
        try builder.finish(into: out)
        return true
    }

    static func word(_ n: Int64) -> String {
        switch (n % 3, n % 5) {
        case (0, 0): return "FizzBuzz"
        case (0, _): return "Fizz"
        case (_, 0): return "Buzz"
        default: return String(n)
        }
    }
}
