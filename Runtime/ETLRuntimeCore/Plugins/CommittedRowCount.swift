/// A sink's `out_rows_committed` checked against the load the host sent (SDK/ABI.md, "What the
/// host checks"): for append and replace it must be the rows sent less the records the sink
/// refused through `report_reject`; for merge and scd2 anything from 0 to the rows sent (keys
/// repeated within a load collapse, unchanged scd2 rows add no version).
///
/// The count comes back from `commit`, so a transactional sink has already made the rows and the
/// resume state durable when the host sees it: a wrong count cannot undo the load, it fails the
/// entry. The run then records `trusted`, the host's own count, rather than the sink's claim.
struct CommittedRowCount {
    /// What the sink said.
    let reported: Int64
    /// Rows of the batches `write` received in this load.
    let sent: Int
    /// Records the sink refused (reported as rejects) during the load.
    let refused: Int
    let mode: WriteMode

    /// The rows the sink should have reported (the upper bound for merge and scd2).
    private var expected: Int { max(0, sent - refused) }

    private var exact: Bool { mode == .append || mode == .replace }

    private var isTruthful: Bool {
        exact ? reported == Int64(expected) : reported >= 0 && reported <= Int64(expected)
    }

    /// The count the run records: the sink's when it is possible, otherwise the host's.
    var trusted: Int {
        isTruthful ? Int(reported) : expected
    }

    /// Why the count cannot be true, or nil when it can.
    func violation(by sink: LoadedPlugin) -> PluginContractViolation? {
        guard !isTruthful else { return nil }
        let refusals = refused > 0 ? ": \(sent) sent, \(refused) refused" : ""
        let allowed = exact ? "\(expected)" : "0 to \(expected)"
        return PluginContractViolation(
            sink,
            "reported \(reported) rows committed for a load of \(sent) rows (write mode \(mode.rawValue): expected \(allowed)\(refusals)). The sink had already committed the load with its resume state, so both stand and the next run resumes after them; the run is failed and records \(trusted) rows written, since the sink's count cannot be trusted. This is a bug in the plugin: commit's out_rows_committed must count the rows the load wrote")
    }
}
