import CETLPlugin

/// How a load changes its target: the manifest's `write` and the header's `ETL_WRITE_*`, one
/// type for the runtime and the plugins alike.
public enum WriteMode: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// `ETL_WRITE_REPLACE`: the target becomes exactly the loaded rows, atomically.
    case replace
    /// `ETL_WRITE_APPEND`: rows are added.
    case append
    /// `ETL_WRITE_MERGE`: upsert on the primary key.
    case merge
    /// `ETL_WRITE_SCD2`: history rows (valid-from, valid-to, current flag).
    case scd2

    /// The header's value, as `etl_load_request.write_mode` carries it.
    public var cValue: etl_write_mode {
        switch self {
        case .replace: return ETL_WRITE_REPLACE
        case .append: return ETL_WRITE_APPEND
        case .merge: return ETL_WRITE_MERGE
        case .scd2: return ETL_WRITE_SCD2
        }
    }

    /// The mode of a header value, nil for one this build does not know (a newer ABI's).
    public init?(cValue: etl_write_mode) {
        guard let mode = Self.allCases.first(where: { $0.cValue == cValue }) else { return nil }
        self = mode
    }

    /// The manifest's spelling: "replace", "append", "merge", "scd2".
    public var description: String { rawValue }
}
