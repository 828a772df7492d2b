/// Where a Parquet writer puts its bytes, in order: a local file, or later an object-store upload.
/// The writer never seeks, so any append-only destination will do.
public protocol ParquetByteOutput: AnyObject {
    /// Appends `bytes`; throws `.io` naming the destination when it cannot.
    func write(_ bytes: [UInt8]) throws(ParquetWriteError)
}
