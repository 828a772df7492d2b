import CETLPlugin

/// How a producer's failure keeps its `etl_status` across an `ArrowArrayStream`, whose
/// callbacks can only return errno values (C Stream Interface): each status has its own errno,
/// so the host can tell a wrong configuration (exit 78) from a network failure or bad data,
/// instead of seeing every failure as EIO ("Input/output error").
///
/// The pairs are those SDK/ABI.md ("Errors inside a stream") asks every plugin to use, so a C
/// plugin's stream is read the same way; an errno outside the list is an I/O error.
public enum StreamFailureCode {
    private static let pairs: [(status: etl_status, errno: Int32)] = [
        (ETL_INVALID_CONFIG, 22),  // EINVAL
        (ETL_IO_ERROR, 5),  // EIO
        (ETL_BAD_DATA, 84),  // EILSEQ
        (ETL_RETRYABLE, 11),  // EAGAIN
        (ETL_UNSUPPORTED, 95),  // ENOTSUP
        (ETL_INTERNAL, 71),  // EPROTO
        (ETL_CANCELLED, 125),  // ECANCELED
    ]

    /// The errno a stream callback returns for a failure with `status` (EIO when unknown).
    public static func errno(for status: etl_status?) -> Int32 {
        guard let status else { return 5 }
        return pairs.first { $0.status == status }?.errno ?? 5
    }

    /// The status a stream's errno stands for (ETL_IO_ERROR for one not in the list).
    public static func status(for errno: Int32) -> etl_status {
        pairs.first { $0.errno == errno }?.status ?? ETL_IO_ERROR
    }
}
