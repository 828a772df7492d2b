import Glibc

/// The bytes of a `COPY ... (FORMAT binary)` stream under construction, in C heap memory, in
/// PostgreSQL's network byte order. Flushed to the server whenever it passes `flushBytes`, so a
/// batch of any size costs at most about that much memory here.
final class CopyBuffer {
    /// Bytes held before `CopyIn` sends them: large enough that libpq's per-call overhead
    /// vanishes, and well under a Unix socket's send buffer (about 208 KiB): with 1 MiB chunks
    /// every send blocked until the server had read most of it, so the server idled while the
    /// next chunk was encoded, and a load over the socket took 1.6 s where TCP took 1.25 s.
    static let flushBytes = 64 << 10

    private(set) var base: UnsafeMutableRawPointer
    private(set) var count = 0
    private var capacity: Int

    init() {
        capacity = Self.flushBytes + (64 << 10)
        base = malloc(capacity)!
    }

    deinit { free(base) }

    /// Drops the bytes after they were sent.
    func removeAll() { count = 0 }

    @inline(__always)
    func reserve(_ bytes: Int) {
        guard count &+ bytes > capacity else { return }
        capacity = max(capacity * 2, count + bytes)
        base = realloc(base, capacity)!
    }

    @inline(__always)
    func append(int16 value: Int16) {
        reserve(2)
        base.storeBytes(of: value.bigEndian, toByteOffset: count, as: Int16.self)
        count &+= 2
    }

    @inline(__always)
    func append(int32 value: Int32) {
        reserve(4)
        base.storeBytes(of: value.bigEndian, toByteOffset: count, as: Int32.self)
        count &+= 4
    }

    @inline(__always)
    func append(int64 value: Int64) {
        reserve(8)
        base.storeBytes(of: value.bigEndian, toByteOffset: count, as: Int64.self)
        count &+= 8
    }

    @inline(__always)
    func append(byte value: UInt8) {
        reserve(1)
        base.storeBytes(of: value, toByteOffset: count, as: UInt8.self)
        count &+= 1
    }

    @inline(__always)
    func append(bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        reserve(bytes.count)
        (base + count).copyMemory(from: source, byteCount: bytes.count)
        count &+= bytes.count
    }

    /// Makes room for `bytes` more and returns the (possibly moved) start of the buffer, for a
    /// writer that stores them itself; `didWrite` then counts them.
    @inline(__always)
    func reserveForWriting(_ bytes: Int) -> UnsafeMutableRawPointer {
        reserve(bytes)
        return base
    }

    /// Counts `bytes` stored after `count` through `reserveForWriting`.
    @inline(__always)
    func didWrite(_ bytes: Int) { count &+= bytes }

    /// The stream's header: signature, flags (no OIDs), header extension length 0.
    func appendHeader() {
        let signature: [UInt8] = [0x50, 0x47, 0x43, 0x4F, 0x50, 0x59, 0x0A, 0xFF, 0x0D, 0x0A, 0x00] // "PGCOPY\n\377\r\n\0"
        signature.withUnsafeBytes { append(bytes: $0) }
        append(int32: 0)
        append(int32: 0)
    }

    /// The stream's trailer: a field count of -1.
    func appendTrailer() { append(int16: -1) }
}
