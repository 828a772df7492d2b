import CETLPlugin

/// What a plugin offers: the header's `ETL_CAP_*` bits as a Swift option set.
///
/// The kit checks at load that a sink declares only sink capabilities and a source only source
/// capabilities, and refuses a `begin` whose write mode the sink did not declare.
public struct PluginCapabilities: OptionSet, Sendable, Hashable, CustomStringConvertible {
    /// The `ETL_CAP_*` bits.
    public var rawValue: UInt64

    /// Creates a set from `ETL_CAP_*` bits.
    public init(rawValue: UInt64) {
        self.rawValue = rawValue
    }

    /// Source: resumes from the state it returns from `checkpoint` (`ETL_CAP_INCREMENTAL`).
    public static let incremental = PluginCapabilities(rawValue: UInt64(ETL_CAP_INCREMENTAL))
    /// Sink: upserts on the primary key (`ETL_CAP_MERGE`).
    public static let merge = PluginCapabilities(rawValue: UInt64(ETL_CAP_MERGE))
    /// Sink: keeps history rows (`ETL_CAP_SCD2`).
    public static let scd2 = PluginCapabilities(rawValue: UInt64(ETL_CAP_SCD2))
    /// Sink: data and state commit in one transaction (`ETL_CAP_TRANSACTIONAL`).
    public static let transactional = PluginCapabilities(rawValue: UInt64(ETL_CAP_TRANSACTIONAL))
    /// Sink: implements `executeSQL` (`ETL_CAP_SQL`); without it the kit leaves `execute_sql` NULL.
    public static let sql = PluginCapabilities(rawValue: UInt64(ETL_CAP_SQL))
    /// Sink: adds rows (`ETL_CAP_APPEND`).
    public static let append = PluginCapabilities(rawValue: UInt64(ETL_CAP_APPEND))
    /// Sink: replaces the target atomically (`ETL_CAP_REPLACE`).
    public static let replace = PluginCapabilities(rawValue: UInt64(ETL_CAP_REPLACE))
    /// Source: `discover` lists real streams (`ETL_CAP_DISCOVER`).
    public static let discover = PluginCapabilities(rawValue: UInt64(ETL_CAP_DISCOVER))

    /// Sink: implements `runModel`, SQL model entries (`ETL_CAP_MODELS`, ABI 1.2); without it the
    /// kit leaves `run_model` NULL.
    public static let models = PluginCapabilities(rawValue: UInt64(ETL_CAP_MODELS))

    /// Sink: honours the load option `delete_column` of merge and scd2 loads (`ETL_CAP_DELETES`,
    /// ABI 1.2): the batches then carry that bool column last, and a row with true deletes its
    /// key (merge) or closes its current version (scd2) instead of being stored. Without it the
    /// kit refuses a load that asks for deletes.
    public static let deletes = PluginCapabilities(rawValue: UInt64(ETL_CAP_DELETES))

    /// Source: appends each row's position to its batches when the read asks for it
    /// (`ETL_CAP_POSITIONS`, ABI 1.2; see `ReadRequest.wantsPositions` and `SourcePositionColumn`).
    public static let positions = PluginCapabilities(rawValue: UInt64(ETL_CAP_POSITIONS))

    /// Every capability a sink may declare.
    public static let sinkCapabilities: PluginCapabilities = [.merge, .scd2, .transactional, .sql, .append, .replace, .models, .deletes]
    /// Every capability a source may declare.
    public static let sourceCapabilities: PluginCapabilities = [.incremental, .discover, .positions]

    private static let names: [(PluginCapabilities, String)] = [
        (.incremental, "incremental"), (.merge, "merge"), (.scd2, "scd2"), (.transactional, "transactional"),
        (.sql, "sql"), (.append, "append"), (.replace, "replace"), (.discover, "discover"), (.models, "models"),
        (.deletes, "deletes"), (.positions, "positions"),
    ]

    /// The names of the bits that are set, e.g. "append, replace"; unknown bits as hex.
    public var description: String {
        var parts = Self.names.filter { contains($0.0) }.map(\.1)
        let unknown = rawValue & ~Self.names.reduce(0) { $0 | $1.0.rawValue }
        if unknown != 0 { parts.append("0x" + String(unknown, radix: 16)) }
        return parts.isEmpty ? "none" : parts.joined(separator: ", ")
    }
}
