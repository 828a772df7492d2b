import ETLPluginKit
import ETLTransport

/// A csv input behind a URL: bytes streamed through `RemoteFile`, the size and modification
/// time from the server, no device or inode (0).
///
/// Over http(s) a read costs one request: the first question asked of the input opens one
/// transfer at `plannedStart` minus the bytes that check it (`RemoteInput.window`), whose
/// answer also gives the size and modification time (no HEAD), whose first bytes are kept to
/// answer the resume state's checks, and which the reader then continues. The last bytes
/// handed to the reader are kept too, so the new state's fingerprint needs no request either.
/// Over sftp each question is its own request, as the fingerprints ask.
/// Errors that mean "the saved position no longer applies" get the command that starts over.
final class RemoteInput: ByteSource {
    let path: String
    private let file: RemoteFile
    private let resetHint: String?
    /// The offset the read will start at (the saved one; 0 for a file not read before), or nil
    /// for sftp, whose inputs ask the server for each thing separately.
    private let plannedStart: Int64?
    /// The status, once asked (a read's snapshot: its size bounds what the reader reads).
    private var known: InputFile.Status?
    /// The first bytes of the transfer opened for `plannedStart`.
    private var opened = RemoteWindow(start: 0, bytes: [], status: nil)
    /// The last bytes handed to the reader.
    private var recent = RecentBytes(capacity: Int(ByteFingerprint.window))

    /// A remote input for `url` whose read is to start at `plannedStart` (http(s) only);
    /// `resetHint` is appended to `ETL_BAD_DATA` errors (incremental reads).
    init(url: RemoteURL, settings: RemoteSettings, host: PluginHost, resetHint: String?, plannedStart: Int64) {
        path = url.text
        file = RemoteFile(url: url, settings: settings, isCancelled: { host.isCancelled }, warn: { host.warning($0) })
        self.resetHint = resetHint
        self.plannedStart = url.isHTTP ? max(0, plannedStart) : nil
    }

    /// An http(s) URL names one file (no folder listing): its saved state is the one with its URL.
    var isIdentifiedByPath: Bool { plannedStart != nil }

    func status() throws(PluginError) -> InputFile.Status {
        if let known { return known }
        var status: RemoteFileStatus?
        if let plannedStart {
            let (start, count) = Self.window(for: plannedStart)
            if let window = try hinted({ () throws(PluginError) in try file.window(at: start, count: count) }) {
                opened = window
                recent.append(window.bytes, endingAt: window.end)
                status = window.status
            }
        }
        if status == nil {
            status = try hinted { () throws(PluginError) in try file.status() }
        }
        // Unknown modification time counts as long ago: the last line is then taken as complete.
        let found = InputFile.Status(size: status!.size, device: 0, inode: 0, modified: status!.modified ?? 0)
        known = found
        return found
    }

    func read(into: UnsafeMutableRawPointer, count: Int, at offset: Int64) throws(PluginError) -> Int {
        let size = try status().size
        // Bytes the window holds are handed over alone (a short read: the reader asks on), so a
        // reader that stops early (at the header line) leaves the transfer where the window
        // ends, for the next reader to continue.
        var filled = opened.copy(into: into, count: count, at: offset)
        // Bytes beyond the snapshot's size are the next read's (and a range there may be refused).
        if filled == 0, offset < size {
            filled = try hinted { () throws(PluginError) in try file.read(into: into, count: count, at: offset) }
        }
        recent.append(UnsafeRawBufferPointer(start: into, count: filled), endingAt: offset + Int64(filled))
        return filled
    }

    func bytes(at offset: Int64, count: Int) throws(PluginError) -> [UInt8] {
        _ = try status()
        if let bytes = opened.bytes(at: offset, count: count) ?? recent.bytes(at: offset, count: count) { return bytes }
        return try hinted { () throws(PluginError) in try file.bytes(at: offset, count: count) }
    }

    /// Where the one transfer of a read starts and how many of its bytes are kept: from the
    /// `ByteFingerprint` window before the offset (the bytes the saved state is checked with);
    /// from the first byte when the offset is within the file's first bytes, so that the
    /// `ContentHead` of the state is among them too.
    static func window(for offset: Int64) -> (start: Int64, count: Int) {
        let checked = ContentHead.window + ByteFingerprint.window
        if offset <= checked { return (0, Int(checked)) }
        return (offset - ByteFingerprint.window, Int(ByteFingerprint.window))
    }

    private func hinted<T>(_ body: () throws(PluginError) -> T) throws(PluginError) -> T {
        do throws(PluginError) {
            return try body()
        } catch {
            guard error.code == .badData, let resetHint else { throw error }
            throw PluginError(error.code, error.message + "; " + resetHint)
        }
    }
}

extension RemoteWindow {
    /// Copies what the window holds of the `count` bytes at `offset` into `into`; returns how
    /// many (0 when `offset` is outside it).
    func copy(into: UnsafeMutableRawPointer, count: Int, at offset: Int64) -> Int {
        guard offset >= start, offset < end else { return 0 }
        let from = Int(offset - start)
        let taken = min(count, bytes.count - from)
        bytes.withUnsafeBytes { into.copyMemory(from: $0.baseAddress! + from, byteCount: taken) }
        return taken
    }

    /// The `count` bytes at `offset` when the window holds them all, else nil.
    func bytes(at offset: Int64, count: Int) -> [UInt8]? {
        guard offset >= start, offset + Int64(count) <= end else { return nil }
        let from = Int(offset - start)
        return Array(bytes[from..<from + count])
    }
}
