import ETLPluginKit

/// The check `begin` makes before touching a target: does another etl-runtime project own it?
/// It runs inside the load's transaction after the target's advisory lock (see PostgresSink.begin),
/// so no other load of the same target can commit a claim between the check and this commit.
enum PGTargetOwnership {
    static func check(_ request: LoadRequest, ownership: LoadOwnership, schema: String, connection: PostgresConnection,
                      host: PluginHost) throws(PluginError) {
        guard let owner = ownership.stateOwner,
              let row = try PGStateTable.rowOfAnotherOwner(target: request.target, entryID: request.entryID, owner: owner,
                                                           schema: schema, connection: connection)
        else { return }
        let target = PGIdentifier.qualified(schema, request.target)
        let sameTarget = row.target == request.target
        if ownership.takeOwnership {
            let what = sameTarget ? "target \(target)" : "entry \"\(request.entryID)\""
            host.warning("\(connection.description): taking \(what) over from the etl-runtime project with state database id \(row.owner) (entry \"\(row.entryID)\", target \(PGIdentifier.quoted(row.target)), last committed \(row.committedAt) UTC), as --take-ownership asked")
            return
        }
        let remedy = "run once with --take-ownership to make this project its owner (also when this project's state database was recreated)"
        if sameTarget {
            throw .invalidConfig("target \(target) in \(connection.description) is owned by another etl-runtime project (state database id \(row.owner), entry \"\(row.entryID)\", last committed \(row.committedAt) UTC); two projects loading one target would each load everything. Use another target or database, or \(remedy)")
        }
        throw .invalidConfig("entry \"\(request.entryID)\" in \(connection.description) holds the state of another etl-runtime project (state database id \(row.owner), target \(PGIdentifier.quoted(row.target)), last committed \(row.committedAt) UTC); two projects with one entry id would overwrite each other's resume state. Rename the entry, use another database, or \(remedy)")
    }
}
