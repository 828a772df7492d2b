import CETLPlugin

/// A failure while building, exporting or importing Arrow data. The message says
/// what failed, where (column, row, callback) and how to fix it.
public struct ArrowError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is; it decides the `etl_status` a C caller sees.
    public enum Kind: Sendable, Hashable {
        /// A format or feature outside ABI 1 (e.g. `"U"` large utf8, dictionaries).
        case unsupported
        /// Input that cannot be read as declared (e.g. invalid UTF-8).
        case badData
        /// A caller broke the API's rules (no such column, wrong type, unequal lengths).
        case misuse
        /// An Arrow structure that breaks the C Data Interface (buffer counts, lengths).
        case invalidArray
        /// A stream or producer callback reported a failure.
        case producerFailed
        /// The producer cannot work as configured (ETL_INVALID_CONFIG: refused credentials, a
        /// setting the request needs): the user must fix the configuration, a retry will not help.
        /// An exported stream returns EINVAL for it (SDK/ABI.md, "Errors inside a stream").
        case invalidConfig
    }

    /// What kind of failure this is.
    public var kind: Kind
    /// The full, human-readable message.
    public var message: String
    /// The errno an imported stream's callback returned, for `.producerFailed`; nil otherwise.
    public var streamErrno: Int32?

    /// Creates an error of kind `.misuse` with `message`.
    public init(_ message: String) {
        self.kind = .misuse
        self.message = message
    }

    /// Creates an error of the given kind.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The message.
    public var description: String { message }

    /// The status a C API returns for this error: `ETL_UNSUPPORTED`, `ETL_BAD_DATA`,
    /// or `ETL_INTERNAL` for misuse, broken structures and failed producers.
    public var etlStatus: etl_status {
        switch kind {
        case .unsupported: ETL_UNSUPPORTED
        case .badData: ETL_BAD_DATA
        case .invalidConfig: ETL_INVALID_CONFIG
        case .misuse, .invalidArray, .producerFailed: ETL_INTERNAL
        }
    }
}
