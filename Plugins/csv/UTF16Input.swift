import ETLPluginKit

/// A UTF-16 file's text as UTF-8 bytes, a `ByteSource` the record reader reads front to back:
/// the code units are transcoded chunk by chunk, so memory stays bounded. Offsets are offsets
/// in the UTF-8 text (a read behind the current position starts over), which is why
/// incremental reads take such a file whole (see `InputOpener.isWholeFile`).
///
/// `utf-16` takes the byte order from the byte order mark the file must start with;
/// `utf-16le` and `utf-16be` set it (a mark that agrees is skipped).
final class UTF16Input: ByteSource {
    let raw: any ByteSource
    private let declaredBigEndian: Bool?
    var path: String { raw.path }
    var isIdentifiedByPath: Bool { raw.isIdentifiedByPath }
    var storedBytesRead: Int64? { raw.storedBytesRead ?? rawOffset }

    private var bigEndian = false
    private var rawOffset: Int64 = 0
    private var position: Int64 = 0
    private var started = false
    private let chunk: UnsafeMutablePointer<UInt8>
    private static let chunkSize = 64 << 10
    private var chunkStart = 0
    private var chunkEnd = 0
    /// UTF-8 bytes of the last character decoded that did not fit the caller's buffer.
    private var pending: [UInt8] = []

    init(raw: any ByteSource, bigEndian: Bool?) {
        self.raw = raw
        declaredBigEndian = bigEndian
        chunk = .allocate(capacity: Self.chunkSize)
    }

    deinit { chunk.deallocate() }

    func status() throws(PluginError) -> InputFile.Status {
        var status = try raw.status()
        status.size = .max
        return status
    }

    func read(into: UnsafeMutableRawPointer, count: Int, at offset: Int64) throws(PluginError) -> Int {
        if offset < position || !started { try restart() }
        if position < offset {
            let skip = UnsafeMutableRawPointer.allocate(byteCount: 64 << 10, alignment: 8)
            defer { skip.deallocate() }
            while position < offset {
                if try decode(into: skip, count: Int(Swift.min(offset - position, 64 << 10))) == 0 { return 0 }
            }
        }
        return try decode(into: into, count: count)
    }

    func bytes(at offset: Int64, count: Int) throws(PluginError) -> [UInt8] {
        guard count > 0 else { return [] }
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: count, alignment: 8)
        defer { buffer.deallocate() }
        var got = 0
        while got < count {
            let more = try read(into: buffer + got, count: count - got, at: offset + Int64(got))
            if more == 0 { break }
            got += more
        }
        return Array(UnsafeRawBufferPointer(start: buffer, count: got))
    }

    private func restart() throws(PluginError) {
        started = true
        rawOffset = 0
        position = 0
        chunkStart = 0
        chunkEnd = 0
        pending = []
        let mark = try raw.bytes(at: 0, count: 2)
        let markOrder: Bool? = mark == [0xFE, 0xFF] ? true : mark == [0xFF, 0xFE] ? false : nil
        switch (declaredBigEndian, markOrder) {
        case (nil, nil):
            throw .badData("\(path) does not start with a UTF-16 byte order mark (FF FE or FE FF); set \"encoding\" to \"utf-16le\" or \"utf-16be\", or check that the file is UTF-16")
        case (nil, let order?):
            bigEndian = order
            rawOffset = 2
        case (let declared?, let order):
            bigEndian = declared
            if order == declared { rawOffset = 2 }
        }
    }

    /// The next code unit, or nil at the end of the file.
    private func unit() throws(PluginError) -> UInt16? {
        if chunkEnd - chunkStart < 2 {
            let left = chunkEnd - chunkStart
            if left > 0 { chunk[0] = chunk[chunkStart] }
            let got = try raw.read(into: chunk + left, count: Self.chunkSize - left, at: rawOffset)
            rawOffset += Int64(got)
            chunkStart = 0
            chunkEnd = left + got
            if chunkEnd == 1 {
                throw .badData("\(path) ends in the middle of a UTF-16 code unit (an odd number of bytes): the file is cut short or not UTF-16")
            }
            if chunkEnd == 0 { return nil }
        }
        let first = UInt16(chunk[chunkStart])
        let second = UInt16(chunk[chunkStart + 1])
        chunkStart += 2
        return bigEndian ? first << 8 | second : second << 8 | first
    }

    /// The file offset of the code unit just read, for messages.
    private var unitOffset: Int64 { rawOffset - Int64(chunkEnd - chunkStart) - 2 }

    private func decode(into out: UnsafeMutableRawPointer, count: Int) throws(PluginError) -> Int {
        var written = 0
        while written < count, !pending.isEmpty {
            out.storeBytes(of: pending.removeFirst(), toByteOffset: written, as: UInt8.self)
            written += 1
        }
        while written < count, let unit = try unit() {
            var scalar = UInt32(unit)
            if unit >= 0xD800 && unit <= 0xDBFF {
                guard let low = try self.unit(), low >= 0xDC00 && low <= 0xDFFF else {
                    throw .badData("\(path) is not valid UTF-16: a high surrogate without its low half at byte \(unitOffset)")
                }
                scalar = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            } else if unit >= 0xDC00 && unit <= 0xDFFF {
                throw .badData("\(path) is not valid UTF-16: a lone low surrogate at byte \(unitOffset)")
            }
            var encoded: [UInt8]
            switch scalar {
            case 0..<0x80: encoded = [UInt8(scalar)]
            case 0x80..<0x800: encoded = [UInt8(0xC0 | scalar >> 6), UInt8(0x80 | scalar & 0x3F)]
            case 0x800..<0x10000: encoded = [UInt8(0xE0 | scalar >> 12), UInt8(0x80 | (scalar >> 6) & 0x3F), UInt8(0x80 | scalar & 0x3F)]
            default:
                encoded = [UInt8(0xF0 | scalar >> 18), UInt8(0x80 | (scalar >> 12) & 0x3F), UInt8(0x80 | (scalar >> 6) & 0x3F), UInt8(0x80 | scalar & 0x3F)]
            }
            let fits = Swift.min(encoded.count, count - written)
            for index in 0..<fits { out.storeBytes(of: encoded[index], toByteOffset: written + index, as: UInt8.self) }
            written += fits
            if fits < encoded.count { pending = Array(encoded[fits...]) }
        }
        position += Int64(written)
        return written
    }
}
