import ETLPluginKit

/// Decides which files a read visits and from where: every matching file in path order for a
/// full read; for an incremental read, the files that grew since their state and the new ones,
/// after checking that no file read before was truncated or replaced.
enum ReadPlanner {
    /// The files of a full read.
    /// - Throws: `ETL_IO_ERROR` when nothing matches (a full load of nothing would empty the target).
    static func fullRead(_ settings: CSVSettings, opener: InputOpener) throws(PluginError) -> [PlannedFile] {
        let paths = try opener.files()
        guard !paths.isEmpty else { throw noFile(settings, opener) }
        return paths.map { PlannedFile(path: $0) }
    }

    /// The files of an incremental read resuming from `state`.
    /// - Throws: `ETL_IO_ERROR` when a plain (non-glob) path does not exist; `ETL_BAD_DATA` when
    ///   a file read before is now shorter than what was read, has another inode, or has other
    ///   bytes before the resume offset — naming the file and the command that starts it over.
    static func incrementalRead(_ settings: CSVSettings, opener: InputOpener, state: CSVResumeState, entryID: String) throws(PluginError) -> (paths: [String], plan: [PlannedFile]) {
        let paths = try opener.files()
        if paths.isEmpty && !opener.isPattern { throw noFile(settings, opener) }
        var plan: [PlannedFile] = []
        for path in paths {
            guard let known = state.files[path] else {
                plan.append(PlannedFile(path: path))
                continue
            }
            let file = try opener.open(path)
            let status = try file.status()
            let reset = "to read it again from its first line, run: etl-runtime state reset \(entryID)"
            guard status.inode == known.inode else {
                throw .badData("\(path) was replaced since the last read (inode \(known.inode) is now \(status.inode)), so its saved position no longer applies; \(reset)")
            }
            guard status.size >= known.offset else {
                throw .badData("\(path) shrank to \(status.size) bytes, below the \(known.offset) bytes already read (it was truncated or rewritten); \(reset)")
            }
            if known.offset > 0 {
                guard try file.fingerprint(before: known.offset) == known.fingerprint else {
                    throw .badData("\(path) was rewritten since the last read: the bytes before the saved position (byte \(known.offset)) changed; \(reset)")
                }
            }
            if status.size > known.offset {
                plan.append(PlannedFile(path: path, offset: known.offset, line: known.line, continuing: known.done, inode: known.inode))
            }
        }
        return (paths, plan)
    }

    private static func noFile(_ settings: CSVSettings, _ opener: InputOpener) -> PluginError {
        if opener.isPattern {
            return .ioError("no file matches \(settings.path); check the path and the pattern (a full load needs at least one file)")
        }
        return .ioError("\(settings.path) does not exist or is not a regular file; check the config's path")
    }
}
