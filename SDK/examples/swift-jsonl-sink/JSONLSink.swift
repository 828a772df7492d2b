import ETLArrow
import ETLPluginKit
import Glibc

/// The `jsonl` sink: each target becomes `<directory>/<target>.jsonl`, one JSON object per row.
///
/// Write modes replace (atomic rename) and append (staging file copied at commit); merge and
/// scd2 are refused. Resume states live in `<directory>/.etl_state/`, written after the data is
/// durable: the sink is not transactional (see README.md for what that means for exactly-once).
final class JSONLSink: ETLSink {
    static let descriptor = PluginDescriptor(
        name: "jsonl",
        version: "1.0.0",
        description: "Writes each target as a JSON Lines file (<directory>/<target>.jsonl); replace or append",
        capabilities: [.append, .replace],
        configSchema: JSONLSinkSettings.schema)

    private let settings: JSONLSinkSettings
    private let host: PluginHost
    private let states: ResumeStateStore
    private var load: JSONLLoad?

    init(config: PluginConfig, host: PluginHost) throws(PluginError) {
        settings = try JSONLSinkSettings(config)
        self.host = host
        states = ResumeStateStore(directory: settings.directory, durable: settings.fsync)
    }

    /// Creates the directory when missing and proves it writable with a probe file.
    func check() throws(PluginError) {
        try FileSystem.makeDirectories(settings.directory)
        // The pid keeps two processes checking the same directory from removing each other's probe.
        let probePath = settings.directory + "/.etl_check.\(getpid()).tmp"
        let probe = try POSIXFile.createOrTruncate(probePath)
        try probe.write(Array("probe\n".utf8))
        try probe.close()
        try FileSystem.remove(probePath)
    }

    func begin(_ request: LoadRequest) throws(PluginError) {
        switch request.writeMode {
        case .replace, .append:
            break
        case .merge, .scd2:
            throw .unsupported("the jsonl sink cannot \(request.writeMode) into target '\(request.target)': a JSON Lines file has no keys to update rows by; use write mode replace or append")
        }
        var seen = Set<String>()
        for field in request.schema.fields where !seen.insert(field.name).inserted {
            throw .invalidConfig("target '\(request.target)': column name '\(field.name)' appears twice, and a JSON object cannot hold one key twice; rename one of the columns")
        }
        _ = try FileNames.stateFile(forEntry: request.entryID)
        try FileSystem.makeDirectories(settings.directory)
        load = try JSONLLoad(request: request, directory: settings.directory, durable: settings.fsync)
    }

    func write(_ batch: ImportedRecordBatch) throws(PluginError) {
        guard let load else { throw .internalError("write without an open load") }
        try host.throwIfCancelled("writing target '\(load.request.target)'")
        try load.write(batch)
    }

    func commit(state: String?) throws(PluginError) -> Int64 {
        guard let load else { throw .internalError("commit without an open load") }
        let rows = try load.commit()
        // The rows are published: nothing can take them back, so the load is over even if the
        // state write below fails.
        self.load = nil
        if load.nonFiniteDoubles > 0 {
            host.warning("target '\(load.request.target)': \(load.nonFiniteDoubles) NaN or infinite double value(s) were written as null, since JSON cannot express them")
        }
        do throws(PluginError) {
            try states.write(state, entryID: load.request.entryID, runID: load.request.runID, target: load.request.target, rows: rows)
        } catch {
            throw .ioError("the \(rows) rows of target '\(load.request.target)' are committed to \(load.targetPath), but saving the resume state failed (\(error.message)); the next run may load these rows again")
        }
        host.debug("committed \(rows) rows to \(load.targetPath) (\(load.request.writeMode))")
        return rows
    }

    func abort() throws(PluginError) {
        guard let load else { return }
        self.load = nil
        try load.discard()
    }

    func readState(entryID: String) throws(PluginError) -> String? {
        try states.read(entryID: entryID)
    }
}
