import ETLPluginKit

/// The entries' resume states and pending publish plans, in `<path>/_etl_state/` (the leading
/// underscore keeps pyarrow, DuckDB and Spark from taking it for data):
/// `<entry>.json` holds the state of the last published load, `<entry>.pending.json` a plan
/// being published. The state file is written as the last step of publishing, and a plan left
/// by a killed run is finished before anything reads the state, so the state always matches the
/// files: a rerun after a crash neither loses nor duplicates a load.
struct SinkStateStore: Sendable {
    let storage: any DatasetStorage
    /// `<path>/_etl_state`.
    let folder: String

    init(storage: any DatasetStorage, root: String) {
        self.storage = storage
        folder = root + "/_etl_state"
    }

    /// Writes `plan` where recovery finds it, before the first file is published.
    func savePlan(_ plan: PublishPlan) throws(PluginError) {
        try storage.makeFolder(folder)
        try storage.writeSmallFile(try planPath(plan.entryID), Array((plan.json.serialized() + "\n").utf8))
    }

    /// Finishes the plan a killed run of `entryID` left, if any.
    func recover(entryID: String) throws(PluginError) -> PublishPlan? {
        let path = try planPath(entryID)
        guard let bytes = try storage.readSmallFile(path) else { return nil }
        let plan = try PublishPlan(json: bytes, path: path)
        try plan.apply(storage: storage, states: self)
        return plan
    }

    /// Records the state `plan` carries and removes the plan: the load's commit point.
    func store(_ plan: PublishPlan) throws(PluginError) {
        try storage.makeFolder(folder)
        let path = try statePath(plan.entryID)
        if let state = plan.state {
            let record: JSONValue = [
                "entry_id": .string(plan.entryID), "rows": .number(JSONNumber(plan.rows)), "run_id": .string(plan.runID),
                "state_json": .string(state), "target": .string(plan.target),
            ]
            try storage.writeSmallFile(path, Array((record.serialized() + "\n").utf8))
        } else {
            try storage.delete(path)
        }
        try storage.delete(try planPath(plan.entryID))
        try storage.syncFolder(folder)
    }

    /// The state last published for `entryID` (after finishing a pending plan), or nil.
    func read(entryID: String) throws(PluginError) -> String? {
        _ = try recover(entryID: entryID)
        let path = try statePath(entryID)
        guard let bytes = try storage.readSmallFile(path) else { return nil }
        guard let text = String(validating: bytes, as: UTF8.self), let object = (try? JSONValue(parsing: text))?.objectValue else {
            throw .badData("the resume state file \(path) is not valid JSON; delete it to start entry '\(entryID)' afresh")
        }
        return object["state_json"]?.stringValue
    }

    private func statePath(_ entryID: String) throws(PluginError) -> String {
        folder + "/" + (try Self.fileStem(entryID)) + ".json"
    }

    private func planPath(_ entryID: String) throws(PluginError) -> String {
        folder + "/" + (try Self.fileStem(entryID)) + ".pending.json"
    }

    /// The entry id with every byte outside `[A-Za-z0-9_-]` as `%XX`: one distinct, harmless name per id.
    static func fileStem(_ entryID: String) throws(PluginError) -> String {
        guard !entryID.isEmpty else { throw .internalError("the load has an empty entry_id: the host is broken") }
        var name = ""
        for byte in entryID.utf8 {
            let plain = (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
            name += plain ? String(Unicode.Scalar(byte)) : "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
        }
        return name
    }
}
