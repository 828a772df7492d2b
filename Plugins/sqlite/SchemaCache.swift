/// What the sink learnt about the database's schema, so that a load that begins once per batch
/// (incremental entries commit every batch) skips the catalogue lookups and DDL checks.
///
/// Valid only while `PRAGMA schema_version` is unchanged: any DDL, by anyone, bumps it. The sink
/// reads the version inside its write transaction (so nobody can change the schema during the
/// load) and forgets everything on rollback, when its own DDL is undone and the on-disk version
/// falls back to one that could later be reused by someone else's DDL.
final class SchemaCache {
    /// The schema version the entries were read at.
    private(set) var version: Int64?
    /// Table layouts by folded table name.
    private var layouts: [String: TableLayout] = [:]
    /// Key indexes known to exist, as "table|kind|columns".
    private var indexes: Set<String> = []
    /// Whether `_etl_state` is known to exist.
    var stateTableReady = false

    /// Forgets everything unless `current` is the version the cache was filled at.
    func synchronize(toVersion current: Int64) {
        if version != current {
            reset()
            version = current
        }
    }

    /// Records the version after the sink's own DDL: entries it updated stay valid.
    func advance(toVersion current: Int64) {
        version = current
    }

    /// Forgets everything (after a rollback).
    func reset() {
        version = nil
        layouts.removeAll()
        indexes.removeAll()
        stateTableReady = false
    }

    /// The cached layout of `table`, nil when not cached (a missing table is created at once,
    /// so "does not exist" never needs remembering).
    func layout(of table: String) -> TableLayout? {
        layouts[SQLIdentifier.folded(table)]
    }

    /// Stores the layout of `table`.
    func store(_ layout: TableLayout) {
        layouts[SQLIdentifier.folded(layout.table)] = layout
    }

    /// Whether the key index `name` was seen.
    func hasIndex(_ name: String) -> Bool { indexes.contains(name) }

    /// Records that the key index `name` exists.
    func storeIndex(_ name: String) { indexes.insert(name) }

    /// Forgets the key indexes of `table` (it was dropped and recreated, and its indexes with it).
    func forgetIndexes(of table: String) {
        let prefix = SQLIdentifier.folded(table) + "|"
        indexes = indexes.filter { !$0.hasPrefix(prefix) }
    }
}
