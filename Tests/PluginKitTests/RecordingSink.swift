import ETLArrow
import ETLPluginKit
import Synchronization

/// A sink that records every call in `Journal` and can be told (through its config) to fail:
/// `{"fail_in": "write", "code": 3, "message_repeat": 1}` throws from `write` with code 3 and the
/// message "boom " repeated.
final class RecordingSink: ETLSink {
    static let descriptor = PluginDescriptor(
        name: "recording", version: "2.1.0", description: "records calls",
        capabilities: [.append, .replace, .transactional],
        configSchema: #"{"type": "object"}"#)

    /// States committed per entry, as a transactional sink would keep them.
    static let committedStates = Mutex<[String: String]>([:])

    private let failIn: String?
    private let failure: PluginError
    private let host: PluginHost
    private var pendingRows: Int64 = 0
    private var entryID = ""

    init(config: PluginConfig, host: PluginHost) throws(PluginError) {
        self.host = host
        failIn = try config.optionalString("fail_in")
        let code = PluginError.Code(rawValue: Int32(try config.int("code", default: 6))) ?? .internalError
        let message = String(repeating: try config.string("message_text", default: "boom "), count: Int(try config.int("message_repeat", default: 1)))
        failure = PluginError(code, message)
        if failIn == "create" { throw failure }
        Journal.record("create")
        host.info("recording sink created")
    }

    deinit { Journal.record("destroy") }

    private func maybeFail(_ step: String) throws(PluginError) {
        if failIn == step { throw failure }
    }

    func check() throws(PluginError) {
        try maybeFail("check")
        Journal.record("check")
    }

    func begin(_ request: LoadRequest) throws(PluginError) {
        try maybeFail("begin")
        let columns = request.schema.fields.map { "\($0.name):\($0.type.rawValue)" }.joined(separator: ",")
        Journal.record("begin \(request.entryID) \(request.runID) \(request.target) \(request.writeMode) [\(request.primaryKey.joined(separator: ","))] \(columns)")
        pendingRows = 0
        entryID = request.entryID
    }

    func write(_ batch: ImportedRecordBatch) throws(PluginError) {
        try maybeFail("write")
        let first = batch.rowCount > 0 ? String(batch.column(0).int64(0)) : "-"
        Journal.record("write \(batch.rowCount) first=\(first)")
        pendingRows += Int64(batch.rowCount)
    }

    func commit(state: String?) throws(PluginError) -> Int64 {
        try maybeFail("commit")
        Journal.record("commit \(state ?? "<nil>")")
        if let state { Self.committedStates.withLock { [entryID] in $0[entryID] = state } }
        return pendingRows
    }

    func abort() throws(PluginError) {
        Journal.record("abort")
        try maybeFail("abort")
    }

    func readState(entryID: String) throws(PluginError) -> String? {
        try maybeFail("read_state")
        return Self.committedStates.withLock { $0[entryID] }
    }
}

/// A sink declaring `.sql`, to check the kit fills `execute_sql` only then.
final class SQLSink: ETLSink {
    static let descriptor = PluginDescriptor(
        name: "sql_sink", version: "1.0.0", description: "runs SQL", capabilities: [.replace, .sql],
        configSchema: #"{"type": "object"}"#)

    init(config: PluginConfig, host: PluginHost) throws(PluginError) {}
    func check() throws(PluginError) {}
    func begin(_ request: LoadRequest) throws(PluginError) {}
    func write(_ batch: ImportedRecordBatch) throws(PluginError) {}
    func commit(state: String?) throws(PluginError) -> Int64 { 0 }
    func abort() throws(PluginError) {}
    func readState(entryID: String) throws(PluginError) -> String? { nil }
    func executeSQL(_ sql: String) throws(PluginError) { Journal.record("sql \(sql)") }
}
