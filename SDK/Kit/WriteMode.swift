import CETLPlugin

/// How a load changes its target (the header's `ETL_WRITE_*`).
public enum WriteMode: Int32, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// `ETL_WRITE_REPLACE`: the target becomes exactly the loaded rows, atomically.
    case replace = 0
    /// `ETL_WRITE_APPEND`: rows are added.
    case append = 1
    /// `ETL_WRITE_MERGE`: upsert on the primary key.
    case merge = 2
    /// `ETL_WRITE_SCD2`: history rows (valid-from, valid-to, current flag).
    case scd2 = 3

    /// The capability a sink must declare to be asked for this mode.
    public var requiredCapability: PluginCapabilities {
        switch self {
        case .replace: return .replace
        case .append: return .append
        case .merge: return .merge
        case .scd2: return .scd2
        }
    }

    /// The manifest's spelling: "replace", "append", "merge", "scd2".
    public var description: String {
        switch self {
        case .replace: return "replace"
        case .append: return "append"
        case .merge: return "merge"
        case .scd2: return "scd2"
        }
    }
}
