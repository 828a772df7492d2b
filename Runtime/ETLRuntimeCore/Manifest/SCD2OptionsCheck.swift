/// `valid_from_column` and `close_missing` only mean something to an scd2 load, and
/// `close_missing` only to a load that holds the whole snapshot (mode full): an incremental
/// batch lacks most keys, and closing them would end every version at each batch.
struct SCD2OptionsCheck {
    let reader: ManifestReader

    func check(_ entry: EntryDraft) {
        for key in ["valid_from_column", "close_missing"] {
            guard let node = entry.nodes[key], entry.effectiveWrite != .scd2 else { continue }
            let write = entry.effectiveWrite.map { "write \"\($0.rawValue)\"" } ?? "this entry's write mode"
            reader.report(entry.path.appending(key: key), at: node.location,
                          "\"\(key)\" applies to write \"scd2\" only, and \(write) would ignore it; remove it or use write \"scd2\"")
        }
        if entry.closeMissing, entry.mode == .incremental, let node = entry.nodes["close_missing"] {
            reader.report(entry.path.appending(key: "close_missing"), at: node.location,
                          "\"close_missing\" needs mode \"full\": it closes every key missing from the load, and an incremental "
                            + "batch holds only the rows that changed; use mode \"full\" (a whole snapshot per run) or remove it")
        }
    }
}
