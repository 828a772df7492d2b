import ETLParquetFormat
import ETLPluginKit
import ETLTransport
import Glibc

/// `DatasetStorage` on an object store (`s3://bucket/prefix`, `gs://bucket/prefix`). Paths are
/// `s3://bucket/key` texts; folders are key prefixes.
///
/// A file is written to a local spool file, uploaded under its temporary key when finished
/// (`ObjectStore.put`: one PUT, or a multipart / resumable upload for a large file), and
/// published by a server-side copy to its final key followed by the deletion of the temporary
/// object: a store has no rename, but a copy appears whole or not at all, which is what the
/// sink's publish plan needs. A crash between the copy and the delete leaves both objects;
/// `PublishPlan.apply` then takes the file as published and only deletes the temporary one.
/// Small files (`_SUCCESS`, state, plans) are single PUTs, which replace an object atomically.
/// There is nothing to sync: an answered PUT or copy is durable.
///
/// A class used from the sink's one thread at a time (`ObjectStore` is not thread-safe).
final class ObjectDatasetStorage: DatasetStorage, @unchecked Sendable {
    private let store: ObjectStore
    /// `s3://bucket`: every path this storage handles starts with it and a `/`.
    private let root: String

    init(url: ObjectStoreURL, settings: ObjectStoreSettings, host: PluginHost) throws(PluginError) {
        store = try ObjectStore(provider: url.provider, bucket: url.bucket, settings: settings,
                                isCancelled: { host.isCancelled }, warn: { host.warning($0) })
        root = url.provider.rawValue + "://" + url.bucket
        ObjectFileOutput.removeOrphanedSpools()
    }

    /// The `s3://bucket` of a configured path, and the path without a trailing `/` (what the sink
    /// puts `/<target>` after).
    static func datasetRoot(_ url: ObjectStoreURL) -> String {
        let key = url.key.hasSuffix("/") ? String(url.key.dropLast()) : url.key
        return url.provider.rawValue + "://" + url.bucket + (key.isEmpty ? "" : "/" + key)
    }

    func createFile(_ path: String) throws(PluginError) -> any DatasetFileOutput {
        try ObjectFileOutput(path: path, key: try key(path), store: store)
    }

    func publish(_ path: String, as finalPath: String) throws(PluginError) {
        let temporary = try key(path)
        try store.copy(from: temporary, to: try key(finalPath))
        try store.delete(key: temporary)
    }

    func delete(_ path: String) throws(PluginError) {
        try store.delete(key: try key(path))
    }

    func list(_ folder: String) throws(PluginError) -> [String] {
        let prefix = try key(folder) + "/"
        var names = Set<String>()
        for object in try store.list(prefix: prefix) {
            let name = String(object.key.dropFirst(prefix.count).prefix { $0 != "/" })
            if !name.isEmpty { names.insert(name) }
        }
        return names.sorted()
    }

    func exists(_ path: String) throws(PluginError) -> Bool {
        try store.stat(key: try key(path)) != nil
    }

    func isFolder(_ path: String) throws(PluginError) -> Bool {
        !(try store.list(prefix: try key(path) + "/").isEmpty)
    }

    func readSmallFile(_ path: String) throws(PluginError) -> [UInt8]? {
        guard let info = try store.stat(key: try key(path)) else { return nil }
        guard info.size > 0 else { return [] }
        guard info.size <= 64 << 20 else {
            throw .badData("\(path) is \(info.size) bytes, too large for a state or plan file of the parquet sink; check what wrote it")
        }
        return try store.reader(for: info).bytes(at: 0, count: Int(info.size))
    }

    func writeSmallFile(_ path: String, _ content: [UInt8]) throws(PluginError) {
        let output = try ObjectFileOutput(path: path, key: try key(path), store: store)
        do throws(PluginError) {
            do throws(ParquetWriteError) { try output.write(content) } catch { throw PluginError.ioError(error.message) }
            try output.finish()
        } catch {
            output.discard()
            throw error
        }
    }

    func makeFolder(_ path: String) throws(PluginError) {}

    func syncFolder(_ path: String) throws(PluginError) {}

    /// The key of a path under this storage's bucket.
    private func key(_ path: String) throws(PluginError) -> String {
        guard path.hasPrefix(root + "/"), path.count > root.count + 1 else {
            throw .internalError("the parquet sink asked for \(path), which is not an object of \(root)")
        }
        return String(path.dropFirst(root.count + 1))
    }
}

/// A file bound for an object: written to a local spool file (memory stays at the writer's
/// buffer), uploaded when finished.
final class ObjectFileOutput: DatasetFileOutput {
    let path: String
    private let key: String
    private let store: ObjectStore
    private let spool: LocalFileOutput
    private var uploaded = false

    init(path: String, key: String, store: ObjectStore) throws(PluginError) {
        self.path = path
        self.key = key
        self.store = store
        spool = try LocalFileOutput(path: try Self.spoolPath(), durable: false)
    }

    func write(_ bytes: [UInt8]) throws(ParquetWriteError) {
        try spool.write(bytes)
    }

    /// Uploads the spooled bytes under `key` and removes the spool file.
    func finish() throws(PluginError) {
        try spool.finish()
        defer { unlink(spool.path) }
        try store.put(key: key, file: spool.path)
        uploaded = true
    }

    /// Removes the spool file and, when it was already uploaded, the object (best effort: the
    /// next load of the target removes temporary objects left behind).
    func discard() {
        spool.discard()
        if uploaded { try? store.delete(key: key) }
    }

    /// Where spool files go: `TMPDIR`, else `/tmp`.
    private static var spoolFolder: String {
        getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    }

    private static let spoolPrefix = "etl-parquet-upload-"

    /// A new, empty file in the spool folder for one output, named after this process
    /// (`etl-parquet-upload-<pid>-XXXXXX`) so that a later run can tell a killed run's leftovers.
    private static func spoolPath() throws(PluginError) -> String {
        let folder = spoolFolder
        var template = Array((folder + "/" + spoolPrefix + "\(getpid())-XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            let code = errno
            throw .ioError("cannot create a spool file in \(folder) for an upload: \(String(cString: strerror(code))); set TMPDIR to a writable folder")
        }
        close(descriptor)
        return template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// Deletes the spool files of processes that no longer exist (a run killed mid-load leaves
    /// its parts there, possibly large); files of live processes, or of unreadable names, stay.
    static func removeOrphanedSpools() {
        let folder = spoolFolder
        guard let directory = opendir(folder) else { return }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard name.hasPrefix(spoolPrefix), let pid = Int32(name.dropFirst(spoolPrefix.count).prefix { $0 != "-" }),
                  pid > 0, kill(pid, 0) != 0, errno == ESRCH else { continue }
            unlink(folder + "/" + name)
        }
    }
}
