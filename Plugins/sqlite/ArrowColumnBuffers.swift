import CETLPlugin
import ETLArrow

/// Direct reads from one column of a struct batch the kit has already imported and validated
/// (buffer counts, lengths, offsets), for the insert hot path.
///
/// Why not `ImportedColumn`: its accessors are not inlinable across modules and check every call,
/// which cost about 8% of a bulk load in profiles. The derivation below is the one
/// `ImportValidation` applies (parent offset plus child offset; a bitmap only when null_count is
/// not 0), so it reads exactly the values `ImportedColumn` would.
struct ArrowColumnBuffers {
    let type: ArrowColumnType
    private let validity: UnsafePointer<UInt8>?
    private let parentValidity: UnsafePointer<UInt8>?
    private let first: Int
    private let parentFirst: Int
    private let values: UnsafeRawPointer?
    private let data: UnsafeRawPointer?

    /// Column `index` of `batch`, whose layout the kit validated against a schema giving `type`.
    init(batch: ArrowArray, index: Int, type: ArrowColumnType) {
        self.type = type
        let parentBuffer = batch.buffers?[0]
        parentValidity = batch.null_count != 0 ? parentBuffer?.assumingMemoryBound(to: UInt8.self) : nil
        parentFirst = Int(batch.offset)
        let child = batch.children[index]!.pointee
        first = Int(batch.offset + child.offset)
        guard type != .null, let buffers = child.buffers else {
            validity = nil
            values = nil
            data = nil
            return
        }
        validity = child.null_count != 0 ? buffers[0]?.assumingMemoryBound(to: UInt8.self) : nil
        values = buffers[1]
        data = type == .utf8 || type == .binary ? buffers[2] : nil
    }

    /// Whether `row` is null, in the column or because the whole row is.
    @inline(__always)
    func isNull(_ row: Int) -> Bool {
        if let validity, !Self.bit(validity, first &+ row) { return true }
        if let parentValidity, !Self.bit(parentValidity, parentFirst &+ row) { return true }
        return false
    }

    /// An int64, timestamp (µs) value at `row`.
    @inline(__always)
    func int64(_ row: Int) -> Int64 {
        values.unsafelyUnwrapped.load(fromByteOffset: (first &+ row) &* 8, as: Int64.self)
    }

    /// A double at `row`.
    @inline(__always)
    func double(_ row: Int) -> Double {
        values.unsafelyUnwrapped.load(fromByteOffset: (first &+ row) &* 8, as: Double.self)
    }

    /// A date32 at `row`.
    @inline(__always)
    func date32(_ row: Int) -> Int32 {
        values.unsafelyUnwrapped.load(fromByteOffset: (first &+ row) &* 4, as: Int32.self)
    }

    /// A decimal128 at `row`, with the scale of `type`.
    @inline(__always)
    func decimal128(_ row: Int) -> ArrowDecimal {
        let base = values.unsafelyUnwrapped + (first &+ row) &* 16
        var value = ArrowDecimal(unscaled: 0, scale: type.decimalScale ?? 0)
        value.low = base.loadUnaligned(as: UInt64.self)
        value.high = base.loadUnaligned(fromByteOffset: 8, as: Int64.self)
        return value
    }

    /// A bool at `row`.
    @inline(__always)
    func bool(_ row: Int) -> Bool {
        Self.bit(values.unsafelyUnwrapped.assumingMemoryBound(to: UInt8.self), first &+ row)
    }

    /// The bytes of a utf8 or binary value at `row`: start (nil when empty) and length.
    @inline(__always)
    func bytes(_ row: Int) -> (UnsafeRawPointer?, Int32) {
        let offsets = values.unsafelyUnwrapped
        let start = offsets.load(fromByteOffset: (first &+ row) &* 4, as: Int32.self)
        let end = offsets.load(fromByteOffset: (first &+ row &+ 1) &* 4, as: Int32.self)
        guard end > start, let data else { return (nil, 0) }
        return (data + Int(start), end &- start)
    }

    @inline(__always)
    private static func bit(_ bitmap: UnsafePointer<UInt8>, _ index: Int) -> Bool {
        (bitmap[index >> 3] >> UInt8(index & 7)) & 1 != 0
    }
}
