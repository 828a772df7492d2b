import CETLPlugin
import ETLArrow
import ETLPluginKit

/// The source's stream: the driver's batches converted to our ABI and cut to the read's batch
/// size (a driver's batch may be larger; the rest waits for the next call).
final class DriverBatchProducer: ArrowBatchProducer {
    private let stream: DriverStream
    private let host: PluginHost
    private let batchSize: Int
    private let maxBatchBytes: Int
    private var remaining: Int64?
    /// The driver batch being read, and the next row of it.
    private let current = UnsafeMutablePointer<ArrowArray>.allocate(capacity: 1)
    private var nextRow = 0

    var schema: ArrowSchemaDescription { stream.schema.abi }

    init(stream: DriverStream, request: ReadRequest, host: PluginHost) {
        self.stream = stream
        self.host = host
        current.initialize(to: ArrowArray())
        batchSize = Int(max(request.batchSize, 1))
        maxBatchBytes = Int(request.maxBatchBytes)
        remaining = request.maxRecords > 0 ? request.maxRecords : nil
    }

    deinit {
        current.pointee.release?(current)
        current.deallocate()
    }

    func produceNextBatch(into out: UnsafeMutablePointer<ArrowArray>) throws(ArrowError) -> Bool {
        if host.isCancelled { throw ArrowError(producerStatus: ETL_CANCELLED, "the read was cancelled") }
        let builder = RecordBatchBuilder(schema: schema, capacity: min(batchSize, 65_536))
        var produced = 0
        let wanted = min(batchSize, remaining.map { Int($0) } ?? Int.max)
        while produced < wanted {
            if current.pointee.release == nil || nextRow >= Int(current.pointee.length) {
                current.pointee.release?(current)
                nextRow = 0
                guard try stream.next(into: current) else { break }
                continue
            }
            let copy = try DriverBatchCopy(current.pointee, schema: stream.schema)
            let end = min(copy.rowCount, nextRow + (wanted - produced))
            try copy.append(rows: nextRow..<end, to: builder)
            produced += end - nextRow
            nextRow = end
            if maxBatchBytes > 0, builder.byteSize >= maxBatchBytes { break }
        }
        guard produced > 0 else { return false }
        if let left = remaining { remaining = left - Int64(produced) }
        try builder.finish(into: out)
        return true
    }
}
