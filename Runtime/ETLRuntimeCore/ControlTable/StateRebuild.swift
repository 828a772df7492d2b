import CETLPlugin
import CSQLite
import Foundation

/// `state rebuild`: a new state database for a manifest whose database is lost, damaged or
/// unusable, rebuilt from what survives it — each transactional sink stores every entry's resume
/// state in the same transaction as the data (`_etl_state`), which is the truth the control table
/// only mirrors. The old state is moved aside, never deleted: its run history (and what each run
/// read, `etl_runs.reads`) stays readable there; the new state starts with an empty history of the
/// current layout, so no run rows are copied. A SQLite file is renamed `*.unusable-<time>`; a
/// state in PostgreSQL goes to a schema `<schema>_unusable_<time>` (see `PostgresStateSetAside`).
package enum StateRebuild {
    /// What was recovered for one entry.
    package struct Outcome: Sendable {
        package var entryID: String
        /// The resume state the sink had committed, nil when it had none (or the entry is full).
        package var watermark: String?
        /// Why nothing could be read back, when the sink could not be asked.
        package var problem: String?
    }

    /// Where the previous state went.
    package enum MovedAside: Sendable, Equatable {
        /// The SQLite file's new path.
        case file(String)
        /// The schema now holding the old state's tables, on the state's server.
        case schema(String, server: PostgresStateServer)
    }

    package struct Result: Sendable {
        /// Where the previous state went, nil when there was none.
        package var movedAside: MovedAside?
        /// True when the project's id (which sinks record as owner of its targets) was kept.
        package var keptStateID: Bool
        package var outcomes: [Outcome]
        /// A state in PostgreSQL: the old schema's default privileges that could not be set on the
        /// new one, each with why and the statement to run.
        package var defaultPrivilegesNotCarried: [String] = []
    }

    /// Moves the state aside and builds a new one from the sinks' committed state.
    /// Hold every entry's lock while calling this — for a shared state, every entry's claim
    /// (`EntryClaimSet`): no run on any host may write the state meanwhile.
    package static func run(_ context: ManifestContext) throws -> Result {
        let manifest = context.manifest
        let movedAside: MovedAside?
        let previousID: String?
        var notCarried: [String] = []
        switch manifest.stateLocation {
        case .file(let path):
            previousID = readStateID(path)
            movedAside = try moveFileAside(path).map(MovedAside.file)
        case .server(let server):
            // The fresh state is created with the old id in the same transaction that moves the old one aside.
            let setAside = try PostgresStateSetAside.run(try PostgresStateConnection(server))
            previousID = setAside.previousStateID
            movedAside = setAside.asideSchema.map { .schema($0, server: server) }
            notCarried = setAside.defaultPrivilegesNotCarried
        }
        let database = try StateDatabase(location: manifest.stateLocation)
        if let previousID { try database.adoptStateID(previousID) }
        try database.synchronize(with: manifest.controlTable)
        var outcomes: [Outcome] = []
        for entry in manifest.controlTable {
            guard entry.mode == .incremental else {
                outcomes.append(Outcome(entryID: entry.id))
                continue
            }
            do {
                guard let endpoint = manifest.sink(named: entry.sink) else { continue }
                let plugin = try context.catalog.loadPlugin(named: endpoint.plugin, kind: .sink)
                let sink = try SinkInstance(
                    plugin: plugin, configJSON: endpoint.configJSON, entryID: entry.id, redact: { manifest.redacting($0) })
                let state = try sink.readState(entryID: entry.id)
                try database.adoptSinkState(entryID: entry.id, state: state)
                outcomes.append(Outcome(entryID: entry.id, watermark: state.map(manifest.redacting)))
            } catch let error as PluginCallError where error.status == ETL_UNSUPPORTED {
                // The sink keeps no state (an API): the watermark lived only in the lost database.
                outcomes.append(Outcome(entryID: entry.id, problem: "sink \"\(entry.sink)\" keeps no state of its own: this entry's watermark lived only in the old state database"))
            } catch {
                outcomes.append(Outcome(entryID: entry.id, problem: manifest.redacting("\(error)")))
            }
        }
        return Result(movedAside: movedAside, keptStateID: previousID != nil, outcomes: outcomes, defaultPrivilegesNotCarried: notCarried)
    }

    /// Renames the file (with its WAL and shared-memory files) `*.unusable-<time>`; nil when
    /// there is no file.
    private static func moveFileAside(_ path: String) throws -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let aside = path + ".unusable-" + Timestamp.now().replacingOccurrences(of: ":", with: "")
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
            guard rename(path + suffix, aside + suffix) == 0 else {
                throw StateDatabaseError(
                    path: path + suffix, sql: nil,
                    message: "cannot move it aside to \(aside + suffix): \(String(cString: strerror(errno)))")
            }
        }
        return aside
    }

    /// The project id of a state database that may be damaged: etl_meta is small and written
    /// first, so it often survives damage elsewhere in the file.
    private static func readStateID(_ path: String) -> String? {
        var handle: OpaquePointer?
        defer { sqlite3_close(handle) }
        guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READONLY, nil) == SQLITE_OK, let handle else { return nil }
        var statement: OpaquePointer?
        defer { sqlite3_finalize(statement) }
        guard sqlite3_prepare_v2(handle, "SELECT value FROM etl_meta WHERE key = 'state_id'", -1, &statement, nil) == SQLITE_OK,
            sqlite3_step(statement) == SQLITE_ROW, let text = sqlite3_column_text(statement, 0)
        else { return nil }
        let id = String(cString: text)
        return id.isEmpty ? nil : id
    }
}
