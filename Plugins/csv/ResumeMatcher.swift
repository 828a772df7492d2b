import ETLPluginKit

/// Finds the saved state a file continues, by content rather than by path: the state with the
/// furthest offset among those whose bytes the file holds (`ObservedFile.holds`). So a log
/// renamed by a rotation resumes where it was, a copy (logrotate's `copytruncate`) resumes
/// where its original was read up to, and a file truncated in place, or a new file that got
/// an old inode number, holds no state and is read from its first line.
///
/// States at offset 0 are left out: they say nothing was read, which is where a new file
/// starts anyway.
struct ResumeMatcher {
    /// The saved states with an offset, in path order.
    let states: [CSVFileState]
    /// Indexes into `states` by head length, then head hash.
    private let byHead: [Int64: [String: [Int]]]
    /// Indexes into `states` by inode; remote files (no inode) by path.
    private let byInode: [UInt64: [Int]]
    private let byPath: [String: [Int]]

    init(_ saved: CSVResumeState) {
        states = saved.files.values.filter { $0.offset > 0 }.sorted { Array($0.path.utf8).lexicographicallyPrecedes(Array($1.path.utf8)) }
        var byHead: [Int64: [String: [Int]]] = [:]
        var byInode: [UInt64: [Int]] = [:]
        var byPath: [String: [Int]] = [:]
        for (index, state) in states.enumerated() {
            if let head = state.head { byHead[head.length, default: [:]][head.hash, default: []].append(index) }
            if state.inode != 0 {
                byInode[state.inode, default: []].append(index)
            } else {
                byPath[state.path, default: []].append(index)
            }
        }
        self.byHead = byHead
        self.byInode = byInode
        self.byPath = byPath
    }

    /// Indexes of the states with `file`'s inode (its path, for a remote file).
    private func sameInodeOrPath(_ file: ObservedFile) -> [Int] {
        (file.status.inode != 0 ? byInode[file.status.inode] : byPath[file.path]) ?? []
    }

    /// The index in `states` of the state `file` continues, or nil when it holds none (a new
    /// file). Among states at the same offset, the file's own (same device and inode) wins.
    func match(for file: ObservedFile) throws(PluginError) -> Int? {
        // A state saved without a head (by an earlier version) goes with its inode only; a file
        // known by its path, with the states of its path only.
        let byPathOnly = file.source.isIdentifiedByPath
        var candidates = sameInodeOrPath(file).filter { byPathOnly || states[$0].head == nil }
        let lengths = byPathOnly ? [] : Set(byHead.keys.filter { $0 <= file.size }.map { Int($0) })
        if !lengths.isEmpty {
            for (length, hash) in ByteFingerprint.prefixHexes(try file.head(), lengths: lengths) {
                candidates += byHead[Int64(length)]?[hash] ?? []
            }
        }
        var best: Int?
        for index in candidates.sorted() {
            let state = states[index]
            guard try file.holds(state) else { continue }
            guard let current = best else {
                best = index
                continue
            }
            let other = states[current]
            if state.offset > other.offset || (state.offset == other.offset && file.isSameFile(as: state) && !file.isSameFile(as: other)) {
                best = index
            }
        }
        return best
    }

    /// The saved state of this very file (same device and inode; same path for a remote
    /// file), whatever its content: when the file does not hold it, the file was truncated or
    /// rewritten, or is a new file with a reused inode number.
    func ownState(of file: ObservedFile) -> CSVFileState? {
        sameInodeOrPath(file).lazy.map { states[$0] }.first { file.isSameFile(as: $0) }
    }
}
