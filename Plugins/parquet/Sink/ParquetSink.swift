import ETLParquetFormat
import ETLPluginKit
import ETLTransport
import Glibc

/// The `parquet` sink: each target becomes a dataset folder `<path>/<target>/` of Parquet part
/// files, optionally in Hive-style partition folders, published atomically with a `_SUCCESS`
/// marker per folder and the entry's resume state (see `PublishPlan` and `SinkStateStore`).
///
/// Write modes: replace (the partition folders a load writes lose their older part files once
/// the new ones are published) and append (new part files beside the old). Merge and scd2 are not
/// declared, so `validate` refuses them before any run.
final class ParquetSink: ETLSink {
    static let descriptor = PluginDescriptor(
        name: "parquet",
        version: "1.0.0",
        description: "Writes each target as a folder of Parquet files (<path>/<target>/part-00000.parquet), optionally partitioned; replace or append",
        capabilities: [.replace, .append],
        configSchema: ParquetSinkSettings.schema)

    private let settings: ParquetSinkSettings
    private let host: PluginHost
    private let storage: any DatasetStorage
    private let states: SinkStateStore
    private var load: ParquetLoad?

    init(config: PluginConfig, host: PluginHost) throws(PluginError) {
        settings = try ParquetSinkSettings(config)
        self.host = host
        if let objectStore = settings.objectStore, let url = ObjectStoreURL(settings.path) {
            storage = try ObjectDatasetStorage(url: url, settings: objectStore, host: host)
        } else {
            storage = LocalDatasetStorage(durable: settings.fsync)
        }
        states = SinkStateStore(storage: storage, root: settings.path)
    }

    /// Creates the folder when missing and proves it writable with a probe file (on an object
    /// store: a small object put and deleted, which also checks the credentials).
    func check() throws(PluginError) {
        try storage.makeFolder(settings.path)
        let probe = settings.path + "/.etl_check.\(getpid()).tmp"
        try storage.writeSmallFile(probe, Array("etl-runtime check\n".utf8))
        try storage.delete(probe)
    }

    /// `begin`'s checks of the request, which touch no file: `validate` and `run --dry-run` ask
    /// them before any run. Without the columns, only those that need none.
    func checkLoad(_ request: LoadRequest, schemaKnown: Bool) throws(PluginError) {
        switch request.writeMode {
        case .replace, .append:
            break
        case .merge, .scd2:
            throw .unsupported("the parquet sink cannot \(request.writeMode) into target '\(request.target)': Parquet files cannot update rows in place; use write mode replace or append")
        }
        let target = request.target
        guard !target.isEmpty, !target.hasPrefix("."), !target.hasPrefix("_"), !target.utf8.contains(UInt8(ascii: "/")),
              !target.utf8.contains(0) else {
            throw .invalidConfig("target '\(target)' cannot be a dataset folder name: use a name without '/' that does not start with '.' or '_', e.g. \"orders\"")
        }
        guard schemaKnown else { return }
        var seen = Set<String>()
        for field in request.schema.fields where !seen.insert(field.name).inserted {
            throw .invalidConfig("target '\(target)': column name '\(field.name)' appears twice, and a Parquet schema cannot hold one name twice; rename one of the columns")
        }
        guard !request.schema.fields.isEmpty else {
            throw .invalidConfig("target '\(target)': the load has no columns, and a Parquet file needs at least one")
        }
        _ = try ParquetLoad.partitionColumn(of: request, partitioning: settings.partitioning)
    }

    func begin(_ request: LoadRequest) throws(PluginError) {
        try checkLoad(request, schemaKnown: true)
        try storage.makeFolder(settings.path)
        _ = try states.recover(entryID: request.entryID)
        let newLoad = try ParquetLoad(request: request, settings: settings, storage: storage, states: states,
                                      loadDay: Self.today())
        try removeLeftovers(in: newLoad.targetFolder)
        load = newLoad
    }

    func write(_ batch: ImportedRecordBatch) throws(PluginError) {
        guard let load else { throw .internalError("write without an open load") }
        try host.throwIfCancelled("writing target '\(load.request.target)'")
        try load.write(batch)
    }

    func commit(state: String?) throws(PluginError) -> Int64 {
        guard let load else { throw .internalError("commit without an open load") }
        self.load = nil
        do throws(PluginError) {
            let rows = try load.commit(state: state)
            host.debug("published \(rows) rows to \(load.targetFolder) (\(load.request.writeMode))")
            return rows
        } catch {
            load.discard()
            throw error
        }
    }

    func abort() throws(PluginError) {
        guard let load else { return }
        self.load = nil
        load.discard()
    }

    func readState(entryID: String) throws(PluginError) -> String? {
        try states.read(entryID: entryID)
    }

    /// Removes the temporary files a killed run left in the target folder and its partition folders
    /// (the publish plan, finished just before, has already used the ones it needed).
    private func removeLeftovers(in targetFolder: String) throws(PluginError) {
        var folders = [targetFolder]
        for name in try storage.list(targetFolder) where !name.hasPrefix(".") && !name.hasPrefix("_") && !name.hasSuffix(".parquet") {
            if try storage.isFolder(targetFolder + "/" + name) { folders.append(targetFolder + "/" + name) }
        }
        for folder in folders {
            for name in try storage.list(folder) where name.hasPrefix(PartFile.temporaryPrefix) || name == "_SUCCESS.tmp" {
                try storage.delete(folder + "/" + name)
                host.debug("removed \(folder)/\(name), left by a run that did not finish")
            }
        }
    }

    /// Days since 1970-01-01 in UTC, now: the folder of a load-date partition.
    private static func today() -> Int32 {
        Int32(time(nil) / 86_400)
    }
}
