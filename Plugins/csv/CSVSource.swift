import ETLArrow
import ETLPluginKit

/// The built-in `csv` source: delimited text files (RFC 4180), one file or a glob, loaded with
/// declared column types; full reads, or incremental reads that resume by byte offset within
/// growing files and pick up new files. The config keys are described in `CSVConfigSchema`.
///
/// Reading rules:
/// - Records end at LF or CRLF (the CR is dropped); a lone CR is text. Quoted fields may hold
///   delimiters, line breaks and doubled quotes; a quote opens a quoted field only at the start
///   of a field (after blanks when trimming), elsewhere it is text. Text after a closing quote
///   (other than blanks when trimming) rejects the row. `quote: ""` turns quoting off.
/// - Files are UTF-8 unless `encoding` says Latin-1 or Windows-1252 (transcoded value by value,
///   offsets stay the file's); a byte that is not UTF-8 fails a UTF-8 read once, naming its line.
///   `.gz` files and `.zip` members are decompressed as they are read; `skip_rows` lines are
///   skipped before the header, `comment` lines anywhere.
/// - A UTF-8 byte order mark at the start of a file is skipped. Blank lines (no bytes, or a
///   lone CR) are skipped wherever they are, never rejected.
/// - Columns: with `header: false` the declared columns are the fields in order. With a header,
///   declared columns are matched by name, a declared column missing from the header is an
///   error, and header columns not declared load as nullable text (after the declared ones).
///   Every file of a glob must have exactly the stream's columns, in any order.
/// - Values: `trim` removes ASCII spaces and tabs around unquoted fields (and around quotes).
///   An unquoted value listed in `null_values` (compared after trimming) is null; a quoted value
///   never is. A null in a `nullable: false` column rejects the row. int64 takes an optional
///   sign and digits; double also takes a fraction, an exponent, nan and inf; bool takes
///   true/false, t/f, yes/no, y/n, 1/0 in any case; timestamp and date follow `DateTimeFormat`
///   (ISO 8601 and `%Y-%m-%d` by default, see `ISO8601Timestamp`). Nothing else is coerced:
///   any other value rejects its row.
/// - Every row that cannot be read is reported to the host's rejects with `path:line` (the
///   physical line where the record starts), its raw bytes (the first 4096 bytes of a record
///   longer than `max_line_bytes`) and the reason; the reading goes on with the next record.
///   A read that asks for positions gets the same `path:line` of every loaded row in the last
///   column, `_etl_position` (`.positions`).
///
/// Incremental reads use `cursor_field: "$offset"` (the only cursor this source has; any other
/// is refused, as is an `initial_value`). The resume state (`CSVResumeState`) stores, per file
/// the glob matches, the byte offset and line after the last record read (loaded or rejected),
/// the file's size, device and inode, and fingerprints of its first bytes and of the bytes
/// before the offset. A file continues the saved state whose bytes it holds, whatever its path
/// or inode now (`ResumeMatcher`): a log renamed or copied by a rotation resumes where it was
/// read up to, while a file truncated or rewritten in place, or a new file that got an old inode
/// number, is read from its first line (with a warning when it was truncated or rewritten).
/// New files matching the glob are read in byte order of their paths. Each read takes a
/// snapshot of each file's size when it opens the file; bytes written later wait for the next
/// read.
///
/// Object stores: `s3://bucket/prefix/*.csv` and `gs://bucket/prefix/*.csv` (one object, or a
/// glob over the names directly under a prefix) are listed and streamed through the transport's
/// `ObjectStore` (credentials from the environment, `.env`, `~/.aws/credentials` profiles or a
/// service-account key; see `ObjectStoreSettings` and the `remote` keys of `CSVConfigSchema`).
/// Their state also keeps each object's ETag and last-modified time: an object listed with the
/// ETag and size it had when read to its end is skipped without fetching a byte; a changed one
/// is checked by its bytes like a rewritten file. `max_files_per_run` (incremental reads only)
/// reads at most that many files with something new per run, in path order.
///
/// A last line without a line break may still be being written. A full read loads it; an
/// incremental read loads it only once the file has not been modified for
/// `last_line_quiet_seconds` (default 10) and has not grown, and then marks the file `done`.
/// If such a file grows later, a line break at the saved offset completes that line and is
/// skipped; any other bytes up to the next line break continue a line already loaded and are
/// rejected (position: that line), never glued onto it.
final class CSVSource: ETLSource {
    static let descriptor = PluginDescriptor(
        name: "csv", version: "1.0.0",
        description: "CSV and other delimited files (RFC 4180): a file or a glob, typed columns, incremental by byte offset",
        capabilities: [.incremental, .discover, .positions], configSchema: CSVConfigSchema.text)

    /// The one cursor field the source understands.
    static let offsetCursor = "$offset"

    private let settings: CSVSettings
    private let host: PluginHost
    private var producer: CSVBatchProducer?

    init(config: PluginConfig, host: PluginHost) throws(PluginError) {
        settings = try CSVSettings(config)
        self.host = host
    }

    /// The file (or, for a glob, at least its folder) exists and can be read.
    func check() throws(PluginError) {
        let opener = InputOpener(settings: settings, host: host, entryID: nil)
        let paths = try opener.files()
        if let first = paths.first {
            _ = try opener.open(first).status()
            return
        }
        if !opener.isPattern {
            throw .ioError("\(settings.path) does not exist or is not a regular file; check the config's path")
        }
        host.warning("no file matches \(settings.path) yet")
    }

    /// One stream, named by `stream`, with the declared columns (and the first header's).
    func discover() throws(PluginError) -> [StreamDescription] {
        let opener = InputOpener(settings: settings, host: host, entryID: nil)
        let paths = try opener.files()
        let layout = try StreamLayout.resolve(settings, paths: paths, opener: opener, policy: .always)
        return [StreamDescription(name: settings.stream, schema: layout.schema)]
    }

    func read(_ request: ReadRequest) throws(PluginError) -> any ArrowBatchProducer {
        guard request.stream == settings.stream else {
            throw .invalidConfig("the csv source of \(settings.path) has no stream '\(request.stream)'; its stream is '\(settings.stream)' (set \"stream\" in the source config to rename it)")
        }
        let incremental = request.cursorField != nil
        if let cursor = request.cursorField, cursor != Self.offsetCursor {
            throw .invalidConfig("the csv source resumes by byte offset only: set cursor_field to \"\(Self.offsetCursor)\" (got \"\(cursor)\")")
        }
        if incremental && request.initialValueJSON != nil {
            throw .invalidConfig("initial_value does not apply to cursor_field \"\(Self.offsetCursor)\": the csv source reads each new file from its first line; remove initial_value from entry '\(request.entryID)'")
        }
        if !incremental, let limit = settings.maxFilesPerRun {
            throw .invalidConfig("max_files_per_run (\(limit)) applies to incremental reads only (a full read must load every file, or the target would be replaced by a part of the data): give entry '\(request.entryID)' cursor_field \"\(Self.offsetCursor)\", or remove max_files_per_run")
        }
        producer = nil
        var saved = CSVResumeState()
        if incremental, let text = request.stateJSON { saved = try CSVResumeState(parsing: text, entryID: request.entryID) }
        let opener = InputOpener(settings: settings, host: host, entryID: incremental ? request.entryID : nil,
                                 plannedStarts: saved.files.mapValues(\.offset))
        let plan: [PlannedFile]
        let paths: [String]
        var state = CSVResumeState()
        if incremental {
            let planned = try ReadPlanner.incrementalRead(settings, opener: opener, saved: saved)
            planned.warnings.forEach { host.warning($0) }
            (paths, plan, state) = (planned.paths, planned.files, planned.state)
        } else {
            plan = try ReadPlanner.fullRead(settings, opener: opener)
            paths = plan.map(\.path)
        }
        let policy: CSVRecordReader.FinalRecordPolicy = incremental ? .whenQuietFor(seconds: settings.lastLineQuietSeconds) : .always
        let layout = try StreamLayout.resolve(settings, paths: paths, opener: opener, policy: policy,
                                              keptHeaders: state.files.compactMapValues(\.header))
        host.debug("reading \(plan.count) of \(paths.count) file(s) matching \(settings.path)\(incremental ? " from their saved positions" : "")")
        let positions = try SourcePositionColumn(request: request, streamSchema: layout.schema)
        let producer = CSVBatchProducer(settings: settings, layout: layout, plan: plan, state: state, incremental: incremental,
                                        request: request, positions: positions, host: host, opener: opener)
        self.producer = producer
        return producer
    }

    /// The positions after the last batch (incremental reads); nil for a full read or before any read.
    func checkpoint() throws(PluginError) -> String? {
        guard let producer, producer.isIncremental else { return nil }
        return producer.state.jsonText
    }
}
