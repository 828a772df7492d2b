/// Where the state database lives: a SQLite file (`state.path`, the default) or a schema of a
/// PostgreSQL database (`state.url`), shared by every host that runs the same manifest.
package enum StateLocation: Sendable, Equatable {
    case file(String)
    case server(PostgresStateServer)

    /// How messages name it: the file's path, or "postgresql user@host:port/db (schema s)"
    /// without the password.
    package var description: String {
        switch self {
        case .file(let path): return path
        case .server(let server): return server.description
        }
    }

    /// True when several hosts may share it, so an entry's run is claimed in the database.
    package var isShared: Bool {
        if case .server = self { return true }
        return false
    }
}

/// `"state": {"url": "postgresql://...", "schema": "etl_runtime", "password_env": "VAR"}`.
package struct PostgresStateServer: Sendable, Equatable {
    /// A libpq connection URI (postgresql:// or postgres://); keep the password out of it.
    package var url: String
    /// The schema holding etl_meta, etl_control, etl_runs and etl_rejects.
    package var schema: String
    /// The variable holding the password; without it libpq reads PGPASSWORD or ~/.pgpass.
    package var passwordEnvironmentVariable: String?

    package static let defaultSchema = "etl_runtime"

    package init(url: String, schema: String = PostgresStateServer.defaultSchema, passwordEnvironmentVariable: String? = nil) {
        self.url = url
        self.schema = schema
        self.passwordEnvironmentVariable = passwordEnvironmentVariable
    }

    /// True for the URL schemes libpq takes apart.
    package static func isPostgresURL(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    /// The URL with any password in it replaced by "***", and the schema.
    package var description: String {
        "\(Self.scrubbedURL(url)) (schema \(schema))"
    }

    /// `scheme://user:secret@host` → `scheme://user:***@host`.
    static func scrubbedURL(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let rest = url[schemeEnd.upperBound...]
        guard let at = rest.firstIndex(of: "@") else { return url }
        let credentials = rest[..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return url }
        return String(url[..<schemeEnd.upperBound]) + credentials[..<colon] + ":***" + rest[at...]
    }
}
