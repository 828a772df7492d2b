import ETLArrow
import ETLPluginKit

/// The stream's columns, and how the fields of each file map onto them.
///
/// Without a header the declared columns are the fields, in order. With a header, the stream
/// has the declared columns (in declared order) followed by any other column of the first
/// file's header, loaded as nullable text (or, when no column is declared, as the type
/// `TypeInference` finds in the first file's first `infer_rows` records); every file's header is then matched by name, so
/// files may order their columns differently but must all have every stream column and no
/// other.
struct StreamLayout: Sendable {
    /// The stream's columns, in schema order.
    let columns: [CSVColumn]
    /// The header names and file they came from, when a header defined extra columns.
    let headerSource: String?

    /// The Arrow schema of every batch.
    var schema: ArrowSchemaDescription {
        ArrowSchemaDescription(fields: columns.map { ArrowField(name: $0.name, type: $0.type.arrowType, nullable: $0.nullable) })
    }

    /// The layout for `settings`, reading the header of the first file in `paths` that has one
    /// when the header decides columns (or taking it from `keptHeaders`, by path: the headers
    /// the resume state kept for files known by their path).
    /// - Throws: `ETL_BAD_DATA` for a header that cannot be read or names a column twice, and
    ///   `ETL_IO_ERROR` when no file has a header yet but the columns depend on one.
    static func resolve(_ settings: CSVSettings, paths: [String], opener: InputOpener, policy: CSVRecordReader.FinalRecordPolicy,
                        keptHeaders: [String: [String]] = [:]) throws(PluginError) -> StreamLayout {
        guard settings.header else { return StreamLayout(columns: settings.columns, headerSource: nil) }
        for path in paths {
            let header: [String]?
            var inferred: [CSVColumnType]?
            let infers = settings.columns.isEmpty && settings.inferRows > 0
            if let kept = keptHeaders[path], !infers {
                header = kept
            } else {
                let reader = try CSVRecordReader(path: path, opener: opener, dialect: settings.dialect, maxLineBytes: settings.maxLineBytes, policy: policy)
                header = try readHeader(reader, settings)
                if infers, let names = header { inferred = try sampleTypes(reader, settings, columns: names.count) }
            }
            guard let names = header else { continue }
            let declared = Set(settings.columns.map(\.name))
            let extra = names.enumerated().filter { !declared.contains($0.element) }
                .map { CSVColumn(name: $0.element, type: inferred?[$0.offset] ?? .text) }
            let layout = StreamLayout(columns: settings.columns + extra, headerSource: path)
            // A declared column missing from the first header fails the read before any batch.
            _ = try layout.mapping(forHeader: names, of: path)
            return layout
        }
        guard !settings.columns.isEmpty else {
            let which = paths.isEmpty ? "no file matches \(settings.path)" : "no file matching \(settings.path) has a complete header line yet"
            throw .ioError("the csv source cannot tell the columns of stream '\(settings.stream)': \(which). Declare \"columns\" in the config, or add a file with a header line")
        }
        return StreamLayout(columns: settings.columns, headerSource: nil)
    }

    /// The types of a file's columns inferred from its first `infer_rows` records (the reader
    /// stands after the header). A UTF-8 file's sample is checked like any record.
    private static func sampleTypes(_ reader: CSVRecordReader, _ settings: CSVSettings, columns: Int) throws(PluginError) -> [CSVColumnType] {
        var inference = TypeInference(columns: columns, nullValues: NullValueSet(settings.nullValues), trim: settings.dialect.trim,
                                      numberFormat: settings.numberFormat)
        var sampled = 0
        while sampled < settings.inferRows {
            switch try reader.advance() {
            case .end: return inference.types
            case .reject: sampled += 1
            case .record:
                sampled += 1
                if reader.recordHasHighBytes && settings.encoding.readsAsUTF8,
                   let error = InvalidUTF8Error.check(reader.recordRaw, path: reader.file.path, line: reader.recordLine) {
                    throw error
                }
                inference.observe(reader.fields)
            }
        }
        return inference.types
    }

    /// Reads the header line of a freshly opened file (after a byte order mark and the
    /// `skip_rows` lines); nil when the file has no complete header line yet.
    /// - Throws: `ETL_BAD_DATA` for a header that cannot be read, has an empty name, names a
    ///   column twice or is not UTF-8.
    static func readHeader(_ reader: CSVRecordReader, _ settings: CSVSettings) throws(PluginError) -> [String]? {
        try reader.skipByteOrderMark()
        let path = reader.file.path
        guard try reader.skipLines(settings.skipRows) else { return nil }
        switch try reader.advance() {
        case .end:
            return nil
        case .reject:
            throw .badData("the header line of \(path) (line \(reader.recordLine)) cannot be read: \(reader.rejectReason)")
        case .record:
            if settings.encoding.readsAsUTF8, let error = InvalidUTF8Error.check(reader.recordRaw, path: path, line: reader.recordLine) {
                throw error
            }
        }
        var names: [String] = []
        for index in 0..<reader.fields.count {
            var field = reader.fields.spans[index]
            if settings.dialect.trim && !field.quoted { field.trimBlanks() }
            let name = settings.encoding.string(field.bytes)
            guard !name.isEmpty else {
                throw .badData("column \(index + 1) of the header line of \(path) has no name; name it in the file, or set \"header\": false and declare every column")
            }
            guard !names.contains(name) else {
                throw .badData("the header line of \(path) names column \"\(name)\" twice; column names must be unique")
            }
            names.append(name)
        }
        return names
    }

    /// For each field of a file whose header is `names`, the stream column it loads into.
    /// - Throws: `ETL_BAD_DATA` when a stream column is missing from the header, or the header
    ///   has a column the stream does not.
    func mapping(forHeader names: [String], of path: String) throws(PluginError) -> [Int] {
        var mapping: [Int] = []
        for name in names {
            guard let column = columns.firstIndex(where: { $0.name == name }) else {
                let origin = headerSource.map { "the declared columns and the header of \($0)" } ?? "the declared columns"
                throw .badData("\(path) has a column \"\(name)\" that stream columns do not include (they come from \(origin)); declare it in \"columns\" or remove it from the file")
            }
            mapping.append(column)
        }
        for column in columns where !names.contains(column.name) {
            throw .badData("the header line of \(path) has no column \"\(column.name)\"; every file must have every column of the stream (declared: \(columns.map(\.name).joined(separator: ", ")))")
        }
        return mapping
    }
}
