import CETLPlugin
import CSQLite

/// Which failures an entry's `retry` tries again: those that may pass by themselves. The plugins
/// already say which these are with their status: `ETL_RETRYABLE` (a database busy or locked, a
/// deadlock, an ADBC timeout) and `ETL_IO_ERROR` (no answer from the network, a connection that
/// broke, HTTP 408/429/5xx once the plugin's own retries ran out). The state database being
/// busy is one too. Everything else would fail the same way again: a configuration mistake
/// (`ETL_INVALID_CONFIG`, a plugin that cannot be loaded, a transform), bad data
/// (`ETL_BAD_DATA`, too many rejects), an unsupported request, a bug (`ETL_INTERNAL`, a plugin
/// breaking the contract), a crash, or the entry's own `timeout`.
package enum RetryableFailure {
    package static func isRetryable(_ error: any Error) -> Bool {
        if let call = error as? PluginCallError {
            guard !EntryRunner.isConfigurationMistake(error) else { return false }
            return call.status == ETL_RETRYABLE || call.status == ETL_IO_ERROR
        }
        if let state = error as? StateDatabaseError {
            return state.kind == .failed && (state.code == SQLITE_BUSY || state.code == SQLITE_LOCKED)
        }
        return false
    }
}
