import CADBC
import ETLPluginKit

/// Calls into a driver and turns a failed status into a PluginError saying what we were doing,
/// the driver's message (with every secret scrubbed: drivers often echo the connection URI) and
/// its SQLSTATE when it gave one.
enum ADBCCall {
    static func check(_ operation: String, scrubber: SecretScrubber,
                      _ body: (UnsafeMutablePointer<AdbcError>) -> AdbcStatusCode) throws(PluginError) {
        var error = AdbcError()
        let status = body(&error)
        defer { error.release?(&error) }
        guard status != AdbcStatusCode(ADBC_STATUS_OK) else { return }
        throw failure(operation, status: status, error: error, scrubber: scrubber)
    }

    static func failure(_ operation: String, status: AdbcStatusCode, error: AdbcError, scrubber: SecretScrubber) -> PluginError {
        var detail = error.message.map { String(cString: $0) } ?? "no message"
        detail = scrubber.scrub(detail).split(whereSeparator: \.isNewline).joined(separator: " ")
        let state = withUnsafeBytes(of: error.sqlstate) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
        let suffix = state.isEmpty ? "" : " (SQLSTATE \(state))"
        // SQLSTATE class 28 (invalid authorization) is a credential to fix, not a failure to retry.
        // SQLite's lock contention reaches us as ADBC_STATUS_INTERNAL (or INVALID_ARGUMENT when
        // met while preparing) with SQLite's own text: another writer, so worth retrying.
        // Drivers that report a refused login without a SQLSTATE (the PostgreSQL driver gives
        // ADBC_STATUS_IO) are known by the server's words, so validate refuses it like run would.
        let refusedLogin = refusedLoginPhrases.contains { detail.lowercased().contains($0) }
        let code: PluginError.Code = state.hasPrefix("28") || refusedLogin ? .invalidConfig
            : detail.contains("database is locked") ? .retryable : code(for: status)
        return PluginError(code, "\(operation) failed: \(name(of: status)): \(detail)\(suffix)")
    }

    /// What servers say when they refuse credentials (PostgreSQL, MySQL, Snowflake, BigQuery's OAuth).
    static let refusedLoginPhrases = ["password authentication failed", "no password supplied", "authentication failed",
                                      "access denied for user", "incorrect username or password", "invalid_grant"]

    /// The spec's name of a status code, e.g. ADBC_STATUS_NOT_FOUND.
    static func name(of status: AdbcStatusCode) -> String {
        let names = ["OK", "UNKNOWN", "NOT_IMPLEMENTED", "NOT_FOUND", "ALREADY_EXISTS", "INVALID_ARGUMENT", "INVALID_STATE",
                     "INVALID_DATA", "INTEGRITY", "INTERNAL", "IO", "CANCELLED", "TIMEOUT", "UNAUTHENTICATED", "UNAUTHORIZED"]
        return Int(status) < names.count ? "ADBC_STATUS_\(names[Int(status)])" : "ADBC status \(status)"
    }

    /// Our error class for a driver status: what the runtime does next depends on it (a
    /// retryable failure is retried with backoff, a config error is not).
    static func code(for status: AdbcStatusCode) -> PluginError.Code {
        switch Int32(status) {
        case ADBC_STATUS_NOT_IMPLEMENTED: .unsupported
        case ADBC_STATUS_NOT_FOUND, ADBC_STATUS_ALREADY_EXISTS, ADBC_STATUS_INVALID_ARGUMENT,
             ADBC_STATUS_UNAUTHENTICATED, ADBC_STATUS_UNAUTHORIZED: .invalidConfig
        case ADBC_STATUS_INVALID_DATA, ADBC_STATUS_INTEGRITY: .badData
        case ADBC_STATUS_IO, ADBC_STATUS_TIMEOUT: .retryable
        case ADBC_STATUS_CANCELLED: .cancelled
        case ADBC_STATUS_INTERNAL: .internalError
        default: .ioError
        }
    }
}
