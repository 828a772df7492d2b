import CETLPlugin

/// A record batch received through the C Data Interface: owns the moved-in struct
/// array and calls its release exactly once, when this object goes away, unless
/// it was exported again with `export(to:)`.
///
/// The structure is checked against the schema when importing (buffer and child
/// counts, lengths, offsets of text columns), so reading rows cannot stray outside
/// the producer's buffers as long as the producer's lengths are truthful.
public final class ImportedRecordBatch {
    /// The columns of the batch.
    public let schema: ArrowSchemaDescription
    /// Rows in the batch.
    public let rowCount: Int
    /// The moved-in array; its `release` is NULL once exported again.
    private let array: UnsafeMutablePointer<ArrowArray>
    private let columns: [ImportedColumn]

    /// Takes ownership of `array` (a struct array matching `schema`), setting the
    /// source's `release` to NULL. If validation fails, the array is released and
    /// the error says which column and field broke the C Data Interface.
    public init(taking array: UnsafeMutablePointer<ArrowArray>, schema: ArrowSchemaDescription) throws(ArrowError) {
        guard array.pointee.release != nil else {
            throw ArrowError(.invalidArray, "cannot import an ArrowArray that was already released (its release callback is NULL)")
        }
        let owned = UnsafeMutablePointer<ArrowArray>.allocate(capacity: 1)
        owned.initialize(to: array.pointee)
        array.pointee.release = nil
        do {
            columns = try ImportValidation.columns(of: owned.pointee, schema: schema)
        } catch {
            owned.pointee.release?(owned)
            owned.deallocate()
            throw error
        }
        self.array = owned
        self.schema = schema
        self.rowCount = Int(owned.pointee.length)
    }

    deinit {
        if let release = array.pointee.release { release(array) }
        array.deallocate()
    }

    /// Whether this object still owns the array (it was not exported again).
    public var ownsArray: Bool { array.pointee.release != nil }

    /// Whether the struct array has offset 0 and no struct-level nulls, so each column's child
    /// array holds the batch's rows as they are: a consumer may then move children out into a
    /// batch of its own (the C Data Interface's "moving child arrays") instead of copying them.
    public var childrenAreRows: Bool {
        array.pointee.offset == 0 && (array.pointee.null_count == 0 || array.pointee.buffers?[0] == nil)
    }

    /// Read access to column `index` (0-based), valid while this batch lives.
    public func column(_ index: Int) -> ImportedColumn {
        precondition(index >= 0 && index < columns.count, "ImportedRecordBatch: column \(index) is outside 0..<\(columns.count)")
        precondition(ownsArray, "ImportedRecordBatch: column(\(index)) read after the batch was exported")
        return columns[index]
    }

    /// Moves the array into `out` (overwritten, not released); the receiver must
    /// release it. Columns read earlier become invalid. Exporting twice is a
    /// programming error and stops the process.
    public func export(to out: UnsafeMutablePointer<ArrowArray>) {
        precondition(ownsArray, "ImportedRecordBatch: export(to:) called on a batch already exported")
        out.initialize(to: array.pointee)
        array.pointee.release = nil
    }
}
