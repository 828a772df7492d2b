import ETLArrow
import ETLParquetFormat
import ETLPluginKit

/// The stream's columns: the first matched file's top-level fields (or those `columns` names,
/// in that order), as Arrow fields. Every other file must offer the same names with the same
/// types; nested fields load as JSON text.
struct ParquetStreamLayout: Sendable {
    let schema: ArrowSchemaDescription

    init(settings: ParquetSourceSettings, firstFile reader: ParquetFileReader) throws(PluginError) {
        let fields = try Self.select(settings, from: reader)
        // Every column is nullable: another file of the glob may declare it optional.
        schema = ArrowSchemaDescription(fields: fields.map { ArrowField(name: $0.name, type: $0.arrowType, nullable: true) })
    }

    /// The fields of `reader` this layout loads, checked against the layout's types.
    func fields(of reader: ParquetFileReader, settings: ParquetSourceSettings) throws(PluginError) -> [ParquetOutputField] {
        let fields = try Self.select(settings, from: reader, requiring: schema.fields.map(\.name))
        for (field, expected) in zip(fields, schema.fields) where field.arrowType != expected.type {
            throw .badData("\(reader.file.name): column \"\(field.name)\" is \(field.arrowType.displayName) here but \(expected.type.displayName) in the first file of \(settings.path); every file of a glob must have the same column types")
        }
        return fields
    }

    private static func select(_ settings: ParquetSourceSettings, from reader: ParquetFileReader, requiring names: [String]? = nil) throws(PluginError) -> [ParquetOutputField] {
        guard let wanted = names ?? settings.columns else { return reader.fields }
        var selected: [ParquetOutputField] = []
        for name in wanted {
            guard let field = reader.fields.first(where: { $0.name == name }) else {
                let available = reader.fields.map { "\"\($0.name)\"" }.joined(separator: ", ")
                let fix = settings.columns == nil ? "every file of a glob must have the first file's columns" : "fix config.columns"
                throw .invalidConfig("\(reader.file.name) has no column \"\(name)\" (its columns: \(available)); \(fix)")
            }
            selected.append(field)
        }
        return selected
    }

}

extension PluginError {
    /// The plugin error for a reader failure: I/O, bad data, or unsupported.
    init(_ error: ParquetReadError) {
        switch error.kind {
        case .io: self = .ioError(error.message)
        case .corrupt: self = .badData(error.message)
        case .unsupported: self = .unsupported(error.message)
        }
    }
}
