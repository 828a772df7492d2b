import ETLParquetFormat
import ETLPluginKit
import ETLTransport
import Glibc

/// Where the source's files are and how to open them: a local path or glob (`LocalFiles`,
/// `pread`), or an `s3://` / `gs://` key or key pattern (one listing per read; each object read
/// by ranges, `ObjectParquetFile`).
///
/// An object-store pattern may have wildcards in any segment of the key
/// (`s3://lake/events/dt=*/*.parquet`): the store is listed under the literal prefix before the
/// first wildcard, and each key is matched segment by segment like a local glob (`*` does not
/// cross `/`; names starting with `.` match only an explicit `.`).
///
/// One instance per read (or check); not shared between threads.
final class ParquetInputs {
    private let settings: ParquetSourceSettings
    private let host: PluginHost
    private var store: ObjectStore?
    /// What the listing (or a HEAD) said about each object found, by `s3://bucket/key`.
    private var objects: [String: ObjectInfo] = [:]

    init(settings: ParquetSourceSettings, host: PluginHost) {
        self.settings = settings
        self.host = host
    }

    /// True when the configured path may name several files.
    var isPattern: Bool {
        if let url = ObjectStoreURL(settings.path) { return LocalFiles.isPattern(url.key) }
        return LocalFiles.isPattern(settings.path)
    }

    /// The files the configured path names now, in byte order of their paths (`s3://...` for objects).
    /// - Throws: `ETL_IO_ERROR` when a folder cannot be read or the store cannot be listed;
    ///   `ETL_INVALID_CONFIG` when the store refuses the credentials.
    func files() throws(PluginError) -> [String] {
        guard let url = ObjectStoreURL(settings.path) else { return try LocalFiles.regularFiles(matching: settings.path) }
        let store = try objectStore(url)
        var found: [ObjectInfo] = []
        if isPattern {
            let prefix = Self.literalPrefix(of: url.key)
            found = try store.list(prefix: prefix).filter { fnmatch(url.key, $0.key, FNM_PATHNAME | FNM_PERIOD) == 0 }
        } else if let info = try store.stat(key: url.key) {
            found = [info]
        }
        return found.map { info in
            let path = url.sibling(key: info.key).text
            objects[path] = info
            return path
        }
    }

    /// What identifies the file's content now: device, inode, size and modification time for a
    /// local file; size, ETag and modification time for an object.
    func status(_ path: String) throws(PluginError) -> ParquetFileStatus {
        if let info = try objectInfo(path) { return ParquetFileStatus(object: info) }
        guard let status = ParquetFileStatus(path: path) else {
            throw .ioError("\(path) disappeared while the read was being planned; run again")
        }
        return status
    }

    /// Opens the file and reads its footer.
    /// - Throws: the reader's errors as plugin errors naming the file.
    func open(_ path: String) throws(PluginError) -> ParquetFileReader {
        let source: any ParquetByteSource
        if let url = ObjectStoreURL(path), let info = try objectInfo(path) {
            source = ObjectParquetFile(name: path, reader: try objectStore(url).reader(for: info))
        } else {
            do throws(ParquetReadError) { source = try LocalParquetFile(path: path) } catch { throw PluginError(error) }
        }
        do throws(ParquetReadError) { return try ParquetFileReader(source) } catch { throw PluginError(error) }
    }

    /// The object's listing entry (a HEAD when the listing did not include it); nil for a local path.
    private func objectInfo(_ path: String) throws(PluginError) -> ObjectInfo? {
        guard let url = ObjectStoreURL(path) else { return nil }
        if let info = objects[path] { return info }
        guard let info = try objectStore(url).stat(key: url.key) else {
            throw .ioError("\(path) does not exist (no such object, or deleted since it was listed); check the config's path, or run again")
        }
        objects[path] = info
        return info
    }

    private func objectStore(_ url: ObjectStoreURL) throws(PluginError) -> ObjectStore {
        if let store { return store }
        guard let settings = settings.objectStore else {
            throw .internalError("the parquet source has an object-store path without object-store settings")
        }
        let host = self.host
        let made = try ObjectStore(provider: url.provider, bucket: url.bucket, settings: settings,
                                   isCancelled: { host.isCancelled }, warn: { host.warning($0) })
        store = made
        return made
    }

    /// The key up to the `/` before its first wildcard: the prefix to list.
    static func literalPrefix(of key: String) -> String {
        guard let wildcard = key.firstIndex(where: { LocalFiles.patternCharacters.contains($0) }) else { return key }
        guard let slash = key[..<wildcard].lastIndex(of: "/") else { return "" }
        return String(key[...slash])
    }
}
