import ETLParquetFormat
import ETLPluginKit

/// One Parquet file a load is writing: under a temporary name
/// (`.tmp-<run>-part-00007.parquet.inprogress`) until the load publishes it as `part-00007.parquet`.
/// The leading dot hides it from pyarrow and Spark; the suffix keeps it out of `*.parquet` globs,
/// which DuckDB matches against hidden files too.
final class PartFile {
    let folder: String
    let temporaryPath: String
    let finalPath: String
    let output: any DatasetFileOutput
    let writer: ParquetFileWriter

    init(folder: String, partNumber: Int, runTag: String, fields: [ArrowField], options: ParquetWriterOptions,
         storage: any DatasetStorage) throws(PluginError) {
        self.folder = folder
        let name = PartFile.name(partNumber)
        temporaryPath = folder + "/" + PartFile.temporaryPrefix + runTag + "-" + name + ".inprogress"
        finalPath = folder + "/" + name
        output = try storage.createFile(temporaryPath)
        writer = ParquetFileWriter(fields: fields, options: options, output: output)
    }

    /// Marks the sink's unpublished files; the next load of the target removes leftovers of killed runs.
    static let temporaryPrefix = ".tmp-"

    /// `part-00007.parquet`.
    static func name(_ number: Int) -> String {
        let digits = String(number)
        return "part-" + String(repeating: "0", count: max(0, 5 - digits.count)) + digits + ".parquet"
    }

    /// The number of a published part file's name, or nil for other files.
    static func number(ofName name: String) -> Int? {
        guard name.hasPrefix("part-"), name.hasSuffix(".parquet") else { return nil }
        let digits = name.dropFirst(5).dropLast(8)
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(digits)
    }
}

extension PluginError {
    /// The plugin error for a failure of the Parquet writer.
    init(_ error: ParquetWriteError) {
        switch error.kind {
        case .io: self = .ioError(error.message)
        case .badData: self = .badData(error.message)
        case .internalError: self = .internalError(error.message)
        }
    }
}
