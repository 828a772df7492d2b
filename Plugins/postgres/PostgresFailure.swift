import ETLLibPQ
import CLibPQ
import ETLPluginKit

/// Turns libpq failures into `PluginError`s: PostgreSQL's message, detail and hint with the
/// SQLSTATE, and a status code the runtime can act on. Nothing the user's password could be
/// part of is quoted: the password is scrubbed from every message as a last line of defence.
enum PostgresFailure {
    /// The error of a failed statement result, `what` saying what was being done.
    static func error(of result: OpaquePointer?, connection: OpaquePointer, what: String, password: String?) -> PluginError {
        guard let result else {
            return lostConnection(connection, what: what, password: password)
        }
        let state = field(result, etl_pq_diag_sqlstate()) ?? ""
        var message = field(result, etl_pq_diag_message_primary()) ?? String(cString: PQresultErrorMessage(result))
        if let detail = field(result, etl_pq_diag_message_detail()) { message += " (\(detail))" }
        if let hint = field(result, etl_pq_diag_message_hint()) { message += "; hint: \(hint)" }
        if state.isEmpty && PQstatus(connection) != CONNECTION_OK {
            return lostConnection(connection, what: what, password: password)
        }
        let text = "\(what): \(message.oneLine)" + (state.isEmpty ? "" : " [SQLSTATE \(state)]")
        return PluginError(code(forSQLState: state), scrub(text, password: password))
    }

    /// The connection broke (server gone, network down). An I/O error, not ETL_RETRYABLE: the
    /// runtime reads a retryable `begin` as "the sink is busy" and waits for it, which suits a
    /// lock, not a server that is down.
    static func lostConnection(_ connection: OpaquePointer, what: String, password: String?) -> PluginError {
        let message = String(cString: PQerrorMessage(connection)).oneLine
        return .ioError(scrub("\(what): the connection to PostgreSQL failed: \(message)", password: password))
    }

    /// The code for a SQLSTATE: a deadlock, a serialization failure or a lock not available may
    /// succeed when retried; bad values are bad data; a missing privilege or object is the
    /// configuration's to fix.
    static func code(forSQLState state: String) -> PluginError.Code {
        if state == "55P03" { return .retryable } // lock_not_available
        switch state.prefix(2) {
        case "40": return .retryable // transaction rollback: deadlock, serialization failure
        case "53", "58": return .ioError // disk full, out of memory, system errors
        case "22", "23": return .badData // data exceptions, constraint violations
        case "28", "3D", "3F", "42": return .invalidConfig // credentials, database, schema, privilege or syntax
        default: return .ioError
        }
    }

    /// `text` with every occurrence of `password` replaced by `***`.
    static func scrub(_ text: String, password: String?) -> String {
        LibPQ.scrub(text, password: password)
    }

    private static func field(_ result: OpaquePointer, _ code: Int32) -> String? {
        guard let value = PQresultErrorField(result, code) else { return nil }
        let text = String(cString: value)
        return text.isEmpty ? nil : text
    }
}

extension String {
    /// libpq's messages end with a newline and continue on tab-indented lines; log lines are one
    /// line each, so line breaks become spaces.
    var oneLine: String {
        var out = ""
        var pendingSpace = false
        for character in self {
            if character == "\n" || character == "\t" || character == "\r" {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace && character != " " { out.append(" ") }
                pendingSpace = false
                out.append(character)
            }
        }
        return out
    }
}
