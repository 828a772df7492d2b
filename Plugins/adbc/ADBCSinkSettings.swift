import ETLPluginKit

/// The `adbc` sink's config: the driver keys (ADBCDriverSettings) and where targets go, e.g.
/// `{"driver_path": "/opt/adbc/libadbc_driver_sqlite.so", "options": {"uri": "file:/data/warehouse.db"}}`.
struct ADBCSinkSettings: Sendable {
    let driver: ADBCDriverSettings
    /// The schema (namespace) of the targets and of `_etl_state`; nil: the connection's default.
    let dbSchema: String?

    static let schema = #"""
    {
      "$schema": "https://json-schema.org/draft/2020-12/schema",
      "title": "adbc sink",
      "type": "object",
      "properties": {
    \#(ADBCDriverSettings.schemaProperties),
        "db_schema": {"type": "string", "minLength": 1, "description": "The schema of the target tables and of _etl_state (adbc.ingest.target_db_schema); it must exist. Default: the connection's current schema."}
      },
      "additionalProperties": false
    }
    """#

    init(_ config: PluginConfig, environment: (String) -> String? = ADBCDriverSettings.environmentValue) throws(PluginError) {
        try config.rejectUnknownKeys(allowed: ADBCDriverSettings.keys.union(["db_schema"]))
        driver = try ADBCDriverSettings(config, environment: environment)
        dbSchema = try config.optionalString("db_schema")
        if let dbSchema { try SQLText.validate(dbSchema, what: "\(config.path).db_schema") }
    }
}
