import ETLArrow
import ETLParquetFormat
import Foundation
import PluginTestSupport
import TestSupport

/// Writes test batches to a local file with `ParquetFileWriter` (no plugin in between).
final class ParquetWriterFile: ParquetByteOutput {
    let handle: FileHandle

    init(_ path: String) throws {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    }

    func write(_ bytes: [UInt8]) throws(ParquetWriteError) {
        handle.write(Data(bytes))
    }

    /// Writes `batches` of `schema` to `path` and returns the path.
    @discardableResult
    static func write(_ path: String, _ schema: ArrowSchemaDescription, _ batches: [[[Cell]]],
                      options: ParquetWriterOptions = ParquetWriterOptions()) throws -> String {
        let file = try ParquetWriterFile(path)
        let writer = ParquetFileWriter(fields: schema.fields, options: options, output: file)
        for rows in batches {
            let batch = try Batches.make(schema, rows)
            try writer.write(batch, rows: 0..<batch.rowCount, columns: Array(schema.fields.indices))
        }
        try writer.finish()
        try file.handle.close()
        return path
    }
}
