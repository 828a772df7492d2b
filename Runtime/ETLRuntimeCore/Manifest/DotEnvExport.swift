import Foundation

extension Manifest {
    /// Puts the `.env` variables that the process environment lacks into it (an exported
    /// variable still wins), so that plugins, which read `token_env`, `key_env`,
    /// `password_env` ... with `getenv`, and the worker processes started later see them: a
    /// cron job, which has none of a shell's exports, then authenticates as a shell would.
    /// Call before any plugin instance is created; `setenv` is not safe while other threads
    /// read the environment.
    package func exportDotEnv() {
        DotEnvFile.export(dotEnv)
    }
}

extension ManifestOutline {
    /// `Manifest.exportDotEnv` for the commands that read only the state: a state in PostgreSQL
    /// reads its `password_env` with `getenv`, as `run` does.
    package func exportDotEnv() {
        DotEnvFile.export(dotEnv)
    }
}

extension DotEnvFile {
    /// Sets each variable the process environment lacks, in name order.
    static func export(_ variables: [String: String]) {
        for (name, value) in variables.sorted(by: { $0.key < $1.key }) {
            setenv(name, value, 0)
        }
    }
}
