import ETLPluginKit
import ETLTransport
import Glibc

/// Opens the csv source's inputs and expands its `path`, local or remote alike: a local path
/// or glob goes to `LocalFiles` and `InputFile`; an `https://`/`http://` URL names one file; an
/// `sftp://` URL names one file or, with a glob in its last segment, the matching names of a
/// folder listing, in byte order like local globs; an `s3://` or `gs://` path names one object
/// or, with a glob in its last segment, the matching objects directly under its prefix (keys
/// in byte order), listed once per read with their size, ETag and modification time, which
/// incremental reads keep in the state (`objectVersion`).
///
/// An http(s) input is opened once per opener (one read): the planner, the header and the
/// records all go through the same `RemoteInput`, so the read costs one request.
struct InputOpener {
    private let settings: CSVSettings
    private let host: PluginHost
    private let resetHint: String?
    /// Where the read of each path is expected to start: the saved offsets (incremental reads).
    private let plannedStarts: [String: Int64]
    private let opened = OpenedInputs()

    /// An opener for `settings`; `entryID` (incremental reads) puts the `state reset` command
    /// into errors that say the saved position no longer applies; `plannedStarts` are the saved
    /// offsets by path, where the remote inputs' one request starts.
    init(settings: CSVSettings, host: PluginHost, entryID: String?, plannedStarts: [String: Int64] = [:]) {
        self.settings = settings
        self.host = host
        resetHint = entryID.map { "to read it again from its first line, run: etl-runtime state reset \($0)" }
        self.plannedStarts = plannedStarts
    }

    /// The http(s) inputs opened so far, by URL, and the objects found in the store, by path
    /// (a class: the opener is copied into readers).
    private final class OpenedInputs {
        var byPath: [String: RemoteInput] = [:]
        var store: ObjectStore?
        var objects: [String: ObjectInfo] = [:]
        var objectInputs: [String: ObjectStoreInput] = [:]
    }

    /// True when the configured path expands to several files (a local glob, or a glob in the
    /// last segment of an sftp URL or an object-store path).
    var isPattern: Bool {
        if let url = ObjectStoreURL(settings.path) { return LocalFiles.isPattern(url.lastSegment) }
        guard let url = RemoteURL(settings.path) else { return LocalFiles.isPattern(settings.path) }
        return !url.isHTTP && LocalFiles.isPattern(url.lastSegment)
    }

    /// The inputs the configured path names now, in byte order of their paths or URLs.
    /// - Throws: `ETL_IO_ERROR` when a folder cannot be read or listed.
    func files() throws(PluginError) -> [String] {
        if let url = ObjectStoreURL(settings.path) { return try objects(url) }
        guard let url = RemoteURL(settings.path) else { return try LocalFiles.regularFiles(matching: settings.path) }
        guard isPattern, let remote = settings.remote else { return [settings.path] }
        guard let folder = RemoteURL(url.folder) else { return [] }
        let lister = RemoteFile(url: folder, settings: remote, isCancelled: { host.isCancelled }, warn: { host.warning($0) })
        let pattern = URLText.decode(url.lastSegment, plusIsSpace: false)
        let names = try lister.folderNames().filter { fnmatch(pattern, $0, FNM_PERIOD) == 0 }
        return names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }.map { url.sibling(named: $0) }
    }

    /// The objects `url` names now: the one object, or those directly under its prefix whose
    /// names match its last segment.
    private func objects(_ url: ObjectStoreURL) throws(PluginError) -> [String] {
        let store = try objectStore(url)
        var found: [ObjectInfo] = []
        if LocalFiles.isPattern(url.lastSegment) {
            let prefix = url.folderPrefix
            found = try store.list(prefix: prefix).filter { info in
                let name = String(info.key.dropFirst(prefix.count))
                return !name.contains("/") && fnmatch(url.lastSegment, name, FNM_PERIOD) == 0
            }
        } else if let info = try store.stat(key: url.key) {
            found = [info]
        }
        return found.map { info in
            let path = url.sibling(key: info.key).text
            opened.objects[path] = info
            return path
        }
    }

    /// The store of the configured path, made once per opener.
    private func objectStore(_ url: ObjectStoreURL) throws(PluginError) -> ObjectStore {
        if let store = opened.store { return store }
        guard let settings = settings.objectStore else {
            throw .internalError("the csv source has an object-store path without object-store settings")
        }
        let store = try ObjectStore(provider: url.provider, bucket: url.bucket, settings: settings,
                                    isCancelled: { host.isCancelled }, warn: { host.warning($0) })
        opened.store = store
        return store
    }

    /// The size, ETag and modification time of an object the listing found (nil for other
    /// inputs): what an incremental read keeps to tell a changed object from an unchanged one.
    func objectVersion(_ path: String) -> ObjectInfo? {
        opened.objects[path]
    }

    /// True when `path` is a local path that no longer names a regular file (renamed or
    /// deleted since the glob matched it); false for a URL.
    func isGone(_ path: String) -> Bool {
        RemoteURL(path) == nil && !ObjectStoreURL.isObjectStore(path) && !LocalFiles.isRegularFile(path)
    }

    /// True when `path` is compressed or UTF-16: its records are read from decoded bytes, whose
    /// offsets are not the file's, so an incremental read takes such a file whole, once per
    /// change of its bytes (see `ReadPlanner`).
    func isWholeFile(_ path: String) -> Bool {
        settings.compression.resolved(for: path) != .none || settings.encoding.isUTF16
    }

    /// Opens one input, decompressing it when it is compressed.
    /// - Throws: `ETL_IO_ERROR` when a local file cannot be opened; `ETL_BAD_DATA` when a zip
    ///   archive's member cannot be found or read.
    func open(_ path: String) throws(PluginError) -> any ByteSource {
        let raw = try openRaw(path)
        let decompressed: any ByteSource
        switch settings.compression.resolved(for: path) {
        case .gzip: decompressed = InflatingInput(raw: raw, format: .gzip)
        case .zip: decompressed = InflatingInput(raw: raw, format: try ZipArchive.member(of: raw, named: settings.zipMember))
        case .auto, .none: decompressed = raw
        }
        guard settings.encoding.isUTF16 else { return decompressed }
        return UTF16Input(raw: decompressed, bigEndian: settings.encoding.utf16BigEndian)
    }

    /// Opens one input as its bytes are stored (compressed or not): what incremental reads
    /// identify files by.
    /// - Throws: `ETL_IO_ERROR` when a local file cannot be opened.
    func openRaw(_ path: String) throws(PluginError) -> any ByteSource {
        if let url = ObjectStoreURL(path) {
            let store = try objectStore(url)
            var found = opened.objects[path]
            if found == nil { found = try store.stat(key: url.key) }
            guard let info = found else {
                throw .ioError("\(path) does not exist (no such object); check the config's path")
            }
            if let input = opened.objectInputs[path], input.info == info { return input }
            opened.objects[path] = info
            let input = ObjectStoreInput(path: path, info: info, store: store)
            opened.objectInputs[path] = input
            return input
        }
        guard let url = RemoteURL(path), let remote = settings.remote else { return try InputFile(path: path) }
        guard url.isHTTP else {
            return RemoteInput(url: url, settings: remote, host: host, resetHint: resetHint, plannedStart: 0)
        }
        if let input = opened.byPath[path] { return input }
        let input = RemoteInput(url: url, settings: remote, host: host, resetHint: resetHint, plannedStart: plannedStarts[path] ?? 0)
        opened.byPath[path] = input
        return input
    }
}
