import ETLPluginKit

/// The `adbc` sink's config: the driver keys (ADBCDriverSettings) and where targets go, e.g.
/// `{"driver_path": "/opt/adbc/libadbc_driver_sqlite.so", "options": {"uri": "file:/data/warehouse.db"}}`.
struct ADBCSinkSettings: Sendable {
    let driver: ADBCDriverSettings
    /// The schema (namespace) of the targets and of `_etl_state`; nil: the connection's default.
    let dbSchema: String?
    /// false (`"transactions": "off"`): never turn autocommit off, even when the driver could.
    let useTransactions: Bool

    static let schema = #"""
    {
      "$schema": "https://json-schema.org/draft/2020-12/schema",
      "title": "adbc sink",
      "type": "object",
      "properties": {
    \#(ADBCDriverSettings.schemaProperties),
        "db_schema": {"type": "string", "minLength": 1, "description": "The schema of the target tables and of _etl_state (adbc.ingest.target_db_schema); it must exist. Default: the connection's current schema."},
        "transactions": {"enum": ["auto", "off"], "default": "auto", "description": "auto: loads are transactions holding rows and state whenever the driver accepts autocommit off (replace is staged and swapped with standard SQL). off: the driver's own ingest modes, committed batch by batch, and no SQL of ours (for drivers whose SQL dialect or DDL rules do not fit, e.g. BigQuery); the runtime then keeps the state."}
      },
      "additionalProperties": false
    }
    """#

    init(_ config: PluginConfig, environment: (String) -> String? = ADBCDriverSettings.environmentValue) throws(PluginError) {
        try config.rejectUnknownKeys(allowed: ADBCDriverSettings.keys.union(["db_schema", "transactions"]))
        driver = try ADBCDriverSettings(config, environment: environment)
        dbSchema = try config.optionalString("db_schema")
        if let dbSchema { try SQLText.validate(dbSchema, what: "\(config.path).db_schema") }
        let transactions = try config.string("transactions", default: "auto")
        guard ["auto", "off"].contains(transactions) else {
            throw .invalidConfig("\(config.path).transactions must be \"auto\" or \"off\" (got \"\(transactions)\")")
        }
        useTransactions = transactions == "auto"
    }
}
