import ETLPluginKit

/// Everything one commit changes, written down before the first change so that a crash in the
/// middle of publishing is finished by the next run instead of leaving half a load.
///
/// Order of `apply`: rename each finished temporary file to its final name, write `_SUCCESS` in
/// each partition folder the load wrote, delete the files the load replaces, store the entry's
/// state, and last remove the plan. Every step can be repeated, so applying a plan twice (a crash
/// during `apply`, then recovery) gives the same result as applying it once.
struct PublishPlan: Sendable, Equatable {
    struct Rename: Sendable, Equatable {
        var from: String
        var to: String
    }

    var entryID: String
    var runID: String
    var target: String
    var rows: Int64
    /// The entry's resume state after this load (nil: none).
    var state: String?
    var renames: [Rename]
    var successFolders: [String]
    var deletes: [String]

    var json: JSONValue {
        [
            "entry_id": .string(entryID), "run_id": .string(runID), "target": .string(target),
            "rows": .number(JSONNumber(rows)), "state_json": state.map(JSONValue.string) ?? .null,
            "renames": .array(renames.map { ["from": .string($0.from), "to": .string($0.to)] }),
            "success_folders": .array(successFolders.map(JSONValue.string)),
            "deletes": .array(deletes.map(JSONValue.string)),
        ]
    }

    init(entryID: String, runID: String, target: String, rows: Int64, state: String?, renames: [Rename],
         successFolders: [String], deletes: [String]) {
        self.entryID = entryID
        self.runID = runID
        self.target = target
        self.rows = rows
        self.state = state
        self.renames = renames
        self.successFolders = successFolders
        self.deletes = deletes
    }

    /// Reads a plan the sink wrote; `path` names the file in messages.
    init(json bytes: [UInt8], path: String) throws(PluginError) {
        let broken = PluginError.badData("the publish plan \(path) is damaged; remove it by hand after checking the dataset, then rerun")
        guard let text = String(validating: bytes, as: UTF8.self), let value = try? JSONValue(parsing: text),
              let object = value.objectValue,
              let entryID = object["entry_id"]?.stringValue, let runID = object["run_id"]?.stringValue,
              let target = object["target"]?.stringValue, let rows = object["rows"]?.int64Value,
              let renames = object["renames"]?.arrayValue, let folders = object["success_folders"]?.arrayValue,
              let deletes = object["deletes"]?.arrayValue
        else { throw broken }
        var parsedRenames: [Rename] = []
        for rename in renames {
            guard let from = rename.objectValue?["from"]?.stringValue, let to = rename.objectValue?["to"]?.stringValue else { throw broken }
            parsedRenames.append(Rename(from: from, to: to))
        }
        var parsedFolders: [String] = []
        for folder in folders {
            guard let folder = folder.stringValue else { throw broken }
            parsedFolders.append(folder)
        }
        var parsedDeletes: [String] = []
        for path in deletes {
            guard let path = path.stringValue else { throw broken }
            parsedDeletes.append(path)
        }
        self.init(entryID: entryID, runID: runID, target: target, rows: rows, state: object["state_json"]?.stringValue,
                  renames: parsedRenames, successFolders: parsedFolders, deletes: parsedDeletes)
    }

    /// Carries the plan out (see the type's comment); `states` records the state and drops the plan.
    func apply(storage: any DatasetStorage, states: SinkStateStore) throws(PluginError) {
        var touchedFolders: [String] = []
        for rename in renames {
            if try storage.exists(rename.to) {
                // Already published: final names are new numbers, so a file under one is this
                // load's. An object store publishes by copy then delete, and a crash between the
                // two leaves both objects: the temporary one only needs deleting.
                if try storage.exists(rename.from) { try storage.delete(rename.from) }
            } else if try storage.exists(rename.from) {
                try storage.publish(rename.from, as: rename.to)
            } else {
                throw .badData("publishing run \(runID) of entry '\(entryID)': neither \(rename.from) nor \(rename.to) exists, so that part of the load is lost; run the entry with --full-refresh to reload it")
            }
            let folder = DatasetPath.folder(of: rename.to)
            if !touchedFolders.contains(folder) { touchedFolders.append(folder) }
        }
        for folder in touchedFolders { try storage.syncFolder(folder) }
        for folder in successFolders { try storage.writeSmallFile(folder + "/_SUCCESS", successMarker(folder)) }
        for path in deletes { try storage.delete(path) }
        for folder in Set(deletes.map(DatasetPath.folder(of:))).sorted() { try storage.syncFolder(folder) }
        try states.store(self)
    }

    /// The `_SUCCESS` marker of `folder`: a JSON line naming the run and the part files it
    /// published there, as Hadoop's S3A committers fill theirs (readers that only test for the
    /// marker's presence are unaffected; an empty object is also what gcp-storage-emulator
    /// cannot store).
    func successMarker(_ folder: String) -> [UInt8] {
        let files = renames.filter { DatasetPath.folder(of: $0.to) == folder }.map { JSONValue.string(String($0.to.dropFirst(folder.count + 1))) }
        let marker: JSONValue = ["committer": "etl-runtime parquet sink", "entry_id": .string(entryID), "run_id": .string(runID), "files": .array(files)]
        return Array((marker.serialized() + "\n").utf8)
    }
}
