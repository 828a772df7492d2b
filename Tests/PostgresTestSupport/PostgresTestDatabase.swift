import Foundation

/// A database of its own for one test, created in the process's throwaway cluster.
public final class PostgresTestDatabase {
    /// The cluster.
    public let server: PostgresTestServer
    /// The database's name (`t_<random>`).
    public let name: String
    /// A superuser connection to it, for setting up and checking.
    public let connection: PostgresTestConnection

    /// Creates a fresh, empty database; `owner` (e.g. the password role) owns it when given.
    public init(owner: String? = nil) throws {
        server = try PostgresTestServer.require()
        name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        let admin = try PostgresTestConnection(server.keywords(database: "postgres"))
        try admin.execute("CREATE DATABASE \(name)" + (owner.map { " OWNER \($0)" } ?? ""))
        connection = try PostgresTestConnection(server.keywords(database: name))
    }

    /// libpq keywords reaching this database over the socket as the superuser.
    public var keywords: [String: String] { server.keywords(database: name) }

    /// A `postgres` sink config reaching this database over the socket as the trusted superuser,
    /// with extra members appended (", \"schema\": \"stage\"").
    public func sinkConfig(_ extra: String = "") -> String {
        "{\"host\": \(Self.quoted(server.socketFolder)), \"port\": \(server.port), \"dbname\": \"\(name)\", \"user\": \"\(server.superuser)\"\(extra)}"
    }

    /// A postgresql:// URL over TCP on 127.0.0.1 for `user` (no password in it).
    public func url(user: String? = nil) -> String {
        "postgresql://\(user ?? server.superuser)@127.0.0.1:\(server.port)/\(name)"
    }

    /// `text` as a JSON string literal.
    public static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

extension PostgresTestServer {
    /// libpq keywords for `database` over the socket as the superuser.
    public func keywords(database: String) -> [String: String] {
        ["host": socketFolder, "port": port, "user": superuser, "dbname": database]
    }
}
