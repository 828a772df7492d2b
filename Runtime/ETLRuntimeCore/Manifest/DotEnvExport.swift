import Foundation

extension Manifest {
    /// Puts the `.env` variables that the process environment lacks into it (an exported
    /// variable still wins), so that plugins, which read `token_env`, `key_env`,
    /// `password_env` ... with `getenv`, and the worker processes started later see them: a
    /// cron job, which has none of a shell's exports, then authenticates as a shell would.
    /// Call before any plugin instance is created; `setenv` is not safe while other threads
    /// read the environment.
    package func exportDotEnv() {
        for (name, value) in dotEnv.sorted(by: { $0.key < $1.key }) {
            setenv(name, value, 0)
        }
    }
}
