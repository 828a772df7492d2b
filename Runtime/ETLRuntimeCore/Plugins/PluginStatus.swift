import CETLPlugin

/// Names of the `etl_status` codes, for messages.
package enum PluginStatus {
    package static func name(_ status: etl_status) -> String {
        switch status {
        case ETL_OK: return "ok"
        case ETL_INVALID_CONFIG: return "invalid config"
        case ETL_IO_ERROR: return "I/O error"
        case ETL_BAD_DATA: return "bad data"
        case ETL_RETRYABLE: return "retryable"
        case ETL_UNSUPPORTED: return "unsupported"
        case ETL_INTERNAL: return "internal error"
        case ETL_CANCELLED: return "cancelled"
        default: return "status \(status)"
        }
    }
}
