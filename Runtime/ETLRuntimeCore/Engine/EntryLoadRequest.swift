import ETLJSON

extension LoadRequest {
    /// How a run of `entry` writes: an incremental tick as the entry says; a full run (or a
    /// full refresh of an incremental entry) replaces, unless the entry appends snapshots,
    /// merges or keeps history (scd2).
    package static func writeMode(of entry: ControlEntry, fullRefresh: Bool) -> WriteMode {
        if entry.mode == .incremental && !fullRefresh { return entry.write }
        return entry.mode == .full ? entry.write : (entry.write == .scd2 ? .scd2 : .replace)
    }

    /// The load's `options_json`: the runtime's settings of the load, then the entry's own
    /// options under `entry_options` (SDK/ABI.md, "Entry options"). One text for `run` and for
    /// the checks of `validate` and `run --dry-run`, so a sink checks what it will be sent.
    /// `stateOwner`: the state database's id; nil (the key left out) when there is none yet.
    package static func optionsJSON(for entry: ControlEntry, stateOwner: String?, takeOwnership: Bool, deleteColumn: String?) -> String {
        var members: [(String, JSONValue)] = [("max_rejects", JSONValue(integerLiteral: Int64(entry.maxRejects)))]
        if let stateOwner { members.append(("state_owner", .string(stateOwner))) }
        members.append(("take_ownership", .bool(takeOwnership)))
        // scd2's validity settings (validate allows them with write scd2 only).
        if let column = entry.validFromColumn { members.append(("valid_from_column", .string(column))) }
        if entry.closeMissing { members.append(("close_missing", .bool(true))) }
        if let deleteColumn { members.append((LoadRequest.deleteColumnKey, .string(deleteColumn))) }
        if let entryOptions = entry.options { members.append((ReadRequest.entryOptionsKey, entryOptions)) }
        return JSONValue.object(JSONObject(members)).serialized()
    }
}
