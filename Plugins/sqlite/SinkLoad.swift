import ETLPluginKit

/// One open load: begin → write* → commit or abort, all in one SQLite transaction.
final class SinkLoad {
    /// What the host asked for.
    let request: LoadRequest
    /// The project running it, recorded as the owner at commit.
    let ownership: LoadOwnership
    /// scd2's validity settings.
    let scd2: SCD2Options
    /// `options.replace_partitions`: the rows are staged and replace their partitions at commit.
    let partitions: PartitionReplace?
    /// The batch columns stored in the target.
    let columns: [String]
    /// When the load began, as timestamp text: scd2's validity times, unless a column gives them.
    let loadTime: String
    /// Binds and steps the rows.
    let writer: RowWriter
    /// Rows received so far.
    var rowsWritten: Int64 = 0
    /// Rows the target gained or updated so far (scd2: new versions only).
    var rowsAffected: Int64 = 0
    /// The first failure inside the load. Once set, the transaction has been rolled back and the
    /// load can only end: commit refuses, abort is a no-op.
    var failure: PluginError?

    init(request: LoadRequest, ownership: LoadOwnership, scd2: SCD2Options, partitions: PartitionReplace?, columns: [String],
         loadTime: String, writer: RowWriter) {
        self.request = request
        self.ownership = ownership
        self.scd2 = scd2
        self.partitions = partitions
        self.columns = columns
        self.loadTime = loadTime
        self.writer = writer
    }
}
