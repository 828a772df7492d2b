/// How the writer shapes a file.
public struct ParquetWriterOptions: Sendable {
    /// The page codec.
    public var compression: ParquetCompression
    /// Rows per row group: the writer buffers at most this many rows before writing them out.
    public var rowGroupRows: Int
    /// A data page is closed once its values take this many bytes (before compression).
    public var pageBytes: Int
    /// A data page is closed once it holds this many values.
    public var pageValues: Int
    /// A byte-array column falls back from dictionary to PLAIN pages once its dictionary grows beyond this.
    public var dictionaryBytes: Int
    /// The footer's `created_by`.
    public var createdBy: String

    public init(compression: ParquetCompression = .snappy, rowGroupRows: Int = 100_000, pageBytes: Int = 1 << 20,
                pageValues: Int = 20_000, dictionaryBytes: Int = 1 << 20,
                createdBy: String = "etl-runtime version 1.0.0") {
        self.compression = compression
        self.rowGroupRows = max(1, rowGroupRows)
        self.pageBytes = max(1, pageBytes)
        self.pageValues = max(1, pageValues)
        self.dictionaryBytes = dictionaryBytes
        self.createdBy = createdBy
    }
}
