import ETLPluginKit

/// Decides which files a read visits and from where: every matching file in path order for a
/// full read; for an incremental read, each matching file continues the saved state whose
/// bytes it holds (`ResumeMatcher`), whatever its path now, and the files with bytes beyond
/// that state, or with no state, are read.
enum ReadPlanner {
    /// The files of a full read.
    /// - Throws: `ETL_IO_ERROR` when nothing matches (a full load of nothing would empty the target).
    static func fullRead(_ settings: CSVSettings, opener: InputOpener) throws(PluginError) -> [PlannedFile] {
        let paths = try opener.files()
        guard !paths.isEmpty else { throw noFile(settings, opener) }
        return paths.map { PlannedFile(path: $0) }
    }

    /// One matched file, as planning found it.
    private struct Found {
        let path: String
        let size: Int64
        let identity: FileIdentity
        /// The index of the saved state it continues (`ResumeMatcher.states`).
        var match: Int?
        /// True when that state was taken of this very file (same device and inode).
        let ownsMatch: Bool
        /// The file's first bytes (`ObservedFile.head()`), kept for files that continue a state.
        let head: [UInt8]
    }

    /// The plan of an incremental read resuming from `saved`.
    /// - Throws: `ETL_IO_ERROR` when a plain (non-glob) path does not exist or a file cannot be
    ///   read.
    static func incrementalRead(_ settings: CSVSettings, opener: InputOpener, saved: CSVResumeState) throws(PluginError) -> IncrementalPlan {
        let paths = try opener.files()
        if paths.isEmpty && !opener.isPattern { throw noFile(settings, opener) }
        let matcher = ResumeMatcher(saved)
        var found: [Found] = []
        var state = CSVResumeState()
        var warnings: [String] = []
        for path in paths {
            if let unchanged = unchangedObject(path, opener: opener, saved: saved) {
                // Same ETag and size as when it was read to its end: nothing to fetch.
                state.files[path] = unchanged
                continue
            }
            let file = try ObservedFile(try opener.openRaw(path))
            let match = try matcher.match(for: file)
            if let match {
                state.files[path] = try file.resuming(matcher.states[match])
            } else if let own = matcher.ownState(of: file) {
                warnings.append(restartWarning(file, own))
            }
            let ownsMatch = match.map { file.isSameFile(as: matcher.states[$0]) } ?? false
            found.append(Found(path: path, size: file.size, identity: FileIdentity(file.status), match: match, ownsMatch: ownsMatch,
                               head: match == nil || file.source.isIdentifiedByPath ? [] : try file.head()))
        }
        for index in strangersToTheirOriginal(found) {
            found[index].match = nil
            state.files[found[index].path] = nil
        }
        var plan: [PlannedFile] = []
        for (index, after) in readingOrder(found) {
            let file = found[index]
            guard let resumed = state.files[file.path] else {
                plan.append(PlannedFile(path: file.path, offset: 0, line: 1, continuing: false, identity: file.identity, isNew: true, after: []))
                continue
            }
            guard resumed.offset < file.size else { continue }
            if opener.isWholeFile(file.path) {
                // A compressed file that changed is read again from its first line: offsets in
                // it are offsets of decompressed bytes, which its new bytes may not keep.
                plan.append(PlannedFile(path: file.path, offset: 0, line: 1, continuing: false, identity: file.identity, isNew: true, after: []))
                continue
            }
            plan.append(PlannedFile(path: file.path, offset: resumed.offset, line: resumed.line, continuing: resumed.done,
                                    identity: file.identity, isNew: false, after: after))
        }
        if let limit = settings.maxFilesPerRun, plan.count > limit {
            // The files left out keep their saved state (or, new, have none): the next run
            // plans them again.
            plan = Array(plan.prefix(limit))
        }
        return IncrementalPlan(paths: paths, files: plan, state: state, warnings: warnings)
    }

    /// The saved state of an object (s3://, gs://) the listing shows with the ETag and size it
    /// had when it was read to its end; nil for a changed or partly read object, or another file.
    private static func unchangedObject(_ path: String, opener: InputOpener, saved: CSVResumeState) -> CSVFileState? {
        guard let version = opener.objectVersion(path), let state = saved.files[path], let etag = state.etag,
              !etag.isEmpty, etag == version.etag, state.size == version.size, state.offset == version.size else { return nil }
        return state
    }

    /// The files that hold a saved state only by beginning with the bytes it read, while the
    /// file it was taken of is here and holds it too, but begin otherwise than that file as far
    /// as the shorter of the two goes: not copies of it, but new files that start with the same
    /// lines (a banner, a first line that repeats). They are read from their first line.
    private static func strangersToTheirOriginal(_ found: [Found]) -> [Int] {
        var originals: [Int: Int] = [:]
        for (index, file) in found.enumerated() where file.ownsMatch {
            if let match = file.match { originals[match] = index }
        }
        return found.indices.filter { index in
            let file = found[index]
            guard let match = file.match, !file.ownsMatch, let original = originals[match] else { return false }
            let common = Swift.min(file.head.count, found[original].head.count)
            return file.head.prefix(common) != found[original].head.prefix(common)
        }
    }

    /// Path order, except that files continuing the same saved state (a log and its copies)
    /// are read shortest first: a copy before the log it was copied from, which may have grown
    /// since, so that the log then starts where the copy ended. Each such file names the ones
    /// read before it.
    private static func readingOrder(_ found: [Found]) -> [(index: Int, after: [String])] {
        var order = found.indices.map { (index: $0, after: [String]()) }
        var sharing: [Int: [Int]] = [:]
        for (index, file) in found.enumerated() {
            if let match = file.match { sharing[match, default: []].append(index) }
        }
        for members in sharing.values where members.count > 1 {
            let shortestFirst = members.sorted { a, b in
                (found[a].size, found[a].ownsMatch ? 1 : 0, a) < (found[b].size, found[b].ownsMatch ? 1 : 0, b)
            }
            // The group keeps the places its members had in path order.
            for (rank, member) in shortestFirst.enumerated() {
                order[members[rank]] = (index: member, after: shortestFirst.prefix(rank).map { found[$0].path })
            }
        }
        return order
    }

    /// Why `file` is read from its first line although its own saved state exists.
    private static func restartWarning(_ file: ObservedFile, _ own: CSVFileState) -> String {
        if file.size < own.offset {
            return "\(file.path) is \(file.size) bytes now, fewer than the \(own.offset) already read: it was truncated (as logrotate's copytruncate does) or replaced; reading it again from its first line"
        }
        return "\(file.path) no longer holds the bytes read before (up to byte \(own.offset)): it was rewritten, or is a new file that got a deleted file's inode number; reading it again from its first line"
    }

    private static func noFile(_ settings: CSVSettings, _ opener: InputOpener) -> PluginError {
        if opener.isPattern {
            return .ioError("no file matches \(settings.path); check the path and the pattern (a full load needs at least one file)")
        }
        return .ioError("\(settings.path) does not exist or is not a regular file; check the config's path")
    }
}
