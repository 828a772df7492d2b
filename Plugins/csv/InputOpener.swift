import ETLPluginKit
import ETLTransport
import Glibc

/// Opens the csv source's inputs and expands its `path`, local or remote alike: a local path
/// or glob goes to `FileMatcher` and `InputFile`; an `https://`/`http://` URL names one file; an
/// `sftp://` URL names one file or, with a glob in its last segment, the matching names of a
/// folder listing, in byte order like local globs.
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

    /// The http(s) inputs opened so far, by URL (a class: the opener is copied into readers).
    private final class OpenedInputs {
        var byPath: [String: RemoteInput] = [:]
    }

    /// True when the configured path expands to several files (a local glob, or a glob in the
    /// last segment of an sftp URL).
    var isPattern: Bool {
        guard let url = RemoteURL(settings.path) else { return FileMatcher.isPattern(settings.path) }
        return !url.isHTTP && FileMatcher.isPattern(url.lastSegment)
    }

    /// The inputs the configured path names now, in byte order of their paths or URLs.
    /// - Throws: `ETL_IO_ERROR` when a folder cannot be read or listed.
    func files() throws(PluginError) -> [String] {
        guard let url = RemoteURL(settings.path) else { return try FileMatcher.files(matching: settings.path) }
        guard isPattern, let remote = settings.remote else { return [settings.path] }
        guard let folder = RemoteURL(url.folder) else { return [] }
        let lister = RemoteFile(url: folder, settings: remote, isCancelled: { host.isCancelled }, warn: { host.warning($0) })
        let pattern = URLText.decode(url.lastSegment, plusIsSpace: false)
        let names = try lister.folderNames().filter { fnmatch(pattern, $0, FNM_PERIOD) == 0 }
        return names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }.map { url.sibling(named: $0) }
    }

    /// True when `path` is a local path that no longer names a regular file (renamed or
    /// deleted since the glob matched it); false for a URL.
    func isGone(_ path: String) -> Bool {
        RemoteURL(path) == nil && !FileMatcher.isRegularFile(path)
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
