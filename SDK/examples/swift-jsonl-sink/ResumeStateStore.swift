import ETLPluginKit

/// Resume states, one file per entry: `<directory>/.etl_state/<entry id>.json`.
///
/// A file holds the state text verbatim (as a JSON string, so any text round-trips exactly) plus
/// what produced it:
/// `{"entry_id": "...", "rows": 42, "run_id": "...", "state_json": "...", "target": "..."}`.
/// Files are replaced atomically (temporary file, fsync, rename, directory fsync), so a crash
/// leaves the previous state or the new one, never a torn file.
struct ResumeStateStore {
    /// `<directory>/.etl_state`.
    let stateDirectory: String
    /// Whether writes are synced to stable storage.
    let durable: Bool

    init(directory: String, durable: Bool) {
        self.stateDirectory = directory + "/.etl_state"
        self.durable = durable
    }

    /// The state last committed for `entryID`, or nil when none was.
    /// - Throws: `ETL_BAD_DATA` when the file exists but is not a state file this sink wrote.
    func read(entryID: String) throws(PluginError) -> String? {
        let path = try self.path(forEntry: entryID)
        guard let content = try FileSystem.readFile(path) else { return nil }
        guard let text = String(validating: content, as: UTF8.self),
              case .object(let members)? = try? JSONValue(parsing: text) else {
            throw .badData("the resume state file \(path) is not valid JSON; delete it to start entry '\(entryID)' afresh")
        }
        switch members["state_json"] {
        case .string(let state)?: return state
        case .null?, nil: return nil
        case let other?: throw .badData("the resume state file \(path) has a state_json of \(other.kindDescription), not a string; delete it to start entry '\(entryID)' afresh")
        }
    }

    /// Records `stateJSON` as the entry's state; nil removes the file, so `read` then reports
    /// "no state", exactly what the last commit said.
    func write(_ stateJSON: String?, entryID: String, runID: String, target: String, rows: Int64) throws(PluginError) {
        let path = try self.path(forEntry: entryID)
        try FileSystem.makeDirectories(stateDirectory)
        guard let stateJSON else {
            try FileSystem.remove(path)
            if durable { try FileSystem.syncDirectory(stateDirectory) }
            return
        }
        let record: JSONValue = [
            "entry_id": .string(entryID), "rows": .number(JSONNumber(rows)), "run_id": .string(runID),
            "state_json": .string(stateJSON), "target": .string(target),
        ]
        try FileSystem.writeAtomically(Array((record.serialized() + "\n").utf8), to: path, inDirectory: stateDirectory, durable: durable)
    }

    private func path(forEntry entryID: String) throws(PluginError) -> String {
        stateDirectory + "/" + (try FileNames.stateFile(forEntry: entryID))
    }
}
