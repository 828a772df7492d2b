import CETLPlugin

/// The capability bits of `etl_plugin_descriptor.capabilities`, with the names that
/// `list-plugins` prints and the manifest checks use.
package enum PluginCapability: String, CaseIterable, Sendable, Codable {
    case incremental, merge, scd2, transactional, sql, append, replace, discover, models, deletes, positions

    /// The ETL_CAP_* bit this capability stands for.
    package var bit: UInt64 {
        switch self {
        case .incremental: return UInt64(ETL_CAP_INCREMENTAL)
        case .merge: return UInt64(ETL_CAP_MERGE)
        case .scd2: return UInt64(ETL_CAP_SCD2)
        case .transactional: return UInt64(ETL_CAP_TRANSACTIONAL)
        case .sql: return UInt64(ETL_CAP_SQL)
        case .append: return UInt64(ETL_CAP_APPEND)
        case .replace: return UInt64(ETL_CAP_REPLACE)
        case .discover: return UInt64(ETL_CAP_DISCOVER)
        case .models: return UInt64(ETL_CAP_MODELS)
        case .deletes: return UInt64(ETL_CAP_DELETES)
        case .positions: return UInt64(ETL_CAP_POSITIONS)
        }
    }

    /// The named capabilities set in `bits`, in declaration order. Bits this host does
    /// not know (from a newer plugin) are ignored rather than refused: they only add.
    package static func names(in bits: UInt64) -> [String] {
        allCases.filter { bits & $0.bit != 0 }.map(\.rawValue)
    }
}
