import CETLPlugin
import ETLArrow
import Synchronization

/// Arrow structures for tests, built with ETLArrow the way a host would hand them over.
enum BatchFactory {
    /// A row of values in schema order; nil is a null.
    enum Value {
        case bool(Bool), int64(Int64), double(Double), text(String), bytes([UInt8]), timestamp(Int64), date(Int32), null
        /// A decimal128 value, unscaled × 10^-scale.
        case decimal(Int128, scale: Int)
    }

    /// A batch struct for `schema` holding `rows`; the caller owns it (release exactly once).
    static func makeBatch(_ schema: ArrowSchemaDescription, rows: [[Value]]) throws -> UnsafeMutablePointer<ArrowArray> {
        let builder = RecordBatchBuilder(schema: schema, capacity: rows.count)
        for row in rows {
            for (column, value) in row.enumerated() {
                switch value {
                case .bool(let flag): try builder.append(bool: flag, column: column)
                case .int64(let number): try builder.append(int64: number, column: column)
                case .double(let number): try builder.append(double: number, column: column)
                case .text(let text): try builder.append(string: text, column: column)
                case .bytes(let bytes): try bytes.withUnsafeBytes { buffer in try builder.append(binary: buffer, column: column) }
                case .timestamp(let micros): try builder.append(timestampMicroseconds: micros, column: column)
                case .date(let days): try builder.append(date32: days, column: column)
                case .decimal(let unscaled, let scale): try builder.append(decimal128: ArrowDecimal(unscaled: unscaled, scale: scale), column: column)
                case .null: try builder.appendNull(column: column)
                }
            }
        }
        let out = UnsafeMutablePointer<ArrowArray>.allocate(capacity: 1)
        out.initialize(to: ArrowArray())
        try builder.finish(into: out)
        return out
    }

    /// A struct schema for `schema`; the caller releases it.
    static func makeSchema(_ schema: ArrowSchemaDescription) -> UnsafeMutablePointer<ArrowSchema> {
        let out = UnsafeMutablePointer<ArrowSchema>.allocate(capacity: 1)
        schema.export(to: out)
        return out
    }

    /// How many times batches wrapped by `countReleases` were released.
    static let releaseCount = Mutex(0)

    /// Wraps `batch`'s release so every call is counted in `releaseCount` before the real release.
    static func countReleases(_ batch: UnsafeMutablePointer<ArrowArray>) {
        let original = ReleaseWrapper(release: batch.pointee.release, privateData: batch.pointee.private_data)
        batch.pointee.private_data = Unmanaged.passRetained(original).toOpaque()
        batch.pointee.release = { array in
            guard let array, let data = array.pointee.private_data else { return }
            BatchFactory.releaseCount.withLock { $0 += 1 }
            let original = Unmanaged<ReleaseWrapper>.fromOpaque(data).takeRetainedValue()
            array.pointee.private_data = original.privateData
            array.pointee.release = original.release
            original.release?(array)
        }
    }
}

/// The release and private_data a counting wrapper replaced.
final class ReleaseWrapper {
    let release: (@convention(c) (UnsafeMutablePointer<ArrowArray>?) -> Void)?
    let privateData: UnsafeMutableRawPointer?
    init(release: (@convention(c) (UnsafeMutablePointer<ArrowArray>?) -> Void)?, privateData: UnsafeMutableRawPointer?) {
        self.release = release
        self.privateData = privateData
    }
}
