import ETLArrow
import ETLParquetFormat
import ETLPluginKit

/// The built-in `parquet` source: Parquet files (one file or a glob) as Arrow batches, read row
/// group by row group with only the configured columns' chunks fetched (by offset, never the
/// whole file; flat columns page by page). Types map as the README's table says; structs, lists and maps load as JSON text.
///
/// `s3://` and `gs://` paths read objects through `ObjectStore` (the `remote` settings and
/// credential rules of the csv source), by byte ranges (`ObjectParquetFile`).
///
/// Incremental reads:
/// - `cursor_field: "$file"` loads the files not loaded before. A file is known by its device,
///   inode, size and modification time, so a renamed file is not loaded twice and a rewritten
///   one is loaded again (with a warning). An object is known by its key, size, ETag and
///   last-modified time. A read interrupted inside a file resumes after the rows already handed
///   out. `max_files_per_run` bounds the new files a run loads.
/// - `cursor_field: "<column>"` (int64, double, utf8, date, timestamp or decimal) loads the rows
///   whose cursor is after the watermark (the largest cursor loaded so far; `initial_value`
///   before the first run), reading every matched file but skipping the row groups whose
///   statistics put their largest cursor at or before the watermark. Rows with a null cursor
///   are not loaded (a warning counts them). Rows added later with a cursor at or before the
///   watermark are not loaded either, as with the database sources.
final class ParquetSource: ETLSource {
    static let descriptor = PluginDescriptor(
        name: "parquet", version: "1.0.0",
        description: "Parquet files (a file or a glob): row group by row group into Arrow, nested fields as JSON, incremental by new files or by a cursor column",
        capabilities: [.incremental, .discover, .positions], configSchema: ParquetSourceConfigSchema.text)

    /// The cursor field that means "load new files".
    static let fileCursor = "$file"

    private let settings: ParquetSourceSettings
    private let host: PluginHost
    private var producer: ParquetBatchProducer?

    init(config: PluginConfig, host: PluginHost) throws(PluginError) {
        settings = try ParquetSourceSettings(config)
        self.host = host
    }

    /// The file exists and is Parquet (for a glob: the first match, or a warning when none yet).
    func check() throws(PluginError) {
        let inputs = ParquetInputs(settings: settings, host: host)
        let paths = try inputs.files()
        guard let first = paths.first else {
            guard inputs.isPattern else {
                throw .ioError("\(settings.path) does not exist or is not a regular file; check the config's path")
            }
            host.warning("no file matches \(settings.path) yet")
            return
        }
        _ = try ParquetStreamLayout(settings: settings, firstFile: try inputs.open(first))
    }

    func discover() throws(PluginError) -> [StreamDescription] {
        let inputs = ParquetInputs(settings: settings, host: host)
        return [StreamDescription(name: settings.stream, schema: try layout(for: try inputs.files(), inputs: inputs).schema)]
    }

    func checkRead(_ request: ReadRequest) throws(PluginError) {
        guard request.stream == settings.stream else {
            throw .invalidConfig("the parquet source of \(settings.path) has no stream '\(request.stream)'; its stream is '\(settings.stream)' (set \"stream\" in the source config to rename it)")
        }
        if request.cursorField == Self.fileCursor, request.initialValueJSON != nil {
            throw .invalidConfig("initial_value does not apply to cursor_field \"\(Self.fileCursor)\": the parquet source loads each new file whole; remove initial_value from entry '\(request.entryID)'")
        }
        if let limit = settings.maxFilesPerRun, request.cursorField != Self.fileCursor {
            throw .invalidConfig("max_files_per_run (\(limit)) applies to reads by new files only (a full read must load every file, and a cursor read checks every file for rows after the watermark): give entry '\(request.entryID)' cursor_field \"\(Self.fileCursor)\", or remove max_files_per_run")
        }
    }

    func read(_ request: ReadRequest) throws(PluginError) -> any ArrowBatchProducer {
        try checkRead(request)
        producer = nil
        let inputs = ParquetInputs(settings: settings, host: host)
        let paths = try inputs.files()
        let layout = try layout(for: paths, inputs: inputs)
        var saved = ParquetResumeState()
        if request.cursorField != nil, let text = request.stateJSON { saved = try ParquetResumeState(parsing: text, entryID: request.entryID) }
        var state = ParquetResumeState()
        var plan: [ParquetPlannedFile]
        var filter: ParquetBatchProducer.CursorFilter?
        switch request.cursorField {
        case nil:
            plan = try ParquetReadPlan.full(paths, inputs: inputs)
        case Self.fileCursor?:
            guard saved.cursorField == nil else {
                throw .invalidConfig("the saved state of entry '\(request.entryID)' reads by cursor \"\(saved.cursorField ?? "")\", not by new files; run: etl-runtime state reset \(request.entryID)")
            }
            let planned = try ParquetReadPlan.newFiles(paths, saved: saved, inputs: inputs, limit: settings.maxFilesPerRun)
            planned.warnings.forEach { host.warning($0) }
            plan = planned.files
            state.files = planned.kept
        case let field?:
            guard let index = layout.schema.fields.firstIndex(where: { $0.name == field }) else {
                throw .invalidConfig("cursor_field \"\(field)\" is not a column of \(settings.path) (its columns: \(layout.schema.fields.map { "\"\($0.name)\"" }.joined(separator: ", "))); use one of them, or \"\(Self.fileCursor)\" to load new files")
            }
            let type = layout.schema.fields[index].type
            guard ParquetCursorValue.isCursorType(type) else {
                throw .invalidConfig("cursor_field \"\(field)\" is \(type.displayName); a cursor must be int64, double, utf8, date, timestamp or decimal")
            }
            if let savedField = saved.cursorField, savedField != field {
                throw .invalidConfig("the saved state of entry '\(request.entryID)' was recorded for cursor \"\(savedField)\", not \"\(field)\"; run: etl-runtime state reset \(request.entryID)")
            }
            if request.stateJSON != nil, saved.cursorField == nil {
                throw .invalidConfig("the saved state of entry '\(request.entryID)' reads by new files, not by cursor \"\(field)\"; run: etl-runtime state reset \(request.entryID)")
            }
            var since: ParquetComparable?
            var loadedBefore: ParquetComparable?
            if let run = saved.run {
                since = run.since == .null ? nil : try ParquetCursorValue.parse(run.since, type: type, what: "state.run.since")
                loadedBefore = saved.cursor == .null ? nil : try ParquetCursorValue.parse(saved.cursor, type: type, what: "state.cursor")
                plan = try ParquetReadPlan.resumedCursorRun(paths, run: run, inputs: inputs)
            } else {
                if saved.cursor != .null {
                    since = try ParquetCursorValue.parse(saved.cursor, type: type, what: "state.cursor")
                } else if let initial = request.initialValueJSON {
                    let value: JSONValue
                    do throws(JSONSyntaxError) { value = try JSONValue(parsing: initial) } catch {
                        throw .invalidConfig("initial_value of entry '\(request.entryID)' is not JSON: \(error)")
                    }
                    since = try ParquetCursorValue.parse(value, type: type, what: "initial_value of entry '\(request.entryID)'")
                }
                plan = try ParquetReadPlan.full(paths, inputs: inputs)
            }
            state.cursorField = field
            state.cursor = saved.cursor
            filter = .init(field: index, type: type, since: since, loadedBefore: loadedBefore, fieldName: field)
        }
        host.debug("reading \(plan.count) of \(paths.count) file(s) matching \(settings.path)")
        let positions = try SourcePositionColumn(request: request, streamSchema: layout.schema)
        let producer = ParquetBatchProducer(settings: settings, layout: layout, plan: plan, state: state, cursor: filter,
                                            incremental: request.cursorField != nil, request: request, positions: positions, inputs: inputs, host: host)
        self.producer = producer
        return producer
    }

    func checkpoint() throws(PluginError) -> String? {
        guard let producer, producer.isIncremental else { return nil }
        return producer.state.jsonText
    }

    private func layout(for paths: [String], inputs: ParquetInputs) throws(PluginError) -> ParquetStreamLayout {
        guard let first = paths.first else {
            throw .ioError("no file matches \(settings.path): the stream's columns come from its first file; check the config's path")
        }
        return try ParquetStreamLayout(settings: settings, firstFile: try inputs.open(first))
    }
}
