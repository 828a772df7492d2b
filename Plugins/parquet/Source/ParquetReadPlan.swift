import ETLParquetFormat
import ETLPluginKit

/// A file an incremental or full read will go through, and how many of its leading rows were
/// already handed out by an earlier, interrupted read.
struct ParquetPlannedFile: Sendable {
    let path: String
    let status: ParquetFileStatus
    let skipRows: Int64
}

/// Which files a read goes through, decided before it reads a row.
enum ParquetReadPlan {
    /// Every matched file from its first row.
    static func full(_ paths: [String], inputs: ParquetInputs) throws(PluginError) -> [ParquetPlannedFile] {
        try paths.map { (path) throws(PluginError) in ParquetPlannedFile(path: path, status: try inputs.status(path), skipRows: 0) }
    }

    /// By new files: those no saved file matches (same device, inode, size and modification
    /// time, under any path; for objects the same key, size, ETag and modification time), the
    /// one being read resumed after its rows already handed out. Besides that one, at most
    /// `limit` files (`max_files_per_run`) are planned, in byte order of their paths; the others wait.
    /// Returns the plan, the saved files still matched (kept in the next state) and warnings.
    static func newFiles(_ paths: [String], saved: ParquetResumeState, inputs: ParquetInputs, limit: Int?) throws(PluginError)
        -> (files: [ParquetPlannedFile], kept: [ParquetResumeState.SavedFile], warnings: [String]) {
        var plan: [ParquetPlannedFile] = []
        var kept: [ParquetResumeState.SavedFile] = []
        var warnings: [String] = []
        var newCount = 0
        for path in paths {
            let current = try inputs.status(path)
            if saved.files.contains(where: { $0.matches(current, at: path) }) {
                kept.append(.init(path: path, status: current))
                continue
            }
            // The file an interrupted read was in is always finished, limit or not: its state
            // (rows handed out) lives only in this read's state, and dropping it would read the
            // file again from its first row later.
            if let partial = saved.current, partial.matches(current, at: path) {
                plan.append(ParquetPlannedFile(path: path, status: current, skipRows: saved.currentRows))
                continue
            }
            if let limit, newCount >= limit { continue }
            newCount += 1
            if saved.files.contains(where: { $0.path == path }) || saved.current?.path == path {
                warnings.append("\(path) changed since it was read (other size, inode or modification time): reading it again from its first row")
            }
            plan.append(ParquetPlannedFile(path: path, status: current, skipRows: 0))
        }
        return (plan, kept, warnings)
    }

    /// A cursor read resumed mid-way: the files from the one being read, skipping its rows passed.
    static func resumedCursorRun(_ paths: [String], run: ParquetResumeState.CursorRun, inputs: ParquetInputs) throws(PluginError) -> [ParquetPlannedFile] {
        var plan: [ParquetPlannedFile] = []
        for path in paths where !Array(path.utf8).lexicographicallyPrecedes(Array(run.path.utf8)) {
            plan.append(ParquetPlannedFile(path: path, status: try inputs.status(path), skipRows: path == run.path ? run.rows : 0))
        }
        return plan
    }
}
