import ETLRuntimeCore

/// `run --dry-run`: what each selected entry would do, and from where.
enum DryRunReport {
    /// `entries` come in run order (each after the upstreams selected with it), which the lines
    /// keep; an entry's line names those upstreams. `redact` hides secrets in a watermark stored
    /// before states were kept in their stored form.
    static func print(_ entries: [ControlEntry], state: StateDatabase, fullRefresh: Bool, redact: (String) -> String) throws {
        let selected = Set(entries.map(\.id))
        for entry in entries {
            let watermark = try state.watermark(entryID: entry.id)
            let from: String
            if entry.mode == .full || fullRefresh {
                from = "from scratch"
            } else {
                from = "from watermark \(watermark.state.map(redact) ?? "none (first run)")"
            }
            let upstreams = entry.dependsOn.filter(selected.contains)
            let after = upstreams.isEmpty ? "" : ", after \(upstreams.joined(separator: ", "))"
            if let model = entry.model {
                // A model has no source: say what its sink will run and keep.
                Swift.print("\(entry.id): SQL model → \(entry.sink).\(entry.target) (materialize \(model.materialization.rawValue)) \(from)\(after)")
                continue
            }
            // As EntryRunner: a full refresh replaces an incremental entry's target, except scd2's history.
            let write = entry.mode == .full || !fullRefresh || entry.write == .scd2 ? entry.write.rawValue : "replace"
            Swift.print("\(entry.id): \(entry.mode.rawValue) \(entry.source).\(entry.stream) → \(entry.sink).\(entry.target) (\(write)\(deletes(entry, write: write, redact: redact))) \(from)\(after)")
        }
    }

    /// What `delete_when` will do to the load, e.g. ", deletes where _op = 'D' on the source's columns" (it reads
    /// the columns as the source sends them); a replace (a full refresh of a merge entry) leaves
    /// the matching rows out instead (DeleteFlagStep).
    private static func deletes(_ entry: ControlEntry, write: String, redact: (String) -> String) -> String {
        guard let rule = entry.deleteWhen else { return "" }
        let expression = redact(rule.expression)
        return write == WriteMode.replace.rawValue ? ", leaves out rows where \(expression) on the source's columns" : ", deletes where \(expression) on the source's columns"
    }
}
