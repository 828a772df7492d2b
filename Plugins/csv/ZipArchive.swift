import ETLPluginKit

/// Finds the member a `.zip` input reads, from the archive's central directory (at its end),
/// and where that member's compressed bytes are (after its local header). Encrypted members,
/// compression methods other than stored and deflate, and zip64 archives are refused with a
/// message saying what to do.
enum ZipArchive {
    private struct Entry {
        let name: String
        let flags: UInt16
        let method: UInt16
        let crc: UInt32
        let compressedSize: UInt32
        let localHeader: UInt32
    }

    /// The member named `member`, or the archive's only file when `member` is nil.
    /// - Throws: `ETL_BAD_DATA` for an archive that cannot be read or a member that cannot be
    ///   chosen or read.
    static func member(of raw: any ByteSource, named member: String?) throws(PluginError) -> InflatingInput.Format {
        let path = raw.path
        let entries = try centralDirectory(raw).filter { !$0.name.hasSuffix("/") }
        let listed = entries.prefix(10).map { "\"\($0.name)\"" }.joined(separator: ", ") + (entries.count > 10 ? ", ..." : "")
        let chosen: Entry
        if let member {
            guard let found = entries.first(where: { $0.name == member }) else {
                throw .badData("\(path) has no member \"\(member)\" (zip_member); it holds \(entries.isEmpty ? "no file" : listed)")
            }
            chosen = found
        } else {
            guard entries.count == 1 else {
                throw .badData("\(path) holds \(entries.count) files (\(listed)): set \"zip_member\" to the one to read")
            }
            chosen = entries[0]
        }
        if chosen.flags & 1 != 0 {
            throw .badData("\(path): member \(chosen.name) is encrypted, which the csv source does not read; extract it first")
        }
        guard chosen.method == 0 || chosen.method == 8 else {
            throw .badData("\(path): member \(chosen.name) uses compression method \(chosen.method); only stored (0) and deflate (8) are read. Re-create the archive with deflate, or extract it")
        }
        if chosen.compressedSize == 0xFFFF_FFFF || chosen.localHeader == 0xFFFF_FFFF {
            throw zip64(path)
        }
        let local = try raw.bytes(at: Int64(chosen.localHeader), count: 30)
        guard local.count == 30, uint32(local, 0) == 0x0403_4B50 else {
            throw .badData("\(path): the local header of member \(chosen.name) is missing at byte \(chosen.localHeader); the archive is damaged")
        }
        let start = Int64(chosen.localHeader) + 30 + Int64(uint16(local, 26)) + Int64(uint16(local, 28))
        return .zipMember(name: chosen.name, range: start..<(start + Int64(chosen.compressedSize)), stored: chosen.method == 0, crc: chosen.crc)
    }

    private static func centralDirectory(_ raw: any ByteSource) throws(PluginError) -> [Entry] {
        let path = raw.path
        let size = try raw.status().size
        let tailLength = Int(Swift.min(size, 22 + 65_535))
        let tail = try raw.bytes(at: size - Int64(tailLength), count: tailLength)
        var end: Int?
        var index = tail.count - 22
        while index >= 0 {
            if uint32(tail, index) == 0x0605_4B50 { end = index; break }
            index -= 1
        }
        guard let end else {
            throw .badData("\(path) is not a zip archive (no end of central directory record); check the file, or set \"compression\" to what it is")
        }
        let count = uint16(tail, end + 10)
        let directorySize = uint32(tail, end + 12)
        let directoryOffset = uint32(tail, end + 16)
        if count == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF || (end >= 20 && uint32(tail, end - 20) == 0x0706_4B50) {
            throw zip64(path)
        }
        let directory = try raw.bytes(at: Int64(directoryOffset), count: Int(directorySize))
        var entries: [Entry] = []
        var at = 0
        for _ in 0..<count {
            guard at + 46 <= directory.count, uint32(directory, at) == 0x0201_4B50 else {
                throw .badData("\(path): the zip central directory is damaged at byte \(Int(directoryOffset) + at)")
            }
            let nameLength = Int(uint16(directory, at + 28))
            let skip = nameLength + Int(uint16(directory, at + 30)) + Int(uint16(directory, at + 32))
            guard at + 46 + nameLength <= directory.count else {
                throw .badData("\(path): the zip central directory is damaged at byte \(Int(directoryOffset) + at)")
            }
            entries.append(Entry(
                name: String(decoding: directory[(at + 46)..<(at + 46 + nameLength)], as: UTF8.self),
                flags: uint16(directory, at + 8), method: uint16(directory, at + 10), crc: uint32(directory, at + 16),
                compressedSize: uint32(directory, at + 20), localHeader: uint32(directory, at + 42)))
            at += 46 + skip
        }
        return entries
    }

    private static func zip64(_ path: String) -> PluginError {
        .badData("\(path) is a zip64 archive (a member or the archive over 4 GiB, or over 65535 members), which the csv source does not read; compress the file with gzip instead, or extract it")
    }

    private static func uint16(_ bytes: [UInt8], _ at: Int) -> UInt16 {
        UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8
    }

    private static func uint32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(uint16(bytes, at)) | UInt32(uint16(bytes, at + 2)) << 16
    }
}
