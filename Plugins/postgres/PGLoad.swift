import ETLPluginKit

/// One open load: begin → write* → commit or abort, all in one PostgreSQL transaction.
final class PGLoad {
    let request: LoadRequest
    let ownership: LoadOwnership
    /// The schema-qualified, quoted target, for SQL and messages.
    let target: String
    /// The COPY statement each batch runs (into the target, or into merge's staging table).
    let copySQL: String
    /// How each batch column is encoded.
    let columns: [CopyColumn]
    /// What merge and scd2 run at commit to apply the staged rows.
    let apply: PGStagedApply?
    /// The COPY the batches stream into, opened by the first batch with rows and ended by
    /// `commit` (or cancelled by `abort`): on the load's connection, or on `lanes` for a swap.
    var copy: CopyStream?
    /// `replace_by: "swap"`: the staging table and the connections that copy into it.
    let swap: PGSwapLoad?
    let lanes: [PostgresConnection]
    /// Rows received so far.
    var rowsWritten: Int64 = 0
    /// The first failure. Once set the transaction has been rolled back; the load can only end.
    var failure: PluginError?

    init(request: LoadRequest, ownership: LoadOwnership, target: String, copySQL: String, columns: [CopyColumn], apply: PGStagedApply?,
         swap: PGSwapLoad? = nil, lanes: [PostgresConnection] = []) {
        self.swap = swap
        self.lanes = lanes
        self.request = request
        self.ownership = ownership
        self.target = target
        self.copySQL = copySQL
        self.columns = columns
        self.apply = apply
    }
}
