import ETLPluginTypes

/// A SQL model entry's query: an entry with `sql` (or `sql_file`) and no source, which runs
/// inside its sink and keeps the result as `materialize` says.
package struct SQLModel: Sendable, Hashable {
    /// The query, from `sql` or read from `sql_file`.
    package var sql: String
    /// How the sink keeps the result (default table).
    package var materialization: Materialization
    /// The file the query came from (absolute), for messages; nil when written inline.
    package var sqlFile: String?

    package init(sql: String, materialization: Materialization, sqlFile: String? = nil) {
        self.sql = sql
        self.materialization = materialization
        self.sqlFile = sqlFile
    }
}

extension Materialization {
    /// A model entry's load mode, for the control table: only `incremental` resumes from a state.
    package var loadMode: LoadMode { self == .incremental ? .incremental : .full }
}
