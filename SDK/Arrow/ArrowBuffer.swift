#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A growable byte buffer in C heap memory: 64-byte aligned as Arrow recommends up
/// to 1 MiB, and at least 16-byte aligned beyond (see `reallocThreshold`).
///
/// It is a plain value holding a raw pointer: whoever holds it frees it (`free()`)
/// or hands the memory to an exported array with `takeForExport()`, whose release
/// callback then frees it with `free()`. Copies alias the same memory, so the
/// builder keeps exactly one copy per buffer.
struct ArrowBuffer {
    /// Arrow recommends 64-byte alignment so consumers can use SIMD loads.
    static let alignment = 64

    /// Start of the memory, or nil before the first growth.
    private(set) var base: UnsafeMutableRawPointer?
    /// Bytes in use.
    private(set) var count: Int = 0
    /// Bytes allocated.
    private(set) var capacity: Int = 0

    init() {}

    /// Makes room for `additional` more bytes.
    @inline(__always)
    mutating func reserve(additional: Int) {
        if count &+ additional > capacity { grow(toAtLeast: count + additional) }
    }

    /// Past this size a buffer grows with `realloc`, which moves the pages of a large
    /// block instead of copying its bytes (twice as fast for batches of millions of
    /// rows). `realloc` keeps 16-byte alignment, which still suits every ABI 1 type.
    static let reallocThreshold = 1 << 20

    /// Reallocates to at least `minimum` bytes, doubling so appends stay amortised O(1).
    @inline(never)
    mutating func grow(toAtLeast minimum: Int) {
        var newCapacity = Swift.max(capacity * 2, Self.alignment)
        while newCapacity < minimum { newCapacity *= 2 }
        if newCapacity > Self.reallocThreshold, let base {
            guard let moved = realloc(base, newCapacity) else {
                fatalError("ETLArrow: out of memory growing an Arrow buffer to \(newCapacity) bytes")
            }
            self.base = moved
        } else {
            let newBase = Self.allocate(byteCount: newCapacity)
            if let base {
                newBase.copyMemory(from: base, byteCount: count)
                free(base)
            }
            base = newBase
        }
        capacity = newCapacity
    }

    /// Allocates aligned memory. Running out of memory is not recoverable here, as
    /// for Swift arrays; the message says how much was asked for.
    static func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
        var pointer: UnsafeMutableRawPointer?
        let status = posix_memalign(&pointer, alignment, Swift.max(byteCount, alignment))
        guard status == 0, let pointer else {
            fatalError("ETLArrow: out of memory allocating \(byteCount) bytes for an Arrow buffer")
        }
        return pointer
    }

    /// Appends a trivial value (an integer, a double) in native byte order
    /// (Arrow data is little-endian, like every platform Swift runs on).
    @inline(__always)
    mutating func append<T: BitwiseCopyable>(_ value: T) {
        reserve(additional: MemoryLayout<T>.size)
        base.unsafelyUnwrapped.storeBytes(of: value, toByteOffset: count, as: T.self)
        count &+= MemoryLayout<T>.size
    }

    /// Copies `bytes` after the bytes in use without counting them yet. Returns a
    /// byte whose bit 7 is set when any copied byte has its high bit set, so a caller
    /// tells ASCII apart in the same pass. `commit(_:)` makes the bytes count; until
    /// then the next append overwrites them. The caller has reserved room.
    @inline(__always)
    func stage(_ bytes: UnsafeRawBufferPointer) -> UInt8 {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return 0 }
        let high = Self.copyWords(from: source, to: base.unsafelyUnwrapped + count, count: bytes.count)
        return high & 0x8080_8080_8080_8080 != 0 ? 0x80 : 0
    }

    /// Copies `count` (> 0) bytes with word moves that stay inside both ranges (overlapping at
    /// the end), and returns the OR of every word read: bit 7 of a byte set means non-ASCII.
    /// Short values dominate ETL text: word moves beat a memmove call, and overlapping the last
    /// word with the ones before beats finishing byte by byte (callgrind, census text: the bulk
    /// utf8 append took 104 M instructions per 100 k rows with a loop of words, then 4 bytes,
    /// then single bytes, and 73 M with overlapping words).
    @inline(__always)
    static func copyWords(from source: UnsafeRawPointer, to target: UnsafeMutableRawPointer, count: Int) -> UInt64 {
        if count >= 8 {
            guard count <= 64 else {
                target.copyMemory(from: source, byteCount: count)
                var any: UInt64 = 0
                var at = 0
                while at &+ 8 <= count {
                    any |= source.loadUnaligned(fromByteOffset: at, as: UInt64.self)
                    at &+= 8
                }
                return any | source.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)
            }
            var any: UInt64 = 0
            var at = 0
            while at &+ 8 < count {
                let word = source.loadUnaligned(fromByteOffset: at, as: UInt64.self)
                target.storeBytes(of: word, toByteOffset: at, as: UInt64.self)
                any |= word
                at &+= 8
            }
            let last = source.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self)
            target.storeBytes(of: last, toByteOffset: count &- 8, as: UInt64.self)
            return any | last
        }
        if count >= 4 {
            let first = source.loadUnaligned(as: UInt32.self)
            let last = source.loadUnaligned(fromByteOffset: count &- 4, as: UInt32.self)
            target.storeBytes(of: first, as: UInt32.self)
            target.storeBytes(of: last, toByteOffset: count &- 4, as: UInt32.self)
            return UInt64(first | last)
        }
        let first = source.load(as: UInt8.self)
        let middle = source.load(fromByteOffset: count >> 1, as: UInt8.self)
        let last = source.load(fromByteOffset: count &- 1, as: UInt8.self)
        target.storeBytes(of: first, as: UInt8.self)
        target.storeBytes(of: middle, toByteOffset: count >> 1, as: UInt8.self)
        target.storeBytes(of: last, toByteOffset: count &- 1, as: UInt8.self)
        return UInt64(first | middle | last)
    }

    /// Counts as in use the bytes up to `byteCount` (at least the current count), which the
    /// caller wrote after the bytes in use, within reserved room.
    @inline(__always)
    mutating func commit(upTo byteCount: Int) {
        count = byteCount
    }

    /// Counts `byteCount` staged bytes as in use.
    @inline(__always)
    mutating func commit(_ byteCount: Int) {
        count &+= byteCount
    }

    /// The address just past the bytes in use.
    var end: UnsafeMutableRawPointer? { base.map { $0 + count } }

    /// Appends `byteCount` bytes of `value`.
    mutating func append(repeating value: UInt8, byteCount: Int) {
        guard byteCount > 0 else { return }
        reserve(additional: byteCount)
        (base.unsafelyUnwrapped + count).initializeMemory(as: UInt8.self, repeating: value, count: byteCount)
        count &+= byteCount
    }

    /// Sets or clears bit `index` of a bitmap (LSB first within each byte, as
    /// Arrow orders bits) whose bits `0..<index` were already appended.
    /// A new byte is written as 0 first, so every byte in use is initialised.
    @inline(__always)
    mutating func appendBit(_ bit: Bool, at index: Int) {
        if index & 7 == 0 { append(UInt8(0)) }
        if bit {
            let byte = base.unsafelyUnwrapped.advanced(by: index >> 3).assumingMemoryBound(to: UInt8.self)
            byte.pointee |= UInt8(1) << UInt8(index & 7)
        }
    }

    /// Clears bit `index` of a bitmap that already holds it.
    @inline(__always)
    mutating func clearBit(at index: Int) {
        let byte = base.unsafelyUnwrapped.advanced(by: index >> 3).assumingMemoryBound(to: UInt8.self)
        byte.pointee &= ~(UInt8(1) << UInt8(index & 7))
    }

    /// Hands the memory to an exported array and leaves this buffer empty. Never
    /// returns nil: some consumers mishandle NULL buffers even when the spec allows
    /// them, so an unused buffer is exported as a small zeroed allocation.
    mutating func takeForExport() -> UnsafeMutableRawPointer {
        if base == nil {
            let empty = Self.allocate(byteCount: Self.alignment)
            empty.initializeMemory(as: UInt8.self, repeating: 0, count: Self.alignment)
            return empty
        }
        let taken = base.unsafelyUnwrapped
        self = ArrowBuffer()
        return taken
    }

    /// Frees the memory (if any) and leaves this buffer empty.
    mutating func deallocate() {
        if let base { free(base) }
        self = ArrowBuffer()
    }
}
