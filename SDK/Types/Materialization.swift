import CETLPlugin

/// How a SQL model entry keeps its query's result: the manifest's `materialize` and the header's
/// `ETL_MATERIALIZE_*`, one type for the runtime and the plugins alike.
public enum Materialization: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// `ETL_MATERIALIZE_TABLE`: the target becomes the query's rows, swapped in atomically.
    case table
    /// `ETL_MATERIALIZE_INCREMENTAL`: the rows the query returns are inserted, or merged on the
    /// primary key.
    case incremental
    /// `ETL_MATERIALIZE_VIEW`: the target is a view of the query.
    case view

    /// The header's value, as `etl_model_request.materialization` carries it.
    public var cValue: etl_materialization {
        switch self {
        case .table: return ETL_MATERIALIZE_TABLE
        case .incremental: return ETL_MATERIALIZE_INCREMENTAL
        case .view: return ETL_MATERIALIZE_VIEW
        }
    }

    /// The materialization of a header value, nil for one this build does not know.
    public init?(cValue: etl_materialization) {
        guard let known = Self.allCases.first(where: { $0.cValue == cValue }) else { return nil }
        self = known
    }

    /// The manifest's spelling: "table", "incremental", "view".
    public var description: String { rawValue }
}
