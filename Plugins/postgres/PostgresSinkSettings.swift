import CLibPQ
import Glibc
import ETLPluginKit

/// The `postgres` sink's config: a `postgresql://` URL or libpq keywords, e.g.
/// `{"url": "postgresql://etl@db.internal:5432/warehouse", "password_env": "PG_PASSWORD", "schema": "stage"}`.
///
/// The password never sits in the manifest: `password_env` names a variable (the environment,
/// or the `.env` beside the manifest, which the runtime exports), else libpq reads PGPASSWORD or
/// `~/.pgpass` itself. It is handed to libpq and nowhere else: messages describe the server by
/// user, host, port and database only.
struct PostgresSinkSettings: Sendable {
    /// libpq connection keywords and values, in the order libpq should apply them (later ones win).
    let connectionKeywords: [(String, String)]
    /// The password read from `password_env`, or else the one inside `url`, if any: only for
    /// scrubbing libpq's messages.
    let password: String?
    /// The schema holding the targets and `_etl_state`; nil: the connection's current schema.
    let schema: String?
    /// `user@host:port/dbname` as far as the config says, for messages before the connection
    /// exists (the connection itself reports the resolved values).
    let description: String

    static let keys: Set<String> = ["url", "host", "port", "dbname", "user", "password_env", "sslmode", "schema"]
    static let sslModes = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]

    /// The JSON Schema published in the descriptor.
    static let schema = #"""
    {
      "$schema": "https://json-schema.org/draft/2020-12/schema",
      "title": "postgres sink",
      "type": "object",
      "properties": {
        "url": {
          "type": "string",
          "pattern": "^postgres(ql)?://",
          "description": "A libpq connection URI, e.g. postgresql://etl@db.internal:5432/warehouse?sslmode=require. Keep the password out of it: use password_env, PGPASSWORD or ~/.pgpass. The keywords below override its parts."
        },
        "host": {"type": "string", "minLength": 1, "description": "Host name, IP address, or the folder of a Unix socket (libpq's host)."},
        "port": {"type": ["integer", "string"], "minimum": 1, "maximum": 65535, "pattern": "^[0-9]+$", "description": "TCP port (default 5432)."},
        "dbname": {"type": "string", "minLength": 1, "description": "Database name."},
        "user": {"type": "string", "minLength": 1, "description": "Role to log in as."},
        "password_env": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$", "description": "The environment (or .env) variable holding the password. Without it libpq reads PGPASSWORD or ~/.pgpass."},
        "sslmode": {"enum": ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"], "description": "libpq's sslmode, passed through."},
        "schema": {"type": "string", "minLength": 1, "maxLength": 63, "description": "Schema of the target tables and of _etl_state; created when missing. Default: the connection's current schema (normally public)."}
      },
      "additionalProperties": false
    }
    """#

    /// Reads the config, refusing unknown keys, bad values and an unset `password_env` with
    /// `ETL_INVALID_CONFIG`. `extraKeys` are keys the caller reads itself (the source's
    /// `table`, `query` and `stream`), so the source shares these connection keys exactly.
    init(_ config: PluginConfig, extraKeys: Set<String> = [],
         environment: (String) -> String? = Self.environmentValue) throws(PluginError) {
        try config.rejectUnknownKeys(allowed: Self.keys.union(extraKeys))
        // Applied first, so that a URL's own connect_timeout or application_name wins.
        var keywords: [(String, String)] = [("connect_timeout", "10"), ("application_name", "etl-runtime")]
        if let url = try config.optionalString("url") {
            guard url.hasPrefix("postgresql://") || url.hasPrefix("postgres://") else {
                throw .invalidConfig("\(config.path).url must start with postgresql:// (e.g. \"postgresql://etl@localhost:5432/warehouse\"); use the host, port, dbname and user keys for anything else")
            }
            keywords.append(("dbname", url))
        }
        var parts: [String: String] = [:]
        if let url = try config.optionalString("url") {
            parts = try Self.parts(ofURL: url, path: config.path)
        }
        for key in ["host", "dbname", "user"] {
            guard let value = try config.optionalString(key) else { continue }
            guard !value.isEmpty else { throw .invalidConfig("\(config.path).\(key) is empty: remove it or give a value") }
            guard !value.utf8.contains(0) else { throw .invalidConfig("\(config.path).\(key) contains a NUL character") }
            keywords.append((key, value))
            parts[key] = value
        }
        if let port = try Self.port(config) {
            keywords.append(("port", port))
            parts["port"] = port
        }
        if let mode = try config.optionalString("sslmode") {
            guard Self.sslModes.contains(mode) else {
                throw .invalidConfig("\(config.path).sslmode must be one of \(Self.sslModes.map { "\"\($0)\"" }.joined(separator: ", ")) (got \"\(mode)\")")
            }
            keywords.append(("sslmode", mode))
        }
        if let variable = try config.optionalString("password_env") {
            guard let value = environment(variable), !value.isEmpty else {
                throw .invalidConfig("\(config.path).password_env names the variable \(variable), which is not set (neither in the environment nor in the .env beside the manifest); set it to the password, or remove password_env to use PGPASSWORD or ~/.pgpass")
            }
            keywords.append(("password", value))
            password = value
        } else {
            // A URL may carry a password itself (say `"url": "${PG_URL}"`): it is scrubbed like password_env's.
            password = parts["password"]
        }
        if let schema = try config.optionalString("schema") {
            try PGIdentifier.validate(schema, what: "\(config.path).schema")
            self.schema = schema
        } else {
            schema = nil
        }
        connectionKeywords = keywords
        let user = parts["user"].map { "\($0)@" } ?? ""
        let host = parts["host"] ?? "(PGHOST or the default socket)"
        description = "postgresql \(user)\(host)\(parts["port"].map { ":\($0)" } ?? "")/\(parts["dbname"] ?? "")"
    }

    private static func port(_ config: PluginConfig) throws(PluginError) -> String? {
        guard let value = config.value("port") else { return nil }
        let text: String
        switch value {
        case .number: text = String(try config.int("port"))
        case .string(let string): text = string
        default: throw .invalidConfig("\(config.path).port must be a port number such as 5432")
        }
        guard let number = Int(text), (1...65535).contains(number) else {
            throw .invalidConfig("\(config.path).port must be a port number from 1 to 65535 (got \(text))")
        }
        return String(number)
    }

    /// The user, host, port and dbname a URL names (for messages), and its password (for
    /// scrubbing only), parsed by libpq itself.
    /// - Throws: `ETL_INVALID_CONFIG` when libpq cannot read it; the URL (which may hold a
    ///   password) is not quoted back.
    private static func parts(ofURL url: String, path: String) throws(PluginError) -> [String: String] {
        var problem: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(url, &problem) else {
            let detail = problem.map { String(cString: $0).oneLine } ?? "out of memory"
            if let problem { PQfreemem(problem) }
            let scrubbed = detail.replacing(url, with: "<url>")
            throw .invalidConfig("\(path).url is not a connection URI libpq can read: \(scrubbed); write it as postgresql://user@host:5432/dbname")
        }
        defer { PQconninfoFree(options) }
        var parts: [String: String] = [:]
        var option = options
        while let keyword = option.pointee.keyword {
            let name = String(cString: keyword)
            if ["host", "port", "dbname", "user", "password"].contains(name), let value = option.pointee.val {
                parts[name] = String(cString: value)
            }
            option += 1
        }
        return parts
    }

    static func environmentValue(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}
