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
    }

    /// What kind of failure this is.
    public var kind: Kind
    /// The full, human-readable message.
    public var message: String
    /// For `.producerFailed`: the `etl_status` the producer's failure deserves (carried over a
    /// stream by `StreamFailureCode`), nil when unknown.
    public var producerStatus: etl_status?
    /// For `.producerFailed` read from a stream: the producer's own message (`get_last_error`),
    /// without the words about the callback that `message` adds.
    public var producerMessage: String?

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

    /// A producer's failure with the status it deserves (e.g. ETL_INVALID_CONFIG for a
    /// credential the API refused), so that it survives the trip through an `ArrowArrayStream`.
    public init(producerStatus status: etl_status, _ message: String) {
        self.kind = .producerFailed
        self.message = message
        self.producerStatus = status
        self.producerMessage = message
    }

    /// The message.
    public var description: String { message }

    /// The status a C API returns for this error: `ETL_UNSUPPORTED`, `ETL_BAD_DATA`,
    /// or `ETL_INTERNAL` for misuse, broken structures and failed producers.
    public var etlStatus: etl_status {
        switch kind {
        case .unsupported: ETL_UNSUPPORTED
        case .badData: ETL_BAD_DATA
        case .producerFailed: producerStatus ?? ETL_INTERNAL
        case .misuse, .invalidArray: ETL_INTERNAL
        }
    }
}
