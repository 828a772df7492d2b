/// Random access to a Parquet file's bytes: the footer, then each column chunk, are read by
/// offset and length, never the whole file. A local file implements it with `pread`
/// (`LocalParquetFile`); an object store can implement it with ranged GETs.
public protocol ParquetByteSource: AnyObject {
    /// How the file is named in messages (its path or URL).
    var name: String { get }
    /// The file's size in bytes.
    var size: Int64 { get }
    /// Exactly `length` bytes starting at `offset`; fewer bytes (a file shorter than that) is an error.
    func read(offset: Int64, length: Int) throws(ParquetReadError) -> [UInt8]
}
