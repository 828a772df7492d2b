import ETLPluginKit
import Glibc

/// The config keys shared by the `adbc` sink and source: which driver library to load and the
/// options handed to it, e.g.
/// `{"driver": "adbc_driver_postgresql", "options_env": {"uri": "WAREHOUSE_URI"}, "connection_options": {}}`.
///
/// Options go to the driver untouched (database options before `AdbcDatabaseInit`, connection
/// options before `AdbcConnectionInit`, statement options on every statement), so any option a
/// driver documents can be set. `options_env` maps an option to the environment (or `.env`)
/// variable holding its value, keeping secrets out of the manifest; those values, and passwords
/// inside URLs, are scrubbed from every message.
struct ADBCDriverSettings: Sendable {
    let location: DriverLocation
    let entrypoint: String?
    /// Database options, in the order written, then those from the environment.
    let databaseOptions: [(String, String)]
    let connectionOptions: [(String, String)]
    let statementOptions: [(String, String)]
    /// SQL run once right after connecting, each statement committed on its own (session
    /// settings such as SQLite's busy_timeout or PostgreSQL's search_path).
    let connectionSQL: [String]
    let scrubber: SecretScrubber
    /// The config path of each database option, for messages about a refused one.
    let optionPaths: [String: String]
    /// Where the config sits ("config"), for messages.
    let configPath: String

    static let keys: Set<String> = ["driver", "driver_path", "entrypoint", "options", "options_env", "connection_options", "statement_options",
                                    "connection_sql"]

    /// The JSON Schema properties of those keys, spliced into each plugin's schema.
    static let schemaProperties = #"""
        "driver": {
          "type": "string",
          "pattern": "^[A-Za-z0-9_.+-]+$",
          "description": "A driver's short name, e.g. adbc_driver_sqlite: lib<name>.so is looked up on the library path (LD_LIBRARY_PATH, the ld.so cache, system folders), as the ADBC driver manager does. Give exactly one of driver and driver_path."
        },
        "driver_path": {
          "type": "string",
          "format": "path",
          "minLength": 1,
          "description": "The driver's shared library file, e.g. .venv/lib/python3.11/site-packages/adbc_driver_sqlite/libadbc_driver_sqlite.so. Relative paths resolve against the manifest's folder."
        },
        "entrypoint": {
          "type": "string",
          "pattern": "^[A-Za-z_][A-Za-z0-9_]*$",
          "description": "The driver's init function. Default: the name the ADBC spec derives from the file name (libadbc_driver_sqlite.so: AdbcDriverSqliteInit), then AdbcDriverInit."
        },
        "options": {
          "type": "object",
          "additionalProperties": {"type": "string"},
          "description": "Database options set before AdbcDatabaseInit, e.g. {\"uri\": \"file:/data/warehouse.db\"}. Keep secrets out: use options_env."
        },
        "options_env": {
          "type": "object",
          "additionalProperties": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"},
          "description": "Database options read from environment (or .env) variables: {\"uri\": \"WAREHOUSE_URI\"}. Their values never appear in messages."
        },
        "connection_options": {
          "type": "object",
          "additionalProperties": {"type": "string"},
          "description": "Connection options set before AdbcConnectionInit."
        },
        "statement_options": {
          "type": "object",
          "additionalProperties": {"type": "string"},
          "description": "Options set on every statement (e.g. a driver's batch size for ingest or reads)."
        },
        "connection_sql": {
          "type": "array",
          "items": {"type": "string", "minLength": 1},
          "description": "SQL statements run once after connecting, before any load or read, in the database's dialect: session settings such as [\"PRAGMA busy_timeout = 5000\"] for SQLite files that several entries write at once."
        }
    """#

    init(_ config: PluginConfig, environment: (String) -> String? = Self.environmentValue) throws(PluginError) {
        configPath = config.path
        let name = try config.optionalString("driver")
        let path = try config.optionalString("driver_path")
        switch (name, path) {
        case (let name?, nil):
            guard !name.isEmpty, !name.contains("/") else {
                throw .invalidConfig("\(config.path).driver must be a short name such as \"adbc_driver_sqlite\" (got \"\(name)\"); give a file as \"driver_path\" instead")
            }
            location = .name(name, configPath: "\(config.path).driver")
        case (nil, let path?):
            guard !path.isEmpty else { throw .invalidConfig("\(config.path).driver_path is empty: give the driver's .so file") }
            location = .path(path, configPath: "\(config.path).driver_path")
        case (nil, nil):
            throw .invalidConfig("\(config.path) names no driver: add \"driver\": \"adbc_driver_sqlite\" (a library on the library path) or \"driver_path\": \"/path/to/libadbc_driver_sqlite.so\"")
        case (_?, _?):
            throw .invalidConfig("\(config.path) has both driver and driver_path: keep one")
        }
        entrypoint = try config.optionalString("entrypoint")
        var database = try Self.stringMap(config, "options")
        var paths: [String: String] = [:]
        for (key, _) in database { paths[key] = "\(config.path).options.\(key)" }
        var environmentValues: [String] = []
        for (key, variable) in try Self.stringMap(config, "options_env") {
            guard !database.contains(where: { $0.0 == key }) else {
                throw .invalidConfig("\(config.path).options_env.\(key) sets an option that \(config.path).options also sets: keep one")
            }
            guard let value = environment(variable), !value.isEmpty else {
                throw .invalidConfig("\(config.path).options_env.\(key) names the variable \(variable), which is not set (neither in the environment nor in the .env beside the manifest); set it, or remove the option")
            }
            database.append((key, value))
            environmentValues.append(value)
            paths[key] = "\(config.path).options_env.\(key)"
        }
        databaseOptions = database
        optionPaths = paths
        connectionOptions = try Self.stringMap(config, "connection_options")
        statementOptions = try Self.stringMap(config, "statement_options")
        connectionSQL = try config.optionalStringArray("connection_sql") ?? []
        for (index, sql) in connectionSQL.enumerated() where sql.allSatisfy(\.isWhitespace) {
            throw .invalidConfig("\(config.path).connection_sql[\(index)] is empty: give a SQL statement or remove it")
        }
        let written = (databaseOptions + connectionOptions + statementOptions).map(\.1)
        scrubber = SecretScrubber(environmentValues: environmentValues, optionValues: written)
    }

    /// An object whose values are all strings, as (key, value) pairs in the order written.
    private static func stringMap(_ config: PluginConfig, _ key: String) throws(PluginError) -> [(String, String)] {
        guard let object = try config.optionalObject(key) else { return [] }
        var pairs: [(String, String)] = []
        for name in object.members.keys {
            guard let value = try object.optionalString(name) else {
                throw .invalidConfig("\(object.path).\(name) is null: give the option a string value or remove it")
            }
            guard !value.utf8.contains(0), !name.utf8.contains(0) else {
                throw .invalidConfig("\(object.path).\(name) contains a NUL character")
            }
            pairs.append((name, value))
        }
        return pairs
    }

    static func environmentValue(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}
