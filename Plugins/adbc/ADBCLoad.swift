import ETLPluginKit

/// One open load of the `adbc` sink.
final class ADBCLoad {
    let request: LoadRequest
    /// The table the batches go to: the target, or its staging table for a transactional replace.
    let ingestTable: String
    /// Whether the batches go to a staging table swapped in at commit.
    let staged: Bool
    /// `options.replace_partitions`: the staged rows replace their partitions at commit.
    let partitions: ADBCPartitionReplace?
    var batches = 0
    var rows: Int64 = 0
    /// The first failure; the load was rolled back then and can only be aborted.
    var failure: PluginError?

    init(request: LoadRequest, ingestTable: String, staged: Bool, partitions: ADBCPartitionReplace? = nil) {
        self.request = request
        self.ingestTable = ingestTable
        self.staged = staged
        self.partitions = partitions
    }

    /// The staging table of a target: short (PostgreSQL cuts names at 63 bytes) and the same
    /// for a target every time, so a leftover of a driver without DDL transactions is found.
    static func stagingTable(for target: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in target.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let hex = String(hash, radix: 16)
        return "_etl_stage_" + String(repeating: "0", count: 16 - hex.count) + hex
    }
}
