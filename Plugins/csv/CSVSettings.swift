import ETLPluginKit
import ETLTransport

/// The `csv` source's config, read and checked once at `create`. See `CSVConfigSchema` for
/// what each key means.
struct CSVSettings: Sendable {
    /// The file or glob to read (absolute when the runtime resolved it).
    let path: String
    /// The one stream this source offers.
    let stream: String
    /// Whether each file starts with a header line.
    let header: Bool
    /// The declared columns (empty when none were declared).
    let columns: [CSVColumn]
    /// How many records of the first file are sampled to infer types when no columns are
    /// declared (0: every column is text).
    let inferRows: Int
    /// Delimiter, quote and trimming.
    let dialect: CSVDialect
    /// Physical lines skipped at the start of each file, before the header (`skip_rows`).
    let skipRows: Int
    /// How the files are compressed (`auto`: by their names).
    let compression: Compression
    /// The member of a `.zip` to read (nil: the archive's only file).
    let zipMember: String?
    /// The files' character encoding.
    let encoding: SourceEncoding
    /// How int64 and double values write their separators.
    let numberFormat: NumberFormat
    /// Unquoted values that load as null, as bytes.
    let nullValues: [[UInt8]]
    /// The longest record accepted, in bytes without its line break.
    let maxLineBytes: Int
    /// How long a file must stay unmodified before an incremental read loads a last line that
    /// has no line break.
    let lastLineQuietSeconds: Int64
    /// How remote inputs are reached, when `path` is a URL (`https://`, `http://`, `sftp://`).
    let remote: RemoteSettings?
    /// How the store is reached, when `path` is an object-store path (`s3://`, `gs://`).
    let objectStore: ObjectStoreSettings?
    /// Incremental reads: at most this many files with something to read are read per run,
    /// in byte order of their paths; the others wait for the next run (nil: no limit).
    let maxFilesPerRun: Int?

    static let keys: Set<String> = [
        "path", "stream", "header", "columns", "delimiter", "quote", "null_values", "trim", "max_line_bytes",
        "last_line_quiet_seconds", "remote", "encoding", "skip_rows", "comment", "compression", "zip_member", "decimal_separator", "thousands_separator", "infer_rows", "columns_from", "escape",
        "max_files_per_run",
    ]

    /// Reads the config.
    /// - Throws: `ETL_INVALID_CONFIG` naming the key and the fix, for anything the source
    ///   cannot work with.
    init(_ config: PluginConfig) throws(PluginError) {
        try config.rejectUnknownKeys(allowed: Self.keys)
        path = try config.string("path")
        guard !path.isEmpty else { throw .invalidConfig("\(config.path).path is empty: set it to a CSV file or a glob such as data/*.csv") }
        if ObjectStoreURL.isObjectStore(path) {
            objectStore = try Self.objectStoreSettings(config, path: path)
            remote = nil
        } else {
            objectStore = nil
            remote = try Self.remoteSettings(config, path: path)
        }
        if let limit = try config.optionalInt("max_files_per_run") {
            guard limit >= 1 && limit <= 1_000_000 else {
                throw .invalidConfig("\(config.path).max_files_per_run must be between 1 and 1000000 (got \(limit)); remove it to read every file in one run")
            }
            maxFilesPerRun = Int(limit)
        } else {
            maxFilesPerRun = nil
        }
        stream = try config.optionalString("stream") ?? StreamName.derived(fromPath: RemoteURL(path).map(\.display) ?? path)
        header = try config.bool("header", default: true)

        var columns: [CSVColumn] = []
        var declared = try ConfigObjectList.objects(config, "columns") ?? []
        if let schemaPath = try config.optionalString("columns_from") {
            guard declared.isEmpty else {
                throw .invalidConfig("\(config.path) has both columns and columns_from; keep one")
            }
            declared = try ColumnsFile.entries(schemaPath, configPath: "\(config.path).columns_from")
        }
        for entry in declared {
            let column = try CSVColumn(entry)
            if columns.contains(where: { $0.name == column.name }) {
                throw .invalidConfig("\(entry.path).name \"\(column.name)\" is declared twice; column names must be unique")
            }
            columns.append(column)
        }
        if !header && columns.isEmpty {
            throw .invalidConfig("\(config.path).columns is required when header is false: list every field in order, e.g. \"columns\": [{\"name\": \"age\", \"type\": \"int64\"}]")
        }
        self.columns = columns
        let inferRows = try config.int("infer_rows", default: 1000)
        guard inferRows >= 0 && inferRows <= 10_000_000 else {
            throw .invalidConfig("\(config.path).infer_rows must be between 0 and 10000000 (got \(inferRows))")
        }
        self.inferRows = Int(inferRows)

        guard let delimiter = try Self.singleByte(config, "delimiter", default: ",", allowEmpty: false) else {
            throw .invalidConfig("\(config.path).delimiter is empty: set it to one character such as \",\"")
        }
        let quote = try Self.singleByte(config, "quote", default: "\"", allowEmpty: true)
        let trim = try config.bool("trim", default: false)
        if delimiter == CSVDialect.lineFeed || delimiter == CSVDialect.carriageReturn || delimiter == quote {
            throw .invalidConfig("\(config.path).delimiter cannot be a line break or the quote character")
        }
        if quote == CSVDialect.lineFeed || quote == CSVDialect.carriageReturn {
            throw .invalidConfig("\(config.path).quote cannot be a line break")
        }
        if trim && (CSVDialect.isBlank(delimiter) || quote.map(CSVDialect.isBlank) == true) {
            throw .invalidConfig("\(config.path).trim cannot be true when the delimiter or the quote is a space or a tab: trimming would remove it")
        }
        var comment: [UInt8]?
        if let prefix = try config.optionalString("comment") {
            guard !prefix.isEmpty, !prefix.utf8.contains(CSVDialect.lineFeed), !prefix.utf8.contains(CSVDialect.carriageReturn) else {
                throw .invalidConfig("\(config.path).comment must be a non-empty prefix without line breaks, e.g. \"#\" (got \"\(prefix)\")")
            }
            comment = Array(prefix.utf8)
        }
        var escape = try Self.singleByte(config, "escape", default: "", allowEmpty: true)
        if escape == quote { escape = nil }  // a doubled quote is the default escape
        if let escape {
            guard quote != nil else {
                throw .invalidConfig("\(config.path).escape applies inside quoted fields, but quote is \"\" (quoting off); remove escape or set quote")
            }
            if escape == delimiter || escape == CSVDialect.lineFeed || escape == CSVDialect.carriageReturn {
                throw .invalidConfig("\(config.path).escape cannot be the delimiter or a line break")
            }
        }
        dialect = CSVDialect(delimiter: delimiter, quote: quote, trim: trim, escape: escape, comment: comment)
        let skipRows = try config.int("skip_rows", default: 0)
        guard skipRows >= 0 && skipRows <= 1_000_000 else {
            throw .invalidConfig("\(config.path).skip_rows must be between 0 and 1000000 (got \(skipRows))")
        }
        self.skipRows = Int(skipRows)
        encoding = try SourceEncoding.parse(config)
        numberFormat = try NumberFormat.parse(config)
        compression = try Compression.parse(config)
        zipMember = try config.optionalString("zip_member")
        if zipMember != nil && (compression == .none || compression == .gzip) {
            throw .invalidConfig("\(config.path).zip_member applies only to .zip files, but compression is \"\(compression.rawValue)\"; remove zip_member or set compression to \"zip\" or \"auto\"")
        }
        // Compared with the file's own bytes, so written in its encoding.
        var nullValues: [[UInt8]] = []
        for (index, value) in (try config.optionalStringArray("null_values") ?? [""]).enumerated() {
            guard let bytes = encoding.bytesAsRead(value) else {
                throw .invalidConfig("\(config.path).null_values[\(index)] \"\(value)\" has a character that \(encoding.rawValue) cannot write, so no field of the file could match it; remove it, or set encoding to the file's own")
            }
            nullValues.append(bytes)
        }
        self.nullValues = nullValues

        let maxLineBytes = try config.int("max_line_bytes", default: 1 << 20)
        guard maxLineBytes >= 1 && maxLineBytes <= 1 << 30 else {
            throw .invalidConfig("\(config.path).max_line_bytes must be between 1 and 1073741824 (got \(maxLineBytes))")
        }
        self.maxLineBytes = Int(maxLineBytes)
        lastLineQuietSeconds = try config.int("last_line_quiet_seconds", default: 10)
        guard lastLineQuietSeconds >= 0 else {
            throw .invalidConfig("\(config.path).last_line_quiet_seconds must be 0 or more (got \(lastLineQuietSeconds))")
        }
    }

    /// The `remote` settings when `path` is an object-store path, after checking the path.
    private static func objectStoreSettings(_ config: PluginConfig, path: String) throws(PluginError) -> ObjectStoreSettings {
        guard let url = ObjectStoreURL(path), !url.key.isEmpty, !url.lastSegment.isEmpty else {
            throw .invalidConfig("\(config.path).path \"\(path)\" is not a usable object-store path: it needs a bucket and an object key or a pattern, e.g. s3://bucket/landing/*.csv")
        }
        if LocalFiles.isPattern(url.folderPrefix) {
            throw .invalidConfig("\(config.path).path \(url.text) has a wildcard before its last segment: a pattern may only match object names under one prefix, e.g. \(url.provider.rawValue)://\(url.bucket)/landing/*.csv")
        }
        return try ObjectStoreSettings(try config.optionalObject("remote"), provider: url.provider, configPath: "\(config.path).remote")
    }

    /// The `remote` settings when `path` is a URL, after checking what a URL may name.
    private static func remoteSettings(_ config: PluginConfig, path: String) throws(PluginError) -> RemoteSettings? {
        let object = try config.optionalObject("remote")
        guard RemoteURL.isRemote(path) else {
            if object != nil {
                throw .invalidConfig("\(config.path).remote applies only when path is an https://, http://, sftp://, s3:// or gs:// URL; remove it or set path to a URL")
            }
            return nil
        }
        guard let url = RemoteURL(path) else {
            throw .invalidConfig("\(config.path).path \"\(URLText.removingUserInfo(path))\" is not a usable URL: it needs a host and a file path, e.g. sftp://host:22/data/*.csv")
        }
        if URLText.removingUserInfo(path) != path {
            throw .invalidConfig("\(config.path).path must not carry a user name or password (\(url.display)): name environment variables in remote.auth or remote.sftp instead")
        }
        let folderHasPattern = LocalFiles.isPattern(String(url.folder.split(separator: "?", maxSplits: 1)[0]))
        if url.isHTTP && (folderHasPattern || url.lastSegment.contains { $0 == "*" || $0 == "[" }) {
            throw .invalidConfig("\(config.path).path \(url.display) has a wildcard, but http servers cannot list folders: name one file, or serve the folder over sftp://")
        }
        if !url.isHTTP && folderHasPattern {
            throw .invalidConfig("\(config.path).path \(url.display) has a wildcard before its last segment: an sftp glob may only match file names in one folder, e.g. sftp://host/data/*.csv")
        }
        let settings = try RemoteSettings(object)
        if !url.isHTTP && settings.sftp == nil {
            throw .invalidConfig("\(config.path).remote.sftp is required for \(url.display): set username_env and private_key_path (or password_env), and known_hosts_path")
        }
        return settings
    }

    /// A one-byte ASCII string setting (the delimiter, the quote); nil for an allowed "".
    private static func singleByte(_ config: PluginConfig, _ key: String, default defaultValue: String,
                                   allowEmpty: Bool) throws(PluginError) -> UInt8? {
        let text = try config.string(key, default: defaultValue)
        let bytes = Array(text.utf8)
        if bytes.isEmpty && allowEmpty { return nil }
        guard bytes.count == 1, bytes[0] < 0x80 else {
            throw .invalidConfig("\(config.path).\(key) must be exactly one ASCII character (got \"\(text)\")\(allowEmpty ? ", or \"\" to turn it off" : "")")
        }
        return bytes[0]
    }
}
