#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CETLPlugin

/// Exports a Swift `ArrowBatchProducer` as an `ArrowArrayStream` (C Stream Interface).
public enum ArrowStreamExport {
    /// Fills `out` (overwritten, not released) with a stream over `producer`, which
    /// it keeps alive until the consumer calls `release`. `get_last_error` returns
    /// the message of the last failed call, valid until the next call on the stream.
    public static func export(_ producer: any ArrowBatchProducer, to out: UnsafeMutablePointer<ArrowArrayStream>) {
        let state = ExportedStreamState(producer: producer)
        out.initialize(to: ArrowArrayStream(
            get_schema: exportedStreamGetSchema,
            get_next: exportedStreamGetNext,
            get_last_error: exportedStreamGetLastError,
            release: exportedStreamRelease,
            private_data: Unmanaged.passRetained(state).toOpaque()))
    }
}

/// What an exported stream's private_data holds.
final class ExportedStreamState {
    let producer: any ArrowBatchProducer
    /// The last failure's message (malloc'ed), or nil.
    private(set) var lastError: UnsafeMutablePointer<CChar>?

    init(producer: any ArrowBatchProducer) {
        self.producer = producer
    }

    deinit { free(lastError) }

    func record(_ message: String?) {
        free(lastError)
        lastError = message.map(CStringCopy.duplicate)
    }

    static func from(_ stream: UnsafeMutablePointer<ArrowArrayStream>?) -> ExportedStreamState? {
        guard let stream, stream.pointee.release != nil, let data = stream.pointee.private_data else { return nil }
        return Unmanaged<ExportedStreamState>.fromOpaque(data).takeUnretainedValue()
    }
}

// errno values returned by the callbacks, as the C Stream Interface asks.
private let streamInvalidArgument: Int32 = 22  // EINVAL

private func exportedStreamGetSchema(_ stream: UnsafeMutablePointer<ArrowArrayStream>?, _ out: UnsafeMutablePointer<ArrowSchema>?) -> Int32 {
    guard let state = ExportedStreamState.from(stream), let out else { return streamInvalidArgument }
    state.record(nil)
    state.producer.schema.export(to: out)
    return 0
}

private func exportedStreamGetNext(_ stream: UnsafeMutablePointer<ArrowArrayStream>?, _ out: UnsafeMutablePointer<ArrowArray>?) -> Int32 {
    guard let state = ExportedStreamState.from(stream), let out else { return streamInvalidArgument }
    state.record(nil)
    do throws(ArrowError) {
        if try !state.producer.produceNextBatch(into: out) {
            // A released (zeroed) array tells the consumer the stream has ended.
            out.initialize(to: ArrowArray())
        }
        return 0
    } catch {
        state.record(error.message)
        return StreamFailureCode.errno(for: error.producerStatus)
    }
}

private func exportedStreamGetLastError(_ stream: UnsafeMutablePointer<ArrowArrayStream>?) -> UnsafePointer<CChar>? {
    guard let state = ExportedStreamState.from(stream), let message = state.lastError else { return nil }
    return UnsafePointer(message)
}

private func exportedStreamRelease(_ stream: UnsafeMutablePointer<ArrowArrayStream>?) {
    guard let stream, stream.pointee.release != nil else { return }
    if let data = stream.pointee.private_data {
        Unmanaged<ExportedStreamState>.fromOpaque(data).release()
    }
    stream.pointee.private_data = nil
    stream.pointee.release = nil
}
