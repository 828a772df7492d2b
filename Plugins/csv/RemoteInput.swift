import ETLPluginKit
import ETLTransport

/// A csv input behind a URL: bytes streamed through `RemoteFile`, the size and modification
/// time from the server, no device or inode (0), and the few bytes the resume state's
/// fingerprints need fetched with small range requests.
/// Errors that mean "the saved position no longer applies" get the command that starts over.
final class RemoteInput: ByteSource {
    let path: String
    private let file: RemoteFile
    private let resetHint: String?

    /// A remote input for `url`; `resetHint` is appended to `ETL_BAD_DATA` errors (incremental reads).
    init(url: RemoteURL, settings: RemoteSettings, host: PluginHost, resetHint: String?) {
        path = url.text
        file = RemoteFile(url: url, settings: settings, isCancelled: { host.isCancelled }, warn: { host.warning($0) })
        self.resetHint = resetHint
    }

    func status() throws(PluginError) -> InputFile.Status {
        let status = try hinted { () throws(PluginError) in try file.status() }
        // Unknown modification time counts as long ago: the last line is then taken as complete.
        return InputFile.Status(size: status.size, device: 0, inode: 0, modified: status.modified ?? 0)
    }

    func read(into: UnsafeMutableRawPointer, count: Int, at offset: Int64) throws(PluginError) -> Int {
        try hinted { () throws(PluginError) in try file.read(into: into, count: count, at: offset) }
    }

    func bytes(at offset: Int64, count: Int) throws(PluginError) -> [UInt8] {
        try hinted { () throws(PluginError) in try file.bytes(at: offset, count: count) }
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
