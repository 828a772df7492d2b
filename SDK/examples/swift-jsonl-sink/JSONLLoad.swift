import ETLArrow
import ETLPluginKit

/// One open load of the `jsonl` sink: rows go to a work file next to the target, which `commit`
/// publishes and `discard` deletes, so the target never shows a partial load.
///
/// - replace: the work file is `<target>.jsonl.tmp`; commit syncs it and renames it over the
///   target (atomic on POSIX file systems), then syncs the directory.
/// - append: the work file is `<target>.jsonl.staging`; commit copies it to the end of the target,
///   syncs the target, and deletes the staging file. A failed copy cuts the target back to its
///   size before the copy.
final class JSONLLoad {
    /// Encoded rows are written out once this many bytes are buffered.
    private static let flushThreshold = 1 << 20

    let request: LoadRequest
    let targetPath: String
    let workPath: String
    private let directory: String
    private let durable: Bool
    private let file: POSIXFile
    private var encoder: JSONLRowEncoder
    private var buffer: [UInt8] = []
    /// Rows written so far in this load.
    private(set) var rows: Int64 = 0

    /// Non-finite doubles written as null so far.
    var nonFiniteDoubles: Int { encoder.nonFiniteDoubles }

    /// Opens the work file (emptying one a crashed run left behind).
    init(request: LoadRequest, directory: String, durable: Bool) throws(PluginError) {
        self.request = request
        self.directory = directory
        self.durable = durable
        targetPath = directory + "/" + (try FileNames.dataFile(forTarget: request.target))
        workPath = targetPath + (request.writeMode == .append ? ".staging" : ".tmp")
        file = try POSIXFile.createOrTruncate(workPath)
        encoder = JSONLRowEncoder(schema: request.schema)
    }

    /// Encodes and buffers a batch. A batch that fails to encode leaves nothing behind, so the
    /// load stays consistent whether the host aborts or goes on.
    func write(_ batch: ImportedRecordBatch) throws(PluginError) {
        let mark = buffer.count
        do throws(PluginError) {
            try encoder.encode(batch, firstRowNumber: Int(rows), to: &buffer)
        } catch {
            buffer.removeSubrange(mark...)
            throw error
        }
        rows += Int64(batch.rowCount)
        if buffer.count >= Self.flushThreshold { try flush() }
    }

    /// Publishes the rows to the target (durably when `durable`).
    /// - Returns: the rows the target gained (append) or now holds (replace).
    func commit() throws(PluginError) -> Int64 {
        try flush()
        switch request.writeMode {
        case .append:
            try file.close()
            try appendWorkFileToTarget()
            try FileSystem.remove(workPath)
        case .replace:
            if durable { try file.sync() }
            try file.close()
            try FileSystem.rename(workPath, to: targetPath)
            if durable { try FileSystem.syncDirectory(directory) }
        case .merge, .scd2:
            throw .internalError("a \(request.writeMode) load reached commit although begin refuses that mode")
        }
        return rows
    }

    /// Deletes the work file; the target is untouched.
    func discard() throws(PluginError) {
        try? file.close()
        try FileSystem.remove(workPath)
    }

    private func flush() throws(PluginError) {
        guard !buffer.isEmpty else { return }
        try file.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    private func appendWorkFileToTarget() throws(PluginError) {
        let targetExisted = FileSystem.exists(targetPath)
        let target = try POSIXFile.openForAppending(targetPath)
        let originalSize = try target.size()
        do throws(PluginError) {
            let source = try POSIXFile.openForReading(workPath)
            var chunk = [UInt8](repeating: 0, count: Self.flushThreshold)
            while true {
                let read: Result<Int, PluginError> = chunk.withUnsafeMutableBytes { buffer in
                    do throws(PluginError) { return .success(try source.read(into: buffer)) } catch { return .failure(error) }
                }
                let count = try read.get()
                if count == 0 { break }
                try target.write(Array(chunk[..<count]))
            }
            try source.close()
            if durable { try target.sync() }
        } catch {
            // Leave the target as it was before the commit, so a retried load does not duplicate rows.
            try? target.truncate(to: originalSize)
            throw error
        }
        try target.close()
        if durable && !targetExisted { try FileSystem.syncDirectory(directory) }
    }
}
