import CLibPQ
import Foundation

/// A direct libpq connection for tests to set up and inspect databases, independent of the
/// plugin's own connection code (so a bug there cannot hide itself).
public final class PostgresTestConnection {
    /// The failure of a statement or connection, with libpq's message.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    private let handle: OpaquePointer

    /// Connects with libpq keywords, e.g. ["host": folder, "port": "5432", "dbname": "t1"].
    public init(_ keywords: [String: String]) throws {
        let keys = Array(keywords.keys)
        let keyPointers = keys.map { strdup($0) } + [nil]
        let valuePointers = keys.map { strdup(keywords[$0]!) } + [nil]
        defer { (keyPointers + valuePointers).forEach { free($0) } }
        let connection = keyPointers.map { UnsafePointer($0) }.withUnsafeBufferPointer { keyBuffer in
            valuePointers.map { UnsafePointer($0) }.withUnsafeBufferPointer { valueBuffer in
                PQconnectdbParams(keyBuffer.baseAddress, valueBuffer.baseAddress, 0)
            }
        }
        guard let connection else { throw Failure(description: "PQconnectdbParams returned NULL (out of memory)") }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(connection))
            PQfinish(connection)
            throw Failure(description: message)
        }
        handle = connection
    }

    deinit { PQfinish(handle) }

    /// Runs one or more statements, throwing on the first error.
    public func execute(_ sql: String) throws {
        _ = try rows(sql)
    }

    /// The rows of the (last) statement's result, every value as PostgreSQL's text form (nil for NULL).
    public func rows(_ sql: String) throws -> [[String?]] {
        guard let result = PQexec(handle, sql) else { throw Failure(description: String(cString: PQerrorMessage(handle))) }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            throw Failure(description: "\(sql): \(String(cString: PQresultErrorMessage(result)))")
        }
        var rows: [[String?]] = []
        for row in 0..<PQntuples(result) {
            rows.append((0..<PQnfields(result)).map { column in
                PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
            })
        }
        return rows
    }

    /// The first column of the first row (nil for NULL or no row).
    public func scalar(_ sql: String) throws -> String? {
        try rows(sql).first?.first ?? nil
    }
}
