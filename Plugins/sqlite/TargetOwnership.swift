import ETLPluginKit

/// The check `begin` makes before touching a target: does another etl-runtime project own it?
///
/// Ownership is read from `_etl_state` inside the load's write transaction, so no other writer
/// can commit a claim between the check and this load's commit.
enum TargetOwnership {
    /// Refuses the load (`ETL_INVALID_CONFIG`) when a state row for its target, or for its entry
    /// id, was committed by another project; with `take_ownership` it only warns, and the commit
    /// makes this project the owner.
    static func check(_ request: LoadRequest, ownership: LoadOwnership, connection: SQLiteConnection,
                      host: PluginHost) throws(PluginError) {
        guard let owner = ownership.stateOwner,
              let row = try StateTable.rowOfAnotherOwner(target: request.target, entryID: request.entryID, owner: owner,
                                                         connection: connection)
        else { return }
        let sameTarget = SQLIdentifier.folded(row.target) == SQLIdentifier.folded(request.target)
        if ownership.takeOwnership {
            let what = sameTarget ? "target \(SQLIdentifier.quoted(request.target))" : "entry \(JSONText.string(request.entryID))"
            host.warning("\(connection.path): taking \(what) over from the etl-runtime project with state database id \(row.owner) (entry \(JSONText.string(row.entryID)), target \(SQLIdentifier.quoted(row.target)), last committed \(row.committedAt) UTC), as --take-ownership asked")
            return
        }
        let remedy = "run once with --take-ownership to make this project its owner (also when this project's state database was recreated)"
        if sameTarget {
            throw .invalidConfig("target \(SQLIdentifier.quoted(request.target)) in \(connection.path) is owned by another etl-runtime project (state database id \(row.owner), entry \(JSONText.string(row.entryID)), last committed \(row.committedAt) UTC); two projects loading one target would each load everything. Use another target or warehouse, or \(remedy)")
        }
        throw .invalidConfig("entry \(JSONText.string(request.entryID)) in \(connection.path) holds the state of another etl-runtime project (state database id \(row.owner), target \(SQLIdentifier.quoted(row.target)), last committed \(row.committedAt) UTC); two projects with one entry id would overwrite each other's resume state. Rename the entry, use another warehouse, or \(remedy)")
    }
}
