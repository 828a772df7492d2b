import ETLParquetFormat
import ETLPluginKit

/// One open load of the `parquet` sink into `<path>/<target>/`: rows go to temporary part files,
/// one per partition folder, and `commit` publishes them through a `PublishPlan`.
///
/// Memory: each part file buffers its open row group; when the partitions together buffer more
/// than `row_group_rows` rows, the largest writes its row group out early, so the whole load never
/// holds much more than one row group.
final class ParquetLoad {
    let request: LoadRequest
    let targetFolder: String
    private let settings: ParquetSinkSettings
    private let storage: any DatasetStorage
    private let states: SinkStateStore
    private let options: ParquetWriterOptions
    /// The file's columns and, for each, the batch column holding it (the partition column is left out).
    private let fileFields: [ArrowField]
    private let fileColumns: [Int]
    private let partitionColumn: Int?
    /// `dt=2026-12-05` for load-date partitioning.
    private let loadDateFolder: String?
    private let runTag: String
    private var files: [String: PartFile] = [:]
    private var fileOrder: [String] = []
    private(set) var rows: Int64 = 0

    init(request: LoadRequest, settings: ParquetSinkSettings, storage: any DatasetStorage, states: SinkStateStore,
         loadDay: Int32) throws(PluginError) {
        self.request = request
        self.settings = settings
        self.storage = storage
        self.states = states
        targetFolder = settings.path + "/" + request.target
        options = ParquetWriterOptions(compression: settings.compression, rowGroupRows: settings.rowGroupRows)
        let fields = request.schema.fields
        partitionColumn = try Self.partitionColumn(of: request, partitioning: settings.partitioning)
        if case .loadDate(let key) = settings.partitioning {
            loadDateFolder = key + "=" + CivilDate.text(days: loadDay)
        } else {
            loadDateFolder = nil
        }
        let excluded = partitionColumn
        fileColumns = fields.indices.filter { $0 != excluded }
        fileFields = fileColumns.map { fields[$0] }
        runTag = Self.safeTag(request.runID)
    }

    /// The index of the load's column that names the partition folders (`partition_by.column`),
    /// or nil when the files are not partitioned by a column.
    /// - Throws: `ETL_INVALID_CONFIG` when the load lacks that column, its type cannot name a
    ///   folder, or it is the load's only column.
    static func partitionColumn(of request: LoadRequest, partitioning: ParquetSinkSettings.Partitioning) throws(PluginError) -> Int? {
        guard case .column(let name) = partitioning else { return nil }
        let fields = request.schema.fields
        guard let index = fields.firstIndex(where: { $0.name == name }) else {
            throw .invalidConfig("config.partition_by.column: the load of target '\(request.target)' has no column '\(name)' (its columns: \(fields.map(\.name).joined(separator: ", "))); name one of them, or rename the column with a transform")
        }
        guard PartitionFolder.isSupported(fields[index].type) else {
            throw .invalidConfig("config.partition_by.column: column '\(name)' of target '\(request.target)' is \(fields[index].type.displayName); partition by a utf8, int64, date32 or bool column")
        }
        guard fields.count > 1 else {
            throw .invalidConfig("config.partition_by.column: '\(name)' is the only column of target '\(request.target)', and the partition column lives in the folder names, so the files would have no columns; load more columns or drop partition_by")
        }
        return index
    }

    /// Routes the batch's rows to their partitions' part files.
    func write(_ batch: ImportedRecordBatch) throws(PluginError) {
        guard batch.rowCount > 0 else { return }
        if let partitionColumn {
            let key = request.schema.fields[partitionColumn].name
            let column = batch.column(partitionColumn)
            var groups: [String: [Int]] = [:]
            var order: [String] = []
            for row in 0..<batch.rowCount {
                let folder = PartitionFolder.name(key: key, column: column, row: row)
                if groups[folder] == nil { order.append(folder) }
                groups[folder, default: []].append(row)
            }
            for folder in order { try write(batch, rows: groups[folder]!, folder: folder) }
        } else {
            try write(batch, rows: 0..<batch.rowCount, folder: loadDateFolder ?? "")
        }
        rows += Int64(batch.rowCount)
        try boundMemory()
    }

    private func write(_ batch: ImportedRecordBatch, rows: Range<Int>, folder: String) throws(PluginError) {
        let file = try partFile(folder)
        do throws(ParquetWriteError) { try file.writer.write(batch, rows: rows, columns: fileColumns) } catch { throw PluginError(error) }
    }

    private func write(_ batch: ImportedRecordBatch, rows: [Int], folder: String) throws(PluginError) {
        let file = try partFile(folder)
        do throws(ParquetWriteError) { try file.writer.write(batch, rows: rows, columns: fileColumns) } catch { throw PluginError(error) }
    }

    private func partFile(_ relativeFolder: String) throws(PluginError) -> PartFile {
        if let file = files[relativeFolder] { return file }
        let folder = relativeFolder.isEmpty ? targetFolder : targetFolder + "/" + relativeFolder
        try storage.makeFolder(folder)
        let next = (try storage.list(folder).compactMap(PartFile.number(ofName:)).max() ?? -1) + 1
        let file = try PartFile(folder: folder, partNumber: next, runTag: runTag, fields: fileFields, options: options, storage: storage)
        files[relativeFolder] = file
        fileOrder.append(relativeFolder)
        return file
    }

    /// Writes out the largest buffered row group while the partitions together hold more than a row group.
    private func boundMemory() throws(PluginError) {
        guard files.count > 1 else { return }
        while files.values.reduce(0, { $0 + $1.writer.bufferedRows }) > settings.rowGroupRows,
              let largest = files.values.max(by: { $0.writer.bufferedRows < $1.writer.bufferedRows }) {
            do throws(ParquetWriteError) { try largest.writer.flushRowGroup() } catch { throw PluginError(error) }
        }
    }

    /// Finishes the files and publishes them with the entry's new state.
    /// - Returns: the rows the target gained (append) or now holds in the partitions written (replace).
    func commit(state: String?) throws(PluginError) -> Int64 {
        // A replace of an unpartitioned target with no rows still leaves a (schema-only) file, so the
        // dataset reads as empty rather than as the old data.
        if request.writeMode == .replace && files.isEmpty && settings.partitioning == .none { _ = try partFile("") }
        var renames: [PublishPlan.Rename] = []
        var deletes: [String] = []
        var folders: [String] = []
        for relativeFolder in fileOrder {
            guard let file = files[relativeFolder] else { continue }
            do throws(ParquetWriteError) { try file.writer.finish() } catch { throw PluginError(error) }
            try file.output.finish()
            renames.append(PublishPlan.Rename(from: file.temporaryPath, to: file.finalPath))
            folders.append(file.folder)
            if request.writeMode == .replace {
                let finalName = String(file.finalPath.dropFirst(file.folder.count + 1))
                for name in try storage.list(file.folder) where PartFile.number(ofName: name) != nil && name != finalName {
                    deletes.append(file.folder + "/" + name)
                }
            }
        }
        // The temporary names must survive a crash for the plan to be finished by the next run.
        for folder in folders { try storage.syncFolder(folder) }
        let plan = PublishPlan(entryID: request.entryID, runID: request.runID, target: request.target, rows: rows, state: state,
                               renames: renames, successFolders: folders, deletes: deletes)
        try states.savePlan(plan)
        files = [:]
        fileOrder = []
        try plan.apply(storage: storage, states: states)
        return rows
    }

    /// Deletes the temporary files; the published dataset is untouched.
    func discard() {
        for file in files.values { file.output.discard() }
        files = [:]
        fileOrder = []
    }

    /// The run id reduced to `[A-Za-z0-9_-]`, for temporary file names.
    static func safeTag(_ runID: String) -> String {
        let tag = String(runID.unicodeScalars.map { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_") ? Character($0) : "_" }.prefix(40))
        return tag.isEmpty ? "run" : tag
    }
}
