import CZlib
import ETLPluginKit

/// The decompressed bytes of a `.gz` file or of one `.zip` member, as a `ByteSource` the
/// record reader reads front to back: compressed bytes are pulled from the file in chunks and
/// inflated as the reader asks, so memory stays bounded whatever the size.
///
/// Offsets are offsets in the decompressed bytes. A read behind the current position starts
/// the stream over; a read ahead inflates up to it. The decompressed size is unknown until the
/// end, so `status()` reports the file's identity with the largest size (the reader stops at
/// the end of the stream). Incremental reads treat these inputs whole (see `InputOpener`).
final class InflatingInput: ByteSource {
    /// How the compressed bytes are laid out.
    enum Format {
        /// gzip members, one after another (as `cat a.gz b.gz` makes).
        case gzip
        /// A zip member's raw deflate data in `range` of the file, or stored bytes when
        /// `stored`; `crc` is the member's CRC-32 from the archive's directory.
        case zipMember(name: String, range: Range<Int64>, stored: Bool, crc: UInt32)
    }

    let raw: any ByteSource
    private let format: Format
    var path: String { raw.path }
    var isIdentifiedByPath: Bool { raw.isIdentifiedByPath }
    /// The compressed bytes fetched so far (up to one input buffer ahead of what was inflated).
    var storedBytesRead: Int64? { rawOffset }

    private var stream = z_stream()
    private var started = false
    private var finished = false
    private let input: UnsafeMutablePointer<UInt8>
    private static let inputSize = 256 << 10
    /// The next compressed byte to fetch from `raw`.
    private var rawOffset: Int64 = 0
    private var rawEnd: Int64 = .max
    /// The decompressed offset of the next byte `inflate` produces.
    private var position: Int64 = 0
    private var crc: uLong = 0

    init(raw: any ByteSource, format: Format) {
        self.raw = raw
        self.format = format
        input = .allocate(capacity: Self.inputSize)
    }

    deinit {
        if started { inflateEnd(&stream) }
        input.deallocate()
    }

    func status() throws(PluginError) -> InputFile.Status {
        var status = try raw.status()
        status.size = .max
        return status
    }

    func read(into: UnsafeMutableRawPointer, count: Int, at offset: Int64) throws(PluginError) -> Int {
        if offset < position || !started { try restart() }
        while position < offset {
            let skip = UnsafeMutableRawPointer.allocate(byteCount: 64 << 10, alignment: 8)
            defer { skip.deallocate() }
            let got = try inflate(into: skip, count: Int(Swift.min(offset - position, 64 << 10)))
            if got == 0 { return 0 }
        }
        var done = 0
        while done < count {
            let got = try inflate(into: into + done, count: count - done)
            if got == 0 { break }
            done += got
        }
        return done
    }

    func bytes(at offset: Int64, count: Int) throws(PluginError) -> [UInt8] {
        guard count > 0 else { return [] }
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: count, alignment: 8)
        defer { buffer.deallocate() }
        let got = try read(into: buffer, count: count, at: offset)
        return Array(UnsafeRawBufferPointer(start: buffer, count: got))
    }

    // MARK: Inflating

    private func restart() throws(PluginError) {
        if started { inflateEnd(&stream) }
        stream = z_stream()
        position = 0
        finished = false
        crc = crc32(0, nil, 0)
        switch format {
        case .gzip:
            rawOffset = 0
            rawEnd = .max
            try check(etl_inflate_init2(&stream, 15 + 16), "start inflating")
        case .zipMember(_, let range, let stored, _):
            rawOffset = range.lowerBound
            rawEnd = range.upperBound
            if !stored { try check(etl_inflate_init2(&stream, -15), "start inflating") }
        }
        started = true
    }

    /// Up to `count` decompressed bytes; 0 at the end of the data.
    private func inflate(into out: UnsafeMutableRawPointer, count: Int) throws(PluginError) -> Int {
        guard !finished, count > 0 else { return 0 }
        if case .zipMember(_, _, true, _) = format { return try copyStored(into: out, count: count) }
        stream.next_out = out.assumingMemoryBound(to: UInt8.self)
        stream.avail_out = uInt(Swift.min(count, Int(UInt32.max)))
        while stream.avail_out > 0 {
            if stream.avail_in == 0 {
                guard try refill() else {
                    if stream.total_in == 0, case .gzip = format, position == 0 { break }
                    throw .badData("\(path) ends in the middle of its compressed data (\(formatName) truncated at compressed byte \(rawOffset)); download or copy it again")
                }
            }
            let status = CZlib.inflate(&stream, Z_NO_FLUSH)
            if status == Z_STREAM_END {
                if case .gzip = format, try moreGzipMembers() {
                    try check(inflateReset(&stream), "continue with the next gzip member")
                    continue
                }
                finished = true
                break
            }
            if status == Z_BUF_ERROR && stream.avail_in == 0 { continue }
            try check(status, "inflate")
        }
        let produced = count - Int(stream.avail_out)
        position += Int64(produced)
        try noteProduced(out, produced)
        return produced
    }

    /// A stored (uncompressed) zip member: copied from the file.
    private func copyStored(into out: UnsafeMutableRawPointer, count: Int) throws(PluginError) -> Int {
        let wanted = Int(Swift.min(Int64(count), rawEnd - rawOffset))
        let got = wanted > 0 ? try raw.read(into: out, count: wanted, at: rawOffset) : 0
        rawOffset += Int64(got)
        position += Int64(got)
        if got == 0 { finished = true }
        try noteProduced(out, got)
        return got
    }

    /// Keeps the CRC of a zip member's bytes and checks it at the end (gzip checks its own).
    private func noteProduced(_ out: UnsafeMutableRawPointer, _ count: Int) throws(PluginError) {
        guard case .zipMember(let name, _, _, let expected) = format else { return }
        if count > 0 { crc = crc32(crc, out.assumingMemoryBound(to: UInt8.self), uInt(count)) }
        if finished && UInt32(truncatingIfNeeded: crc) != expected {
            throw .badData("\(path): member \(name) fails its CRC-32 check (the archive is damaged); download or copy it again")
        }
    }

    /// Fetches the next compressed chunk; false at the end of the compressed bytes.
    private func refill() throws(PluginError) -> Bool {
        let wanted = Int(Swift.min(Int64(Self.inputSize), rawEnd - rawOffset))
        guard wanted > 0 else { return false }
        let got = try raw.read(into: input, count: wanted, at: rawOffset)
        guard got > 0 else { return false }
        rawOffset += Int64(got)
        stream.next_in = input
        stream.avail_in = uInt(got)
        return true
    }

    /// After a gzip member: true when another member follows (trailing zero bytes, as some
    /// tools pad with, end the file).
    private func moreGzipMembers() throws(PluginError) -> Bool {
        while true {
            if stream.avail_in == 0, try !refill() { return false }
            var index = 0
            while index < Int(stream.avail_in) && stream.next_in[index] == 0 { index += 1 }
            if index < Int(stream.avail_in) {
                stream.next_in += index
                stream.avail_in -= uInt(index)
                return true
            }
            stream.avail_in = 0
        }
    }

    private var formatName: String {
        if case .zipMember(let name, _, _, _) = format { return "zip member \(name)" }
        return "gzip data"
    }

    private func check(_ status: Int32, _ what: String) throws(PluginError) {
        guard status != Z_OK else { return }
        let reason = stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
        if status == Z_MEM_ERROR { throw .ioError("cannot \(what) \(path): out of memory") }
        throw .badData("\(path) is not valid \(formatName): \(reason) (at compressed byte \(rawOffset - Int64(stream.avail_in))); check that the file is complete and really \(formatName == "gzip data" ? "gzip" : "zip")")
    }
}
